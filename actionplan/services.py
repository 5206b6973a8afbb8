"""Every write to the plan goes through here: validation, dependency cycles, report roll-up.

One function per create/update/delete of each main model, so optimistic locking
and the audit trail (issue 8) can be added in one place. Each runs in a
transaction and calls ``full_clean()``; on a ValidationError nothing is saved.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actionplan import rules
from actionplan.models import Activity, ProgressReport, RelocationAssessment
from hubplan import locking

ACTIVITY_M2M = ("partners", "municipalities", "dependencies", "hubs", "survey_rounds")
RELOCATION_M2M = ("municipalities",)


def dependency_cycle_message(path_titles: list[str]) -> str:
    """The error shown when a dependency would close a cycle, naming the cycle."""
    return _(
        "Beroendet skapar en cirkel: %(path)s. En aktivitet kan inte, direkt eller "
        "indirekt, vara beroende av sig själv."
    ) % {"path": " → ".join(path_titles)}


def _split(fields: dict, m2m_names: tuple[str, ...]) -> tuple[dict, dict]:
    scalar = {k: v for k, v in fields.items() if k not in m2m_names}
    m2m = {k: v for k, v in fields.items() if k in m2m_names}
    return scalar, m2m


def _dependency_edges() -> dict[int, set[int]]:
    """The whole dependency graph, in one query: activity → the activities it depends on."""
    edges: dict[int, set[int]] = defaultdict(set)
    through = Activity.dependencies.through.objects.values_list("from_activity", "to_activity")
    for source, target in through:
        edges[source].add(target)
    return edges


def check_dependencies(activity_id: int | None, dependencies) -> None:
    """Raise a ValidationError on ``dependencies`` if they would close a cycle."""
    ids = [getattr(d, "pk", d) for d in dependencies]
    path = rules.find_cycle(_dependency_edges(), activity_id, ids)
    if path:
        titles = dict(Activity.objects.filter(pk__in=path).values_list("pk", "title"))
        raise ValidationError({"dependencies": dependency_cycle_message([titles[p] for p in path])})


def _save_activity(activity: Activity, m2m: dict, lock_version: int | None = None) -> Activity:
    activity.full_clean()
    if "dependencies" in m2m:
        check_dependencies(activity.pk, m2m["dependencies"])
    locking.save_if_current(activity, expected=lock_version)
    for name, values in m2m.items():
        getattr(activity, name).set(values)
    return activity


@transaction.atomic
def activity_create(*, fields: dict) -> Activity:
    """Create an activity from field values (many-to-many fields given as lists)."""
    scalar, m2m = _split(fields, ACTIVITY_M2M)
    return _save_activity(Activity(**scalar), m2m)


@transaction.atomic
def activity_update(
    *, activity: Activity, fields: dict, lock_version: int | None = None
) -> Activity:
    """Change an activity; a dependency that would close a cycle is refused, nothing saved.

    With ``lock_version`` (the value the edit form was opened with) the save is refused
    with :class:`hubplan.locking.StaleEditError` if anyone has saved the activity since.
    """
    scalar, m2m = _split(fields, ACTIVITY_M2M)
    # Lock the graph's rows for this activity so two editors cannot each close half a cycle.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    for name, value in scalar.items():
        setattr(activity, name, value)
    return _save_activity(activity, m2m, lock_version)


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    """Delete an activity with its reports; dependents simply lose the dependency."""
    activity.delete()


@transaction.atomic
def progress_report_create(*, activity: Activity, author=None, fields: dict) -> ProgressReport:
    """Add a dated report; if it is the activity's latest, the activity takes its figures.

    The activity's status, progress and actual cost always mirror its most recent
    report, so a report back-dated behind a newer one leaves the activity as it is.
    """
    report = ProgressReport(activity=activity, author=author, **fields)
    report.full_clean()
    report.save()
    _roll_up(activity)
    return report


@transaction.atomic
def progress_report_delete(*, report: ProgressReport) -> None:
    """Delete a report; the activity falls back to its previous report's figures."""
    activity = report.activity
    report.delete()
    _roll_up(activity)


def _roll_up(activity: Activity) -> None:
    latest = activity.reports.order_by("-date", "-pk").first()
    if latest is None:
        return
    activity.progress = latest.progress
    activity.actual_cost = latest.cost_to_date
    activity.status = latest.status
    activity.full_clean()
    activity.save(update_fields=["progress", "actual_cost", "status"])


@transaction.atomic
def relocation_create(*, fields: dict) -> RelocationAssessment:
    """Record a relocation assessment."""
    scalar, m2m = _split(fields, RELOCATION_M2M)
    assessment = RelocationAssessment(**scalar)
    assessment.full_clean()
    assessment.save()
    for name, values in m2m.items():
        getattr(assessment, name).set(values)
    return assessment


@transaction.atomic
def relocation_update(*, assessment: RelocationAssessment, fields: dict) -> RelocationAssessment:
    """Change a relocation assessment."""
    scalar, m2m = _split(fields, RELOCATION_M2M)
    for name, value in scalar.items():
        setattr(assessment, name, value)
    assessment.full_clean()
    assessment.save()
    for name, values in m2m.items():
        getattr(assessment, name).set(values)
    return assessment


@transaction.atomic
def relocation_delete(*, assessment: RelocationAssessment) -> None:
    """Delete a relocation assessment."""
    assessment.delete()
