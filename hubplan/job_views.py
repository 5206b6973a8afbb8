"""The pages of a job (/jobs/<pk>/): its progress, its report, cancel, retry, download.

A job is seen only by the user who started it and by superusers: its report may name
rows of a file with personal data, and an export holds them. Others get 404, so a job's
existence is not given away either.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from hubplan import jobs
from hubplan.models import Job
from hubplan.storage import uploads


def visible_jobs(user):
    """The jobs ``user`` may see."""
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(user=user)


def _job(request, pk) -> Job:
    try:
        return visible_jobs(request.user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None


def progress_payload(job: Job) -> dict:
    """What the progress script needs; no file names or row contents."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "stage_label": job.stage_label,
        "percent": 100 if job.status == Job.Status.DONE else job.percent,
        "processed": job.processed,
        "total": job.total,
        "active": job.is_active,
        "next": job.result.get("next", "") if job.status == Job.Status.DONE else "",
    }


class JobDetailView(DetailView):
    template_name = "hubplan/job_detail.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        job = _job(self.request, self.kwargs["pk"])
        if job.status == Job.Status.RUNNING and jobs.reap_stalled():
            job.refresh_from_db()
        return job

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        nxt = self.object.result.get("next")
        if self.object.status == Job.Status.DONE and nxt and "stay" not in request.GET:
            return redirect(nxt)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context.update(
            can_retry=jobs.can_retry(job),
            lines=job.result.get("lines", [])[:200],
        )
        return context


class JobProgressView(View):
    """JSON for the progress bar; polling it also marks a job whose worker died."""

    def get(self, request, pk):
        job = _job(request, pk)
        if job.status == Job.Status.RUNNING and jobs.reap_stalled():
            job.refresh_from_db()
        return JsonResponse(progress_payload(job))


class JobCancelView(View):
    def post(self, request, pk):
        job = jobs.cancel(_job(request, pk))
        if job.status == Job.Status.CANCELLED:
            messages.info(request, _("Jobbet avbröts innan det började. Inget skrevs."))
        elif job.cancel_requested:
            messages.info(request, _("Jobbet avbryts. Inget av det skrivs."))
        return redirect(job)


class JobRetryView(View):
    def post(self, request, pk):
        job = _job(request, pk)
        if not jobs.can_retry(job):
            messages.error(request, _("Jobbet kan inte köras igen (filen finns inte kvar)."))
            return redirect(job)
        job = jobs.retry(job)
        messages.info(request, _("Jobbet köades igen."))
        return redirect(job)


class JobDownloadView(View):
    """A finished export, streamed from the upload storage in chunks."""

    def get(self, request, pk):
        job = _job(request, pk)
        if job.status != Job.Status.DONE or not job.output or not uploads().exists(job.output):
            raise Http404
        filename = job.result.get("filename") or "export"
        return FileResponse(uploads().open(job.output), as_attachment=True, filename=filename)
