"""The hubs app's long work as jobs on the worker (``hubplan.jobs``).

``hubs.use_import``: a file of monthly hub use from the upload storage, checked row by
row and, if every row is valid, upserted in one transaction (:mod:`hubs.imports`).
procrastinate imports this module in every process, so web servers and the worker
both know the kind.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubplan import jobs, storage
from hubplan.models import Job
from mapping.tasks import json_safe

# The errors a job's result keeps for the page (a 50 000-row file may have more; the
# count says how many).
MAX_ERRORS = 1000


@jobs.register("hubs.use_import", label=gettext_lazy("Import av hubbarnas användning"))
def use_import(job: Job, progress: jobs.Progress) -> None:
    """Check and import the file; a file with any error writes nothing and is removed."""
    from hubs import imports

    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        progress.stages({"reading": 70, "writing": 30})
        progress.stage("reading")
        uploads = storage.uploads()
        if not job.upload or not uploads.exists(job.upload):
            raise jobs.JobFailed(_("Den sparade filen finns inte längre; ladda upp den igen."))
        with storage.local_copy(job.upload) as path, open(path, "rb") as fileobj:
            result = imports.import_file(
                fileobj,
                user=job.user,
                advance=progress.advance,
                on_write=lambda n: progress.stage("writing", total=n),
            )
        uploads.delete(job.upload)
        if not result.ok:
            raise jobs.JobFailed(
                _("Filen innehåller fel; ingenting har sparats."),
                result=json_safe(
                    {"errors": result.errors[:MAX_ERRORS], "error_count": len(result.errors)}
                ),
            )
        counts = {"created": result.created, "updated": result.updated}
        counts["unchanged"] = result.unchanged
        progress.result = {**counts, "lines": []}
        progress.message = (
            _(
                "Importen är klar: %(created)s nya månader, %(updated)s uppdaterade, "
                "%(unchanged)s oförändrade."
            )
            % counts
        )
