"""The one reading of numbers from addresses, query strings and JSON bodies."""
from __future__ import annotations

import pytest

from globe.converters import MAX_ID, MAX_PAGE, BadNumber, page_number, page_or_first, whole_number
from globe.request_guards import MAX_JSON_DEPTH, StrictJSONProvider


@pytest.mark.parametrize("raw, number", [
    ("1", 1), ("007", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), MAX_ID), ("9" * 5000, MAX_ID), (12, 12),
    ("0", None), ("000", None), ("-1", None), ("+1", None), ("1.5", None), ("1e3", None), (" 1", None),
    ("²", None), ("١", None), ("", None), (None, None), (True, None), (-3, None),
])
def test_whole_numbers_are_ascii_digits_from_one_capped_at_64_bits(raw, number):
    assert whole_number(raw) == number


def test_page_numbers_default_cap_and_refuse():
    assert page_number(None) == 1 and page_number("") == 1 and page_number("3") == 3
    assert page_number("9" * 40) == MAX_PAGE
    assert page_number("500", name="per_page", upper=100) == 100
    with pytest.raises(BadNumber) as refused:
        page_number("²", name="per_page")
    assert refused.value.status == 400 and "per_page" in refused.value.fields
    assert page_or_first("abc") == 1 and page_or_first("4") == 4


@pytest.mark.parametrize("text", [
    "[" * 100_000, "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "NaN", "[Infinity]", "1e999",
    str(2**63), str(-2**63 - 1), "9" * 5000, b"\xff",
])
def test_strict_json_refuses_what_no_column_or_parser_should_meet(app, text):
    with pytest.raises(ValueError):
        StrictJSONProvider(app).loads(text)


def test_strict_json_reads_ordinary_bodies(app):
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert StrictJSONProvider(app).loads('{"a": [1, 2.5, "x"], "b": null}') == {"a": [1, 2.5, "x"], "b": None}
    assert StrictJSONProvider(app).loads(str(2**31 - 1)) == 2**31 - 1
    assert StrictJSONProvider(app).loads(nested)
