"""Uploads kept in PostgreSQL, behind Django's storage API (``storages["uploads"]``).

Why in the database: the steps of an import (upload, column mapping, check, import)
may each land on a different web server, and the work itself on the worker. A file
in one machine's /tmp is missing on the others; the database is the one thing they
all share. Another backend (S3 through django-storages, a shared volume) may be set
as ``STORAGES["uploads"]``; the code only uses the storage API.

A file is stored as 1 MiB chunks (:class:`hubplan.models.StoredFileChunk`), written
and read one chunk at a time, so neither side holds a 300 MB upload in memory.
Files not touched for ``UPLOAD_MAX_AGE_HOURS`` are deleted by :func:`remove_stale`,
which the worker runs on a schedule (``hubplan.tasks``).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.deconstruct import deconstructible

CHUNK_BYTES = 1024 * 1024
# The folders new_name() puts files in: uploads, and exports built by a job.
PREFIXES = ("upload", "export")


class _ChunkReader(io.RawIOBase):
    """A read-only stream over a stored file's chunks, fetched one at a time."""

    def __init__(self, name: str):
        from hubplan.models import StoredFileChunk

        self._chunks = (
            StoredFileChunk.objects.filter(name=name)
            .order_by("seq")
            .values_list("data", flat=True)
            .iterator(chunk_size=4)
        )
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = bytes(chunk)
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


@deconstructible
class DatabaseStorage(Storage):
    """Files as chunks in PostgreSQL; names are random, never the user's file name."""

    def _save(self, name: str, content) -> str:
        from hubplan.models import StoredFileChunk

        with transaction.atomic():
            if hasattr(content, "seek"):
                content.seek(0)
            seq = 0
            while True:
                data = content.read(CHUNK_BYTES)
                if not data:
                    break
                if isinstance(data, str):
                    data = data.encode()
                StoredFileChunk.objects.create(name=name, seq=seq, data=data)
                seq += 1
            if seq == 0:  # an empty file still exists
                StoredFileChunk.objects.create(name=name, seq=0, data=b"")
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode:
            raise ValueError("DatabaseStorage files are written with save()")
        if not self.exists(name):
            raise FileNotFoundError(name)
        return File(io.BufferedReader(_ChunkReader(name), buffer_size=CHUNK_BYTES), name=name)

    def delete(self, name: str) -> None:
        from hubplan.models import StoredFileChunk

        StoredFileChunk.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        from hubplan.models import StoredFileChunk

        return StoredFileChunk.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        from hubplan.models import StoredFileChunk

        return (
            StoredFileChunk.objects.filter(name=name).aggregate(n=Sum(Length("data"))).get("n") or 0
        )

    def get_created_time(self, name: str):
        from hubplan.models import StoredFileChunk

        return StoredFileChunk.objects.filter(name=name).aggregate(t=Min("created"))["t"]

    def get_modified_time(self, name: str):
        from hubplan.models import StoredFileChunk

        return StoredFileChunk.objects.filter(name=name).aggregate(t=Max("created"))["t"]

    def listdir(self, path: str):
        from hubplan.models import StoredFileChunk

        names = StoredFileChunk.objects.filter(name__startswith=path).values_list("name", flat=True)
        return [], sorted(set(names))

    def url(self, name: str):
        raise NotImplementedError("Uploads are never served by URL")

    def get_available_name(self, name, max_length=None):
        return name  # names are random (new_name), so never taken


def uploads() -> Storage:
    return storages["uploads"]


def new_name(prefix: str = "upload") -> str:
    """A random name: the user's file name never reaches the storage or a URL."""
    return f"{prefix}/{uuid.uuid4().hex}"


def save_upload(upload, prefix: str = "upload") -> str:
    """Store an uploaded file (or any file object) and return its name in the storage."""
    return uploads().save(new_name(prefix), upload)


@contextmanager
def local_copy(name: str, suffix: str = ""):
    """The stored file as a private local file for the length of the block.

    pandas, calamine and COPY read from a path; the copy lives only while one job (or
    one request) reads it and is removed after, whatever happens.
    """
    directory = Path(tempfile.mkdtemp(prefix="hubplan-job-"))
    path = directory / ("file" + suffix)
    try:
        with uploads().open(name) as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target, CHUNK_BYTES)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def remove_stale(now=None) -> int:
    """Delete stored files older than ``UPLOAD_MAX_AGE_HOURS`` that no active job needs.

    Returns the number of files removed. Runs on the worker's schedule.
    """
    from hubplan.models import Job, StoredFileChunk

    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.UPLOAD_MAX_AGE_HOURS)
    storage = uploads()
    in_use = set(
        Job.objects.filter(status__in=Job.ACTIVE)
        .exclude(upload="")
        .values_list("upload", flat=True)
    )
    if isinstance(storage, DatabaseStorage):
        stale = set(
            StoredFileChunk.objects.values("name")
            .annotate(t=Max("created"))
            .filter(t__lt=cutoff)
            .values_list("name", flat=True)
        )
    else:  # another backend (S3, a shared volume): uploads and built exports
        stale = {
            f"{prefix}/{f}"
            for prefix in PREFIXES
            for f in storage.listdir(prefix)[1]
            if storage.get_modified_time(f"{prefix}/{f}") < cutoff
        }
    removed = 0
    for name in sorted(stale - in_use):
        storage.delete(name)
        removed += 1
    return removed
