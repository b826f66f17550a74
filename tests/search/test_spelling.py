"""The bounds of "did you mean", whatever the backend: which words are tried, and how many."""
from globe.search import spelling
from globe.search.query_syntax import Word, parse


def suggest(text, known=("lesson",)):
    tried = []

    def correct(word, deadline):
        tried.append(word.text)
        return Word(word.text.replace("x", "e"))
    found = spelling.suggestion(parse(text).node, is_known=lambda word: word.text in known, correct=correct,
                                finds_anything=lambda node: True)
    return found, tried


def test_unknown_words_of_a_typo_length_are_corrected():
    assert suggest("lesson spxaking") == ("lesson speaking", ["spxaking"])


def test_overlong_and_very_short_words_are_never_looked_up():
    found, tried = suggest("x" * (spelling.MAX_WORD_CHARS + 1) + " ox lesson")
    assert found is None and tried == []


def test_only_a_few_unknown_words_are_tried():
    _, tried = suggest(" ".join(f"wxrd{n}" for n in range(30)))
    assert len(tried) == spelling.MAX_CORRECTED_WORDS


def test_no_suggestion_when_the_corrected_query_finds_nothing():
    assert spelling.suggestion(parse("spxaking").node, is_known=lambda word: False,
                               correct=lambda word, deadline: Word("speaking"),
                               finds_anything=lambda node: False) is None
