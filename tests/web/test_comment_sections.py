"""Comments under wiki pages, resources and proposals in the browser: members comment and land on their comment,
outsiders of a members-only community reach neither the page nor its comments, a proposal's comments stay with
its team, bad comments are refused with the text kept, and pages and resources are thanked once."""
import re

from factories import add_member, make_community, make_page, make_user

from globe.extensions import db
from globe.models import Post, Thanks, Thread
from globe.services import comment_sections, incubator, resources, thanks


def member_of(community, make_web, name="Ana Lima", email="ana@example.org"):
    user = make_user(name, email=email)
    add_member(community, user)
    browser = make_web()
    browser.login(email)
    return user, browser


def link_resource(community, owner, title="Warm-up cards"):
    return resources.add_resource(owner, community, url="https://example.org/cards", title=title)


def comment_form_of(html: str, action: str) -> str:
    match = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', html, re.S)
    assert match, f"no form posting to {action}"
    return match.group(1)


def test_a_member_comments_on_a_wiki_page_and_lands_on_the_comment(make_web, app):
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    _ana, browser = member_of(club, make_web)
    url = f"/c/club/wiki/{page.slug}"
    html = browser.get(url).get_data(as_text=True)
    assert '<section id="comments"' in html and "No comments yet" in html
    form = comment_form_of(html, f"{url}/comments")
    assert 'name="body"' in form and 'name="reply_to"' in form
    response = browser.post(f"{url}/comments", {"body": "I use *circles* here."}, token_from=url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}#post-1")
    html = browser.get(url).get_data(as_text=True)
    assert '<article class="post" id="post-1"' in html and "Ana Lima" in html
    assert "I use <em>circles</em> here." in html
    first_id = db.session.scalar(db.select(Post.id))
    quoting = browser.get(f"{url}?reply_to={first_id}").get_data(as_text=True)  # the Quote link
    assert "&gt; I use *circles* here." in quoting and f'name="reply_to" type="hidden" value="{first_id}"' in quoting
    reply = browser.post(f"{url}/comments", {"body": "And pairs.", "reply_to": str(first_id)}, token_from=url)
    assert reply.headers["Location"].endswith("#post-2")
    assert db.session.scalar(db.select(Post).where(Post.number == 2)).reply_to.number == 1


def test_a_member_comments_on_a_resource(make_web, app):
    club = make_community("club")
    ana, browser = member_of(club, make_web)
    resource = link_resource(club, make_user_in(club))
    url = f"/resources/{resource.id}"
    response = browser.post(f"{url}/comments", {"body": "Printed them for Monday."}, token_from=url)
    assert response.headers["Location"].endswith(f"{url}#post-1")
    html = browser.get(url).get_data(as_text=True)
    assert '<article class="post" id="post-1"' in html and "Printed them for Monday." in html
    assert comment_sections.comments_of(resource).post_count == 1


def make_user_in(community, role="member"):
    user = make_user()
    add_member(community, user, role)
    return user


def proposal_with_team(lead, **fields):
    return incubator.create_proposal(lead, title="Reading circles", summary="Six weeks", description="Weekly",
                                     **fields)


def test_the_team_comments_on_its_proposal(make_web, app):
    lead = make_user("Lena Lead", email="lead@example.org")
    proposal = proposal_with_team(lead)
    browser = make_web()
    browser.login("lead@example.org")
    url = f"/incubator/{proposal.id}"
    html = browser.get(url).get_data(as_text=True)
    assert "No comments yet" in html and 'name="body"' in comment_form_of(html, f"{url}/comments")
    response = browser.post(f"{url}/comments", {"body": "Week 2 is ready."}, token_from=url)
    assert response.headers["Location"].endswith(f"{url}#post-1")
    html = browser.get(url).get_data(as_text=True)
    assert '<article class="post" id="post-1"' in html and "Lena Lead" in html and "Week 2 is ready." in html


def test_outsiders_of_a_members_only_community_reach_neither_the_page_nor_its_comments(make_web, app):
    secret = make_community("secret", visibility="members")
    page = make_page(secret, "Hidden plans")
    member = make_user_in(secret)
    resource = link_resource(secret, member, title="Secret cards")
    comment_sections.comment(member, page, body="distinctive-comment-word")
    comment_sections.comment(member, resource, body="another-secret-comment")
    make_user("Olga", email="olga@example.org")
    outsider = make_web()
    outsider.login("olga@example.org")
    page_url, resource_url = f"/c/secret/wiki/{page.slug}", f"/resources/{resource.id}"
    for url in (page_url, resource_url):
        response = outsider.get(url)
        assert response.status_code in (403, 404) and "secret-comment" not in response.get_data(as_text=True)
        assert "distinctive-comment-word" not in response.get_data(as_text=True)
    assert outsider.post(f"{resource_url}/comments", {"body": "let me in"}).status_code == 404
    assert outsider.post(f"{page_url}/comments", {"body": "let me in"}).status_code in (403, 404)
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 2


def test_a_showcased_proposals_comments_stay_with_its_team(make_web, app):
    lead = make_user("Lena Lead")
    proposal = proposal_with_team(lead)
    comment_sections.comment(lead, proposal, body="team-only-remark")
    proposal.status = "launched"  # in the public showcase
    db.session.commit()
    make_user("Olga", email="olga@example.org")
    visitor = make_web()
    visitor.login("olga@example.org")
    url = f"/incubator/{proposal.id}"
    html = visitor.get(url).get_data(as_text=True)
    assert "Reading circles" in html
    assert "team-only-remark" not in html and 'id="comments"' not in html
    assert "team-only-remark" not in make_web().get(url).get_data(as_text=True)
    assert visitor.post(f"{url}/comments", {"body": "me too"}, token_from=url).status_code == 403
    assert comment_sections.comments_of(proposal).post_count == 1


def test_script_in_a_comment_is_shown_as_text(make_web, app):
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    _ana, browser = member_of(club, make_web)
    url = f"/c/club/wiki/{page.slug}"
    browser.post(f"{url}/comments", {"body": "<script>alert(1)</script> <img src=x onerror=alert(2)>"},
                 token_from=url)
    html = browser.get(url).get_data(as_text=True)
    start = html.index('<article class="post" id="post-1"')
    article = html[start:html.index("</article>", start)]
    assert "<script" not in article and "<img" not in article and "&lt;script&gt;alert(1)" in article


def test_an_empty_comment_is_refused_with_a_message_and_nothing_stored(make_web, app):
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    _ana, browser = member_of(club, make_web)
    url = f"/c/club/wiki/{page.slug}"
    response = browser.post(f"{url}/comments", {"body": "   "}, token_from=url)
    assert response.status_code == 400 and "Write a comment first." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0
    too_long = "x" * (app.config["POST_MAX_CHARS"] + 1)
    response = browser.post(f"{url}/comments", {"body": too_long}, token_from=url)
    assert response.status_code == 400 and too_long in response.get_data(as_text=True)  # the text is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_a_visitor_is_told_to_sign_in_and_a_non_member_to_join(make_web, app):
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    url = f"/c/club/wiki/{page.slug}"
    assert "Log in</a> to comment" in make_web().get(url).get_data(as_text=True)
    make_user("Olga", email="olga@example.org")
    outsider = make_web()
    outsider.login("olga@example.org")
    html = outsider.get(url).get_data(as_text=True)
    assert "Join the community" in html and f'action="{url}/comments"' not in html
    response = outsider.post(f"{url}/comments", {"body": "Hello"}, token_from=url)
    assert response.status_code == 403 and "Join the community" in response.get_data(as_text=True)
    assert "Hello</textarea>" in response.get_data(as_text=True)


def test_comments_are_paginated_with_plain_links(make_web, app):
    app.config["POSTS_PER_PAGE"] = 2
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    ana, browser = member_of(club, make_web)
    for n in range(1, 4):
        comment_sections.comment(ana, page, body=f"comment number {n}")
    url = f"/c/club/wiki/{page.slug}"
    first = browser.get(url).get_data(as_text=True)
    assert "comment number 1" in first and "comment number 3" not in first
    assert re.search(rf'href="{re.escape(url)}\?page=2#', first)  # plain links, no script
    second = browser.get(f"{url}?page=2").get_data(as_text=True)
    assert "comment number 3" in second and "comment number 1" not in second


def test_members_thank_a_page_and_a_resource_once_but_not_their_own(make_web, app):
    club = make_community("club")
    author = make_user("Fay Author", email="fay@example.org")
    add_member(club, author, "editor")
    page = make_page(club, "Warm-ups", author=author)
    resource = link_resource(club, author)
    _ana, browser = member_of(club, make_web)
    for url in (f"/c/club/wiki/{page.slug}", f"/resources/{resource.id}"):
        assert "No thanks yet" in browser.get(url).get_data(as_text=True)
        response = browser.post(f"{url}/thanks", token_from=url, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert "Thanked by 1 person" in html and f'action="{url}/thanks/remove"' in html
        assert browser.post(f"{url}/thanks", token_from=url).status_code in (302, 303, 409)
        assert "Thanked by 1 person" in make_web().get(url).get_data(as_text=True)  # anonymous: the count only
        own = make_web()
        own.login("fay@example.org")
        own_html = own.get(url).get_data(as_text=True)
        assert "Thanked by 1 person" in own_html and f'action="{url}/thanks"' not in own_html
        taken_back = browser.post(f"{url}/thanks/remove", token_from=url, follow_redirects=True)
        assert "No thanks yet" in taken_back.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Thanks)) == 0


def test_anonymous_readers_of_a_cached_page_see_new_comments_and_thanks(make_web, app):
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    ana = make_user_in(club)
    url = f"/c/club/wiki/{page.slug}"
    visitor = make_web()
    assert "No comments yet" in visitor.get(url).get_data(as_text=True)
    assert "No comments yet" in visitor.get(url).get_data(as_text=True)  # now from the page cache
    comment_sections.comment(ana, page, body="fresh-comment-word")
    assert "fresh-comment-word" in visitor.get(url).get_data(as_text=True)
    other = make_page(club, "Circles")
    visitor.get(f"/c/club/wiki/{other.slug}")
    thanks.thank(ana, other)
    assert "Thanked by 1 person" in visitor.get(f"/c/club/wiki/{other.slug}").get_data(as_text=True)


def test_comment_and_thanks_forms_refuse_a_post_without_csrf_token(make_web, app):
    club = make_community("club")
    page = make_page(club, "Warm-ups")
    ana, browser = member_of(club, make_web)
    resource = link_resource(club, make_user_in(club))
    proposal = proposal_with_team(ana)
    for url, data in ((f"/c/club/wiki/{page.slug}/comments", {"body": "b"}), (f"/c/club/wiki/{page.slug}/thanks", {}),
                      (f"/resources/{resource.id}/comments", {"body": "b"}), (f"/resources/{resource.id}/thanks", {}),
                      (f"/incubator/{proposal.id}/comments", {"body": "b"})):
        response = browser.post(url, data, csrf=False)
        assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Thanks)) == 0
