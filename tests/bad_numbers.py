"""Numbers no id or page can be, shared by the API and page robustness tests: zero and negatives,
values past a database integer (32 bits on PostgreSQL, 64 on SQLite) and past Python's int() digit
limit, and text that only looks like digits (superscript two, Arabic-Indic one)."""

BAD_IDS = [
    "0",
    "-1",
    str(2**31),
    str(2**63),
    str(2**64),
    "99999999999999999999",
    "9" * 5000,
    "abc",
    "1.5",
    "%C2%B2",
    "%D9%A1",
]
HUGE_NUMBERS = [str(2**31), str(2**63), str(2**64), "99999999999999999999", "9" * 5000]
