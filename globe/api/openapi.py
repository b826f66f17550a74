"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every /api/v1 operation.

Kept by hand beside the routes (a plain Flask API has nothing to generate it from); tests/api/test_openapi.py
fails when a route is missing here or differs, and tests/api/test_api_fuzz.py drives schemathesis with it."""
from __future__ import annotations

import hashlib
import json
from functools import cache

from flask import Response, request

from ..models.communities import POLICIES, ROLES, VISIBILITIES
from ..models.conversations import STORY_TYPES, THREAD_KINDS
from ..models.incubator import RECOMMENDATIONS, STATES
from ..models.notifications import CHANNELS, COMMUNITY_LEVELS, FOLLOW_TARGETS, ITEM_LEVELS
from ..models.resources import AGE_GROUPS, CEFR_LEVELS, LICENSES, RESOURCE_TYPES, SKILLS
from ..search import FACETS
from ..services.invitations import MAX_ADDRESSES
from ..services.mentoring import MAX_CAPACITY
from ..services.moderation import REASON_CHARS as MODERATION_REASON_CHARS
from ..services.notifications import KINDS
from .common import bp
from .openapi_schemas import (
    BOOL,
    FILE,
    HEADERS,
    ID,
    INT,
    METADATA,
    PARAMETERS,
    PROBLEMS,
    PROPOSAL_TEXT,
    RESPONSES,
    SCHEMAS,
    SECURITY_SCHEMES,
    STR,
    UPLOAD_METADATA,
    array,
    closed,
    enum,
    nullable,
    obj,
    ref,
    text_list,
)

ANONYMOUS_OK = [{}, {"bearer": []}]   # a token is optional: without one you are an anonymous visitor
TOKEN_REQUIRED = [{"bearer": []}]
PAGING = ("page", "per_page")


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _query(name: str, schema: dict, description: str | None = None) -> dict:
    param = {"name": name, "in": "query", "schema": schema}
    if schema.get("type") == "array":
        param.update(style="form", explode=True)
    if description:
        param["description"] = description
    return param


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _ok(schema: dict, description: str = "OK", **headers) -> dict:
    return {"description": description, "content": _json(schema), **({"headers": headers} if headers else {})}


def _page_of(item: str) -> dict:
    envelope = obj({"items": array(ref(item)), "total": INT, "page": INT, "per_page": INT},
                   required=("items", "total", "page", "per_page"))
    return {"200": {"description": "One page of the list.", "headers": {"Link": {"$ref": "#/components/headers/Link"}},
                    "content": _json(envelope)}}


def op(op_id: str, summary: str, tag: str, responses: dict, *, errors=(), params=(), body: dict | None = None,
       body_required: bool = True, security=ANONYMOUS_OK, description: str | None = None) -> dict:
    """One operation. Besides the `errors` listed, any may answer 400 (a malformed body or paging parameter),
    401 (a bad token) and 422 (a NUL character in any field, even an unknown one); one taking a body
    answers 415 to a body of another content type."""
    codes = {400, 401, 422, *errors} | ({415} if body is not None else set())
    problems = {str(code): {"$ref": f"#/components/responses/{PROBLEMS[code]}"} for code in sorted(codes)}
    operation = {"operationId": op_id, "summary": summary, "tags": [tag], "security": security,
                 "parameters": [_param(p) if isinstance(p, str) else p for p in params],
                 "responses": {**responses, **problems}}
    if body is not None:
        operation["requestBody"] = {"required": body_required, "content": body}
    if description:
        operation["description"] = description
    return operation


def _json_body(properties: dict, required=()) -> dict:
    return _json(obj(properties, required=required))


RESOURCE_FILTERS = [
    _query("level", array(enum(CEFR_LEVELS))), _query("skill", array(enum(SKILLS))),
    _query("age_group", array(enum(AGE_GROUPS))), _query("type", array(enum(RESOURCE_TYPES))),
    _query("tag", array(STR)), _query("license", array(enum(LICENSES))), _query("language", array(STR)),
    _query("sort", {**enum(("newest", "title", "downloads")), "default": "newest"}),
]
SEARCH_FILTERS = [_query(name, array(STR)) for name in FACETS]
COMMUNITY_SETTINGS = {"name": {**STR, "maxLength": 120}, "domain": {**STR, "maxLength": 300},
                      "description": {**STR, "maxLength": 20000}, "policy": enum(POLICIES),
                      "visibility": enum(VISIBILITIES), "default_license": enum(LICENSES),
                      "members_can_edit_wiki": BOOL}
REPLAYED = {"description": "`true` when an earlier request with the same Idempotency-Key created this resource.",
            "schema": enum(("true",))}
RESOURCE_CREATED = {"201": _ok(ref("Resource"), "Created (or, for a retried Idempotency-Key, created before).",
                               Location={"schema": STR}, **{"Idempotent-Replayed": REPLAYED})}
CREATE_CONFLICT = {"409": {
    "description": "The same file is already shared in this community (`existing` points at it), or a request "
                   "with the same Idempotency-Key is still outstanding (retry it).",
    "content": {"application/problem+json": {"schema": {"anyOf": [ref("Duplicate"), ref("Problem")]}}}}}
DUPLICATE = {"409": {"description": "The same file is already shared in this community.",
                     "content": {"application/problem+json": {"schema": ref("Duplicate")}}}}


def _accounts() -> dict:
    return {
        "/tokens": {"post": op(
            "issueToken", "Issue a personal access token from email and password", "accounts",
            {"201": _ok(ref("Token"), "Created.")}, errors=(429,), security=[{}],
            body=_json_body({"email": STR, "password": STR, "name": {**STR, "description": "A label for the token."},
                             "expires_in_days": nullable({**INT, "description": "Default: the site's setting; "
                                                                                "null: never."}),
                             "scope": {"type": "string", "enum": ["read", "write"],
                                       "description": "read: GET requests only (any other answers 403). "
                                                      "Default: write."},
                             "code": {**STR, "description": "Required when the account uses two-factor sign-in: "
                                                            "the app's current six-digit code or a recovery code "
                                                            "(each accepted once)."},
                             "communities": {**text_list(), "description": (
                                 "Slugs of your communities to limit the token to (default: none, not limited). "
                                 "A limited token sees other communities as a visitor does, holds no site-wide "
                                 "role, and any change outside them answers 403.")}},
                            required=("email", "password")),
            description="Failed attempts are limited per address, and count with the login page's for the account: "
                        "while its new browsers must wait, so do token requests (429). An "
                        "account with two-factor sign-in needs `code` too (401 without a right one).")},
        "/me": {"get": op("getMe", "The caller, with their communities and roles", "accounts",
                          {"200": _ok(ref("Me"))}, security=TOKEN_REQUIRED),
                "delete": op(
                    "deleteMe", "Delete your account, proven by your password", "accounts",
                    {"204": {"description": "Deleted: every token and browser of the account stops working."}},
                    errors=(403, 409, 429), security=TOKEN_REQUIRED,
                    body=_json_body({"password": STR}, required=("password",)),
                    description="Your profile, boards, memberships, notifications, tokens and sessions go; what "
                                "you contributed to communities stays, shown as by \"Former member\", and the "
                                "address can register again. A wrong password answers 422 and deletes nothing; "
                                "409 while you are a community's only facilitator or the site's only admin (hand "
                                "over first); 403 with a read-only token. Failed attempts are rate-limited per "
                                "account like the login form.")},
        "/me/password": {"put": op(
            "changeMyPassword", "Change your password, proven by the current one", "accounts",
            {"204": {"description": "Changed."}}, errors=(429,), security=TOKEN_REQUIRED,
            body=_json_body({"current_password": STR,
                             "new_password": {**STR, "description": "8 to 256 characters."}},
                            required=("current_password", "new_password")),
            description="Every browser you are signed in with is signed out; API tokens keep working. A wrong "
                        "current password or a too short or too long new one answers 422; failed attempts "
                        "are rate-limited per account like the login form.")},
        "/me/email": {"put": op(
            "changeMyEmail", "Change your email address: a link is mailed to the new one", "accounts",
            {"202": _ok(obj({"detail": STR}, required=("detail",)), "Accepted: the link was emailed if the address "
                                                                    "can be used.")},
            errors=(429,), security=TOKEN_REQUIRED,
            body=_json_body({"email": {**STR, "description": "The new address."}, "current_password": STR},
                            required=("email", "current_password")),
            description="Nothing changes until the link mailed to the new address is followed (48 hours by "
                        "default); then the old address is told and every browser signed in to the account is "
                        "signed out (API tokens keep working). The answer is the same whether or not another "
                        "account uses the address. A wrong current password, a malformed address or your own "
                        "address answers 422; more than 3 links an hour answers 422 too. Failed attempts are "
                        "rate-limited per account like the login form.")},
        "/me/email-verification": {"post": op(
            "resendEmailVerification", "Email a new link confirming your address", "accounts",
            {"202": _ok(obj({"detail": STR}, required=("detail",)), "Accepted: the link was emailed.")},
            errors=(403,), security=TOKEN_REQUIRED,
            description="For an account whose address is not confirmed yet (`email_verified` false in `GET /me`). "
                        "422 when it is confirmed already, or after 3 links within an hour.")},
        **_password_resets(),
        "/users/{user_id}": {"put": op(
            "setAccountStatus", "Suspend or reactivate an account (site admins)", "accounts",
            {"200": _ok(ref("AccountStatus"))}, errors=(403, 404), params=("user_id",), security=TOKEN_REQUIRED,
            body=_json_body({"suspended": BOOL,
                             "reason": {**STR, "description": "Required to suspend; shown at login. At most 500."}},
                            required=("suspended",)),
            description="A suspended person cannot log in or get a token, and their browsers and tokens stop "
                        "working at their next request.")},
    }


def _password_resets() -> dict:
    return {
        "/password-resets": {"post": op(
            "requestPasswordReset", "Email a link to choose a new password", "accounts",
            {"202": _ok(obj({"detail": STR}, required=("detail",)), "Accepted, whether or not the address has an "
                                                                    "account.")},
            errors=(429,), security=[{}], body=_json_body({"email": STR}, required=("email",)),
            description="The answer is the same for every address, so it never tells whether one has an account. "
                        "An active account gets an email with a single-use link that expires (2 hours by default). "
                        "Rate-limited per address and per IP like the login form.")},
        "/password-resets/{token}": {"post": op(
            "resetPassword", "Set a new password with the token from a reset email", "accounts",
            {"204": {"description": "Changed; the link is used up."}}, errors=(404, 410), params=("reset_token",),
            security=[{}], body=_json_body({"password": {**STR, "description": "8 to 256 characters."}},
                                           required=("password",)),
            description="400 for a token Globe never sent, 410 for a used or expired one, 422 for a too short "
                        "or too long password: nothing is changed then. On success every browser signed in to "
                        "the account is signed out (API tokens keep working).")},
    }


def _communities() -> dict:
    member = ("slug", "user_id")
    return {
        "/communities": {
            "get": op("listCommunities", "Communities visible to the caller", "communities", _page_of("Community"),
                      params=PAGING),
            "post": op("createCommunity", "Create a community (site admins)", "communities",
                       {"201": _ok(ref("Community"), "Created.")}, errors=(403,), security=TOKEN_REQUIRED,
                       body=_json_body({"slug": {**STR, "pattern": "^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$"},
                                        "first_facilitator_email": {
                                            **STR, "description": "Invited by email as its first "
                                                                  "facilitator (an address without an account gets "
                                                                  "a sign-up link); default: you are the "
                                                                  "facilitator."},
                                        **COMMUNITY_SETTINGS}, required=("slug", "name", "domain")),
                       description="The creator becomes its first facilitator unless another person is named.")},
        "/communities/{slug}": {"get": op("getCommunity", "One community", "communities",
                                          {"200": _ok(ref("Community"))}, errors=(404,), params=("slug",))},
        "/communities/{slug}/join": {"post": op(
            "joinCommunity", "Join an open community, or ask to join one that reviews requests", "communities",
            {"201": _ok(ref("Membership"), "Joined."),
             "202": _ok(ref("Membership"), "Request waiting for a facilitator.")},
            errors=(403, 404, 409), params=("slug",), security=TOKEN_REQUIRED,
            body=_json_body({"message": {**STR, "description": "For the facilitators, when they review requests."}}),
            body_required=False)},
        "/communities/{slug}/members": {"get": op(
            "listMembers", "Members and their roles", "communities", _page_of("Membership"),
            errors=(403, 404), params=("slug", *PAGING))},
        "/communities/{slug}/members/{user_id}": {
            "put": op("updateMember", "Set a member's role, or approve a request (facilitators)", "communities",
                      {"200": _ok(ref("Membership"))}, errors=(403, 404, 409), params=member,
                      security=TOKEN_REQUIRED,
                      body=_json_body({"role": enum(ROLES), "status": {**enum(("active",)),
                                                                       "description": "Approves a pending request."}})),
            "delete": op("removeMember", "Leave (your own id) or remove a member (facilitators)", "communities",
                         {"204": {"description": "Removed."}}, errors=(403, 404, 409), params=member,
                         security=TOKEN_REQUIRED)},
    }


def _invitations() -> dict:
    one = ("slug", "invitation_id")
    return {
        "/communities/{slug}/invitations": {
            "get": op("listInvitations", "Pending invitations, expired ones included (facilitators)", "communities",
                      _page_of("Invitation"), errors=(403, 404), params=("slug", *PAGING), security=TOKEN_REQUIRED,
                      description="Invitations not yet accepted, revoked or declined, most recently sent first; "
                                  "`status` says whether each is still `pending` or has `expired` (resend it)."),
            "post": op("invite", "Invite people by email (facilitators)", "communities",
                       {"200": _ok(ref("InvitationResults"), "What happened to each distinct address.")},
                       errors=(403, 404), params=("slug",), security=TOKEN_REQUIRED,
                       body=_json_body({"emails": {**text_list(), "description": f"Up to {MAX_ADDRESSES} "
                                                   "addresses; `Name <address>` works too; duplicates collapse."},
                                        "role": {**enum(ROLES), "default": "member"},
                                        "message": {**STR, "maxLength": 2000, "description": "Put in the email."}},
                                       required=("emails",)),
                       description="An address with an account is invited (`invited`: on their profile and by "
                                   "email); one without gets an email whose single-use link creates the account "
                                   "and joins (`emailed`). Also `already_member`, `already_invited` (a pending "
                                   "invitation) and `invalid`. More than 200 addresses, a bad role or a too long "
                                   "message answer 422 and invite nobody.")},
        "/communities/{slug}/invitations/{invitation_id}": {"delete": op(
            "revokeInvitation", "Revoke an invitation (facilitators)", "communities",
            {"204": {"description": "Revoked: its link no longer works."}}, errors=(403, 404), params=one,
            security=TOKEN_REQUIRED)},
        "/communities/{slug}/invitations/{invitation_id}/resend": {"post": op(
            "resendInvitation", "Email an invitation again, with a new link and expiry (facilitators)",
            "communities", {"200": _ok(ref("Invitation"))}, errors=(403, 404), params=one,
            security=TOKEN_REQUIRED, description="The link sent before stops working.")},
    }


def _invite_links() -> dict:
    return {
        "/communities/{slug}/invite-links": {
            "get": op("listInviteLinks", "A community's invite links that still work (facilitators)", "communities",
                      _page_of("InviteLink"), errors=(403, 404), params=("slug", *PAGING), security=TOKEN_REQUIRED),
            "post": op("createInviteLink", "Make a shareable invite link (facilitators)", "communities",
                       {"201": _ok(ref("InviteLinkCreated"), "Created; `url` is shown only now.")},
                       errors=(403, 404), params=("slug",), security=TOKEN_REQUIRED,
                       body=_json_body({"expires_in_days": {**INT, "minimum": 1, "maximum": 365},
                                        "max_uses": nullable({**INT, "minimum": 1, "maximum": 10000,
                                                              "description": "Default: no limit."}),
                                        "mode": {**enum(("join", "request")),
                                                 "description": "join (default): members at once; request: a join "
                                                                "request for the facilitators."}},
                                       required=("expires_in_days",)),
                       description="Anyone signed in who opens the link joins (or asks to join), whatever the "
                                   "community's membership policy; an archived community refuses it.")},
        "/communities/{slug}/invite-links/{link_id}": {"delete": op(
            "revokeInviteLink", "Revoke an invite link (facilitators)", "communities",
            {"204": {"description": "Revoked; people who joined through it stay."}}, errors=(403, 404),
            params=("slug", "link_id"), security=TOKEN_REQUIRED)},
    }


def _wiki() -> dict:
    page = ("slug", "page_slug")
    edit = _json_body({
        "body": {**STR, "description": "The page's Markdown."},
        "base_revision": nullable({**INT, "minimum": 0,
                                   "description": "The revision your edit started from; 0 for a new page."}),
        "title": {**STR, "description": "Defaults to the address with spaces."}, "summary": STR,
        "tags": {"anyOf": [array(STR), STR]}}, required=("body",))
    return {
        "/communities/{slug}/wiki": {"get": op("listWikiPages", "A community's wiki pages", "wiki",
                                               _page_of("WikiPageSummary"), errors=(403, 404),
                                               params=("slug", *PAGING))},
        "/communities/{slug}/wiki/{page_slug}": {
            "get": op("getWikiPage", "One wiki page: Markdown, HTML, links and backlinks", "wiki",
                      {"200": _ok(ref("WikiPage"))}, errors=(403, 404), params=page),
            "put": op("saveWikiPage", "Create or edit a page", "wiki",
                      {"200": _ok(ref("WikiPageSaved"), "Saved."), "201": _ok(ref("WikiPageSaved"), "Created."),
                       "409": {"description": "Your change overlaps one saved since base_revision: resolve the "
                                              "markers and save again with base_revision = current_revision.",
                               "content": {"application/problem+json": {"schema": ref("EditConflict")}}}},
                      errors=(403, 404), params=page, body=edit, security=TOKEN_REQUIRED,
                      description="Changes that do not overlap a concurrent edit are merged (`merged: true`).")},
        "/communities/{slug}/wiki/{page_slug}/revisions": {"get": op(
            "listWikiRevisions", "A page's history, newest first", "wiki", _page_of("Revision"),
            errors=(403, 404), params=(*page, *PAGING))},
        "/knowledge-base": {"get": op("listKnowledgeBase", "Pages accepted into the Globe knowledge base", "wiki",
                                      _page_of("WikiPageSummary"), params=PAGING)},
    }


def _resources() -> dict:
    upload = {"multipart/form-data": {"schema": obj({"file": FILE, **UPLOAD_METADATA}, required=("file", "title")),
                                      "encoding": {"file": {"contentType": "application/octet-stream"}}},
              "application/json": {"schema": obj({"url": {**STR, "format": "uri", "description": "http(s) only."},
                                                  **METADATA}, required=("url", "title"))}}
    one = ("resource_id",)
    return {
        "/communities/{slug}/resources": {
            "get": op("listCommunityResources", "A community's resources, filtered", "resources",
                      _page_of("Resource"), errors=(403, 404), params=("slug", *PAGING, *RESOURCE_FILTERS)),
            "post": op("createResource", "Share a file (multipart) or a link (JSON)", "resources",
                       {**RESOURCE_CREATED, **CREATE_CONFLICT}, errors=(400, 403, 404, 413, 415),
                       params=("slug", "idempotency_key"), body=upload, security=TOKEN_REQUIRED)},
        "/resources": {"get": op("listResources", "Resources from every community the caller may see", "resources",
                                 _page_of("Resource"),
                                 params=(*PAGING, *RESOURCE_FILTERS, _query("community", array(STR))))},
        "/resources/{resource_id}": {
            "get": op("getResource", "One resource with its versions", "resources", {"200": _ok(ref("Resource"))},
                      errors=(404,), params=one),
            "patch": op("updateResource", "Edit metadata (owner or facilitator)", "resources",
                        {"200": _ok(ref("Resource"))}, errors=(403, 404), params=one, security=TOKEN_REQUIRED,
                        body=_json_body({**METADATA, "url": {**STR, "description": "Link resources only."}})),
            "delete": op("deleteResource", "Delete a resource (owner or facilitator)", "resources",
                         {"204": {"description": "Deleted."}}, errors=(403, 404), params=one, security=TOKEN_REQUIRED)},
        "/resources/{resource_id}/versions": {"post": op(
            "addResourceVersion", "Upload a new version of a file resource", "resources",
            {"201": _ok(ref("Resource"), "Created."), **DUPLICATE}, errors=(400, 403, 404, 413, 415), params=one,
            security=TOKEN_REQUIRED,
            body={"multipart/form-data": {"schema": obj({"file": FILE}, required=("file",))}})},
        "/resources/{resource_id}/download": {"get": op(
            "downloadResource", "The file of the latest version (or ?version=n)", "resources",
            {"200": {"description": "The file, with its own content type.",
                     "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
             "206": {"description": "The requested byte range."}, "304": {"description": "Not modified."}},
            errors=(404, 416), params=(*one, _query("version", ID)))},
    }


def _search() -> dict:
    return {"/search": {"get": op(
        "search", "Search resources, wiki pages, knowledge-base pages and projects", "search",
        {"200": _ok(ref("SearchResults"))},
        params=(_query("q", STR, "Words, \"phrases\", -excluded, OR, prefix*, and filters such as level:B1."),
                *SEARCH_FILTERS, _query("sort", {**enum(("relevance", "newest")), "default": "relevance"}),
                *PAGING))}}


def _incubator() -> dict:
    one = ("proposal_id",)
    proposal = {"200": _ok(ref("Proposal"))}
    return {
        "/proposals": {
            "get": op("listProposals", "Proposals visible to the caller", "incubator", _page_of("Proposal"),
                      params=(*PAGING, _query("status", enum(STATES)))),
            "post": op("createProposal", "Propose a project (a draft)", "incubator",
                       {"201": _ok(ref("Proposal"), "Created.")}, errors=(403, 409), security=TOKEN_REQUIRED,
                       body=_json_body({**PROPOSAL_TEXT, "community": nullable(STR), "team": array(ID)},
                                       required=("title",)))},
        "/proposals/{proposal_id}": {
            "get": op("getProposal", "One proposal", "incubator", proposal, errors=(404,), params=one),
            "patch": op("updateProposal", "Edit a draft (or one sent back for revision)", "incubator", proposal,
                        errors=(403, 404, 409), params=one, security=TOKEN_REQUIRED,
                        body=_json_body({**PROPOSAL_TEXT,
                                         "community": nullable({**STR, "description": "null clears it."})}))},
        "/proposals/{proposal_id}/transitions": {"post": op(
            "transitionProposal", "Move a proposal through its lifecycle", "incubator", proposal,
            errors=(403, 404, 409), params=one, security=TOKEN_REQUIRED,
            body=_json_body({"to": enum(STATES), "message": STR,
                             "override_reason": {**STR, "description": "Admins deciding without a review."}},
                            required=("to",)))},
        "/proposals/{proposal_id}/mentor-suggestions": {"get": op(
            "suggestMentors", "Mentors ranked for this proposal (admins)", "incubator",
            {"200": _ok(array(ref("MentorSuggestion")))}, errors=(403, 404), params=one, security=TOKEN_REQUIRED)},
        "/proposals/{proposal_id}/assignments": {"post": op(
            "assignMentor", "Assign a mentor (admins)", "incubator", {"201": _ok(ref("Assignment"), "Created.")},
            errors=(403, 404, 409), params=one, security=TOKEN_REQUIRED,
            body=_json_body({"mentor_id": ID, "override_capacity_reason": STR}, required=("mentor_id",)))},
        "/assignments/{assignment_id}": {"put": op(
            "answerAssignment", "The mentor accepts or declines an assignment", "incubator",
            {"200": _ok(obj({"id": INT, "status": STR}, required=("id", "status")))},
            errors=(403, 404, 409), params=("assignment_id",), security=TOKEN_REQUIRED,
            body=_json_body({"status": enum(("accepted", "declined")), "reason": STR}, required=("status",)))},
        "/proposals/{proposal_id}/reviews": {"post": op(
            "reviewProposal", "An assigned mentor's review", "incubator", {"201": _ok(ref("Review"), "Created.")},
            errors=(403, 404, 409), params=one, security=TOKEN_REQUIRED,
            body=_json_body({"recommendation": enum(RECOMMENDATIONS), "comments": STR,
                             "private_note": {**STR, "description": "Only admins read it."}},
                            required=("recommendation", "comments")))},
        "/mentors": {"get": op("listMentors", "Mentor profiles: expertise, capacity, load", "incubator",
                               _page_of("Mentor"), params=PAGING)},
        **_mentor_profile(),
    }


def _mentor_profile() -> dict:
    """The caller's own mentor settings and declared conflicts of interest (mentors only)."""
    mine = {"200": _ok(ref("MentorProfile"))}
    return {
        "/mentors/me": {
            "get": op("getMyMentorProfile", "Your mentor settings and declared conflicts", "incubator", mine,
                      errors=(403,), security=TOKEN_REQUIRED),
            "put": op("updateMyMentorProfile", "Change your capacity and availability (fields left out keep "
                      "their value)", "incubator", mine, errors=(403,), security=TOKEN_REQUIRED,
                      body=_json_body({"capacity": {**INT, "minimum": 1, "maximum": MAX_CAPACITY},
                                       "available": BOOL, "show_in_showcase": BOOL}))},
        "/mentors/me/conflicts": {"post": op(
            "declareConflict", "Declare a conflict of interest with one person or one proposal", "incubator",
            {"201": _ok(ref("DeclaredConflict"), "Created.")}, errors=(403, 409), security=TOKEN_REQUIRED,
            body=_json_body({"reason": {**STR, "maxLength": 300}, "person_email": {**STR, "format": "email"},
                             "proposal_id": ID}, required=("reason",)),
            description="Give either person_email or proposal_id. An assignment you hold there ends now.")},
        "/mentors/me/conflicts/{conflict_id}": {"delete": op(
            "removeConflict", "Withdraw a declared conflict of interest", "incubator",
            {"204": {"description": "Removed."}}, errors=(403, 404), params=("conflict_id",),
            security=TOKEN_REQUIRED)},
    }


def _notifications() -> dict:
    follow_target = {"target_type": enum(FOLLOW_TARGETS), "target_id": ID}
    settings_body = obj({**{kind: enum(CHANNELS) for kind in KINDS}, "auto_follow": BOOL})
    return {
        "/me/notifications": {"get": op(
            "listMyNotifications", "Your notices, newest first", "notifications", _page_of("Notification"),
            params=(_query("unread", enum(("1", "0", "true", "false")), "1: unread notices only."), *PAGING),
            security=TOKEN_REQUIRED,
            description="The most recent 600 notices you may still open (one about something you can no longer "
                        "see is left out). A repeated notice (`count` above 1) is one item.")},
        "/me/notifications/read": {"post": op(
            "markMyNotificationsRead", "Mark notices read", "notifications",
            {"200": _ok(closed({"unread": INT}), "Done; how many stay unread.")}, errors=(403, 404),
            security=TOKEN_REQUIRED,
            body=_json_body({"ids": {**array(ID), "minItems": 1}, "all": BOOL}),
            description='`{"ids": [...]}` marks those notices read; if any id is not one of yours the answer is 404 '
                        'and nothing changes. `{"all": true}` marks all of yours read.')},
        "/me/notification-settings": {
            "get": op("getMyNotificationSettings", "How each kind of notice reaches you by email", "notifications",
                      {"200": _ok(ref("NotificationSettings"))}, security=TOKEN_REQUIRED),
            "put": op("putMyNotificationSettings", "Change how some kinds of notice reach you", "notifications",
                      {"200": _ok(ref("NotificationSettings"))}, errors=(403,), security=TOKEN_REQUIRED,
                      body=_json(settings_body),
                      description="Kinds left out keep their channel. An unknown kind or channel, or an "
                                  "`auto_follow` that is not a boolean, answers 422 and changes nothing.")},
        "/me/follows": {
            "get": op("listMyFollows", "What you follow or mute", "notifications", _page_of("Follow"),
                      params=PAGING, security=TOKEN_REQUIRED),
            "put": op("follow", "Follow or mute a community, wiki page, resource or proposal", "notifications",
                      {"200": _ok(ref("Follow"))}, errors=(403, 404), security=TOKEN_REQUIRED,
                      body=_json_body({**follow_target, "level": enum((*COMMUNITY_LEVELS, *ITEM_LEVELS))},
                                      required=("target_type", "target_id", "level")),
                      description="A community takes `everything`, `new` (new resources, pages and threads only) "
                                  "or `mute`; a page, resource or proposal `watch` or `mute`; another level is a "
                                  "422. Something you cannot see is a 404 and nothing is stored."),
            "delete": op("unfollow", "Stop following or muting something", "notifications",
                         {"204": {"description": "Stopped (also when you did not follow it)."}}, errors=(403, 404),
                         security=TOKEN_REQUIRED,
                         body=_json_body(follow_target, required=("target_type", "target_id")))},
    }


def _moderation() -> dict:
    """Flags and moderation of threads and posts (a community's facilitators; site admins for proposals)."""
    post, thread = _path_id("post_id"), _path_id("thread_id")
    reason = {**STR, "maxLength": MODERATION_REASON_CHARS}
    return {
        "/posts/{post_id}/flags": {"post": op(
            "flagPost", "Flag a post for the moderators, with a reason", "moderation",
            {"201": _ok(ref("Flag"), "Flagged: the community's facilitators are told.")}, errors=(403, 404, 409),
            params=(post,), security=TOKEN_REQUIRED, body=_json_body({"reason": reason}, required=("reason",)),
            description="Once per person and post (409 the second time, or when the post is already hidden); not "
                        "your own post (422); a post you cannot see is a 404. When enough people flag a post "
                        "(GLOBE_FLAGS_TO_HIDE) it is hidden until a moderator decides.")},
        "/threads/{thread_id}/moderation": {"post": op(
            "moderateThread", "Pin, lock, close, hide or move a thread (moderators)", "moderation",
            {"200": _ok(ref("ThreadModerationState"), "Done (an action that changes nothing changes nothing).")},
            errors=(403, 404), params=(thread,), security=TOKEN_REQUIRED,
            body=_json_body({"action": enum(("pin", "unpin", "lock", "unlock", "close", "reopen", "hide", "unhide",
                                             "move")),
                             "reason": {**reason, "description": "Required to hide or move; kept in the log."},
                             "community": {**STR, "description": "move: the slug of another community you "
                                                                 "moderate."}}, required=("action",)),
            description="Every action is written in the community's moderation log with who and why. A thread "
                        "moves only to another community you moderate (403 otherwise); comments on a page, "
                        "resource or proposal can only be locked and unlocked.")},
        "/posts/{post_id}/moderation": {"post": op(
            "moderatePost", "Hide or show a post, or dismiss its flags (moderators)", "moderation",
            {"200": _ok(ref("PostModerationState"))}, errors=(403, 404), params=(post,), security=TOKEN_REQUIRED,
            body=_json_body({"action": enum(("hide", "unhide", "dismiss_flags")),
                             "reason": {**reason, "description": "Required to hide; kept in the log."}},
                            required=("action",)),
            description="Hiding settles the post's open flags as hidden, showing it again as dismissed; "
                        "`dismiss_flags` shows the post again only if the flags had hidden it.")},
        "/communities/{slug}/moderation-log": {"get": op(
            "getModerationLog", "What moderators did in a community, newest first (its moderators)", "moderation",
            _page_of("ModerationEntry"), errors=(403, 404), params=("slug", *PAGING), security=TOKEN_REQUIRED)},
    }


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID}

def _conversations() -> dict:
    """The board, threads, posts, thanks and comments."""
    thread, post, paged_thread = ("thread_id",), ("post_id",), ("thread_id", *PAGING)
    body = {**STR, "description": "Markdown: at most POST_MAX_CHARS (20,000 by default) characters and "
                                  "POST_MAX_MENTIONS (20) distinct @mentions."}
    tags = {**text_list(), "description": "Tags, as a list or comma-separated."}
    writing = _json_body({"body": body, "reply_to": {**ID, "description": "A post of the same discussion to "
                                                                          "reply to (quote)."}},
                         required=("body",))
    paged_posts = {"200": {**_page_of("PostOrPlaceholder")["200"], "description": "One page of posts in order; "
                           "deleted and hidden ones are placeholders except for moderators."}}
    created_post = {"201": _ok(ref("Post"), "Created.")}
    gone = {"204": {"description": "Done."}}
    return {
        "/communities/{slug}/threads": {
            "get": op("listThreads", "A community's discussions: pinned first, then the latest", "conversations",
                      _page_of("Thread"), errors=(403, 404),
                      params=("slug", _query("kind", enum(THREAD_KINDS)),
                              _query("unanswered", enum(("1", "0", "true", "false")),
                                     "1: questions without an accepted answer, longest waiting first."), *PAGING)),
            "post": op("startThread", "Start a discussion (members; announcements: facilitators)", "conversations",
                       {"201": _ok(ref("Thread"), "Created.", Location={"schema": STR})}, errors=(403, 404, 429),
                       params=("slug",), security=TOKEN_REQUIRED,
                       body=_json_body({"kind": enum(THREAD_KINDS), "title": {**STR, "maxLength": 200},
                                        "body": body, "tags": tags,
                                        "story_type": {**enum(STORY_TYPES), "description": "Required for a story."}},
                                       required=("kind", "title", "body")),
                       description="The body is the thread's first post. New accounts write a limited number of "
                                   "posts an hour (429).")},
        "/threads/{thread_id}": {
            "get": op("getThread", "One discussion with a page of its posts", "conversations",
                      {"200": _ok(ref("ThreadWithPosts"), Link={"$ref": "#/components/headers/Link"})},
                      errors=(404,), params=paged_thread,
                      description="Also the comments on a page, resource or proposal (`subject` says which)."),
            "patch": op("updateThread", "Change the title, tags or opening text (its author)", "conversations",
                        {"200": _ok(ref("Thread"))}, errors=(403, 404), params=thread, security=TOKEN_REQUIRED,
                        body=_json_body({"title": {**STR, "maxLength": 200}, "body": body, "tags": tags}),
                        description="Fields left out stay; the earlier text is kept as a revision of the opening "
                                    "post."),
            "delete": op("deleteThread", "Delete a discussion (its author or a moderator)", "conversations", gone,
                         errors=(403, 404), params=thread, security=TOKEN_REQUIRED,
                         description="Deletes its opening post; moderators still see both and can restore them.")},
        "/threads/{thread_id}/posts": {
            "get": op("listPosts", "A discussion's posts", "conversations", paged_posts, errors=(404,),
                      params=paged_thread),
            "post": op("reply", "Reply in a discussion", "conversations", created_post, errors=(403, 404, 429),
                       params=thread, body=writing, security=TOKEN_REQUIRED,
                       description="403 in a locked or closed discussion or for a non-member.")},
        "/threads/{thread_id}/accepted": {"delete": op(
            "unacceptAnswer", "Take back a question's accepted answer (the asker or a moderator)", "conversations",
            gone, errors=(403, 404), params=thread, security=TOKEN_REQUIRED)},
        "/posts/{post_id}": {
            "get": op("getPost", "One post", "conversations", {"200": _ok(ref("PostOrPlaceholder"))}, errors=(404,),
                      params=post),
            "patch": op("editPost", "Change a post's text (its author)", "conversations",
                        {"200": _ok(ref("Post"))}, errors=(403, 404), params=post, security=TOKEN_REQUIRED,
                        body=_json_body({"body": body}, required=("body",)),
                        description="The earlier text is kept (`GET /posts/{post_id}/revisions`)."),
            "delete": op("deletePost", "Delete a post (its author or a moderator)", "conversations", gone,
                         errors=(403, 404), params=post, security=TOKEN_REQUIRED,
                         description="Shown as a placeholder; moderators can restore it.")},
        "/posts/{post_id}/restore": {"post": op(
            "restorePost", "Restore a deleted post (moderators)", "conversations", {"200": _ok(ref("Post"))},
            errors=(403, 404), params=post, security=TOKEN_REQUIRED)},
        "/posts/{post_id}/accept": {"post": op(
            "acceptAnswer", "Accept a reply as the answer to its question (the asker or a moderator)",
            "conversations", {"200": _ok(ref("Thread"))}, errors=(403, 404), params=post, security=TOKEN_REQUIRED,
            description="422 for a post that is not a reply to a question.")},
        "/posts/{post_id}/revisions": {"get": op(
            "listPostRevisions", "A post's earlier texts, newest first", "conversations", _page_of("PostRevision"),
            errors=(403, 404), params=(*post, *PAGING))},
        **_thanks(),
        **_comments(writing, paged_posts, created_post),
    }


def _thanks() -> dict:
    """POST and DELETE .../thanks on a post, a resource and a wiki page."""
    paths = {"/posts/{post_id}/thanks": ("Post", ("post_id",)),
             "/resources/{resource_id}/thanks": ("Resource", ("resource_id",)),
             "/communities/{slug}/wiki/{page_slug}/thanks": ("WikiPage", ("slug", "page_slug"))}
    answer = {"200": _ok(ref("Thanks"))}
    return {path: {
        "post": op(f"thank{name}", f"Thank a {name.lower()} (once; never your own)", "conversations", answer,
                   errors=(403, 404, 409), params=params, security=TOKEN_REQUIRED,
                   description="409 when you thanked it already, 422 for your own."),
        "delete": op(f"unthank{name}", f"Take back your thanks for a {name.lower()}", "conversations", answer,
                     errors=(403, 404), params=params, security=TOKEN_REQUIRED)}
        for path, (name, params) in paths.items()}


def _comments(writing: dict, paged_posts: dict, created_post: dict) -> dict:
    """GET and POST .../comments on a wiki page, a resource and a proposal."""
    paths = {"/communities/{slug}/wiki/{page_slug}/comments": ("WikiPage", "a wiki page", ("slug", "page_slug")),
             "/resources/{resource_id}/comments": ("Resource", "a resource", ("resource_id",)),
             "/proposals/{proposal_id}/comments": ("Proposal", "a proposal (its team, mentors and admins)",
                                                   ("proposal_id",))}
    return {path: {
        "get": op(f"list{name}Comments", f"The comments on {what}", "conversations", paged_posts,
                  errors=(403, 404), params=(*params, *PAGING), description="Empty until someone comments."),
        "post": op(f"comment{name}", f"Comment on {what}", "conversations", created_post, errors=(403, 404, 429),
                   params=params, body=writing, security=TOKEN_REQUIRED)}
        for path, (name, what, params) in paths.items()}


def _self() -> dict:
    return {"/openapi.json": {"get": op("getOpenApi", "This document", "meta",
                                        {"200": _ok({"type": "object"}), "304": {"description": "Not modified."}},
                                        security=[{}])}}


@cache
def document() -> dict:
    """The whole OpenAPI 3.1 document (the same for every caller and request)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Globe API", "version": "1",
                 "description": "Communities of practice for teachers: communities, wiki pages, resources, search, "
                                "the incubator and notifications. Errors are RFC 9457 `application/problem+json`; "
                                "lists are paged with `page`/`per_page` and a `Link` header. See docs/api.md."},
        "servers": [{"url": "/api/v1"}],
        "security": ANONYMOUS_OK,
        "tags": [{"name": name}
                 for name in ("accounts", "communities", "wiki", "resources", "search", "incubator", "notifications",
                              "conversations", "moderation", "meta")],
        "paths": {**_accounts(), **_communities(), **_invitations(), **_invite_links(), **_wiki(), **_resources(),
                  **_search(), **_incubator(), **_notifications(), **_conversations(), **_moderation(), **_self()},
        "components": {"schemas": SCHEMAS, "responses": RESPONSES, "parameters": PARAMETERS, "headers": HEADERS,
                       "securitySchemes": SECURITY_SCHEMES},
    }


@cache
def _serialized() -> tuple[bytes, str]:
    body = json.dumps(document(), separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.route("/openapi.json")
def openapi_json():
    body, etag = _serialized()
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)
