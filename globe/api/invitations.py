"""API: inviting people to a community by email, listing, resending and revoking the invitations."""
from flask import jsonify

from ..errors import InvalidInput
from ..models.base import utcnow
from ..services import communities, invitations
from .common import actor, bp, iso, json_body, paginate_list


def invitation_json(invitation, now) -> dict:
    inviter = invitation.invited_by
    return {"id": invitation.id, "email": invitation.email, "role": invitation.role,
            "status": invitation.status(now), "message": invitation.message,
            "invited_by": {"id": inviter.id, "name": inviter.display_name} if inviter else None,
            "created": iso(invitation.created_at), "sent": iso(invitation.last_sent_at),
            "expires": iso(invitation.expires_at)}


@bp.route("/communities/<slug>/invitations", methods=["POST"])
def invite(slug: str):
    community = communities.get_community(slug)
    data = json_body(text=("role", "message"), lists=("emails",))
    if "emails" not in data:
        raise InvalidInput({"emails": ["Give the addresses to invite, as a list."]})
    results = invitations.invite(actor(), community, emails=data["emails"], role=data.get("role", "member"),
                                 message=data.get("message", ""))
    return jsonify({"results": [{"email": result.email, "status": result.status} for result in results]})


@bp.route("/communities/<slug>/invitations")
def list_invitations(slug: str):
    community = communities.get_community(slug)
    now = utcnow()
    return paginate_list(invitations.list_open(actor(), community), lambda row: invitation_json(row, now))


@bp.route("/communities/<slug>/invitations/<int:invitation_id>/resend", methods=["POST"])
def resend(slug: str, invitation_id: int):
    community = communities.get_community(slug)
    invitation = invitations.resend(actor(), community, invitation_id)
    return jsonify(invitation_json(invitation, utcnow()))


@bp.route("/communities/<slug>/invitations/<int:invitation_id>", methods=["DELETE"])
def revoke(slug: str, invitation_id: int):
    community = communities.get_community(slug)
    invitations.revoke(actor(), community, invitation_id)
    return "", 204
