"""A project through the incubator: a teacher proposes and submits it, an admin assigns one of the
suggested mentors, the mentor reviews it, and the team reads the review (never the private note)."""
from __future__ import annotations

from browsing import expect, unique
from factories import make_user


def people() -> dict:
    expertise = unique("podcasting")  # only this mentor covers the need, so they are suggested first
    return {"lead": make_user("Lou Lead", email=f"{unique('lou')}@example.org").email,
            "admin": make_user("Ari Admin", email=f"{unique('ari')}@example.org", admin=True).email,
            "mentor": make_user("Nia Mentor", email=f"{unique('nia')}@example.org", mentor=True,
                                expertise=expertise).email,
            "need": expertise}


def test_propose_assign_a_suggested_mentor_and_review(site, open_page):
    who = site.build(people)
    title = unique("Class podcast")
    lead = open_page(as_user=who["lead"])
    lead.goto("/incubator")
    lead.get_by_role("link", name="Propose a project").click()
    lead.get_by_label("Title").fill(title)
    lead.get_by_label("Summary (one or two sentences)").fill("Pupils record a weekly podcast in English.")
    lead.get_by_label("Description (Markdown)").fill("Ten episodes, one per unit.")
    lead.get_by_label("Help needed (expertise)").fill(who["need"])
    lead.get_by_role("button", name="Save draft").click()
    expect(lead.get_by_text("Draft saved.")).to_be_visible()
    lead.get_by_role("button", name="Submit").click()
    expect(lead.get_by_text("The proposal was submitted", exact=False)).to_be_visible()
    proposal_url = lead.url

    admin = open_page(as_user=who["admin"])
    admin.goto(proposal_url)
    suggestions = admin.get_by_role("region", name="Suggested mentors")
    expect(suggestions.get_by_role("row").nth(1)).to_contain_text("Nia Mentor")
    suggestions.get_by_role("button", name="Assign Nia Mentor").click()
    expect(admin.get_by_text("Mentor assigned; they have been told.")).to_be_visible()

    mentor = open_page(as_user=who["mentor"])
    mentor.goto("/incubator/queue")
    mentor.get_by_role("listitem").filter(has_text=title).get_by_role("button", name="Accept").click()
    expect(mentor.get_by_text("Thank you: your answer was recorded.")).to_be_visible()
    mentor.get_by_role("link", name=title).click()  # now listed under "To review"
    mentor.get_by_label("Recommendation").select_option(label="Accept into the incubator")
    mentor.get_by_label("Comments for the team").fill("Clear plan; start with three episodes.")
    mentor.get_by_label("Private note for admins (optional)").fill("Lou has run a radio club before.")
    mentor.get_by_role("button", name="Save review").click()
    expect(mentor.get_by_text("Review saved; the team has been told.")).to_be_visible()

    lead.reload()
    expect(lead.get_by_role("main")).to_contain_text("Clear plan; start with three episodes.")
    expect(lead.get_by_role("main")).not_to_contain_text("radio club")
    admin.reload()
    expect(admin.get_by_role("main")).to_contain_text("Lou has run a radio club before.")
