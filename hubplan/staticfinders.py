"""A static-files finder that serves plotly.js straight from the installed plotly package.

The offline rule wants plotly.js served by the app, and the plotly wheel already
ships the exact bundle that matches the Python library. Exposing that one file
(not the package's data sets) keeps the two in step without a vendored copy.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly/plotly.min.js"
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds ``vendor/plotly/plotly.min.js`` in the plotly package."""

    storage = FileSystemStorage(location=str(_PACKAGE_DATA))

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        match = str(_PACKAGE_DATA / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        # collectstatic copies the file under its public name.
        storage = FileSystemStorage(location=str(_PACKAGE_DATA))
        storage.prefix = "vendor/plotly"
        yield "plotly.min.js", storage
