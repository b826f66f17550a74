"""What every search backend promises the app: finding, filtering, facets, paging, permissions."""
from __future__ import annotations

import pytest

from globe.search import MAX_PER_PAGE, SearchQuery

PUBLIC = ("public",)
MEMBER_OF_7 = ("public", "cop:7")
USER_5 = ("public", "user:5")
PUBLIC_IDS = {"resource:1", "resource:2", "wiki:3", "wiki:4", "project:5"}


# -- finding ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("planning beginners", "resource:1"),     # title
    ("irregular verbs", "resource:2"),        # body
    ("pronunciation", "resource:1"),          # tag and body
    ("plans", "resource:1"),                  # stemming: "plans" finds "planning" and "plan"
    ("worksheets", "resource:2"),
    ("exito", "wiki:3"),                      # accents ignored both ways
    ("éxito", "wiki:3"),
    ("AULA", "wiki:3"),
    ("الكتاب", "wiki:4"),                     # Arabic
    ("ελληνικα", "wiki:4"),                   # Greek, accents folded
    ("ΕΛΛΗΝΙΚΆ", "wiki:4"),
    ("istanbul", "project:5"),                # Turkish dotted capital İ
    ("İSTANBUL", "project:5"),
])
def test_finds_words_in_every_language(corpus, ids, text, expected):
    assert ids(text) == [expected]


def test_tags_are_searchable_as_words(corpus, ids):
    assert ids("minimal pairs") == ["resource:1"]


def test_all_words_must_match(corpus, ids):
    assert ids("lesson verbs") == []


def test_title_matches_rank_above_body_matches(corpus, doc, backend, ids):
    backend.apply([doc("resource:20", "Songs", "Singing a song about the weather helps."),
                   doc("resource:21", "Weather", "Talking about rain and sun.")], [], wait=True)
    assert ids("weather") == ["resource:21", "resource:20"]


def test_phrase_needs_the_words_in_order(corpus, ids):
    assert ids('"speaking lesson"') == ["resource:1"]
    assert ids('"lesson speaking"') == []


def test_excluded_words(corpus, ids):
    assert ids("lesson -pronunciation") == []
    assert set(ids("-pronunciation")) == PUBLIC_IDS - {"resource:1"}


def test_or_and_parentheses(corpus, ids):
    assert set(ids("verbs OR istanbul")) == {"resource:2", "project:5"}
    assert set(ids("(verbs OR istanbul) grammar")) == {"resource:2"}
    assert ids("verbs AND grammar") == ["resource:2"]


def test_matches_without_a_scored_word_follow_the_scored_ones(corpus, ids):
    assert ids("verbs OR level:a1") == ["resource:2", "resource:1"]
    assert ids("verbs OR level:a1", per_page=1, page=2) == ["resource:1"]


def test_prefix(corpus, ids):
    assert ids("pronunc*") == ["resource:1"]
    assert set(ids("pract*")) == {"resource:2", "wiki:3"}


@pytest.mark.parametrize("text, expected", [
    ("tag:pronunciation", {"resource:1"}),
    ('tag:"minimal pairs"', {"resource:1"}),
    ("level:B1", {"resource:2", "wiki:3"}),
    ("level:a1", {"resource:1"}),
    ("type:worksheet", {"resource:2"}),
    ("cop:young-learners", {"resource:1", "wiki:3"}),
    ("community:exam-prep", {"resource:2", "wiki:4"}),
    ("kind:resource", {"resource:1", "resource:2"}),
    ("kind:wiki", {"wiki:3"}),
    ("kind:knowledge_base", {"wiki:4"}),
    ("license:cc-by", {"resource:1"}),
    ("skill:speaking", {"resource:1"}),
    ("lang:ar", {"wiki:4"}),
    ("language:es", {"wiki:3"}),
    ("filetype:pdf", {"resource:1"}),
    ("file_type:docx", {"resource:2"}),
    ("age:children", {"resource:1"}),
    ("title:worksheet", {"resource:2"}),
    ("title:grammar", set()),                 # "grammar" is only in the body and tags
    ("level:b1 OR level:a1", {"resource:1", "resource:2", "wiki:3"}),
    ("level:b1 -lang:es", {"resource:2"}),
])
def test_field_filters(corpus, ids, text, expected):
    assert set(ids(text)) == expected


def test_unknown_field_is_just_words(corpus, ids):
    assert ids("speaking:lesson") == ["resource:1"]


def test_browse_everything_visible_newest_first(corpus, ids):
    expected = ["project:5", "wiki:4", "wiki:3", "resource:2", "resource:1"]
    assert ids("") == expected
    assert ids("*") == expected


def test_browse_with_filters(corpus, ids):
    assert ids("", filters={"level": ("b1",)}) == ["wiki:3", "resource:2"]


def test_sort_newest(corpus, ids, doc, backend):
    backend.apply([doc("resource:30", "Grammar games", "grammar grammar grammar", day=0)], [], wait=True)
    assert ids("grammar", sort="newest") == ["resource:2", "resource:30"]
    assert ids("grammar")[0] == "resource:30"       # relevance prefers the denser match


# -- facets and filters --------------------------------------------------------------------------

def test_facet_counts(corpus, find):
    facets = find("").facets
    assert facets["kind"] == {"resource": 2, "wiki": 1, "project": 1, "knowledge_base": 1}
    assert sum(facets["kind"].values()) == 5                # each document counted once
    assert facets["level"] == {"b1": 2, "a1": 1, "a2": 1}
    assert facets["community"] == {"young-learners": 2, "exam-prep": 2}
    assert facets["language"] == {"en": 2, "es": 1, "ar": 1, "tr": 1}
    assert facets["tag"] == {"pronunciation": 1, "minimal pairs": 1, "grammar": 1}


def test_facet_counts_follow_the_query(corpus, find):
    facets = find("pract*").facets
    assert facets["level"] == {"b1": 2}
    assert facets["skill"] == {"writing": 1}


def test_facet_counts_exclude_invisible_documents(corpus, find):
    assert "c1" not in find("", principals=PUBLIC).facets["level"]
    assert find("", principals=MEMBER_OF_7).facets["level"]["c1"] == 1
    assert "hidden-circle" not in find("", principals=PUBLIC).facets["community"]


def test_filters_or_within_a_facet_and_across_facets(corpus, ids):
    assert set(ids("", filters={"level": ("a1", "b1")})) == {"resource:1", "resource:2", "wiki:3"}
    assert set(ids("", filters={"level": ("a1", "b1"), "language": ("es",)})) == {"wiki:3"}
    assert ids("", filters={"level": ("B1",), "kind": ("project",)}) == []


def test_unknown_filter_is_ignored_with_a_notice(corpus, find):
    results = find("", filters={"colour": ("red",)})
    assert results.total == len(PUBLIC_IDS)
    assert results.notices


def test_facets_can_be_skipped(corpus, find):
    assert find("", facets=False).facets == {}


# -- paging -----------------------------------------------------------------------------------------

def test_paging_is_stable_and_complete(corpus, find):
    pages = [find("", per_page=2, page=n) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [5, 5, 5]
    seen = [hit.doc_id for p in pages for hit in p.hits]
    assert len(seen) == 5 and set(seen) == PUBLIC_IDS


@pytest.mark.parametrize("page", [4, 10**9])
def test_page_past_the_end_is_empty_with_the_right_total(corpus, find, page):
    results = find("", per_page=2, page=page)
    assert results.hits == [] and results.total == 5


@pytest.mark.parametrize("page", [0, -3])
def test_page_below_one_is_the_first_page(corpus, find, page):
    results = find("", per_page=2, page=page)
    assert results.page == 1 and len(results.hits) == 2


def test_per_page_is_clamped(backend, doc, find):
    backend.apply([doc(f"resource:{n}", "Item", "common", day=n) for n in range(1, 131)], [], wait=True)
    results = find("common", per_page=10**6)
    assert results.per_page == MAX_PER_PAGE and len(results.hits) == MAX_PER_PAGE and results.total == 130
    assert len(find("common", per_page=0).hits) == 1


# -- permissions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("principals, visible", [
    (PUBLIC, PUBLIC_IDS),
    (MEMBER_OF_7, PUBLIC_IDS | {"project:6"}),
    (USER_5, PUBLIC_IDS | {"resource:7"}),
    (("cop:7",), {"project:6"}),
    ((), set()),
])
def test_visibility_follows_principals(corpus, find, principals, visible):
    results = find("", principals=principals, per_page=50)
    assert {hit.doc_id for hit in results.hits} == visible
    assert results.total == len(visible)


@pytest.mark.parametrize("text", ["quokkaplan", "secretpodcast", "tag:secretpodcast", "level:c1",
                                  "cop:hidden-circle", "quokkaplan OR verbs", "quokka*"])
def test_private_document_never_leaks_to_outsiders(corpus, find, text):
    results = find(text, principals=PUBLIC)
    assert "project:6" not in {hit.doc_id for hit in results.hits}
    assert "quokkaplan" not in " ".join(hit.snippet_html for hit in results.hits)
    assert results.total == len(results.hits)
    assert "c1" not in results.facets["level"] and "secretpodcast" not in results.facets["tag"]
    insider = find(text, principals=MEMBER_OF_7)
    assert "project:6" in {hit.doc_id for hit in insider.hits}


def test_scores_do_not_depend_on_invisible_documents(backend, doc, find):
    backend.apply([doc("resource:50", "Rare", "the zygote word"), doc("resource:51", "Other", "text")],
                  [], wait=True)
    before = find("zygote").hits[0].score
    backend.apply([doc(f"project:{n}", "Hidden", "zygote zygote " * n, principals=("cop:9",))
                   for n in range(60, 70)], [], wait=True)
    assert find("zygote").hits[0].score == before
    assert find("zygote", principals=("public", "cop:9")).hits[0].score != before


def test_suggestion_corrects_a_typo(corpus, find):
    results = find("pronunciaton")
    assert results.total == 0 and results.suggestion == "pronunciation"
    assert find(results.suggestion).total == 1


def test_suggestion_never_reveals_a_private_word(corpus, find):
    assert find("quokaplan", principals=PUBLIC).suggestion is None
    assert find("quokaplan", principals=("public", "user:5")).suggestion is None
    assert find("quokaplan", principals=MEMBER_OF_7).suggestion == "quokkaplan"


def test_no_suggestion_when_results_exist(corpus, find):
    assert find("lesson").suggestion is None


def test_suggestion_corrects_typos_among_other_words(corpus, find):
    assert find("speeking lesson").suggestion == "speaking lesson"
    assert find("lesson pronunciatoin").suggestion == "lesson pronunciation"


@pytest.mark.parametrize("text", ["x" * 10_000, "pronunciaton" + "n" * 40,
                                  " ".join(f"zq{n}word" for n in range(200)),
                                  "(" * 200 + "zzqqxx" + ")" * 200, '"pronunciaton'])
def test_hostile_input_is_answered_cut_to_the_limits(corpus, find, text):
    results = find(text)
    assert results.total == 0 and results.suggestion is None
    assert results.notices or len(text) < 600


def test_overlong_input_says_it_was_cut(corpus, find):
    long_word = find("x" * 10_000)
    assert any("too long" in notice for notice in long_word.notices)
    many_words = find(" ".join(["lesson"] * 40 + ["verbs"]))
    assert any("at most 32" in notice for notice in many_words.notices)


# -- snippets ---------------------------------------------------------------------------------------

def test_snippet_marks_matches_and_escapes_html(backend, doc, find):
    backend.apply([doc("resource:40", "Unsafe", 'Try <script>alert("x")</script> & a <b>bold</b> drill.')],
                  [], wait=True)
    snippet = find("drill").hits[0].snippet_html
    assert "<mark>drill</mark>" in snippet
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippet_reaches_deep_into_long_documents(backend, doc, find):
    body = "filler words here. " * 20_000 + "The needleword appears only at the end."
    backend.apply([doc("resource:41", "Long file", body)], [], wait=True)
    assert "<mark>needleword</mark>" in find("needleword").hits[0].snippet_html


def test_snippet_is_empty_without_a_body_match_and_hits_carry_display_fields(corpus, find):
    hit = find("beginners").hits[0]
    assert hit.snippet_html == "" and hit.summary == "A first lesson plan."
    assert (hit.kind, hit.object_id, hit.url, hit.community_slug) == ("resource", 1, "/resource/1",
                                                                      "young-learners")
    assert hit.community_name == "Young Learners" and hit.updated.tzinfo is not None
    assert hit.fields["level"] == ("a1", "a2")


def test_highlight_can_be_turned_off(corpus, find):
    assert find("pronunciation", highlight=False).hits[0].snippet_html == ""


# -- writing ------------------------------------------------------------------------------------------

def test_upsert_replaces_without_duplicates(corpus, backend, doc, ids):
    backend.apply([doc("resource:2", "Future tense worksheet", "will and going to", version="v2")], [],
                  wait=True)
    assert ids("future") == ["resource:2"]
    assert ids("irregular") == []
    assert backend.snapshot()["resource:2"] == "v2"
    assert len(backend.snapshot()) == len(CORPUS_IDS)


def test_same_document_twice_in_one_batch_is_indexed_once(backend, doc, ids):
    backend.apply([doc("resource:1", "Old", "alpha"), doc("resource:1", "New", "alpha")], [], wait=True)
    assert ids("alpha") == ["resource:1"]
    assert ids("new") == ["resource:1"]


def test_delete(corpus, backend, ids):
    assert backend.apply([], ["resource:2", "no-such:1"], wait=True)
    assert ids("verbs") == []
    assert "resource:2" not in backend.snapshot()


def test_snapshot_maps_ids_to_versions(corpus, backend):
    snapshot = backend.snapshot()
    assert set(snapshot) == CORPUS_IDS
    assert snapshot["wiki:3"] == "2024-01-04T00:00:00+00:00"


def test_stats_and_clear(corpus, backend, find):
    stats = backend.stats()
    assert stats["documents"] == len(CORPUS_IDS) and stats["size_bytes"] > 0 and stats["backend"]
    backend.clear()
    assert find("").total == 0 and backend.snapshot() == {}


def test_rebuild_swaps_atomically_while_searching(corpus, backend, doc, find):
    seen_during_rebuild = []

    def progress(count: int) -> None:
        seen_during_rebuild.append(find("").total)

    new_documents = (doc(f"resource:{n}", "Fresh", "brand new text", day=n) for n in range(100, 1300))
    assert backend.rebuild(new_documents, progress=progress) == 1200
    assert seen_during_rebuild and all(total == len(PUBLIC_IDS) for total in seen_during_rebuild)
    assert find("").total == 1200 and find("verbs").total == 0


def test_failed_rebuild_keeps_the_live_index(corpus, backend, doc, find):
    def broken():
        yield doc("resource:100", "Fresh", "text")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert find("").total == len(PUBLIC_IDS)


# -- hostile or careless input ------------------------------------------------------------------------

BAD_INPUT = [
    '"unbalanced quote', "((unbalanced", "unbalanced))", ")(", "OR", "AND AND", "-", "- -", "NOT",
    "lesson OR", "OR lesson", "tag:", "level:", ":", "foo:bar", "title:", '""', "*", "**", "* *",
    "-*", "x" * 10_000, "lesson " * 3_000, "(" * 5_000 + "lesson", "-" * 5_000 + "lesson",
    "les\x00son\x1b[31m", "\u200b\u202e", "😀 lesson", "a*", "%_'\\;--", "<script>alert(1)</script>",
    "level:b1 OR", "(OR)", '"', "tag:\"", "\\", "NOT NOT NOT lesson",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_never_raises(corpus, find, text):
    results = find(text)
    assert results.total >= 0 and len(results.hits) <= results.per_page


def test_overlong_query_is_truncated_with_a_notice(corpus, find):
    results = find("lesson " * 3_000)
    assert results.notices and results.total == 1


def test_control_characters_are_stripped(corpus, ids):
    assert ids("pronun\x00ciation\x07") == []     # stripped to a space: two words, not a match
    assert ids("pronunciation\x00") == ["resource:1"]


@pytest.mark.parametrize("field, value", [("page", "abc"), ("per_page", None), ("sort", "weird"),
                                          ("filters", {"level": "b1"}), ("filters", None)])
def test_odd_query_values_are_tolerated(corpus, backend, field, value):
    results = backend.search(SearchQuery(**{field: value}))
    assert results.total >= 0


CORPUS_IDS = PUBLIC_IDS | {"project:6", "resource:7"}


def test_private_words_do_not_crowd_a_prefix(corpus, backend, doc, find):
    backend.apply([doc(f"project:{n}", "Hidden", f"quokka{n:03d}", principals=("cop:9",))
                   for n in range(200, 400)] + [doc("resource:60", "Public", "quokkazzz")], [], wait=True)
    results = find("quokka*")
    assert [hit.doc_id for hit in results.hits] == ["resource:60"] and not results.notices
    insider = find("quokka*", principals=("cop:9",))
    assert insider.total > 1 and "project:200" in {hit.doc_id for hit in insider.hits}


def test_a_snippet_shows_the_description_or_the_body_never_both(backend, doc, find):
    backend.apply([doc("resource:42", "Seabirds", "Inside the file: albatross vocabulary drills.",
                       description="An albatross worksheet described by its author")], [], wait=True)
    from_body = find("vocabulary").hits[0].snippet_html
    assert "<mark>vocabulary</mark> drills" in from_body and "author" not in from_body
    from_description = find("author").hits[0].snippet_html
    assert "<mark>author</mark>" in from_description and "Inside" not in from_description
