"""The site header: one row on a desktop even signed in with every link, two short rows on a phone, and a
Menu that opens from the keyboard without JavaScript."""
from __future__ import annotations

from itertools import pairwise

import pytest
from browsing import OUTPUT, expect, unique
from factories import make_community, make_user


def a_mentor_and_admin() -> str:
    """The person with the most header links: an admin who mentors, with a long-ish name."""
    return make_user("Margarita Mentor-Admin", email=f"{unique('margarita')}@example.org", admin=True,
                     mentor=True).email


def a_community_with_a_long_name() -> str:
    """On a community's pages the search offers "only <community>": one more thing in the row."""
    return make_community(unique("speaking"), name="Teaching Speaking and Listening to Adults").slug


@pytest.mark.parametrize("where", ["a list", "a community"])
def test_signed_in_header_is_one_row_at_1280(where, site, open_page):
    page = open_page(as_user=site.build(a_mentor_and_admin), viewport={"width": 1280, "height": 800})
    page.goto("/resources" if where == "a list" else f"/c/{site.build(a_community_with_a_long_name)}")
    header = page.locator(".site-header .header-row")
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentoring")).to_be_visible()
    line_height = log_out.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
    assert log_out.bounding_box()["height"] < 1.5 * line_height, "“Log out” wraps onto two lines"
    site_search = page.get_by_role("search", name="Site")
    search, button = site_search.get_by_role("searchbox"), site_search.get_by_role("button", name="Search")
    page.screenshot(path=OUTPUT / f"header-1280-{where.replace(' ', '-')}.png")
    assert abs(search.bounding_box()["y"] - button.bounding_box()["y"]) < 10, "the Search button is not beside its box"
    tops = header.evaluate("row => [...row.children].filter(c => c.offsetParent).map(c => c.getBoundingClientRect())"
                           ".map(box => Math.round(box.top + box.height / 2))")
    assert max(tops) - min(tops) <= 4, f"the header is not one row: item middles at {tops}"
    spans = header.evaluate("row => [...row.querySelectorAll("
                            "'.brand, .header-search > :not(.visually-hidden), .wide-nav li')]"
                            ".map(item => item.getBoundingClientRect()).map(box => [box.left, box.right])")
    assert all(left_item[1] <= right_item[0] for left_item, right_item in pairwise(spans)), \
        f"header items overlap: {spans}"
    assert spans[-1][1] <= 1280, "the last header item is cut off"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280


def test_phone_header_is_short_and_its_menu_opens_by_keyboard(site, open_page):
    page = open_page(as_user=site.build(a_mentor_and_admin), viewport={"width": 360, "height": 740},
                     java_script_enabled=False)
    page.goto("/resources")
    assert page.locator(".site-header").bounding_box()["height"] <= 100
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()
    page.locator(".menu summary").focus()
    page.keyboard.press("Enter")
    expect(log_out).to_be_visible()
    expect(page.get_by_role("link", name="Mentoring")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= 100, "the open menu pushes the page down"
    page.screenshot(path=OUTPUT / "header-360-menu.png")
    page.keyboard.press("Enter")
    expect(log_out).to_be_hidden()


def test_phone_menu_is_reached_with_tab(site, open_page):
    page = open_page(viewport={"width": 360, "height": 740})
    page.goto("/")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.localName") == "summary":
            break
    page.keyboard.press("Space")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
