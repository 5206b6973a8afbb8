"""Offline by default: no page refers to another host, and the assets it needs are served."""

from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from hubplan.tests.crawl import crawl, sample_paths, urls_in


@pytest.mark.django_db
def test_no_page_refers_to_another_host(client_for, superuser, reference_data):
    pages = crawl(client_for(superuser), ["/", *sample_paths()])
    html_pages = {p: h for p, h in pages.items() if h}
    assert len(html_pages) >= 5
    offenders = []
    for path, html in html_pages.items():
        for tag, attr, url in urls_in(html):
            parts = urlsplit(url)
            if parts.netloc or url.startswith("//") or parts.scheme not in {"", "mailto", "tel"}:
                offenders.append((path, tag, attr, url))
        # CSS @import or url() pointing elsewhere would slip past the attribute check.
        assert "https://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), path
    assert offenders == []


def test_bootstrap_and_plotly_are_served_locally():
    plotly = finders.find("vendor/plotly/plotly.min.js")
    assert plotly
    assert plotly.endswith("plotly/package_data/plotly.min.js")
    assert finders.find("vendor/bootstrap/bootstrap.min.css")
    assert finders.find("vendor/bootstrap/bootstrap.bundle.min.js")
    assert finders.find("hubplan/charts.js")


@pytest.mark.django_db
def test_a_page_with_a_map_loads_plotly_from_the_app(client_for, viewer, reference_data):
    html = client_for(viewer).get("/municipalities/").content.decode()
    assert 'src="/static/vendor/plotly/plotly.min.js"' in html
    assert '"type":"choroplethmap"' in html.replace(" ", "")
    assert '"style":"white-bg"' in html.replace(" ", "")
