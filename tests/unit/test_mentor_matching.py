"""Mentor matching: tag normalisation, ranking with reasons and conflicts, and the auto-assignment plan."""
import random
from collections import Counter

import pytest

from globe.services.mentor_matching import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MatchingPolicy,
    Mentor,
    ProposalFacts,
    normalize_tag,
    plan_assignments,
    rank_mentors,
)

TEAM_MEMBER = 900


def mentor(user_id: int, *expertise: str, capacity: int = 4, load: int = 0, name: str | None = None,
           **facts) -> Mentor:
    return Mentor(user_id=user_id, name=name or f"Mentor {user_id}", expertise=expertise,
                  capacity=capacity, active_load=load, **facts)


def proposal(proposal_id: int, *needs: str, **facts) -> ProposalFacts:
    facts.setdefault("team_user_ids", frozenset({TEAM_MEMBER}))
    return ProposalFacts(proposal_id=proposal_id, needs=needs, **facts)


def ranked_ids(suggestions) -> list[int]:
    return [s.user_id for s in suggestions]


def by_id(suggestions) -> dict:
    return {s.user_id: s for s in suggestions}


def loads_of(plan) -> Counter:
    return Counter(user_id for _, user_id, _ in plan.assignments)


# --- normalisation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, normalized", [
    ("Course Design", "course design"),
    ("  course   design ", "course design"),
    ("course-design", "course design"),
    ("Course_Design", "course design"),
    ("marketing ", "marketing"),
    ("Publishing", "publishing"),
    ("Materials", "material"),
    ("teaching materials", "teaching material"),
    ("case studies", "case study"),
    ("classes", "class"),
    ("approaches", "approach"),
    ("syllabus", "syllabus"),
    ("analysis", "analysis"),
    ("ＣＯＵＲＳＥ", "course"),            # full-width letters
    ("course\u202edesign", "course design"),  # a bidi override is a separator, not part of a word
    ("C++", "c++"),
    ("", ""),
    ("- _ -", ""),
])
def test_normalize_tag(typed, normalized):
    assert normalize_tag(typed) == normalized


def test_a_need_matches_an_expertise_tag_spelled_differently():
    [suggestion] = rank_mentors(proposal(1, "Materials-Development"), [mentor(1, "material development")])
    assert suggestion.matched == ("Materials-Development",)
    assert suggestion.reasons[0] == "Covers 1 of 1 need: Materials-Development"


def test_overlong_and_numerous_tags_are_bounded():
    needs = tuple(f"topic {n}" for n in range(MAX_TAGS + 20))
    [suggestion] = rank_mentors(proposal(1, *needs), [mentor(1, *needs, "x" * 100_000)])
    assert len(suggestion.matched) == MAX_TAGS
    assert normalize_tag("x" * 100_000) == "x" * MAX_TAG_LENGTH
    assert suggestion.reasons[0].startswith(f"Covers {MAX_TAGS} of {MAX_TAGS} needs")


# --- ranking and reasons ---------------------------------------------------------------------------

def test_more_needs_covered_ranks_first_even_with_a_heavier_load():
    mentors = [mentor(1, "publishing", load=0), mentor(2, "course design", "publishing", load=3)]
    ranking = rank_mentors(proposal(1, "course design", "publishing", "marketing"), mentors)
    assert ranked_ids(ranking) == [2, 1]


def test_equal_coverage_ranks_the_lighter_load_first():
    mentors = [mentor(1, "publishing", load=3), mentor(2, "publishing", load=1)]
    assert ranked_ids(rank_mentors(proposal(1, "publishing"), mentors)) == [2, 1]


def test_reasons_name_the_covered_needs_and_the_load():
    [suggestion] = rank_mentors(proposal(1, "course design", "publishing", "marketing"),
                                [mentor(1, "Publishing", "Course Design", capacity=4, load=1)])
    assert suggestion.matched == ("course design", "publishing")
    assert suggestion.reasons == ("Covers 2 of 3 needs: course design, publishing", "Light load: 1 of 4")
    assert suggestion.assignable and not suggestion.conflicts and not suggestion.over_capacity


def test_a_broader_or_narrower_tag_is_a_partial_match_ranked_below_an_exact_one():
    mentors = [mentor(1, "online course design"), mentor(2, "course design")]
    ranking = rank_mentors(proposal(1, "course design"), mentors)
    assert ranked_ids(ranking) == [2, 1]
    partial = ranking[1]
    assert partial.matched == () and partial.partly_matched == ("course design",)
    assert partial.reasons[0] == "Related expertise (partial match) for 1 of 1 need: course design"
    assert 0 < partial.score < ranking[0].score


def test_mentors_without_overlap_still_appear_last_among_the_assignable():
    mentors = [mentor(1, "marketing", load=0), mentor(2, "online course design", load=3)]
    ranking = rank_mentors(proposal(1, "course design", "publishing", "assessment", "video"), mentors)
    assert ranked_ids(ranking) == [2, 1]
    assert ranking[1].score == 0 and ranking[1].reasons[0] == "No listed expertise matches"


def test_tags_that_are_not_text_are_ignored():
    [suggestion] = rank_mentors(proposal(1, None, "publishing"), [mentor(1, None, 7, "publishing")])
    assert suggestion.reasons[0] == "Covers 1 of 1 need: publishing"


def test_a_proposal_without_needs_says_so():
    [suggestion] = rank_mentors(proposal(1), [mentor(1, "publishing")])
    assert suggestion.reasons[0] == "The proposal lists no needs"


@pytest.mark.parametrize("load, capacity, reason", [
    (1, 4, "Light load: 1 of 4"),
    (3, 4, "Busy: 3 of 4"),
    (4, 4, "At capacity: 4 of 4"),
    (5, 4, "Over capacity: 5 of 4"),
    (0, 0, "Not taking assignments (capacity 0)"),
])
def test_load_reason(load, capacity, reason):
    [suggestion] = rank_mentors(proposal(1, "publishing"),
                                [mentor(1, "publishing", load=load, capacity=capacity)])
    assert reason in suggestion.reasons
    assert suggestion.over_capacity == (load >= capacity)


def test_a_full_mentor_is_flagged_and_listed_after_mentors_with_room():
    mentors = [mentor(1, "publishing", capacity=2, load=2), mentor(2, "marketing", capacity=2, load=0)]
    ranking = rank_mentors(proposal(1, "publishing"), mentors)
    assert ranked_ids(ranking) == [2, 1]
    full = ranking[1]
    assert full.over_capacity and full.assignable  # an admin may still override
    assert "At capacity: 2 of 2" in full.reasons


def test_an_unavailable_mentor_is_not_assignable_and_listed_after_the_assignable():
    mentors = [mentor(1, "publishing", available=False), mentor(2, "marketing")]
    ranking = rank_mentors(proposal(1, "publishing"), mentors)
    assert ranked_ids(ranking) == [2, 1]
    assert not ranking[1].assignable and not ranking[1].conflicts
    assert "Paused: not taking new assignments" in ranking[1].reasons


def test_an_already_assigned_mentor_is_not_assignable_again():
    ranking = rank_mentors(proposal(1, "publishing", assigned_mentor_ids=frozenset({1})),
                           [mentor(1, "publishing"), mentor(2, "marketing")])
    assert ranked_ids(ranking) == [2, 1]
    assert not ranking[1].assignable and "Already assigned to this proposal" in ranking[1].reasons


def test_a_mentor_who_declined_before_is_assignable_but_flagged_and_ranked_after_fresh_ones():
    ranking = rank_mentors(proposal(1, "publishing", declined_mentor_ids=frozenset({1})),
                           [mentor(1, "publishing"), mentor(2, "online publishing")])
    assert ranked_ids(ranking) == [2, 1]
    declined = ranking[1]
    assert declined.assignable and not declined.conflicts and declined.declined_before
    assert "Declined this proposal earlier: left out of auto-assignment" in declined.reasons


@pytest.mark.parametrize("facts, policy, conflict", [
    ({"user_id": TEAM_MEMBER}, MatchingPolicy(), "Is on the proposal team"),
    ({"conflict_user_ids": frozenset({TEAM_MEMBER})}, MatchingPolicy(),
     "Declared a conflict with a team member"),
    ({"conflict_proposal_ids": frozenset({7})}, MatchingPolicy(), "Declared a conflict with this proposal"),
    ({"community_ids": frozenset({3})}, MatchingPolicy(small_community_size=10),
     "Member of the small community this proposal grew from (8 members)"),
])
def test_each_kind_of_conflict_blocks_the_mentor_and_lists_them_last(facts, policy, conflict):
    conflicted = Mentor(**{"user_id": 1, "name": "Expert", "expertise": ("publishing",), "capacity": 4,
                           "active_load": 0, **facts})
    facts_of_proposal = proposal(7, "publishing", community_id=3, community_size=8)
    ranking = rank_mentors(facts_of_proposal, [conflicted, mentor(2, "marketing")], policy)
    assert ranking[-1].user_id == conflicted.user_id
    assert ranking[-1].conflicts == (conflict,) and not ranking[-1].assignable
    plan = plan_assignments([facts_of_proposal], [conflicted], per_proposal=1, policy=policy)
    assert plan.assignments == []


@pytest.mark.parametrize("policy, size", [(MatchingPolicy(), 8), (MatchingPolicy(small_community_size=5), 8),
                                          (MatchingPolicy(small_community_size=10), None)])
def test_a_community_is_no_conflict_unless_the_policy_deems_it_small(policy, size):
    facts = proposal(1, "publishing", community_id=3, community_size=size)
    [suggestion] = rank_mentors(facts, [mentor(1, "publishing", community_ids=frozenset({3}))], policy)
    assert suggestion.conflicts == ()


def test_ranking_does_not_depend_on_input_order_and_ties_fall_to_name_then_id():
    mentors = [mentor(4, "publishing", name="bea"), mentor(3, "publishing", name="Bea"),
               mentor(2, "publishing", name="Abel"), mentor(1, "marketing", name="Zoe"),
               mentor(5, "publishing", name="Cal", conflict_proposal_ids=frozenset({1}))]
    expected = [2, 3, 4, 1, 5]
    for seed in range(5):
        shuffled = random.Random(seed).sample(mentors, len(mentors))
        assert ranked_ids(rank_mentors(proposal(1, "publishing"), shuffled)) == expected


def test_hostile_numbers_are_clamped():
    [suggestion] = rank_mentors(proposal(1, "publishing"), [mentor(1, "publishing", capacity=-3, load=-7)])
    assert (suggestion.load, suggestion.capacity, suggestion.over_capacity) == (0, 0, True)


@pytest.mark.parametrize("bad", [{"load_weight": 1.5}, {"load_weight": float("nan")},
                                 {"partial_match_credit": -0.1}])
def test_a_policy_with_weights_outside_0_and_1_is_refused(bad):
    with pytest.raises(ValueError):
        MatchingPolicy(**bad)


# --- the auto-assignment plan ----------------------------------------------------------------------

def test_plan_balances_load_across_equally_good_mentors():
    mentors = [mentor(1, "publishing", capacity=2), mentor(2, "publishing", capacity=2)]
    proposals = [proposal(n, "publishing") for n in (1, 2, 3)]
    plan = plan_assignments(proposals, mentors, per_proposal=1)
    assert sorted(loads_of(plan).values()) == [1, 2]
    assert plan.unfilled == {}
    assert sorted(plan.planned_loads.values()) == [1, 2]


def test_plan_balances_against_current_loads():
    mentors = [mentor(1, "publishing", capacity=4, load=3), mentor(2, "publishing", capacity=4, load=0)]
    plan = plan_assignments([proposal(n, "publishing") for n in (1, 2, 3)], mentors, per_proposal=1)
    assert plan.planned_loads == {1: 3, 2: 3}


def test_plan_never_exceeds_capacity_and_explains_what_it_could_not_fill():
    mentors = [mentor(1, "publishing", capacity=2, load=1), mentor(2, "publishing", capacity=1)]
    plan = plan_assignments([proposal(n, "publishing") for n in (1, 2, 3, 4)], mentors, per_proposal=1)
    assert loads_of(plan) == {1: 1, 2: 1}
    assert plan.planned_loads == {1: 2, 2: 1}
    assert sorted(plan.unfilled) == [3, 4]
    again = plan_assignments([proposal(5, "publishing")], [mentor(1, "publishing", capacity=2, load=2)],
                             per_proposal=1)
    assert again.unfilled == {5: "Still needs 1 mentor (has 0 of 1): no eligible mentor (1 at capacity)"}


def test_plan_reports_eligible_mentors_used_up_by_other_proposals():
    mentors = [mentor(1, "publishing", capacity=1)]
    plan = plan_assignments([proposal(1, "publishing"), proposal(2, "publishing")], mentors, per_proposal=1)
    assert [(p, u) for p, u, _ in plan.assignments] == [(1, 1)]
    assert plan.unfilled == {2: "Still needs 1 mentor (has 0 of 1): "
                                "the other suitable mentors have no capacity left in this plan"}


def test_plan_never_picks_a_conflicted_paused_declined_full_or_unmatched_mentor():
    facts = proposal(1, "publishing", declined_mentor_ids=frozenset({3}))
    mentors = [mentor(1, "publishing", conflict_user_ids=frozenset({TEAM_MEMBER})),
               mentor(2, "publishing", available=False), mentor(3, "publishing"),
               mentor(4, "publishing", capacity=1, load=1), mentor(5, "marketing"), mentor(6, "publishing")]
    plan = plan_assignments([facts], mentors, per_proposal=2)
    assert [u for _, u, _ in plan.assignments] == [6]
    assert plan.unfilled == {1: "Still needs 1 mentor (has 1 of 2): no other eligible mentor (1 at capacity, "
                                "1 conflicted, 1 declined earlier, 1 paused, 1 without matching expertise)"}


def test_plan_may_pick_any_free_mentor_when_the_proposal_lists_no_needs_or_policy_allows():
    assert loads_of(plan_assignments([proposal(1)], [mentor(1, "marketing")], per_proposal=1)) == {1: 1}
    lenient = MatchingPolicy(require_expertise=False)
    plan = plan_assignments([proposal(1, "publishing")], [mentor(1, "marketing")], per_proposal=1,
                            policy=lenient)
    assert loads_of(plan) == {1: 1}


def test_a_proposal_only_one_mentor_can_serve_gets_that_mentor():
    generalist = mentor(1, "course design", "publishing", capacity=1)
    specialist = mentor(2, "online course design", capacity=1)   # only a partial match for proposal 1
    proposals = [proposal(1, "course design"), proposal(2, "publishing")]
    plan = plan_assignments(proposals, [generalist, specialist], per_proposal=1)
    assert sorted((p, u) for p, u, _ in plan.assignments) == [(1, 2), (2, 1)]
    assert plan.unfilled == {}


def test_scarce_mentors_give_every_proposal_one_before_any_gets_a_second():
    mentors = [mentor(1, "publishing", capacity=1), mentor(2, "publishing", capacity=1)]
    plan = plan_assignments([proposal(1, "publishing"), proposal(2, "publishing", "marketing")],
                            mentors, per_proposal=2)
    assert Counter(p for p, _, _ in plan.assignments) == {1: 1, 2: 1}
    assert set(plan.unfilled) == {1, 2}


def test_plan_prefers_the_better_expert_when_capacity_allows():
    mentors = [mentor(1, "marketing", "online publishing"), mentor(2, "publishing", "marketing")]
    plan = plan_assignments([proposal(1, "publishing", "marketing")], mentors, per_proposal=1)
    assert [u for _, u, _ in plan.assignments] == [2]
    assert plan.assignments[0][2].matched == ("publishing", "marketing")


def test_already_assigned_mentors_count_towards_the_target():
    mentors = [mentor(1, "publishing", load=1), mentor(2, "publishing"), mentor(3, "publishing")]
    facts = [proposal(1, "publishing", assigned_mentor_ids=frozenset({1})),
             proposal(2, "publishing", assigned_mentor_ids=frozenset({1, 2}))]
    plan = plan_assignments(facts, mentors, per_proposal=2)
    assert len(plan.assignments) == 1
    proposal_id, user_id, _ = plan.assignments[0]
    assert proposal_id == 1 and user_id in {2, 3}
    assert plan.unfilled == {}
    alone = plan_assignments(facts[:1], mentors[:1], per_proposal=2)
    assert alone.assignments == []
    assert alone.unfilled == {1: "Still needs 1 mentor (has 1 of 2): no other eligible mentor"}


def test_per_proposal_zero_plans_nothing_and_a_negative_target_is_refused():
    plan = plan_assignments([proposal(1, "publishing")], [mentor(1, "publishing")], per_proposal=0)
    assert plan.assignments == [] and plan.unfilled == {}
    with pytest.raises(ValueError):
        plan_assignments([proposal(1, "publishing")], [mentor(1, "publishing")], per_proposal=-1)


def test_a_huge_target_or_capacity_stays_bounded_by_the_facts():
    plan = plan_assignments([proposal(1, "publishing")], [mentor(1, "publishing", capacity=10**12)],
                            per_proposal=10**9)
    assert len(plan.assignments) == 1
    assert plan.unfilled[1].startswith(f"Still needs {10**9 - 1} mentors")


def test_repeated_mentors_or_proposals_are_refused():
    with pytest.raises(ValueError):
        plan_assignments([proposal(1)], [mentor(1), mentor(1)], per_proposal=1)
    with pytest.raises(ValueError):
        plan_assignments([proposal(1), proposal(1)], [mentor(1)], per_proposal=1)


def test_plan_does_not_depend_on_input_order():
    mentors = [mentor(n, "publishing", "course design" if n % 2 else "marketing", capacity=2)
               for n in range(1, 6)]
    proposals = [proposal(n, "publishing", "marketing" if n % 3 else "course design") for n in range(1, 8)]
    first = plan_assignments(proposals, mentors, per_proposal=2)
    for seed in range(3):
        rng = random.Random(seed)
        again = plan_assignments(rng.sample(proposals, len(proposals)), rng.sample(mentors, len(mentors)),
                                 per_proposal=2)
        assert again == first
    assert sum(loads_of(first).values()) == 10 and max(loads_of(first).values()) == 2
