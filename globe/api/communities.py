"""API: the CoP directory, one CoP, joining, and members."""
from flask import jsonify, request, url_for

from ..errors import InvalidInput
from ..permissions import can
from ..services import communities
from .common import actor, bp, iso, json_body, paginate_list


def community_json(community, member_count: int, my_role: str | None) -> dict:
    return {"slug": community.slug, "name": community.name, "domain": community.domain,
            "policy": community.policy, "visibility": community.visibility, "member_count": member_count,
            "my_role": my_role, "archived": community.is_archived,
            "url": url_for("communities.home", slug=community.slug, _external=True)}


def membership_json(record) -> dict:
    return {"user_id": record.user_id, "display_name": record.user.display_name, "role": record.role,
            "status": record.status, "since": iso(record.created_at)}


@bp.route("/communities")
def list_communities():
    return paginate_list(communities.list_directory(actor()), lambda row: community_json(*row))


@bp.route("/communities", methods=["POST"])
def create_community():
    data = json_body(text=("slug", "name", "domain", "description", "policy", "visibility", "default_license",
                           "first_facilitator_email"))
    fields = ("name", "domain", "description", "policy", "visibility", "default_license", "members_can_edit_wiki",
              "first_facilitator_email")
    community = communities.create_community(actor(), slug=data.get("slug", ""),
                                             **{key: data[key] for key in fields if key in data})
    return jsonify(community_json(community, 0, None)), 201


@bp.route("/communities/<slug>")
def get_community(slug: str):
    community = communities.get_community(slug)
    caller = actor()
    body = community_json(community, communities.count_members(community),
                          communities.my_memberships(caller).get(community.id))
    if can(caller, "communities.view_content", community):
        body["description"] = community.description
        body["default_license"] = community.default_license
    return jsonify(body)


@bp.route("/communities/<slug>/join", methods=["POST"])
def join(slug: str):
    community = communities.get_community(slug)
    data = json_body(text=("message",)) if request.content_length else {}
    message = data.get("message", "")
    record = communities.join(actor(), community, message=str(message))
    return jsonify(membership_json(record)), 201 if record.is_active else 202


@bp.route("/communities/<slug>/members")
def members(slug: str):
    community = communities.get_community(slug)
    return paginate_list(communities.list_members(actor(), community), membership_json)


@bp.route("/communities/<slug>/members/<int:user_id>", methods=["PUT"])
def update_member(slug: str, user_id: int):
    community = communities.get_community(slug)
    data = json_body()
    role, status = data.get("role"), data.get("status")
    if not all(value is None or isinstance(value, str) for value in (role, status)):
        raise InvalidInput({"role": ["role and status must be strings."]})
    record = communities.approve_or_set(actor(), community, user_id, role=role, status=status)
    return jsonify(membership_json(record))


@bp.route("/communities/<slug>/members/<int:user_id>", methods=["DELETE"])
def remove_member(slug: str, user_id: int):
    community = communities.get_community(slug)
    caller = actor()
    if caller.is_authenticated and caller.id == user_id:
        communities.leave(caller, community)
    else:
        communities.remove_member(caller, community, user_id)
    return "", 204
