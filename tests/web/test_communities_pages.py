"""CoP pages: the directory, visibility, joining by each policy, and the facilitators' tools."""
from factories import add_member, make_community, make_user

from globe.services import communities


def test_directory_lists_name_domain_member_count_and_policy(web, app):
    community = make_community("speaking", name="Teaching Speaking", domain="Fluency and confidence",
                               policy="request")
    add_member(community, make_user())
    html = web.get("/").get_data(as_text=True)
    assert "Teaching Speaking" in html and "Fluency and confidence" in html
    assert "1 member" in html and "Request to join" in html


def test_public_community_is_readable_by_anyone(web, app):
    facilitator = make_user(name="Leila Benali")
    make_community("speaking", description="We share speaking activities.", facilitator=facilitator)
    html = web.get("/c/speaking").get_data(as_text=True)
    assert "We share speaking activities." in html and "Leila Benali" in html
    assert web.get("/c/speaking/members").status_code == 200


def test_members_only_community_shows_outsiders_only_its_name_domain_and_how_to_join(web, app):
    facilitator = make_user(name="Secret Facilitator")
    make_community("private", name="Research", domain="Action research", visibility="members",
                   policy="request", description="Confidential plans", facilitator=facilitator)
    make_user(email="outsider@example.org")
    for logged_in in (False, True):
        if logged_in:
            web.login("outsider@example.org")
        html = web.get("/c/private").get_data(as_text=True)
        assert "Research" in html and "Action research" in html
        assert "Confidential plans" not in html and "Secret Facilitator" not in html
    assert "Request to join" in html
    assert web.get("/c/private/members").status_code == 403


def test_unknown_community_is_a_friendly_404(web):
    response = web.get("/c/does-not-exist")
    assert response.status_code == 404
    assert "No community with that address." in response.get_data(as_text=True)


def test_join_open_community_then_leave(web, app):
    user = make_user(email="mei@example.org")
    community = make_community("speaking")
    web.login("mei@example.org")
    web.post("/c/speaking/join", token_from="/c/speaking")
    assert communities.membership(community, user.id).is_active
    assert "You are a <strong>member</strong>" in web.get("/c/speaking").get_data(as_text=True)
    web.post("/c/speaking/leave", token_from="/c/speaking")
    assert communities.membership(community, user.id) is None


def test_request_approved_by_facilitator_through_the_pages(make_web, app):
    facilitator = make_user(email="fac@example.org")
    user = make_user(email="mei@example.org", name="Mei")
    community = make_community("eap", policy="request", facilitator=facilitator)
    member_browser, facilitator_browser = make_web(), make_web()
    member_browser.login("mei@example.org")
    member_browser.post("/c/eap/join", {"message": "I teach at a university."}, token_from="/c/eap")
    assert "waiting for a facilitator" in member_browser.get("/c/eap").get_data(as_text=True)
    facilitator_browser.login("fac@example.org")
    page = facilitator_browser.get("/c/eap/members").get_data(as_text=True)
    assert "I teach at a university." in page
    facilitator_browser.post("/c/eap/members/decide", {"user_id": str(user.id), "decision": "approve",
                                                        "message": "Welcome"}, token_from="/c/eap/members")
    assert communities.membership(community, user.id).is_active


def test_invitation_accepted_from_the_profile(make_web, app):
    facilitator = make_user(email="fac@example.org")
    user = make_user(email="mei@example.org")
    community = make_community("research", policy="invite", visibility="members", facilitator=facilitator)
    facilitator_browser, member_browser = make_web(), make_web()
    facilitator_browser.login("fac@example.org")
    facilitator_browser.post("/c/research/members/invite", {"emails": "mei@example.org", "message": "Join us"},
                             token_from="/c/research/members")
    member_browser.login("mei@example.org")
    assert "you are invited" in member_browser.get("/profile").get_data(as_text=True)
    member_browser.post("/invitations/research/accept", token_from="/profile")
    assert communities.membership(community, user.id).is_active


def test_member_calling_facilitator_actions_gets_403_and_nothing_changes(web, app):
    member, other = make_user(email="mei@example.org"), make_user()
    community = make_community("speaking", policy="request")
    add_member(community, member)
    communities.join(other, community)
    web.login("mei@example.org")
    for url, data in (("/c/speaking/members/decide", {"user_id": other.id, "decision": "approve"}),
                      ("/c/speaking/members/role", {"user_id": member.id, "role": "facilitator"}),
                      ("/c/speaking/members/remove", {"user_id": other.id})):
        assert web.post(url, data, token_from="/c/speaking").status_code == 403
    assert communities.membership(community, other.id).status == "pending"
    assert communities.membership(community, member.id).role == "member"


def test_demoting_the_last_facilitator_is_explained(web, app):
    facilitator = make_user(email="fac@example.org")
    community = make_community("speaking", facilitator=facilitator)
    web.login("fac@example.org")
    response = web.post("/c/speaking/members/role", {"user_id": facilitator.id, "role": "member"},
                        token_from="/c/speaking/members")
    assert response.status_code == 409
    assert "at least one facilitator" in response.get_data(as_text=True)
    assert communities.membership(community, facilitator.id).role == "facilitator"


def test_bad_user_id_is_a_400_not_a_500(web, app):
    make_community("speaking", facilitator=make_user(email="fac@example.org"))
    web.login("fac@example.org")
    response = web.post("/c/speaking/members/role", {"user_id": "1; drop table", "role": "member"},
                        token_from="/c/speaking/members")
    assert response.status_code == 400


def test_admin_creates_edits_and_archives_a_community(web, app):
    make_user(email="admin@example.org", admin=True)
    web.login("admin@example.org")
    response = web.post("/communities/new", {"slug": "young-learners", "name": "Young Learners",
                                             "domain": "Children 5-12", "policy": "open", "visibility": "public",
                                             "default_license": "cc-by"}, token_from="/communities/new")
    assert response.status_code == 302
    response = web.post("/c/young-learners/settings", {"name": "Young Learners", "domain": "Children aged 5 to 12",
                                                        "policy": "request", "visibility": "members",
                                                        "default_license": "cc0"},
                        token_from="/c/young-learners/settings")
    community = communities.get_community("young-learners")
    assert (community.domain, community.policy, community.visibility) == ("Children aged 5 to 12", "request", "members")
    web.post("/c/young-learners/archive", token_from="/c/young-learners/settings")
    assert community.is_archived
    assert 'href="/c/young-learners"' not in web.get("/").get_data(as_text=True)


def test_invalid_new_community_keeps_the_form(web, app):
    make_user(email="admin@example.org", admin=True)
    web.login("admin@example.org")
    response = web.post("/communities/new", {"slug": "Bad Slug", "name": "Kept name", "domain": "",
                                             "policy": "open", "visibility": "public", "default_license": "cc-by"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="Kept name"' in html


def test_non_admin_cannot_open_admin_pages(web, app):
    make_user(email="mei@example.org")
    make_community("speaking")
    web.login("mei@example.org")
    for url in ("/communities/new", "/c/speaking/settings", "/admin/people"):
        assert web.get(url).status_code == 403


def test_admin_grants_mentor_role_with_expertise(web, app):
    make_user(email="admin@example.org", admin=True)
    mentor = make_user(email="dan@example.org")
    web.login("admin@example.org")
    web.post(f"/admin/people/{mentor.id}/roles", {"is_mentor": "y", "expertise": "course design, publishing"},
             token_from=f"/admin/people/{mentor.id}/roles")
    assert mentor.is_mentor and mentor.expertise == ["course design", "publishing"]


def test_pages_send_security_headers_and_cacheable_assets(web):
    response = web.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    css_url = response.get_data(as_text=True).split('rel="stylesheet" href="')[1].split('"')[0]
    assert "?v=" in css_url
    asset = web.get(css_url)
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]


def test_unexpected_errors_get_a_friendly_500_page(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500 and "Something went wrong" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)
    api_style = client.get("/api/v1/nothing-here")
    assert api_style.status_code == 404 and api_style.mimetype == "application/problem+json"


def test_a_profile_hides_members_only_communities_from_outsiders(make_web, app):
    member = make_user(email="mei@example.org")
    add_member(make_community("open-cop", name="Open Circle"), member)
    add_member(make_community("secret-cop", name="Secret Circle", visibility="members"), member)
    outsider, insider = make_web(), make_web()
    make_user(email="out@example.org")
    outsider.login("out@example.org")
    insider.login("mei@example.org")
    seen_by_outsider = outsider.get(f"/people/{member.id}").get_data(as_text=True)
    assert "Open Circle" in seen_by_outsider and "Secret Circle" not in seen_by_outsider
    assert "Secret Circle" in insider.get(f"/people/{member.id}").get_data(as_text=True)
