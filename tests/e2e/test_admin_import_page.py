"""The Wagtail admin's import page, as staff see it in Chromium, on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_with_a_session

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_download_buttons_show_a_small_icon_and_their_whole_label(
    new_page, live_server, staff, width
):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_a_session(page, live_server, staff)
    page.goto("/admin/directory/import/")

    downloads = page.locator("a[download]")
    # The Excel template, the CSV template and the list of codes.
    expect(downloads).to_have_count(3)
    for index in range(3):
        link = downloads.nth(index)
        expect(link).to_be_visible()
        icon = link.locator("svg").bounding_box()
        assert icon["width"] <= 24 and icon["height"] <= 24, icon  # not SVG's 300×150 default
        # The label is not cut off: the button is as wide and tall as its text needs.
        assert link.evaluate(
            "a => a.scrollWidth <= a.clientWidth && a.scrollHeight <= a.clientHeight"
        )
        box = link.bounding_box()
        assert box["x"] + box["width"] <= width
