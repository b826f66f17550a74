"""The query language: what a teacher types becomes the tree every backend translates."""
from __future__ import annotations

import pytest

from globe.search.query_syntax import (
    CHARS_LIMIT,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    TERMS_LIMIT,
    And,
    FacetValue,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    parse,
    plain_words,
    render,
    replace_words,
)


@pytest.mark.parametrize("text, tree", [
    ("lesson", Word("lesson")),
    ("lesson plans", And((Word("lesson"), Word("plans")))),
    ('"minimal pairs"', Phrase("minimal pairs")),
    ("-homework", Not(Word("homework"))),
    ('-"past tense"', Not(Phrase("past tense"))),
    ("a OR b c", Or((Word("a"), And((Word("b"), Word("c")))))),
    ("a AND b", And((Word("a"), Word("b")))),
    ("(a OR b) c", And((Or((Word("a"), Word("b"))), Word("c")))),
    ("-(a b)", Not(And((Word("a"), Word("b"))))),
    ("NOT a", Not(Word("a"))),
    ("speak*", Prefix("speak")),
    ("title:games", Word("games", "title")),
    ('title:"word games"', Phrase("word games", "title")),
    ("title:gam*", Prefix("gam", "title")),
    ("tag:pronunciation", FacetValue("tag", "pronunciation")),
    ('tag:"minimal pairs"', FacetValue("tag", "minimal pairs")),
    ("level:B1", FacetValue("level", "B1")),
    ("cop:young-learners", FacetValue("community", "young-learners")),
    ("community:young-learners", FacetValue("community", "young-learners")),
    ("lang:ar", FacetValue("language", "ar")),
    ("language:ar", FacetValue("language", "ar")),
    ("filetype:pdf", FacetValue("file_type", "pdf")),
    ("TYPE:worksheet", FacetValue("type", "worksheet")),
    ("-kind:wiki", Not(FacetValue("kind", "wiki"))),
])
def test_grammar(text, tree):
    assert parse(text).node == tree


@pytest.mark.parametrize("text", ["", "   ", "*", "**", "OR", "AND AND", "-", "- -", "NOT", "()", '""',
                                  "tag:", "level:", '"', "(((", ")))"])
def test_input_asking_for_nothing_means_everything(text):
    assert parse(text).node is None


@pytest.mark.parametrize("text, tree", [
    ('"unbalanced phrase', Phrase("unbalanced phrase")),
    ("((a b", And((Word("a"), Word("b")))),
    ("a b))", And((Word("a"), Word("b")))),
    ("a OR", Word("a")),
    ("OR a", Word("a")),
    ("a - b", And((Word("a"), Word("b")))),
    ("foo:bar", And((Word("foo"), Word("bar")))),
    ("tag: grammar", Word("grammar")),
    ("NOT NOT a", Word("a")),
    ("--a", Word("a")),
    ("a (b (c OR d))", And((Word("a"), Word("b"), Or((Word("c"), Word("d")))))),
    ("lesson lesson", Word("lesson")),
])
def test_careless_input_is_repaired(text, tree):
    assert parse(text).node == tree


def test_control_and_invisible_characters_are_dropped():
    assert parse("les\x00son\u200b\u202e").node == And((Word("les"), Word("son")))


def test_long_input_is_cut_at_a_word_boundary_with_a_notice():
    parsed = parse("lesson " * 3_000)
    assert parsed.notices and parsed.node == Word("lesson")
    assert not parse("lesson " * 10).notices


def test_long_word_is_cut_too():
    parsed = parse("x" * 10_000)
    assert parsed.node == Word("x" * MAX_QUERY_CHARS) and parsed.notices


def test_too_many_terms_are_dropped_with_a_notice():
    parsed = parse(" ".join(f"w{n}" for n in range(MAX_TERMS + 10)))
    assert len(parsed.node.nodes) == MAX_TERMS and parsed.notices


def test_the_limits_passed_are_named():
    assert parse("x" * (MAX_QUERY_CHARS + 1)).exceeded == (CHARS_LIMIT,)
    assert parse(" ".join(f"w{n}" for n in range(MAX_TERMS + 1))).exceeded == (TERMS_LIMIT,)
    assert parse(" ".join(f"w{n}" for n in range(MAX_TERMS))).exceeded == ()


@pytest.mark.parametrize("text", ["(" * 400 + "a", "-" * 400 + "a", "NOT " * 120 + "a",
                                  "-(" * 200 + "a"])
def test_deep_nesting_cannot_exhaust_the_stack(text):
    assert parse(text).node is not None


@pytest.mark.parametrize("text", ["lesson plans", '"minimal pairs" -homework', "(a OR b) -(c d)",
                                  "title:games tag:\"word games\" level:b1", "speak* OR lang:ar"])
def test_render_parses_back_to_the_same_tree(text):
    node = parse(text).node
    assert parse(render(node)).node == node


def test_plain_words_skip_negations_phrases_and_filters():
    node = parse('grammer "past tense" -homwork tag:x (speling OR games)').node
    assert plain_words(node) == [Word("grammer"), Word("speling"), Word("games")]


def test_replace_words_keeps_the_rest_of_the_query():
    node = parse("grammer -homework level:b1").node
    fixed = replace_words(node, {Word("grammer"): Word("grammar")})
    assert render(fixed) == "grammar -homework level:b1"
