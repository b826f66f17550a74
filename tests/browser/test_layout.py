"""Every main page type fits a 360 px phone without sideways scrolling, and a 1280 px desktop.

Screenshots of both widths go to tests/browser/out/screenshots/ (git-ignored) for a person to look at."""
from __future__ import annotations

import pytest
from browsing import OUTPUT
from sample import ALL_PAGES

WIDTHS = (360, 1280)


@pytest.mark.parametrize("kind", ALL_PAGES)
def test_fits_a_phone_and_a_desktop_without_sideways_scrolling(kind, reading_page_for):
    page, address = reading_page_for(kind)
    page.set_viewport_size({"width": WIDTHS[0], "height": 740})
    assert page.goto(address).ok
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 740})
        page.screenshot(path=folder / f"{kind.replace(' ', '-')}-{width}.png", full_page=True)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{kind} ({address}) is {scroll_width} px wide at {width} px"
