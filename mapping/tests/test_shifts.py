"""Daily rest from shift schedules: the rule by hand, the import through HTTP and the command.

Issue 16's "Why": a TimeCare/Heroma-style shift list of 425 shifts for 40 people went
in "successfully" as 425 survey respondents and daily rest said "Inga svar", yet 24 of
the 40 had under 11 h between two shifts once commute time is counted. The generator
in :mod:`mapping.tests.shift_files` builds that list with the 24 known by construction.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubplan.models import Job, StoredFileChunk
from mapping import shifts
from mapping.models import ShiftImport, ShiftRestGroup
from mapping.tests.shift_files import UNITS, generate

# --- The rule, by hand ---------------------------------------------------------------------


def at(y: int, m: int, d: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time, as the shift lists hold them (no time zone)."""
    return datetime.combine(date(y, m, d), time(hour, minute))


def test_an_evening_shift_to_2130_then_a_day_shift_at_0700_with_45_minutes_each_way_leaves_8_h():
    _begins, evening_end = shifts.shift_times(date(2025, 3, 4), time(13, 30), time(21, 30))
    morning_start, _ends = shifts.shift_times(date(2025, 3, 5), time(7, 0), time(16, 0))
    # 21:30 → 07:00 is 9 h 30 = 570 min; less 2 × 45 = 480 min.
    rest = shifts.rest_minutes(evening_end, morning_start, 45, 45)
    assert rest == 480
    assert shifts.hours_minutes(rest) == "8 h 00"
    assert shifts.is_short(rest)


def test_a_night_shift_ends_the_next_morning():
    begins, ends = shifts.shift_times(date(2025, 3, 4), time(21, 0), time(7, 15))
    assert (begins, ends) == (at(2025, 3, 4, 21, 0), at(2025, 3, 5, 7, 15))
    # Back at 21:00 the same evening: 13 h 45 = 825 min, less 2 × 30 = 765.
    nxt, _ = shifts.shift_times(date(2025, 3, 5), time(21, 0), time(7, 15))
    assert shifts.rest_minutes(ends, nxt, 30, 30) == 765


def test_a_shift_ending_at_its_start_time_lasts_24_hours():
    begins, ends = shifts.shift_times(date(2025, 3, 4), time(8, 0), time(8, 0))
    assert (ends - begins).total_seconds() == 24 * 3600


def test_exactly_eleven_hours_is_enough_and_a_minute_less_is_not():
    assert not shifts.is_short(660)
    assert shifts.is_short(659)
    # 16:00 → 04:00 is 12 h; 30 min each way leaves exactly 11 h.
    end = at(2025, 3, 4, 16, 0)
    assert shifts.rest_minutes(end, at(2025, 3, 5, 4, 0), 30, 30) == 660


def test_different_travel_times_count_the_way_home_and_the_way_back():
    end, start = at(2025, 3, 4, 21, 30), at(2025, 3, 5, 9, 0)  # 690 min
    assert shifts.rest_minutes(end, start, 20, 50) == 620


def test_a_gap_shorter_than_the_two_commutes_leaves_no_rest():
    assert shifts.rest_minutes(at(2025, 3, 4, 16), at(2025, 3, 4, 17), 45, 45) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:00", time(7, 0)),
        ("7.00", time(7, 0)),
        ("0700", time(7, 0)),
        ("21:30:00", time(21, 30)),
        ("1900-01-01 21:30:00", time(21, 30)),
        ("0,3125", time(7, 30)),
        ("24:00", time(0, 0)),
    ],
)
def test_clock_times_are_read_as_the_exports_write_them(text, expected):
    assert shifts.parse_clock(text) == expected


@pytest.mark.parametrize("text", ["25:00", "7", "07:60", "kväll", "1,5", "-0,1"])
def test_what_is_not_a_clock_time_is_refused(text):
    with pytest.raises(ValueError, match=re.escape(text)):
        shifts.parse_clock(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04", date(2025, 3, 4)),
        ("2025-03-04 00:00:00", date(2025, 3, 4)),
        ("20250304", date(2025, 3, 4)),
        ("4.3.2025", date(2025, 3, 4)),
        ("45720", date(2025, 3, 4)),
    ],
)
def test_dates_are_read_as_the_exports_write_them(text, expected):
    assert shifts.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("45", 45), ("45 min", 45), ("0:45", 45), ("1:05", 65), ("30,0", 30)]
)
def test_minutes_are_read_as_numbers_or_hours_and_minutes(text, expected):
    assert shifts.parse_minutes(text) == expected


@pytest.mark.parametrize("text", ["12,5", "x", "1:75"])
def test_what_is_not_whole_minutes_is_refused(text):
    with pytest.raises(ValueError, match=re.escape(text)):
        shifts.parse_minutes(text)


def _shift(person, employer, unit, begins, ends, travel, row=2):
    return shifts.Shift(
        row=row,
        person=(employer, person),
        employer=employer,
        employer_kind="region",
        unit=unit,
        begins=begins,
        ends=ends,
        travel=travel,
    )


def test_people_are_counted_not_shifts_and_a_rest_belongs_to_the_unit_of_the_next_shift():
    d = at
    rows = [
        # Anna: two quick returns, the second into unit B; she counts once overall.
        _shift("1", "R", "A", d(2025, 3, 3, 13, 30), d(2025, 3, 3, 21, 30), 45),
        _shift("1", "R", "A", d(2025, 3, 4, 7), d(2025, 3, 4, 16), 45),  # 480
        _shift("1", "R", "A", d(2025, 3, 5, 13, 30), d(2025, 3, 5, 21, 30), 45),  # 1290
        _shift("1", "R", "B", d(2025, 3, 6, 7), d(2025, 3, 6, 16), 45),  # 480
        # Bo: one shift a day 07–16, 30 min each way: 15 h - 1 h = 14 h, never short.
        _shift("2", "R", "A", d(2025, 3, 3, 7), d(2025, 3, 3, 16), 30),
        _shift("2", "R", "A", d(2025, 3, 4, 7), d(2025, 3, 4, 16), 30),
    ]
    s = shifts.summarise(rows)
    assert (s.shifts, s.people, s.people_short, s.short_rests, s.worst_rest_minutes) == (
        6,
        2,
        1,
        2,
        480,
    )
    by_key = {(g.employer, g.unit): g for g in s.groups}
    a, b, whole = by_key[("R", "A")], by_key[("R", "B")], by_key[("R", "")]
    assert (a.people, a.people_short, a.short_rests, a.worst_rest_minutes) == (2, 1, 1, 480)
    assert (b.people, b.people_short, b.short_rests, b.worst_rest_minutes) == (1, 1, 1, 480)
    # The employer as a whole counts Anna once, though she works in two units.
    assert (whole.people, whole.people_short, whole.short_rests) == (2, 1, 2)


# --- The generated shift list ----------------------------------------------------------------


@pytest.fixture(scope="module")
def shift_list():
    return generate()


def _expected_by_unit(shift_list):
    out = {}
    for p in shift_list.people:
        g = out.setdefault((p.employer, p.unit), {"people": 0, "short": 0, "rests": 0})
        g["people"] += 1
        g["short"] += bool(p.short_rests)
        g["rests"] += p.short_rests
    return out


def _check_figures(schedule, shift_list):
    assert schedule.shift_count == 425
    assert schedule.people == 40
    assert schedule.people_short == 24
    assert schedule.short_rests == sum(p.short_rests for p in shift_list.people)
    assert schedule.worst_rest_minutes == 480  # the hand-checked case is the worst
    expected = _expected_by_unit(shift_list)
    units = {
        (g.employer, g.unit): {"people": g.people, "short": g.people_short, "rests": g.short_rests}
        for g in schedule.groups.exclude(unit="")
    }
    assert units == expected
    employers = {g.employer: g.people for g in schedule.groups.filter(unit="")}
    assert employers == {
        "Region Jämtland Härjedalen": 20,
        "Östersunds kommun": 10,
        "Krokoms kommun": 10,
    }
    kinds = dict(schedule.groups.filter(unit="").values_list("employer", "employer_kind"))
    assert kinds["Region Jämtland Härjedalen"] == "region"
    assert kinds["Krokoms kommun"] == "municipality"


def test_the_generator_builds_the_issues_file(shift_list):
    assert shift_list.n_shifts() == 425
    assert len(shift_list.people) == 40
    assert sum(1 for p in shift_list.people if p.short_rests) == 24
    night = sum(1 for p in shift_list.people for b, e, _ in p.shifts if e.date() > b.date())
    assert night > 20
    assert len({p.travel for p in shift_list.people}) > 10


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_planner_imports_the_shift_list_and_reads_24_of_40_people_with_a_short_rest(
    client_for, planner, viewer, reference_data, shift_list, fmt
):
    data = shift_list.csv_bytes() if fmt == "csv" else shift_list.xlsx_bytes()
    response = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Schema v. 10–13", "file": SimpleUploadedFile(f"schema.{fmt}", data)},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # The import ran as a job (inline here); its page goes on to the report.
    job = Job.objects.get(kind="mapping.shift_import")
    assert response["Location"] == f"{reverse('surveys:shift-import')}?job={job.pk}"
    assert (job.status, job.user, job.params["name"]) == ("done", planner, "Schema v. 10–13")
    schedule = ShiftImport.objects.get()
    assert job.result["next"] == schedule.get_absolute_url()
    followed = client_for(planner).get(response["Location"])
    assert followed["Location"] == schedule.get_absolute_url()
    assert not StoredFileChunk.objects.exists()  # the upload is removed once read
    _check_figures(schedule, shift_list)
    assert schedule.user == planner
    assert schedule.file_name == f"schema.{fmt}"
    assert (schedule.first_date.year, schedule.first_date.month) == (2025, 3)
    page = client_for(viewer).get(schedule.get_absolute_url()).content.decode()
    assert "24 (60,0 %)" in page
    assert "8 h 00" in page
    assert 'id="rest-chart"' in page
    listing = client_for(viewer).get(reverse("surveys:shift-list")).content.decode()
    assert "Schema v. 10–13" in listing
    assert "60,0" in listing


@pytest.mark.django_db
def test_the_command_imports_the_same_figures(reference_data, shift_list, tmp_path):
    path = tmp_path / "heroma.csv"
    path.write_bytes(shift_list.csv_bytes())
    out = io.StringIO()
    call_command("import_shifts", str(path), name="Heroma mars", stdout=out)
    schedule = ShiftImport.objects.get(name="Heroma mars")
    _check_figures(schedule, shift_list)
    assert schedule.user is None
    assert "425 pass för 40 personer" in out.getvalue()
    assert "24 personer" in out.getvalue()
    assert "8 h 00" in out.getvalue()


@pytest.mark.django_db
def test_no_person_id_or_shift_is_stored(client_for, planner, reference_data, shift_list):
    # Ids nothing else holds, and a name column as Heroma exports it, which is never read.
    lines = shift_list.csv_bytes().decode("cp1252").split("\r\n")
    lines = [lines[0] + ";Namn"] + [f"TC-{line};Anna Andersson" for line in lines[1:] if line]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    assert "TC-1001;" in lines[1] or any("TC-1001;" in line for line in lines)
    client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Schema", "file": SimpleUploadedFile("schema.csv", data)},
    )
    assert ShiftImport.objects.count() == 1
    stored = [
        str(v)
        for model in (ShiftImport, ShiftRestGroup)
        for row in model.objects.values_list()
        for v in row
    ]
    assert stored
    assert not [v for v in stored if "TC-" in v]
    assert not [v for v in stored if "Anna" in v]
    assert ShiftImport.objects.get().people == 40
    assert not [v for v in stored if v in {"Krokom", "2361", "Åre"}]  # home kommuner neither


# --- Refused, with rows and columns -----------------------------------------------------------

HEADER = "Anst.nr;Arbetsgivare;Enhet;Hemkommun;Arbetsplatskommun;Restid;Datum;Start;Slut;Rast"


def _csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252")


@pytest.mark.django_db
def test_a_file_with_errors_is_refused_whole_with_errors_grouped_by_column(
    client_for, planner, reference_data
):
    data = _csv(
        "1;Region Jämtland Härjedalen;Akuten;Krokom;Östersund;45;2025-03-04;07:00;16:00;45",
        "1;Region Jämtland Härjedalen;Akuten;Krokom;Östersund;45;2025-03-05;7:00;kväll;45",
        "2;Region Jämtland Härjedalen;Akuten;Malmöö;Östersund;;2025-03-05;07:00;16:00;45",
        "3;Region Jämtland Härjedalen;Akuten;Krokom;Östersund;30;2025-02-30;07:00;16:00;45",
        "4;Region Jämtland Härjedalen;Akuten;Krokom;Östersund;30;2025-03-04;07:00;16:00;45",
        "4;Region Jämtland Härjedalen;Akuten;Krokom;Östersund;30;2025-03-04;12:00;20:00;45",
        "5;Region Jämtland Härjedalen;Akuten;Krokom;Östersund;30;2025-03-04;08:00;09:00;60",
    )
    response = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Fel", "file": SimpleUploadedFile("fel.csv", data)},
        follow=True,
    )
    assert response.status_code == 200
    assert not ShiftImport.objects.exists()
    assert not ShiftRestGroup.objects.exists()
    groups = {
        (g.column, g.count, tuple(r for r, _v in g.first)) for g in response.context["error_groups"]
    }
    assert ("Slut", 1, (3,)) in groups
    assert ("Hemkommun", 1, (4,)) in groups
    assert ("Restid", 1, (4,)) in groups
    assert ("Datum", 1, (5,)) in groups
    assert ("Start", 1, (7,)) in groups  # overlaps row 6
    assert ("Rast", 1, (8,)) in groups
    page = response.content.decode()
    assert "Inget importerades" in page
    assert "rad 7" in page
    assert "Passet börjar innan personens föregående pass slutar (rad 6)." in page


@pytest.mark.django_db
def test_a_file_without_the_travel_time_column_is_refused_naming_it(
    client_for, planner, reference_data
):
    data = b"Anst.nr;Arbetsgivare;Enhet;Datum;Start;Slut\r\n1;Region;A;2025-03-04;07:00;16:00\r\n"
    response = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Utan restid", "file": SimpleUploadedFile("s.csv", data)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Kolumnen Restid enkel väg (min) saknas i filen." in response.content.decode()
    assert not ShiftImport.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_broken_file_and_writes_nothing(reference_data, tmp_path):
    path = tmp_path / "fel.csv"
    path.write_bytes(_csv("1;Region;A;Krokom;Östersund;45;2025-03-04;07:00;25:00;0"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Inget importerades"):
        call_command("import_shifts", str(path), name="Fel", stderr=err)
    assert "Kolumn Slut" in err.getvalue()
    assert "rad 2" in err.getvalue()
    assert not ShiftImport.objects.exists()


# --- Small groups ------------------------------------------------------------------------------


def _small_file() -> bytes:
    """Unit A has 3 people, unit B 6, one employer: every second person a quick return."""
    rows = []
    for n in range(9):
        unit = "A" if n < 3 else "B"
        rows.append(
            f"{n};Region Jämtland Härjedalen;{unit};Krokom;Östersund;30;2025-03-04;13:30;21:30;30"
        )
        start = "07:00" if n % 2 else "12:00"
        rows.append(
            f"{n};Region Jämtland Härjedalen;{unit};Krokom;Östersund;30;2025-03-05;{start};16:00;30"
        )
    return _csv(*rows)


@pytest.mark.django_db
def test_a_unit_of_fewer_than_five_is_hidden_from_a_viewer_with_the_unit_that_would_give_it_away(
    client_for, planner, viewer, hr_user, reference_data
):
    call = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Litet", "file": SimpleUploadedFile("litet.csv", _small_file())},
    )
    assert call.status_code == 302
    url = ShiftImport.objects.get().get_absolute_url()
    as_viewer = client_for(viewer).get(url).context
    units = {r["unit"]: r for r in as_viewer["unit_rows"]}
    assert units["A"]["people"] is None
    assert units["A"]["worst"] is None
    # B alone would give A away by subtraction from the employer's row.
    assert units["B"]["people"] is None
    assert as_viewer["employer_rows"][0]["people"] == 9
    assert "chart" not in as_viewer
    as_hr = client_for(hr_user).get(url).context
    units = {r["unit"]: r for r in as_hr["unit_rows"]}
    assert (units["A"]["people"], units["A"]["people_short"]) == (3, 1)
    assert (units["B"]["people"], units["B"]["people_short"]) == (6, 3)
    assert units["A"]["worst"] == "8 h 30"  # 21:30 → 07:00 less 2 × 30


@pytest.mark.django_db
def test_the_unit_table_exports_with_the_same_cells_hidden_as_the_page(
    client_for, planner, viewer, hr_user, reference_data
):
    client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Litet", "file": SimpleUploadedFile("litet.csv", _small_file())},
    )
    url = ShiftImport.objects.get().get_absolute_url()
    as_viewer = client_for(viewer).get(url, {"format": "csv"}).content.decode("utf-8-sig")
    as_hr = client_for(hr_user).get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Särskilt" not in as_hr  # only this import's units
    viewer_a = next(line for line in as_viewer.splitlines() if ";A;" in line)
    hr_a = next(line for line in as_hr.splitlines() if ";A;" in line)
    assert viewer_a.split(";")[3:] == ["", "", "", "", ""]
    assert hr_a.split(";")[3:] == ["3", "1", "33,3", "1", "510"]
    assert client_for(viewer).get(url, {"format": "pdf"}).status_code == 404
    xlsx = client_for(viewer).get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")


# --- Queries, pages, links ---------------------------------------------------------------------


def _make(n_groups: int, i: int = 0) -> ShiftImport:
    s = ShiftImport.objects.create(
        name=f"Schema {i}",
        first_date=date(2025, 3, 3),
        last_date=date(2025, 3, 30),
        shift_count=100,
        people=50,
        people_short=20,
        short_rests=30,
        worst_rest_minutes=480,
    )
    ShiftRestGroup.objects.bulk_create(
        ShiftRestGroup(
            schedule=s,
            employer=UNITS[0][0],
            employer_kind="region",
            unit=f"Enhet {k}" if k else "",
            people=10,
            people_short=4,
            short_rests=5,
            worst_rest_minutes=500,
        )
        for k in range(n_groups)
    )
    return s


@pytest.mark.django_db
def test_the_list_and_report_pages_cost_the_same_queries_for_more_data(
    client_for, viewer, reference_data
):
    client = client_for(viewer)
    small = _make(2)
    client.get(reverse("surveys:shift-list"))  # warm the session
    with CaptureQueriesContext(connection) as list_small:
        assert client.get(reverse("surveys:shift-list")).status_code == 200
    with CaptureQueriesContext(connection) as detail_small:
        assert client.get(small.get_absolute_url()).status_code == 200
    large = _make(15, 1)
    for i in range(2, 10):
        _make(3, i)
    with CaptureQueriesContext(connection) as list_large:
        assert client.get(reverse("surveys:shift-list")).status_code == 200
    with CaptureQueriesContext(connection) as detail_large:
        assert client.get(large.get_absolute_url()).status_code == 200
    assert len(list_small) == len(list_large) <= 10
    assert len(detail_small) == len(detail_large) <= 10


@pytest.mark.django_db
def test_the_survey_pages_link_to_the_daily_rest_from_schedules(client_for, viewer, reference_data):
    from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory

    survey_round = SurveyRoundFactory()
    SurveyResponseFactory(round=survey_round)
    link = reverse("surveys:shift-list")
    client = client_for(viewer)
    assert link in client.get(survey_round.get_absolute_url()).content.decode()
    assert link in client.get(reverse("surveys:round-list")).content.decode()


@pytest.mark.django_db
def test_a_planner_deletes_an_import_with_its_figures(client_for, planner, reference_data):
    s = _make(3)
    response = client_for(planner).post(reverse("surveys:shift-delete", args=[s.pk]))
    assert response.status_code == 302
    assert not ShiftImport.objects.exists()
    assert not ShiftRestGroup.objects.exists()


@pytest.mark.django_db
def test_a_viewer_may_read_but_not_import(client_for, viewer, reference_data, shift_list):
    client = client_for(viewer)
    assert client.get(reverse("surveys:shift-import")).status_code == 403
    response = client.post(
        reverse("surveys:shift-import"),
        {"name": "X", "file": SimpleUploadedFile("s.csv", shift_list.csv_bytes())},
    )
    assert response.status_code == 403
    assert not ShiftImport.objects.exists()
    assert not Job.objects.exists()
    assert not StoredFileChunk.objects.exists()


@pytest.mark.django_db
def test_a_pass_list_with_one_time_column_reads_start_and_end_from_it(
    client_for, planner, reference_data
):
    header = "Anst.nr;Arbetsgivare;Enhet;Restid;Datum;Tid;Rast"
    rows = [f"{n};Östersunds kommun;Hemtjänsten;45;2025-03-04;13:30-21:30;30" for n in range(5)]
    rows += [f"{n};Östersunds kommun;Hemtjänsten;45;2025-03-05;07:00 – 16:00;45" for n in range(5)]
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")
    response = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Passlista", "file": SimpleUploadedFile("pass.csv", data)},
    )
    assert response.status_code == 302
    schedule = ShiftImport.objects.get()
    assert (schedule.people, schedule.people_short, schedule.worst_rest_minutes) == (5, 5, 480)


@pytest.mark.django_db
def test_a_time_column_that_is_not_a_range_is_refused_naming_it(
    client_for, planner, reference_data
):
    data = (
        "Anst.nr;Arbetsgivare;Enhet;Restid;Datum;Tid\r\n"
        "1;Östersunds kommun;Hemtjänsten;45;2025-03-04;kväll\r\n"
        "2;Östersunds kommun;Hemtjänsten;45;2025-03-04;\r\n"
    ).encode()
    response = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Passlista", "file": SimpleUploadedFile("pass.csv", data)},
        follow=True,
    )
    assert response.status_code == 200
    groups = {(g.column, g.count, g.first[0][0]) for g in response.context["error_groups"]}
    assert groups == {("Tid", 1, 2), ("Tid", 1, 3)}
    assert not ShiftImport.objects.exists()


@pytest.mark.django_db
def test_a_title_row_above_the_header_is_skipped_and_errors_name_the_spreadsheet_row(
    client_for, planner, reference_data
):
    data = _csv("1;Region;Akuten;Krokom;Östersund;45;2025-03-04;07:00;25:00;0")
    data = "Schema Akuten 2025-03-03 – 2025-03-30\r\n".encode("cp1252") + data
    response = client_for(planner).post(
        reverse("surveys:shift-import"),
        {"name": "Med rubrik", "file": SimpleUploadedFile("rubrik.csv", data)},
        follow=True,
    )
    assert response.status_code == 200
    groups = {(g.column, g.first[0][0]) for g in response.context["error_groups"]}
    assert groups == {("Slut", 3)}


@pytest.mark.django_db
def test_an_import_of_fewer_than_five_people_shows_no_figures_to_a_viewer(
    client_for, viewer, hr_user, reference_data
):
    s = _make(1)
    ShiftImport.objects.filter(pk=s.pk).update(people=3, people_short=1)
    as_viewer = client_for(viewer).get(reverse("surveys:shift-list")).context["rows"][0]
    assert (as_viewer["people"], as_viewer["share"], as_viewer["worst"]) == (None, None, None)
    total = client_for(viewer).get(s.get_absolute_url()).context["total"]
    assert set(total.values()) == {None}
    as_hr = client_for(hr_user).get(reverse("surveys:shift-list")).context["rows"][0]
    assert (as_hr["people"], as_hr["share"], as_hr["worst"]) == (3, 33.3, "8 h 00")


@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_the_import_page_shows_progress_then_goes_on_to_the_report(
    client_for, planner, reference_data, shift_list, tmp_path, settings
):
    from hubplan.tests.processes import wait_until, worker

    settings.HUBPLAN_JOBS_INLINE = False
    client = client_for(planner)
    response = client.post(
        reverse("surveys:shift-import"),
        {"name": "På arbetsprocessen", "file": SimpleUploadedFile("s.csv", shift_list.csv_bytes())},
    )
    job = Job.objects.get()
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    assert 'class="job-progress' in waiting.content.decode()
    with worker(tmp_path / "worker.log"):
        wait_until(lambda: not Job.objects.get(pk=job.pk).is_active, deadline=60, what="the import")
    job.refresh_from_db()
    assert job.status == "done", job.message
    schedule = ShiftImport.objects.get()
    assert client.get(response["Location"])["Location"] == schedule.get_absolute_url()
    _check_figures(schedule, shift_list)
    assert schedule.user == planner
    assert not StoredFileChunk.objects.exists()
