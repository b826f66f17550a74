"""Joining Globe with the keyboard alone: register, join an open community, ask to join a restricted
one, log out and back in — no clicks. A facilitator then approves the request."""
from __future__ import annotations

from browsing import expect, tab_to, unique
from factories import PASSWORD, make_community, make_user


def communities_to_join() -> dict:
    facilitator = make_user("Farah Facilitator", email=f"{unique('farah')}@example.org")
    return {"open": make_community(unique("open"), name="Open staffroom").slug,
            "restricted": make_community(unique("closed"), name="Exam markers", policy="request",
                                         facilitator=facilitator).slug,
            "facilitator": facilitator.email}


def test_register_join_and_ask_to_join_with_the_keyboard_alone(site, open_page):
    setup = site.build(communities_to_join)
    email = f"{unique('kim')}@example.org"
    page = open_page()
    page.goto("/register")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    for text in (email, "Kim Keyboard", PASSWORD):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Welcome to Globe, Kim Keyboard!")).to_be_visible()

    page.goto(f"/c/{setup['open']}")
    tab_to(page, page.get_by_role("button", name="Join this community"))
    page.keyboard.press("Space")
    expect(page.get_by_role("main")).to_contain_text("You are a member here.")

    page.goto(f"/c/{setup['restricted']}")
    tab_to(page, page.get_by_label("Message to the facilitators (optional)"))
    page.keyboard.type("I mark B1 exams every spring.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Request to join")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your request to join is waiting for a facilitator.")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Log out"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.goto("/login")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Logged in as Kim Keyboard.")).to_be_visible()

    facilitator = open_page(as_user=setup["facilitator"])
    facilitator.goto(f"/c/{setup['restricted']}/members")
    request_card = facilitator.locator(".card", has_text="Kim Keyboard")
    expect(request_card).to_contain_text("I mark B1 exams every spring.")
    request_card.get_by_role("button", name="Approve").click()
    expect(facilitator.get_by_role("table")).to_contain_text("Kim Keyboard")

    page.goto(f"/c/{setup['restricted']}")
    expect(page.get_by_role("main")).to_contain_text("You are a member here.")
