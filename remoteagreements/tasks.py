"""The register's long work as jobs on the worker (``hubplan.jobs``).

``remoteagreements.export``: the XLSX export of a list too large to write within a web
request (more than ``EXPORT_JOB_ROWS`` rows; 300 000 employees take 24 s). The worker
builds the same workbook the list's own export writes, for the user who asked and with
their filters, so it holds exactly what that user may see; it is stored in the upload
storage and downloaded from the job's page by that user only (``hubplan.job_views``),
and removed by the stale-upload task after ``UPLOAD_MAX_AGE_HOURS``.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.files import File
from django.http import HttpRequest, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hubplan import jobs, storage
from hubplan.exports import write_xlsx_file

# Every 5 000 rows the job's count moves (the heartbeat writes it each second).
PROGRESS_EVERY = 5_000


def _list_view(key: str):
    from remoteagreements import views

    return {"agreements": views.AgreementListView, "employees": views.EmployeeListView}[key]


@jobs.register("remoteagreements.export", label=gettext_lazy("Export till Excel"))
def export_xlsx(job, progress) -> None:
    """The list's workbook, as the user who asked sees it."""
    from remoteagreements.visibility import may_use_register

    if job.user is None or not may_use_register(job.user):  # their role went meanwhile
        raise jobs.JobFailed(_("Du har inte längre tillgång till registret."))
    request = HttpRequest()
    request.method = "GET"
    request.user = job.user
    request.GET = QueryDict(job.params.get("query", ""))
    view = _list_view(job.params["list"])()
    view.setup(request)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        total = view.export_queryset().count()
        headers, rows = view.export_rows()
        progress.stages({"exporting": 100})
        progress.stage("exporting", total=total)

        def counted():
            for done, row in enumerate(rows, start=1):
                if done % PROGRESS_EVERY == 0:
                    progress.advance(done)
                yield row

        with tempfile.TemporaryFile(prefix="hubplan-export-") as out:
            write_xlsx_file(out, headers, counted(), filename=view.export_name)
            out.seek(0)
            progress.output = storage.save_upload(File(out), prefix="export")
        progress.result = {"filename": f"{view.export_name}.xlsx"}
        progress.message = ngettext(
            "%(n)d rad exporterades.", "%(n)d rader exporterades.", total
        ) % {"n": total}
