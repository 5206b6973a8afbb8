"""Survey files as Netigate, Esmaker and Microsoft Forms write them (issue 16, point 3).

Each test builds its own file the way the tool exports it: title rows above the
header, the full question as the header, answers such as "Ja, absolut" and "Vet ej",
empty trailing columns, and the Swedish-Excel CSV twin (Windows-1252, ";", CRLF).

The answers of every file are the issue's: of 2 000 rows, 800 "Ja, absolut",
286 "Ja, kanske", 194 "Ja", 622 "Nej" and 98 "Vet ej". By hand:

- without recoding, 800 + 286 + 98 = 1 184 rows are refused; the 816 valid rows hold
  194 positive of 816 answered = 23.77… → 23.8 %;
- recoded ("Ja, absolut" → ja, "Ja, kanske" → kanske, "Vet ej" → unanswered), the
  positive answers are 800 + 286 + 194 = 1 280 of 2 000 - 98 = 1 902 answered:
  1 280 / 1 902 = 67.297… → 67.3 %.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from hubplan.tabular import read_table
from mapping import imports, selectors, services
from mapping.analysis import share
from mapping.models import SurveyImport, SurveyImportProfile, SurveyResponse, SurveyRound
from mapping.tests.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"Ja, absolut": 800, "Ja, kanske": 286, "Ja": 194, "Nej": 622, "Vet ej": 98}
ROWS = sum(ANSWERS.values())
TITLE = ["Medarbetarenkät: pendling och lokala hubbar 2024"]
EXPORTED = ["Exporterad 2024-05-02 08:14 av Netigate"]
QUESTIONS = [
    "Respondent-ID",
    "Vilken kommun bor du i?",
    "I vilken kommun ligger din arbetsplats?",
    "Hur långt har du till arbetet (km, enkel väg)?",
    "Hur tar du dig oftast till arbetet?",
    "Skulle du vilja arbeta från en lokal hubb några dagar i veckan?",
]
MAPPING = {
    "home_municipality": QUESTIONS[1],
    "workplace_municipality": QUESTIONS[2],
    "distance_km": QUESTIONS[3],
    "mode": QUESTIONS[4],
    "hub_interest": QUESTIONS[5],
}
MODES = ["Bil", "Buss", "Tåg", "Cykel eller gång"]
CODING = {
    "hub_interest": {"Ja, absolut": "yes", "Ja, kanske": "maybe", "Vet ej": ""},
    "mode": {"Cykel eller gång": "bike_walk"},
}


def answers_in_order(seed: int = 16) -> list[str]:
    answers = [a for a, n in ANSWERS.items() for _ in range(n)]
    random.Random(seed).shuffle(answers)
    return answers


def survey_rows() -> list[list]:
    """The 2 000 answers: kommuner by name and code, distances with a decimal."""
    homes = ["Krokom", "Östersund", "Bräcke", "2309", "Åre"]
    rows = []
    for i, interest in enumerate(answers_in_order()):
        rows.append(
            [
                f"R{i + 1:05d}",
                homes[i % len(homes)],
                "Östersund" if i % 3 else "Krokom",
                12.5 + i % 40,
                MODES[i % len(MODES)],
                interest,
            ]
        )
    return rows


def netigate_xlsx() -> bytes:
    """Netigate/Esmaker: two title rows and a blank row above the header, the full
    questions as headers, and two empty columns Excel keeps formatted at the end."""
    book = Workbook()
    sheet = book.active
    sheet.append(TITLE)
    sheet.append(EXPORTED)
    sheet.append([])
    sheet.append([*QUESTIONS, None, None])
    for row in survey_rows():
        sheet.append([*row, None, None])
    sheet.cell(row=5, column=8).number_format = "0,00"  # a formatted empty cell
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def netigate_csv() -> bytes:
    """The same export as Swedish Excel saves it: Windows-1252, ";", CRLF, decimal
    commas, the title rows kept and ";;" for the empty trailing columns."""
    lines = [";".join(TITLE), ";".join(EXPORTED), "", ";".join(QUESTIONS) + ";;"]
    for row in survey_rows():
        cells = [str(c).replace(".", ",") if isinstance(c, float) else c for c in row]
        lines.append(";".join(cells) + ";;")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


FORMS_HEADERS = [
    "ID",
    "Starttid",
    "Tid för slutförande",
    "E-post",
    "Namn",
    "Vilken kommun bor du i?",
    "I vilken kommun ligger din arbetsplats?",
    "Hur tar du dig oftast till arbetet?",
    "Skulle du vilja arbeta från en lokal hubb några dagar i veckan?",
]


def forms_xlsx() -> bytes:
    """Microsoft Forms: the header on row 1, ID, times, e-mail and name columns
    (anonymous: blank), then one column per question."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(FORMS_HEADERS)
    start = dt.datetime(2024, 4, 15, 8, 0)  # noqa: DTZ001 - Forms writes local time without a zone
    for i, interest in enumerate(answers_in_order(seed=5)):
        when = start + dt.timedelta(minutes=7 * i)
        sheet.append(
            [
                i + 1,
                when,
                when + dt.timedelta(minutes=3),
                "anonymous",
                None,
                "Krokom" if i % 2 else "Östersund",
                "Östersund",
                MODES[i % len(MODES)],
                interest,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def interest_counts(survey_round) -> dict[str, int]:
    rows = SurveyResponse.objects.filter(round=survey_round).values_list("hub_interest", flat=True)
    out: dict[str, int] = {}
    for value in rows:
        out[value] = out.get(value, 0) + 1
    return out


def positive_share(survey_round) -> float | None:
    return share(*selectors.positive_to_flexible_work(survey_round))


# --- Reading --------------------------------------------------------------------------------


def test_the_header_is_found_below_title_rows_and_empty_trailing_columns_are_ignored():
    for content in (netigate_xlsx(), netigate_csv()):
        frame = next(read_table(io.BytesIO(content)))
        assert list(frame.columns) == QUESTIONS  # not "Unnamed: 0" …, no empty columns
        assert frame.attrs["header_row"] == 4
        assert len(frame) == ROWS
        assert frame.iloc[0, 0] == "R00001"


def test_a_pxweb_csv_with_title_and_blank_line_is_read_from_its_header():
    content = (
        '"Befolkning efter region och år"\r\n\r\n"region","2022","2023"\r\n'
        '"2309 Krokom","15 250","15 311"\r\n"2380 Östersund","64 000","64 500"\r\n'
    ).encode("cp1252")
    frame = next(read_table(io.BytesIO(content)))
    assert list(frame.columns) == ["region", "2022", "2023"]
    assert frame.attrs["header_row"] == 3
    assert frame.values.tolist() == [
        ["2309 Krokom", "15 250", "15 311"],
        ["2380 Östersund", "64 000", "64 500"],
    ]


def test_a_file_without_title_rows_is_read_as_before():
    frame = next(read_table(io.BytesIO(b"Hemkommun;Arbetsplatskommun\nKrokom;Berg\n")))
    assert list(frame.columns) == ["Hemkommun", "Arbetsplatskommun"]
    assert frame.attrs["header_row"] == 1


# --- The "Why", reproduced -------------------------------------------------------------


def test_without_recoding_the_tools_answers_are_refused_row_by_row_grouped_by_value(
    tmp_path, reference_data
):
    path = tmp_path / "netigate.csv"
    path.write_bytes(netigate_csv())
    without_mode = {f: h for f, h in MAPPING.items() if f != "mode"}
    report = imports.validate_file(path, without_mode)
    assert (report.total_rows, report.invalid_rows, report.valid_rows) == (ROWS, 1184, 816)
    groups = {(g.column, g.value): g for g in report.error_groups()}
    absolut = groups[(QUESTIONS[5], "Ja, absolut")]
    assert absolut.count == 800
    # Rows as Excel shows them: the header is row 4, so the first answer is row 5.
    first = [i + 5 for i, a in enumerate(answers_in_order()) if a == "Ja, absolut"][:5]
    assert absolut.rows == first
    line = absolut.line()
    assert line.startswith(
        f'Kolumn "{QUESTIONS[5]}": värdet "Ja, absolut" – 800 rader (rad '
        + ", ".join(map(str, first))
        + " …)"
    )
    assert groups[(QUESTIONS[5], "Vet ej")].count == 98
    # Not one line per row: one per column and value.
    assert len(report.grouped_lines()) == 1 + 3
    # With the mode column too: every fourth row says "Cykel eller gång", a mode the
    # built-in table does not know (500 rows: 4, 8, …, counted from row 5).
    report = imports.validate_file(path, MAPPING)
    cycling = {(g.column, g.value): g for g in report.error_groups()}[
        (QUESTIONS[4], "Cykel eller gång")
    ]
    assert (cycling.count, cycling.rows) == (500, [8, 12, 16, 20, 24])


def test_valid_only_without_recoding_shows_the_bias_it_causes_on_the_round_and_its_exports(
    tmp_path, reference_data, client_for, viewer
):
    path = tmp_path / "netigate.csv"
    path.write_bytes(netigate_csv())
    survey_round = SurveyRoundFactory()
    mapping = {f: h for f, h in MAPPING.items() if f != "mode"}
    report = imports.import_file(
        path=path, survey_round=survey_round, mapping=mapping, valid_only=True
    )
    assert (report.imported, report.skipped) == (816, 1184)
    assert positive_share(survey_round) == 23.8  # the wrong figure
    job = SurveyImport.objects.get(round=survey_round)
    assert job.answer_counts["dropped"]["hub_interest"] == {
        "Ja, absolut": 800,
        "Ja, kanske": 286,
        "Vet ej": 98,
    }
    assert job.answer_counts["kept"]["hub_interest"] == {"yes": 194, "no": 622}
    page = client_for(viewer).get(survey_round.get_absolute_url())
    html = page.content.decode()
    assert "Underlag: 816 av 2000 rader" in re.sub(r"(\d)[\s\xa0\u202f](?=\d{3})", r"\1", html)
    assert 'id="round-lean"' in html
    assert "Ja, absolut" in html
    export = client_for(viewer).get(
        survey_round.get_absolute_url(), {"table": "commuters", "format": "csv"}
    )
    text = export.content.decode("utf-8-sig")
    assert "816 av 2000 rader" in text
    assert "Varning: de utelämnade raderna lutar åt ett svar" in text
    # 800 of the 1 184 dropped rows answered "Ja, absolut" (67,6 %), none of the kept; no
    # dropped row says "ja", 194 of the 816 kept do (23,8 %). The CSV doubles the quotes.
    assert 'Ja, absolut"": 67,6 % av de utelämnade raderna mot 0,0 % av de importerade.' in text
    assert '""ja"": 0,0 % av de utelämnade raderna mot 23,8 % av de importerade.' in text

    # Published, the round feeds the kommun pages: they say it too.
    services.survey_round_publish(survey_round=survey_round)
    kommun = client_for(viewer).get(reverse("municipalities:detail", args=["2380"]))
    kommun_html = re.sub(r"(\d)[\s\xa0\u202f](?=\d{3})", r"\1", kommun.content.decode())
    assert "Underlag: 816 av 2000 rader" in kommun_html
    assert 'id="round-lean"' in kommun_html
    comparison = client_for(viewer).get(reverse("municipalities:list"))
    comparison_html = re.sub(r"(\d)[\s\xa0\u202f](?=\d{3})", r"\1", comparison.content.decode())
    assert "Underlag: 816 av 2000 rader" in comparison_html
    assert 'id="round-lean"' in comparison_html


# --- The fix: the recoding step ---------------------------------------------------------------


def test_the_netigate_xlsx_imports_through_the_pages_with_recoding_to_the_true_share(
    reference_data, client_for, planner
):
    client = client_for(planner)
    survey_round = SurveyRoundFactory()
    upload = SimpleUploadedFile("netigate.xlsx", netigate_xlsx())
    response = client.post("/surveys/import/", {"survey_round": survey_round.pk, "file": upload})
    assert response.status_code == 302, response.context["form"].errors
    page = client.get("/surveys/import/columns/")
    assert page.context["headers"] == QUESTIONS
    fields = dict.fromkeys(imports.COLUMNS_BY_FIELD, "") | MAPPING
    # The check runs as a job (inline here); the page then shows its report.
    checked = client.post("/surveys/import/columns/", {**fields, "validate": "1"}, follow=True)
    coding_form = checked.context["coding_form"]
    assert coding_form.answers["hub_interest"] == [
        ["Ja, absolut", 800],
        ["Nej", 622],
        ["Ja, kanske", 286],
        ["Ja", 194],
        ["Vet ej", 98],
    ]
    # The guesses for common Swedish answers, shown for the planner to check.
    assert [coding_form[f"code__hub_interest__{i}"].initial for i in range(5)] == [
        "yes",
        "no",
        "maybe",
        "yes",
        "none",
    ]
    assert "Ja, absolut" in checked.content.decode()
    assert checked.context["report"].error_count == 0
    # The planner counts "Ja, kanske" as ja instead, then back to kanske: the last choice counts.
    codes = {
        f"code__hub_interest__{i}": c for i, c in enumerate(["yes", "no", "yes", "yes", "none"])
    }
    # Bil, Buss, Cykel eller gång, Tåg (500 each, by name): the guesses kept.
    codes |= {f"code__mode__{i}": c for i, c in enumerate(["car", "bus", "bike_walk", "train"])}
    recoded = client.post("/surveys/import/columns/", {**codes, "recode": "1"}, follow=True)
    assert recoded.context["report"].error_count == 0
    codes["code__hub_interest__2"] = "maybe"
    recoded = client.post("/surveys/import/columns/", {**codes, "recode": "1"}, follow=True)
    assert recoded.context["report"].valid_rows == ROWS
    done = client.post(
        "/surveys/import/columns/", {"import": "1", "save_as": "Netigate personalenkät"}
    )
    assert done.status_code == 302
    assert SurveyResponse.objects.filter(round=survey_round).count() == ROWS
    assert interest_counts(survey_round) == {"yes": 994, "maybe": 286, "no": 622, "": 98}
    assert positive_share(survey_round) == 67.3
    modes = set(SurveyResponse.objects.filter(round=survey_round).values_list("mode", flat=True))
    assert modes == {"car", "bus", "train", "bike_walk"}  # "Cykel eller gång" guessed
    profile = SurveyImportProfile.objects.get(name="Netigate personalenkät")
    assert profile.mapping == MAPPING
    assert profile.coding["hub_interest"] == {
        "ja_absolut": "yes",
        "nej": "no",
        "ja_kanske": "maybe",
        "ja": "yes",
        "vet_ej": "",
    }
    html = client.get(survey_round.get_absolute_url()).content.decode()
    assert 'id="round-lean"' not in html


def test_the_csv_twin_imports_with_the_saved_mapping_by_command_to_the_same_figures(
    tmp_path, reference_data
):
    SurveyImportProfile.objects.create(name="Netigate", mapping=MAPPING, coding=CODING)
    path = tmp_path / "netigate.csv"
    path.write_bytes(netigate_csv())
    out = io.StringIO()
    call_command(
        "import_survey", str(path), round_name="Pendling 2024", mapping="Netigate", stdout=out
    )
    survey_round = SurveyRound.objects.get(name="Pendling 2024")
    assert SurveyResponse.objects.filter(round=survey_round).count() == ROWS
    assert interest_counts(survey_round) == {"yes": 994, "maybe": 286, "no": 622, "": 98}
    assert positive_share(survey_round) == 67.3
    distances = SurveyResponse.objects.filter(round=survey_round).order_by("id")
    assert [str(d) for d in distances.values_list("distance_km", flat=True)[:3]] == [
        "12.5",
        "13.5",
        "14.5",
    ]


def test_the_command_without_a_mapping_refuses_the_file_and_writes_nothing(
    tmp_path, reference_data
):
    path = tmp_path / "netigate.csv"
    path.write_bytes(netigate_csv())
    with pytest.raises(CommandError):
        call_command("import_survey", str(path), round_name="Pendling 2024", stdout=io.StringIO())
    assert not SurveyRound.objects.filter(name="Pendling 2024").exists()
    with pytest.raises(CommandError, match="Ingen sparad koppling heter Okänd"):
        call_command("import_survey", str(path), round_name="X", mapping="Okänd")


def test_the_forms_xlsx_imports_with_its_guessed_coding_to_the_true_share(tmp_path, reference_data):
    path = tmp_path / "forms.xlsx"
    path.write_bytes(forms_xlsx())
    headers, _rows = imports.preview(path)
    assert headers == FORMS_HEADERS
    assert not imports.looks_like_shift_schedule(headers)  # Starttid, but no date per shift
    mapping = {
        "home_municipality": FORMS_HEADERS[5],
        "workplace_municipality": FORMS_HEADERS[6],
        "mode": FORMS_HEADERS[7],
        "hub_interest": FORMS_HEADERS[8],
    }
    counted = imports.answer_counts(path, mapping)
    assert dict(counted["hub_interest"]) == ANSWERS
    coding = {
        f: {text: imports.guess_code(f, text) for text, _n in values}
        for f, values in counted.items()
    }
    survey_round = SurveyRoundFactory()
    report = imports.import_file(
        path=path, survey_round=survey_round, mapping=mapping, coding=coding
    )
    assert report.imported == ROWS
    assert report.timings  # through COPY
    assert positive_share(survey_round) == 67.3
    homes = SurveyResponse.objects.filter(round=survey_round, home_municipality__name="Krokom")
    assert homes.count() == 1000


# --- The lean rule, by hand -------------------------------------------------------------------


def test_the_lean_rule_flags_an_answer_whose_share_differs_by_more_than_ten_points():
    # Dropped: 30 yes, 10 no (75 % / 25 %). Kept: 40 yes, 60 no (40 % / 60 %).
    # yes: 75 - 40 = 35 points; no: 25 - 60 = -35 points: both lean.
    assert imports.leaning({"yes": 30, "no": 10}, {"yes": 40, "no": 60}) == [
        ("yes", 75.0, 40.0),
        ("no", 25.0, 60.0),
    ]
    # Dropped 5 yes, 5 no (50/50), kept 45 yes, 55 no (45/55): 5 points each, no lean.
    assert imports.leaning({"yes": 5, "no": 5}, {"yes": 45, "no": 55}) == []
    # Exactly 10 points is not more than 10: dropped 6 yes 4 no (60/40), kept 50/50.
    assert imports.leaning({"yes": 6, "no": 4}, {"yes": 50, "no": 50}) == []
    # 10.1 points is: dropped 601 of 1 000 yes (60.1 %), kept 50 %.
    assert imports.leaning({"yes": 601, "no": 399}, {"yes": 5, "no": 5}) == [
        ("yes", 60.1, 50.0),
        ("no", 39.9, 50.0),
    ]
    # An answer only the dropped rows have ("Ja, absolut": 100 % vs 0 %).
    assert imports.leaning({"Ja, absolut": 3}, {"yes": 1}) == [
        ("Ja, absolut", 100.0, 0.0),
        ("yes", 0.0, 100.0),
    ]
    assert imports.leaning({}, {"yes": 4}) == []


def test_swedish_answers_get_good_guesses():
    guesses = {
        text: imports.guess_code("hub_interest", text)
        for text in [
            "Ja, absolut",
            "Ja, kanske",
            "Vet ej",
            "Nej, inte alls",
            "Instämmer helt",
            "Instämmer delvis",
            "Instämmer inte alls",
            "Kanske",
            "Ingen åsikt",
            "Blå",
        ]
    }
    assert guesses == {
        "Ja, absolut": "yes",
        "Ja, kanske": "maybe",
        "Vet ej": "",
        "Nej, inte alls": "no",
        "Instämmer helt": "yes",
        "Instämmer delvis": "maybe",
        "Instämmer inte alls": "no",
        "Kanske": "maybe",
        "Ingen åsikt": "",
        "Blå": None,
    }
    assert imports.guess_code("mode", "Kollektivtrafik (buss)") == "bus"
    assert imports.guess_code("mode", "Tåg") == "train"
    assert imports.guess_code("mode", "Egen bil") == "car"


# --- Shift schedules --------------------------------------------------------------------------


SHIFTS = (
    "Anställningsnummer;Enhet;Datum;Start;Slut;Rast\r\n"
    "1001;Akuten;2024-03-04;07:00;16:00;30\r\n"
    "1001;Akuten;2024-03-05;21:30;07:00;30\r\n"
).encode("cp1252")


def test_a_shift_schedule_is_refused_with_a_pointer_to_the_shift_import(
    tmp_path, reference_data, client_for, planner
):
    survey_round = SurveyRoundFactory()
    upload = SimpleUploadedFile("schema.csv", SHIFTS)
    response = client_for(planner).post(
        "/surveys/import/", {"survey_round": survey_round.pk, "file": upload}
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "Importera schemat under Dygnsvila → Importera schema" in error
    path = tmp_path / "schema.csv"
    path.write_bytes(SHIFTS)
    with pytest.raises(CommandError, match="Dygnsvila"):
        call_command("import_survey", str(path), round_name="Schema")
    assert not SurveyRound.objects.filter(name="Schema").exists()
