"""Incubator mentor matching: rank mentors for a proposal and plan balanced auto-assignments.

Pure decision logic: the incubator service loads the facts, calls these functions, stores the outcome.
"""
from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .validation import clean_text

MAX_TAG_LENGTH = 100  # tags are typed by people; longer ones are cut so hostile input stays cheap
MAX_TAGS = 50         # per mentor and per proposal, for the same reason
_SEPARATORS = re.compile(r"[^\w+#]+|_+")   # keeps + and # so "C++" and "C#" do not become "c"
_SINGULAR_ALREADY = ("ss", "us", "is")     # class, syllabus, analysis: a final s that is no plural
_COST_SCALE = 1000    # flow costs are integers: exact sums, so ties break the same way every run


@dataclass(frozen=True)
class Mentor:
    user_id: int
    name: str
    expertise: tuple[str, ...]
    capacity: int                  # max active assignments; 0 means "not taking assignments"
    active_load: int               # active assignments (accepted or awaiting an answer)
    conflict_user_ids: frozenset[int] = frozenset()
    conflict_proposal_ids: frozenset[int] = frozenset()
    community_ids: frozenset[int] = frozenset()
    available: bool = True         # a mentor may pause themselves


@dataclass(frozen=True)
class ProposalFacts:
    proposal_id: int
    needs: tuple[str, ...]
    team_user_ids: frozenset[int]
    community_id: int | None = None
    community_size: int | None = None
    assigned_mentor_ids: frozenset[int] = frozenset()
    declined_mentor_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class MatchingPolicy:
    """How mentors are weighed. Score = coverage x (1 - load_weight x load/capacity)."""

    small_community_size: int | None = None  # a mentor in the proposal's CoP of <= this size is conflicted
    load_weight: float = 0.3             # a full mentor loses 30%: a better expertise match still wins
    partial_match_credit: float = 0.5    # a need met only by a broader/narrower tag counts half
    require_expertise: bool = True       # auto-assign skips mentors covering none of the listed needs

    def __post_init__(self) -> None:
        for name in ("load_weight", "partial_match_credit"):
            if not 0.0 <= getattr(self, name) <= 1.0:  # also refuses NaN
                raise ValueError(f"{name} must be between 0 and 1")


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    name: str
    score: float                   # 0..1, higher is better
    matched: tuple[str, ...]       # needs covered by an equal tag
    reasons: tuple[str, ...]
    conflicts: tuple[str, ...]     # non-empty => not assignable
    load: int
    capacity: int
    over_capacity: bool            # assignable only with an explicit admin override
    assignable: bool               # no conflict, not already assigned, available
    partly_matched: tuple[str, ...] = ()  # needs met only by a broader or narrower tag
    coverage: float = 0.0          # share of the needs covered, partial matches counting part
    declined_before: bool = False  # never picked by auto-assignment


@dataclass(frozen=True)
class AssignmentPlan:
    assignments: list[tuple[int, int, Suggestion]]  # (proposal_id, user_id, suggestion)
    unfilled: dict[int, str]                         # proposal_id -> why it still lacks mentors
    planned_loads: dict[int, int] = field(default_factory=dict)  # user_id -> load once applied


def normalize_tag(tag: str) -> str:
    """Fold case, width, spaces, hyphens/underscores and simple plurals: "Materials-Dev" -> "material dev"."""
    text = unicodedata.normalize("NFKC", tag[:MAX_TAG_LENGTH]).casefold()
    return " ".join(_singular(word) for word in _SEPARATORS.sub(" ", text).split())


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_SINGULAR_ALREADY):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def _unique_tags(tags: Iterable[str]) -> dict[str, str]:
    """Normalised tag -> its first spelling, cleaned for display; empty and repeated tags dropped."""
    if isinstance(tags, str):  # a lone string would otherwise be read letter by letter
        tags = (tags,)
    unique: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, str):
            continue
        key = normalize_tag(tag)
        if key and key not in unique and len(unique) < MAX_TAGS:
            unique[key] = clean_text(tag[:MAX_TAG_LENGTH], multiline=False)
    return unique


def _match_needs(needs: dict[str, str], expertise: Iterable[str]) -> tuple[list[str], list[str]]:
    """Needs met by an equal tag, and needs met only by a tag whose words contain or sit inside theirs."""
    tags = _unique_tags(expertise)
    tag_words = [frozenset(tag.split()) for tag in tags]
    full, partial = [], []
    for need, label in needs.items():
        words = frozenset(need.split())
        if need in tags:
            full.append(label)
        elif any(words <= other or other <= words for other in tag_words):
            partial.append(label)
    return full, partial


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _expertise_reasons(need_count: int, full: list[str], partial: list[str]) -> list[str]:
    if need_count == 0:
        return ["The proposal lists no needs"]
    if not full and not partial:
        return ["No listed expertise matches"]
    reasons = []
    if full:
        reasons.append(f"Covers {len(full)} of {_plural(need_count, 'need')}: {', '.join(full)}")
    if partial:
        reasons.append(f"Related expertise (partial match) for {len(partial)} of "
                       f"{_plural(need_count, 'need')}: {', '.join(partial)}")
    return reasons


def _load_reason(load: int, capacity: int) -> str:
    if capacity == 0:
        return "Not taking assignments (capacity 0)"
    if load > capacity:
        return f"Over capacity: {load} of {capacity}"
    if load == capacity:
        return f"At capacity: {load} of {capacity}"
    return f"{'Light load' if 2 * load < capacity else 'Busy'}: {load} of {capacity}"


def _conflicts(proposal: ProposalFacts, mentor: Mentor, policy: MatchingPolicy) -> list[str]:
    found = []
    if mentor.user_id in proposal.team_user_ids:
        found.append("Is on the proposal team")
    if mentor.conflict_user_ids & proposal.team_user_ids:
        found.append("Declared a conflict with a team member")
    if proposal.proposal_id in mentor.conflict_proposal_ids:
        found.append("Declared a conflict with this proposal")
    size, limit = proposal.community_size, policy.small_community_size
    if (limit is not None and size is not None and size <= limit
            and proposal.community_id is not None and proposal.community_id in mentor.community_ids):
        found.append(f"Member of the small community this proposal grew from ({_plural(size, 'member')})")
    return found


def _status_reasons(mentor: Mentor, is_assigned: bool, has_declined: bool) -> list[str]:
    reasons = []
    if is_assigned:
        reasons.append("Already assigned to this proposal")
    if not mentor.available:
        reasons.append("Paused: not taking new assignments")
    if has_declined:
        reasons.append("Declined this proposal earlier: left out of auto-assignment")
    return reasons


def _assess(proposal: ProposalFacts, needs: dict[str, str], mentor: Mentor,
            policy: MatchingPolicy) -> Suggestion:
    full, partial = _match_needs(needs, mentor.expertise)
    coverage = (len(full) + policy.partial_match_credit * len(partial)) / len(needs) if needs else 0.0
    load, capacity = max(mentor.active_load, 0), max(mentor.capacity, 0)
    load_share = min(load / capacity, 1.0) if capacity else 1.0
    conflicts = _conflicts(proposal, mentor, policy)
    is_assigned = mentor.user_id in proposal.assigned_mentor_ids
    has_declined = mentor.user_id in proposal.declined_mentor_ids
    reasons = [*_expertise_reasons(len(needs), full, partial), _load_reason(load, capacity),
               *_status_reasons(mentor, is_assigned, has_declined)]
    return Suggestion(
        user_id=mentor.user_id, name=mentor.name,
        score=round(coverage * (1 - policy.load_weight * load_share), 4),
        matched=tuple(full), reasons=tuple(reasons), conflicts=tuple(conflicts),
        load=load, capacity=capacity, over_capacity=load >= capacity,
        assignable=not conflicts and not is_assigned and mentor.available,
        partly_matched=tuple(partial), coverage=round(coverage, 4), declined_before=has_declined)


def _rank_key(suggestion: Suggestion) -> tuple:
    """Ready mentors, then those needing a second look, then unassignable, then conflicted."""
    needs_a_look = suggestion.over_capacity or suggestion.declined_before
    tier = 3 if suggestion.conflicts else 2 if not suggestion.assignable else int(needs_a_look)
    return (tier, -suggestion.score, suggestion.load, suggestion.name.casefold(), suggestion.user_id)


def rank_mentors(proposal: ProposalFacts, mentors: Sequence[Mentor],
                 policy: MatchingPolicy = MatchingPolicy()) -> list[Suggestion]:
    """Every mentor, best first: by expertise coverage discounted by load; conflicted ones last.

    The order is total (ties fall to lighter load, then name, then user id), so it never
    depends on the order mentors were loaded in.
    """
    needs = _unique_tags(proposal.needs)
    return sorted((_assess(proposal, needs, mentor, policy) for mentor in mentors), key=_rank_key)


def _auto_exclusion(proposal: ProposalFacts, mentor: Mentor, suggestion: Suggestion, has_needs: bool,
                    policy: MatchingPolicy) -> str | None:
    """Why auto-assignment must not pick this mentor for this proposal, or None when it may."""
    if suggestion.conflicts:
        return "conflicted"
    if mentor.user_id in proposal.assigned_mentor_ids:
        return "already assigned"
    if not mentor.available:
        return "paused"
    if suggestion.declined_before:
        return "declined earlier"
    if suggestion.over_capacity:
        return "at capacity"
    if policy.require_expertise and has_needs and not suggestion.coverage:
        return "without matching expertise"
    return None


class _FlowNetwork:
    """Min-cost max-flow on unit edges: successive shortest paths, Dijkstra with potentials."""

    def __init__(self, node_count: int) -> None:
        self.edges: list[list[int]] = []  # [head, spare capacity, cost]; edge i ^ 1 is its reverse
        self.out: list[list[int]] = [[] for _ in range(node_count)]

    def add_edge(self, tail: int, head: int, cost: int) -> int:
        """A unit edge with cost >= 0 (so plain Dijkstra is right on the first round)."""
        self.out[tail].append(len(self.edges))
        self.edges.append([head, 1, cost])
        self.out[head].append(len(self.edges))
        self.edges.append([tail, 0, -cost])
        return len(self.edges) - 2

    def is_used(self, edge: int) -> bool:
        return self.edges[edge][1] == 0

    def run(self, source: int, sink: int) -> None:
        potential = [0] * len(self.out)
        while True:
            distance, via = self._shortest_paths(source, potential)
            if distance[sink] is None:
                return
            for node, dist in enumerate(distance):
                if dist is not None:  # unreached nodes stay unreachable: new edges join reached ones
                    potential[node] += dist
            node = sink
            while node != source:
                edge = via[node]
                self.edges[edge][1] -= 1
                self.edges[edge ^ 1][1] += 1
                node = self.edges[edge ^ 1][0]

    def _shortest_paths(self, source: int, potential: list[int]) -> tuple[list, list[int]]:
        distance: list[int | None] = [None] * len(self.out)
        via = [-1] * len(self.out)
        distance[source] = 0
        queue = [(0, source)]  # ties pop by node number, which keeps the plan deterministic
        while queue:
            dist, node = heapq.heappop(queue)
            if dist != distance[node]:
                continue
            for edge in self.out[node]:
                head, spare, cost = self.edges[edge]
                reduced = dist + cost + potential[node] - potential[head]
                if spare and (distance[head] is None or reduced < distance[head]):
                    distance[head], via[head] = reduced, edge
                    heapq.heappush(queue, (reduced, head))
        return distance, via


@dataclass
class _Demand:
    """One proposal's share of the plan: who may be picked, and who may not and why."""

    proposal: ProposalFacts
    candidates: dict[int, Suggestion]   # user_id -> suggestion, eligible for auto-assignment
    excluded: Counter
    edges: dict[int, int] = field(default_factory=dict)  # flow edge -> mentor user_id


def _demands(proposals: Sequence[ProposalFacts], mentors: Sequence[Mentor], per_proposal: int,
             policy: MatchingPolicy) -> list[_Demand]:
    demands = []
    for proposal in sorted(proposals, key=lambda p: p.proposal_id):
        if len(proposal.assigned_mentor_ids) >= per_proposal:
            continue
        needs = _unique_tags(proposal.needs)
        demand = _Demand(proposal, {}, Counter())
        for mentor in mentors:
            suggestion = _assess(proposal, needs, mentor, policy)
            reason = _auto_exclusion(proposal, mentor, suggestion, bool(needs), policy)
            if reason is None:
                demand.candidates[mentor.user_id] = suggestion
            elif reason != "already assigned":  # already counted as a filled place
                demand.excluded[reason] += 1
        demands.append(demand)
    return demands


def _solve(demands: list[_Demand], mentors: Sequence[Mentor], per_proposal: int,
           policy: MatchingPolicy) -> None:
    """Build the flow network source -> proposal places -> mentors -> load units -> sink, and run it."""
    mentor_node = {m.user_id: 2 + len(demands) + index for index, m in enumerate(mentors)}
    network = _FlowNetwork(2 + len(demands) + len(mentors))
    source, sink = 0, 1
    places = sum(min(per_proposal - len(d.proposal.assigned_mentor_ids), len(d.candidates))
                 for d in demands)
    fairness_step = 2 * _COST_SCALE * places + 1  # outweighs every expertise and load cost together
    for node, demand in enumerate(demands, start=2):
        have = len(demand.proposal.assigned_mentor_ids)
        for filled in range(have, min(per_proposal, have + len(demand.candidates))):
            network.add_edge(source, node, filled * fairness_step)
        for user_id, suggestion in demand.candidates.items():
            cost = _COST_SCALE - round(_COST_SCALE * suggestion.coverage)
            demand.edges[network.add_edge(node, mentor_node[user_id], cost)] = user_id
    for mentor in mentors:
        load, capacity = max(mentor.active_load, 0), max(mentor.capacity, 0)
        for extra in range(1, min(capacity - load, places) + 1):  # convex: each extra unit costs more
            cost = round(_COST_SCALE * policy.load_weight * (load + extra) / capacity)
            network.add_edge(mentor_node[mentor.user_id], sink, cost)
    network.run(source, sink)
    for demand in demands:
        demand.edges = {edge: uid for edge, uid in demand.edges.items() if network.is_used(edge)}


def _unfilled_reason(demand: _Demand, per_proposal: int) -> str | None:
    have = len(demand.proposal.assigned_mentor_ids) + len(demand.edges)
    if have >= per_proposal:
        return None
    head = f"Still needs {_plural(per_proposal - have, 'mentor')} (has {have} of {per_proposal})"
    if len(demand.edges) < len(demand.candidates):
        return f"{head}: the other suitable mentors have no capacity left in this plan"
    details = ", ".join(f"{count} {reason}" for reason, count in sorted(demand.excluded.items()))
    other = " other" if have else ""
    return f"{head}: no{other} eligible mentor" + (f" ({details})" if details else "")


def plan_assignments(proposals: Sequence[ProposalFacts], mentors: Sequence[Mentor], *, per_proposal: int,
                     policy: MatchingPolicy = MatchingPolicy()) -> AssignmentPlan:
    """Plan up to `per_proposal` mentors per proposal (counting those already assigned).

    Eligible pairs exclude conflicted, paused, already-assigned, previously-declined and full
    mentors, and (by policy) mentors matching none of the proposal's listed needs. The plan is a
    min-cost max-flow, as in HotCRP's autoassigner: source -> each missing place of a proposal ->
    eligible mentor -> one unit per free place of that mentor -> sink.
    - Max flow first: as many places as possible are filled, so a proposal only one mentor can
      serve gets that mentor whenever its other proposals can be served by someone else (what a
      most-constrained-first greedy only approximates).
    - A proposal's k-th new place costs more than all expertise and load costs together, so
      scarce mentors give every proposal one mentor before any proposal gets its second.
    - A pair costs its missing expertise (1 - coverage); a mentor's k-th extra unit costs
      load_weight x (load + k) / capacity, a rising (convex) cost that balances loads.
    Costs are integers and nodes are numbered by proposal id and mentor user id, so equal-cost
    choices always break the same way: the plan depends on the facts, never on input order.
    Work grows with (places to fill) x (eligible pairs).
    """
    if per_proposal < 0:
        raise ValueError("per_proposal must be >= 0")
    mentors = sorted(mentors, key=lambda m: m.user_id)
    mentor_ids, proposal_ids = [m.user_id for m in mentors], [p.proposal_id for p in proposals]
    for what, ids in (("mentor", mentor_ids), ("proposal", proposal_ids)):
        if len(set(ids)) != len(ids):  # a repeated mentor would get twice their capacity
            raise ValueError(f"each {what} must appear once")
    demands = _demands(proposals, mentors, per_proposal, policy)
    _solve(demands, mentors, per_proposal, policy)
    loads = {m.user_id: max(m.active_load, 0) for m in mentors}
    assignments, unfilled = [], {}
    for demand in demands:
        picked = sorted((demand.candidates[uid] for uid in demand.edges.values()), key=_rank_key)
        for suggestion in picked:
            assignments.append((demand.proposal.proposal_id, suggestion.user_id, suggestion))
            loads[suggestion.user_id] += 1
        reason = _unfilled_reason(demand, per_proposal)
        if reason:
            unfilled[demand.proposal.proposal_id] = reason
    return AssignmentPlan(assignments, unfilled, loads)
