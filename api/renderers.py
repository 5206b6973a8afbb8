"""Renderers of the API: the browsable HTML in Hubplan's name, and CSV for negotiation."""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API (static files only, no inline script), branded, offline."""

    template = "api/browsable.html"


class CSVRenderer(renderers.BaseRenderer):
    """Declares text/csv for content negotiation; the CSV view writes its response itself
    (hubplan.exports.table_response), and its errors are rendered as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("IndicatorValuesCSVView returns its own response")
