"""API: a community's invite links (facilitators): make one (its address is in the answer, once), list, revoke."""
from flask import jsonify

from ..errors import InvalidInput
from ..services import communities, invite_links
from ..urls import invite_link_path, site_address
from .common import actor, bp, iso, json_body, paginate_list


def invite_link_json(link) -> dict:
    return {"id": link.id, "prefix": link.prefix, "mode": link.mode, "max_uses": link.max_uses, "uses": link.uses,
            "expires": iso(link.expires_at), "created": iso(link.created_at),
            "created_by": link.created_by.display_name if link.created_by else None}


@bp.route("/communities/<slug>/invite-links")
def list_invite_links(slug: str):
    community = communities.get_community(slug)
    return paginate_list(invite_links.list_active_links(actor(), community), invite_link_json)


@bp.route("/communities/<slug>/invite-links", methods=["POST"])
def create_invite_link(slug: str):
    community = communities.get_community(slug)
    data = json_body(text=("mode",))
    if "expires_in_days" not in data:
        raise InvalidInput({"expires_in_days": ["expires_in_days is required (1 to 365)."]})
    link, token = invite_links.create_link(actor(), community, expires_in_days=data["expires_in_days"],
                                           max_uses=data.get("max_uses"), mode=data.get("mode", "join"))
    return jsonify({**invite_link_json(link), "url": site_address() + invite_link_path(token)}), 201


@bp.route("/communities/<slug>/invite-links/<int:link_id>", methods=["DELETE"])
def revoke_invite_link(slug: str, link_id: int):
    community = communities.get_community(slug)
    invite_links.revoke_link(actor(), community, link_id)
    return "", 204
