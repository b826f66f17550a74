"""API: incubator proposals, their lifecycle, mentor suggestions, assignments, reviews and mentors."""
from flask import jsonify, request

from ..errors import InvalidInput
from ..permissions import can
from ..services import incubator, mentoring
from .common import actor, bp, iso, json_body, paginate_list

PROPOSAL_FIELDS = ("title", "summary", "description", "problem", "audience", "milestones", "needs")


def proposal_json(proposal, caller) -> dict:
    body = {"id": proposal.id, "title": proposal.title, "summary": proposal.summary, "status": proposal.status,
            "community": proposal.community.slug if proposal.community else None, "needs": proposal.needs or [],
            "created": iso(proposal.created_at), "updated": iso(proposal.updated_at),
            "team": [{"user_id": m.user_id, "name": m.user.display_name, "status": m.status} for m in proposal.team]}
    if can(caller, "proposals.read_private", proposal):
        body.update(description=proposal.description, problem=proposal.problem, audience=proposal.audience,
                    milestones=proposal.milestones,
                    mentors=[{"assignment_id": a.id, "mentor_id": a.mentor_id, "name": a.mentor.display_name,
                              "status": a.status} for a in proposal.assignments],
                    reviews=[_review_json(a, caller) for a in proposal.assignments if a.review is not None])
    return body


def _review_json(assignment, caller) -> dict:
    review = assignment.review
    body = {"mentor_id": assignment.mentor_id, "recommendation": review.recommendation, "comments": review.comments,
            "updated": iso(review.updated_at)}
    if can(caller, "reviews.read_private_notes"):
        body["private_note"] = review.private_note
    return body


def _fields(data: dict) -> dict:
    fields = {name: data[name] for name in PROPOSAL_FIELDS if name in data}
    for name, value in fields.items():
        if not isinstance(value, str) and not (name == "needs" and isinstance(value, list)):
            raise InvalidInput({name: [f"{name} must be text" + (" or a list" if name == "needs" else "") + "."]})
    return fields


@bp.route("/proposals")
def list_proposals():
    status = request.args.get("status")
    return paginate_list(incubator.visible_proposals(actor(), status=status), lambda p: proposal_json(p, actor()))


@bp.route("/proposals", methods=["POST"])
def create_proposal():
    data = json_body()
    team = data.get("team", [])
    if not isinstance(team, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in team):
        raise InvalidInput({"team": ["team must be a list of user ids."]})
    community = data.get("community")
    proposal = incubator.create_proposal(actor(), community=community if isinstance(community, str) else None,
                                         team=team, **_fields(data))
    return jsonify(proposal_json(proposal, actor())), 201


@bp.route("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    return jsonify(proposal_json(incubator.get_proposal(actor(), proposal_id), actor()))


@bp.route("/proposals/<int:proposal_id>", methods=["PATCH"])
def update_proposal(proposal_id: int):
    proposal = incubator.get_proposal(actor(), proposal_id)
    data = json_body()
    community = data.get("community", "")  # "" leaves it as it is; null clears it
    if community is not None and not isinstance(community, str):
        raise InvalidInput({"community": ["community must be a slug or null."]})
    incubator.update_proposal(actor(), proposal, community=community, **_fields(data))
    return jsonify(proposal_json(proposal, actor()))


@bp.route("/proposals/<int:proposal_id>/transitions", methods=["POST"])
def transition_proposal(proposal_id: int):
    proposal = incubator.get_proposal(actor(), proposal_id)
    data = json_body()
    incubator.transition(actor(), proposal, str(data.get("to", "")), message=str(data.get("message") or ""),
                         override_reason=str(data.get("override_reason") or ""))
    return jsonify(proposal_json(proposal, actor()))


@bp.route("/proposals/<int:proposal_id>/mentor-suggestions")
def mentor_suggestions(proposal_id: int):
    proposal = incubator.get_proposal(actor(), proposal_id)
    return jsonify([{"user_id": s.user_id, "name": s.name, "score": round(s.score, 3), "reasons": list(s.reasons),
                     "conflicts": list(s.conflicts), "load": s.load, "capacity": s.capacity,
                     "over_capacity": s.over_capacity, "assignable": s.assignable}
                    for s in mentoring.suggestions(actor(), proposal)])


@bp.route("/proposals/<int:proposal_id>/assignments", methods=["POST"])
def assign_mentor(proposal_id: int):
    proposal = incubator.get_proposal(actor(), proposal_id)
    data = json_body()
    mentor_id = data.get("mentor_id")
    if not isinstance(mentor_id, int) or isinstance(mentor_id, bool):
        raise InvalidInput({"mentor_id": ["mentor_id must be a user id."]})
    assignment = mentoring.assign(actor(), proposal, mentor_id,
                                  override_capacity_reason=str(data.get("override_capacity_reason") or ""))
    return jsonify({"id": assignment.id, "proposal_id": proposal.id, "mentor_id": mentor_id,
                    "status": assignment.status}), 201


@bp.route("/assignments/<int:assignment_id>", methods=["PUT"])
def answer_assignment(assignment_id: int):
    assignment = mentoring.get_assignment(actor(), assignment_id)
    data = json_body()
    status = data.get("status")
    if status not in ("accepted", "declined"):
        raise InvalidInput({"status": ["status must be accepted or declined."]})
    mentoring.answer(actor(), assignment, accept=status == "accepted", reason=str(data.get("reason") or ""))
    return jsonify({"id": assignment.id, "status": assignment.status})


@bp.route("/proposals/<int:proposal_id>/reviews", methods=["POST"])
def review_proposal(proposal_id: int):
    proposal = incubator.get_proposal(actor(), proposal_id)
    data = json_body()
    review = mentoring.write_review(actor(), proposal, recommendation=str(data.get("recommendation") or ""),
                                    comments=str(data.get("comments") or ""),
                                    private_note=str(data.get("private_note") or ""))
    return jsonify(_review_json(review.assignment, actor())), 201


@bp.route("/mentors")
def list_mentors():
    mentors = mentoring.mentor_directory()
    return paginate_list(mentors, lambda m: {"user_id": m.user_id, "name": m.name, "expertise": list(m.expertise),
                                             "capacity": m.capacity, "load": m.active_load, "available": m.available})


def mentor_profile_json(caller) -> dict:
    settings = mentoring.my_profile(caller)
    return {"user_id": caller.id, "name": caller.display_name, "expertise": caller.expertise or [],
            "capacity": settings.capacity, "available": settings.available,
            "show_in_showcase": settings.show_in_showcase, "load": mentoring.active_load(caller),
            "conflicts": [{"id": c.id, "user_id": c.user_id, "proposal_id": c.proposal_id, "reason": c.reason}
                          for c in mentoring.declared_conflicts(caller)]}


@bp.route("/mentors/me")
def get_my_mentor_profile():
    return jsonify(mentor_profile_json(actor()))


@bp.route("/mentors/me", methods=["PUT"])
def update_my_mentor_profile():
    """Fields left out keep their value; the service checks types and ranges."""
    current, data = mentoring.my_profile(actor()), json_body()
    mentoring.update_profile(actor(), capacity=data.get("capacity", current.capacity),
                             available=data.get("available", current.available),
                             show_in_showcase=data.get("show_in_showcase", current.show_in_showcase))
    return jsonify(mentor_profile_json(actor()))


@bp.route("/mentors/me/conflicts", methods=["POST"])
def declare_conflict():
    """`{person_email, reason}` or `{proposal_id, reason}`."""
    data = json_body()
    email, proposal_id = data.get("person_email") or "", data.get("proposal_id")
    if not isinstance(email, str):
        raise InvalidInput({"person_email": ["person_email must be an email address."]})
    if proposal_id is not None and (not isinstance(proposal_id, int) or isinstance(proposal_id, bool)):
        raise InvalidInput({"proposal_id": ["proposal_id must be a proposal id."]})
    conflict = mentoring.declare_conflict(actor(), person_email=email, proposal_id=proposal_id,
                                          reason=str(data.get("reason") or ""))
    return jsonify({"id": conflict.id, "user_id": conflict.user_id, "proposal_id": conflict.proposal_id,
                    "reason": conflict.reason}), 201


@bp.route("/mentors/me/conflicts/<int:conflict_id>", methods=["DELETE"])
def remove_conflict(conflict_id: int):
    mentoring.remove_conflict(actor(), conflict_id)
    return "", 204
