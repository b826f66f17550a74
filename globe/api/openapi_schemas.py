"""Building blocks of the OpenAPI document: small schema helpers and the reusable components.

Enumerations come from the models, so the document lists exactly the values the services accept."""
from __future__ import annotations

from ..converters import MAX_ID
from ..models.communities import POLICIES, ROLES, STATUSES, VISIBILITIES
from ..models.conversations import COMMENT_SUBJECTS, MODERATION_ACTIONS, STORY_TYPES, THREAD_KINDS
from ..models.incubator import ASSIGNMENT_STATES, RECOMMENDATIONS, STATES
from ..models.notifications import CHANNELS, COMMUNITY_LEVELS, FOLLOW_TARGETS, ITEM_LEVELS
from ..models.resources import AGE_GROUPS, CEFR_LEVELS, EXTRACTION_STATUSES, LICENSES, RESOURCE_TYPES, SKILLS

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC."}
URL = {"type": "string", "format": "uri"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def obj(properties: dict, *, required=(), description: str | None = None) -> dict:
    """An object; `required` names the properties every response (or request) has."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def closed(properties: dict, **kwargs) -> dict:
    """A response object whose properties are all always present."""
    return obj(properties, required=tuple(properties), **kwargs)


def text_list(choices=None) -> dict:
    """A list of values, given as a JSON array or as one comma-separated string."""
    item = enum(choices) if choices else STR
    return {"anyOf": [array(item), STR], "description": "A list, or one comma-separated string."}


PROBLEM = closed({
    "type": STR, "title": STR, "status": {"type": "integer", "minimum": 400, "maximum": 599}, "detail": STR,
}, description="An RFC 9457 problem.")
PROBLEM["properties"]["errors"] = {"type": "object", "additionalProperties": array(STR),
                                   "description": "Invalid fields: field name (`_` for the whole request) -> messages."}

COMMUNITY = obj({
    "slug": STR, "name": STR, "domain": STR, "policy": enum(POLICIES), "visibility": enum(VISIBILITIES),
    "member_count": INT, "archived": BOOL, "url": URL,
    "my_role": nullable({"type": "string", "enum": [*ROLES, "pending", "invited", "declined"]}),
    "description": {**STR, "description": "Only for callers who may see the CoP's content."},
    "default_license": {**enum(LICENSES), "description": "Only for callers who may see the CoP's content."},
}, required=("slug", "name", "domain", "policy", "visibility", "member_count", "my_role", "archived", "url"))

WIKI_PAGE_SUMMARY = closed({"slug": STR, "title": STR, "community": STR, "updated": TIME, "revision": INT,
                            "tags": array(STR), "url": STR})
LINK = closed({"community": STR, "slug": STR, "title": nullable(STR)})
WIKI_PAGE = {"allOf": [ref("WikiPageSummary"), closed({
    "body": {**STR, "description": "Markdown source."}, "html": {**STR, "description": "Rendered, sanitized."},
    "links": array(ref("PageLink")), "backlinks": array(ref("PageLink")), "deleted": BOOL,
    "in_knowledge_base": BOOL})]}

VERSION = closed({
    "version": INT, "filename": STR, "size": INT, "content_type": STR, "sha256": STR, "created": TIME,
    "extraction": closed({"status": enum(EXTRACTION_STATUSES), "error": nullable(STR)}),
})
RESOURCE = closed({
    "id": INT, "community": STR, "title": STR, "description": STR, "alt_text": STR, "tags": array(STR),
    "levels": array(enum(CEFR_LEVELS)), "skills": array(enum(SKILLS)), "age_groups": array(enum(AGE_GROUPS)),
    "resource_type": nullable(enum(RESOURCE_TYPES)), "language": STR, "license": enum(LICENSES),
    "url": nullable({**URL, "description": "The address of a link resource; null for files."}),
    "owner": nullable(closed({"id": INT, "name": STR})), "created": TIME, "updated": TIME, "downloads": INT,
    "versions": array(ref("ResourceVersion")), "download_url": nullable(URL), "html_url": URL,
})
METADATA = {
    "title": {**STR, "maxLength": 200}, "description": {**STR, "maxLength": 20000, "description": "Markdown."},
    "alt_text": {**STR, "maxLength": 300, "description": "Required for images."},
    "tags": text_list(), "levels": text_list(CEFR_LEVELS), "skills": text_list(SKILLS),
    "age_groups": text_list(AGE_GROUPS), "resource_type": enum(RESOURCE_TYPES),
    "language": {**STR, "description": "A language code such as en, ar, pt-br."},
    "license": {**enum(LICENSES), "description": "Defaults to the community's licence."},
}
UPLOAD_METADATA = {**{name: schema for name, schema in METADATA.items() if "anyOf" not in schema},
                   "tags": {**STR, "description": "Comma-separated."},
                   **{name: array(enum(choices)) for name, choices in
                      (("levels", CEFR_LEVELS), ("skills", SKILLS), ("age_groups", AGE_GROUPS))}}
FILE = {"type": "string", "contentMediaType": "application/octet-stream"}

SEARCH_RESULTS = closed({
    "total": INT,
    "total_exact": {"type": "boolean", "description": "false: `total` is an estimate (a very common word on "
                    "the PostgreSQL search backend); it is never below the matches counted."},
    "page": INT, "per_page": INT,
    "results": array(closed({
        "kind": {**STR, "description": "resource, wiki, knowledge_base, project or discussion."}, "id": INT,
        "title": STR,
        "community": nullable(STR), "url": URL, "snippet": {**STR, "description": "HTML with <mark> highlights."},
        "updated": nullable(TIME)})),
    "facets": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": INT},
               "description": "facet name -> value -> number of matches."},
    "facets_exact": {"type": "boolean", "description": "false: the facet counts are estimated from a sample "
                     "of the matches."},
    "suggestion": nullable({**STR, "description": "Did you mean ...?"}), "notices": array(STR),
})

REVIEW = obj({"mentor_id": INT, "recommendation": enum(RECOMMENDATIONS), "comments": STR, "updated": TIME,
              "private_note": {**STR, "description": "Admins only."}},
             required=("mentor_id", "recommendation", "comments", "updated"))
PROPOSAL_TEXT = {"title": {**STR, "maxLength": 200}, "summary": {**STR, "maxLength": 500},
                 "description": {**STR, "description": "Markdown."}, "problem": STR, "audience": STR,
                 "milestones": STR, "needs": {"anyOf": [array(STR), STR], "description": "Expertise tags."}}
PROPOSAL = obj({
    "id": INT, "title": STR, "summary": STR, "status": enum(STATES), "community": nullable(STR),
    "needs": array(STR), "created": TIME, "updated": TIME,
    "team": array(closed({"user_id": INT, "name": STR, "status": STR})),
    "description": STR, "problem": STR, "audience": STR, "milestones": STR,
    "mentors": array(closed({"assignment_id": INT, "mentor_id": INT, "name": STR, "status": enum(ASSIGNMENT_STATES)})),
    "reviews": array(ref("Review")),
}, required=("id", "title", "summary", "status", "community", "needs", "created", "updated", "team"),
    description="Team, mentors and admins also see description, problem, audience, milestones, mentors, reviews.")

PERSON = closed({"id": INT, "display_name": STR})
THREAD = closed({
    "id": INT, "community": nullable({**STR, "description": "The community's slug (null for a proposal's comments)."}),
    "kind": {**enum((*THREAD_KINDS, "comments")), "description": "comments: the comments on a page, resource or "
                                                                 "proposal."},
    "story_type": nullable(enum(STORY_TYPES)), "title": STR, "tags": array(STR), "author": nullable(ref("Person")),
    "created": TIME, "last_posted": TIME,
    "reply_count": {**INT, "description": "Posts after the opening one (for comments: all of them)."},
    "accepted_post_id": nullable(INT), "pinned": BOOL, "locked": BOOL, "closed": BOOL,
    "hidden": {**BOOL, "description": "Hidden by a moderator: only moderators see it."},
    "deleted": {**BOOL, "description": "Deleted by its author: only moderators see it, and can restore it."},
    "subject": nullable(closed({"type": enum(COMMENT_SUBJECTS), "id": INT},
                               description="What a comment thread is about (null on the board).")),
    "url": nullable({**STR, "description": "The discussion's page on this site (a path); null for comments."}),
})
POST_PLACEHOLDER = closed({"id": INT, "thread_id": INT, "number": INT, "deleted": BOOL, "hidden": BOOL},
                          description="A deleted or hidden post as people other than moderators see it: no text.")
POST = closed({
    "id": INT, "thread_id": INT, "number": {**INT, "description": "From 1 in the order written (1 opens a "
                                                                  "board thread)."},
    "deleted": BOOL, "hidden": BOOL, "author": nullable(ref("Person")),
    "body": {**STR, "description": "Markdown, as written."},
    "html": {**STR, "description": "Rendered and sanitized: wiki links, [[resource:ID]] and @mentions linked."},
    "reply_to": nullable({**INT, "description": "The id of the post it replies to."}), "created": TIME,
    "edited": nullable(TIME), "thanks": INT, "thanked": {**BOOL, "description": "Whether the caller thanked it."},
    "url": {**STR, "description": "Where the post is shown on this site (a path with #post-N)."},
})
THANKS = closed({"thanks": {**INT, "description": "How many people thanked it."},
                 "thanked": {**BOOL, "description": "Whether the caller has now."}})
POST_REVISION = closed({"revision": INT, "body": {**STR, "description": "The text it had then."},
                        "editor": nullable(ref("Person")), "created": TIME})
POST_PAGE = closed({"items": array(ref("PostOrPlaceholder")), "total": INT, "page": INT, "per_page": INT})

SCHEMAS = {
    "Problem": PROBLEM,
    "EditConflict": {"allOf": [ref("Problem"), closed({
        "conflict": closed({"merged_text_with_markers": STR, "current_revision": INT})})]},
    "Duplicate": {"allOf": [ref("Problem"), closed({"existing": closed({"id": INT, "url": STR})})]},
    "Token": closed({"token": {**STR, "description": "Send as `Authorization: Bearer <token>`; shown once."},
                     "expires": nullable(TIME), "id": INT,
                     "scope": {"type": "string", "enum": ["read", "write"]},
                     "communities": {**array(STR), "description": "Slugs of the communities the token is limited "
                                                                  "to; empty: not limited."}}),
    "InviteLink": closed({"id": INT, "prefix": {**STR, "description": "The first characters of the link's token."},
                          "mode": enum(("join", "request")), "max_uses": nullable(INT), "uses": INT,
                          "expires": TIME, "created": TIME, "created_by": nullable(STR)}),
    "InviteLinkCreated": {"allOf": [ref("InviteLink"), closed({
        "url": {**URL, "description": "The link to share; shown once (only its hash is stored)."}})]},
    "Me": closed({"id": INT, "email": STR, "email_verified": BOOL, "display_name": STR, "roles": array(STR),
                  "communities": array(closed({"slug": STR, "name": STR, "role": enum(ROLES),
                                               "status": enum(STATUSES)}))}),
    "AccountStatus": closed({"id": INT, "display_name": STR, "suspended": BOOL, "suspension_reason": STR}),
    "Community": COMMUNITY,
    "Membership": closed({"user_id": INT, "display_name": STR, "role": enum(ROLES), "status": enum(STATUSES),
                          "since": TIME}),
    "Invitation": closed({"id": INT, "email": STR, "role": enum(ROLES), "status": enum(("pending", "expired")),
                          "message": STR, "invited_by": nullable(closed({"id": INT, "name": STR})),
                          "created": TIME, "sent": TIME, "expires": TIME}),
    "InvitationResults": closed({"results": array(closed({
        "email": {**STR, "description": "The address, lower-cased (an invalid entry as given)."},
        "status": enum(("invited", "emailed", "already_member", "already_invited", "invalid"))}))}),
    "WikiPageSummary": WIKI_PAGE_SUMMARY,
    "PageLink": LINK,
    "WikiPage": WIKI_PAGE,
    "WikiPageSaved": {"allOf": [ref("WikiPage"), closed({
        "merged": {**BOOL, "description": "True when a concurrent change was merged in."}})]},
    "Revision": closed({"revision": INT, "kind": STR, "title": STR, "summary": STR, "author": nullable(STR),
                        "author_id": nullable(INT), "created": TIME, "size": INT}),
    "Resource": RESOURCE,
    "ResourceVersion": VERSION,
    "SearchResults": SEARCH_RESULTS,
    "Proposal": PROPOSAL,
    "Review": REVIEW,
    "MentorSuggestion": closed({
        "user_id": INT, "name": STR, "score": {"type": "number"}, "reasons": array(STR), "conflicts": array(STR),
        "load": INT, "capacity": INT, "over_capacity": BOOL,
        "assignable": {**BOOL, "description": "False for conflicted mentors."}}),
    "Assignment": closed({"id": INT, "proposal_id": INT, "mentor_id": INT, "status": enum(ASSIGNMENT_STATES)}),
    "DeclaredConflict": closed({"id": INT, "user_id": nullable(INT), "proposal_id": nullable(INT), "reason": STR}),
    "MentorProfile": closed({"user_id": INT, "name": STR, "expertise": array(STR), "capacity": INT,
                             "available": BOOL, "show_in_showcase": BOOL, "load": INT,
                             "conflicts": array(ref("DeclaredConflict"))}),
    "Mentor": closed({"user_id": INT, "name": STR, "expertise": array(STR), "capacity": INT, "load": INT,
                      "available": BOOL}),
    "Notification": closed({
        "id": INT, "kind": STR, "text": STR, "url": {**STR, "description": "A path on this site, or empty."},
        "community": nullable({**STR, "description": "The community's slug."}), "created": TIME,
        "updated": {**TIME, "description": "When it last happened (a repeated notice)."}, "read": BOOL,
        "count": {**INT, "description": "How many times it happened within the hour (collapsed into one)."}}),
    "NotificationSettings": {**obj({"auto_follow": {**BOOL, "description": "Follow what you create, edit, upload "
                                                                           "or join."}}, required=("auto_follow",)),
                             "additionalProperties": enum(CHANNELS),
                             "description": "Each kind of notice with its channel, and `auto_follow`."},
    "Person": PERSON,
    "Thread": THREAD,
    "ThreadWithPosts": {"allOf": [ref("Thread"), closed({"posts": POST_PAGE})]},
    "Post": POST,
    "PostPlaceholder": POST_PLACEHOLDER,
    "PostOrPlaceholder": {"anyOf": [ref("Post"), ref("PostPlaceholder")]},
    "Thanks": THANKS,
    "PostRevision": POST_REVISION,
    "Follow": closed({"target_type": enum(FOLLOW_TARGETS), "target_id": INT,
                      "level": enum((*COMMUNITY_LEVELS, *ITEM_LEVELS)),
                      "title": {**STR, "description": "The thing's title or name."}, "created": TIME}),
    "Flag": closed({"id": INT, "post_id": INT, "reason": STR, "created": TIME,
                    "post_hidden": {**BOOL, "description": "true when enough flags hid the post until a moderator "
                                                           "decides."}}),
    "ThreadModerationState": closed({
        "id": INT, "community": nullable({**STR, "description": "The community's slug (null: a proposal's "
                                                                "comments)."}),
        "pinned": BOOL, "locked": BOOL, "closed": BOOL, "hidden": BOOL, "deleted": BOOL}),
    "PostModerationState": closed({"id": INT, "thread_id": INT, "hidden": BOOL, "hidden_reason": STR,
                                   "open_flags": {**INT, "description": "Flags waiting for a decision."}}),
    "ModerationEntry": closed({
        "id": INT, "action": enum(MODERATION_ACTIONS), "reason": STR,
        "details": {**STR, "description": "E.g. where a thread was moved from, or how many flags were settled."},
        "actor": nullable({**closed({"id": INT, "name": STR}), "description": "null: Globe itself (a post hidden "
                                                                              "by flags), or a deleted account."}),
        "thread_id": nullable(INT), "post_id": nullable(INT), "created": TIME}),
}


def _problem_response(description: str, schema: str = "Problem", headers: dict | None = None) -> dict:
    response = {"description": description,
                "content": {"application/problem+json": {"schema": ref(schema)}}}
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "BadRequest": _problem_response("Malformed request."),
    "Unauthorized": _problem_response(
        "No token where one is required, or the token sent is invalid, expired or revoked.",
        headers={"WWW-Authenticate": {"schema": STR, "description": 'Bearer realm="globe"'}}),
    "Forbidden": _problem_response("The caller may not do this."),
    "NotFound": _problem_response("Not found, or not visible to the caller."),
    "Conflict": _problem_response("The request conflicts with the current state."),
    "TooLarge": _problem_response("The upload is larger than the limit; nothing was stored."),
    "UnsupportedType": _problem_response("The file's content is not an accepted type."),
    "RangeNotSatisfiable": _problem_response("The requested byte range is outside the file."),
    "Gone": _problem_response("It existed but no longer works (a used or expired link)."),
    "Invalid": _problem_response("Invalid field values; `errors` maps each field to its messages."),
    "RateLimited": _problem_response("Too many attempts; wait and retry."),
}
PROBLEMS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
            410: "Gone", 413: "TooLarge", 415: "UnsupportedType", 416: "RangeNotSatisfiable", 422: "Invalid",
            429: "RateLimited"}

HEADERS = {"Link": {"schema": STR, "description": 'RFC 8288 links to the next and previous pages: '
                                                  '`<url>; rel="next", <url>; rel="prev"` (absent on a single page).'}}

PARAMETERS = {
    "slug": {"name": "slug", "in": "path", "required": True, "description": "The community's address.",
             "schema": {**STR, "pattern": "^[A-Za-z0-9-]+$"}},
    "page_slug": {"name": "page_slug", "in": "path", "required": True,
                  "description": "The wiki page's address (its slugified title).", "schema": STR},
    "resource_id": {"name": "resource_id", "in": "path", "required": True, "schema": ID},
    "proposal_id": {"name": "proposal_id", "in": "path", "required": True, "schema": ID},
    "user_id": {"name": "user_id", "in": "path", "required": True, "schema": ID},
    "assignment_id": {"name": "assignment_id", "in": "path", "required": True, "schema": ID},
    "conflict_id": {"name": "conflict_id", "in": "path", "required": True, "schema": ID},
    "invitation_id": {"name": "invitation_id", "in": "path", "required": True, "schema": ID},
    "link_id": {"name": "link_id", "in": "path", "required": True, "schema": ID},
    "thread_id": {"name": "thread_id", "in": "path", "required": True, "schema": ID},
    "post_id": {"name": "post_id", "in": "path", "required": True, "schema": ID},
    "reset_token": {"name": "token", "in": "path", "required": True, "schema": STR,
                    "description": "The token at the end of the link in the password-reset email."},
    "page": {"name": "page", "in": "query", "description": "Page number, from 1.", "schema": {**ID, "default": 1}},
    "per_page": {"name": "per_page", "in": "query",
                 "description": "Items per page (capped at the site's maximum, 100 by default).",
                 "schema": {**ID, "default": 20}},
    "idempotency_key": {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "description": "Makes the request safe to retry (draft-ietf-httpapi-idempotency-key-header): a new random "
                       "value (a UUID) per request, 1 to 255 printable ASCII characters, bare or as a quoted "
                       "Structured Field string. A retry with the same key within 24 hours returns the resource the "
                       "first request created (201, `Idempotent-Replayed: true`) and stores nothing; the same key "
                       "with a different request is a 422. Keys are the caller's own.",
        "schema": {**STR, "minLength": 1, "maxLength": 257, "pattern": "^[ -~]+$"}},
}

SECURITY_SCHEMES = {"bearer": {
    "type": "http", "scheme": "bearer",
    "description": "A personal access token from your profile page or `POST /tokens`. Without one you act as "
                   "an anonymous visitor."}}
