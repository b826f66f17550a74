"""Answering one query in PostgreSQL: matches, facet counts, one ranked page, snippets, suggestion.

Work is bounded by MATCH_LIMIT whatever the number of matches: one pass reads at most that many
matching rows, which gives the exact total, the facet counts and the set ranked by relevance; past
it the total is PostgreSQL's estimate, facet counts are scaled from those rows, and the order is
tiered (see _tiered_page). Every statement carries the same WHERE clause, which always includes the
viewer's principals (`principals && ...`): totals, facets, pages, snippets and suggestions never see
a document the viewer may not see. Snippets (ts_headline) are made for the page of hits only.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

from globe.search import query_syntax as qs
from globe.search import spelling
from globe.search.base import (
    DESCRIPTION_END,
    FACETS,
    PreparedQuery,
    SearchHit,
    SearchResults,
    fold,
    other_forms_of,
)
from globe.search.postgres_queries import (
    Params,
    Plan,
    Planner,
    condition,
    has_negation,
    has_phrase,
    highlight_tsquery,
    quote_operand,
    rank_tsquery,
)

FACET_VALUE_LIMIT = 50
# Matches counted, facet-counted and ranked one by one. 1,000 rows of a few hundred bytes are read
# in well under 100 ms on a small server; Elasticsearch's default counts to 10,000, but its index
# holds the counts, and a person reads no further than a few pages of the best matches anyway.
MATCH_LIMIT = 1_000
DENSE_SHARE = 0.2               # a query matching this share of the rows is found faster by a table scan
DATE_WALK_ROWS = 2_000          # rows read along the date index, at most, for a page in date order
SUGGESTION_CANDIDATES = 8
_HEADLINE_OPTIONS = "StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=25, ShortWord=2"
# ts_headline parses and stems its whole input (about 1.5 ms per 3 KB), so it gets a window of the
# body: from a little before the first word that starts like a query term, WINDOW_CHARS long.
WINDOW_LEAD_CHARS = 200
WINDOW_CHARS = 700
REGEX_SCAN_CHARS = 20_000
_WHITESPACE = re.compile(r"\s+")
_LEXEME = re.compile(r"'((?:[^']|'')+)'")


@dataclass(frozen=True)
class Tables:
    """Where one backend's documents and words are."""
    documents: str              # quoted, schema-qualified
    words: str
    common: str                 # the common lexemes, whose pairs the tsvectors hold
    config: str                 # regconfig name, schema-qualified
    fuzzy: bool


@dataclass(frozen=True)
class Matches:
    """The outcome of the one bounded pass over the matches."""
    total: int
    exact: bool                 # total <= MATCH_LIMIT: `rows` are all the matches
    rows: list[Row]             # (doc_id, facets) of at most MATCH_LIMIT + 1 matches
    share: float = 1.0          # the share of the table's rows PostgreSQL expects to match


class Scope:
    """The viewer's WHERE clause, with and without the query's filters."""

    def __init__(self, request: PreparedQuery):
        self.request = request

    def where(self, plan: Plan | None, params: Params, *, filtered: bool = True, column: str = "d.tsv") -> str:
        parts = [f"d.principals && {params.add(list(self.request.principals), 'text[]')}"]
        if filtered:
            parts += [f"d.facets && {params.add([f'{facet}={v}' for v in values], 'text[]')}"
                      for facet, values in self.request.filters.items()]
        if plan is not None:
            parts.append(condition(plan, params, column))
        return " AND ".join(parts)


def answer(connection: Connection, tables: Tables, request: PreparedQuery) -> SearchResults:
    planner = Planner(connection, tables.config, tables.common)
    plan = planner.plan(request.parsed.node)
    scope = Scope(request)
    matches = find_matches(connection, tables, scope, plan)
    hits = _page(connection, tables, scope, plan, matches) if request.start < matches.total else []
    suggestion = None
    if matches.total == 0 and request.parsed.node is not None:
        suggestion = suggest(connection, tables, scope, planner, request.parsed.node)
    facets = facet_counts(matches) if request.facets else {}
    return SearchResults(
        total=matches.total, page=request.page, per_page=request.per_page, hits=hits, facets=facets,
        suggestion=suggestion, notices=list(dict.fromkeys((*request.parsed.notices, *request.notices))),
        total_is_exact=matches.exact, facets_are_exact=matches.exact or not request.facets,
    )


def find_matches(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None) -> Matches:
    """Up to MATCH_LIMIT matches, counted one by one as Elasticsearch's track_total_hits does;
    beyond that the total is PostgreSQL's own estimate (EXPLAIN), never below what was read."""
    params = Params()
    matches = f"SELECT d.doc_id, d.facets FROM {tables.documents} d WHERE {scope.where(plan, params)}"
    estimate, share = _estimate(connection, tables, matches, params)
    with _planner_setting(connection, "enable_seqscan", _scan_is_cheaper(plan, share)):
        rows = connection.execute(text(f"{matches} LIMIT {MATCH_LIMIT + 1}"), params.values).all()
    if len(rows) <= MATCH_LIMIT:
        return Matches(len(rows), True, rows)
    return Matches(max(len(rows), round_estimate(estimate)), False, rows, share)


def _estimate(connection: Connection, tables: Tables, matches: str, params: Params) -> tuple[float, float]:
    """PostgreSQL's estimate of the matches (rows, share of the table): the total past MATCH_LIMIT,
    and what decides how the matches are read."""
    estimate = connection.scalar(text(f"EXPLAIN (FORMAT JSON) {matches}"), params.values)[0]["Plan"]["Plan Rows"]
    rows_in_table = connection.scalar(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:table AS regclass)"),
                                      {"table": tables.documents})
    return estimate, estimate / max(rows_in_table, 1)


@contextmanager
def _planner_setting(connection: Connection, name: str, enabled: bool) -> Iterator[None]:
    """Turn one plan type off for the statements inside (a no-op when `enabled`)."""
    if enabled:
        yield
        return
    connection.execute(text(f"SET LOCAL {name} = off"))
    yield
    connection.execute(text(f"RESET {name}"))


def _scan_is_cheaper(plan: Plan | None, share: float) -> bool:
    """Whether reading the table in order may find MATCH_LIMIT matches before the index would.

    A scan checks each row's tsvector, which lives in TOAST (~10 us a row), and the planner does not
    count that: it would scan for a word in 1 document of 20 (170 ms) where the index takes 16 ms.
    So the table is scanned only when a fifth or more of its rows are expected to match (1,001
    matches within ~5,000 rows), and never for a phrase: PostgreSQL estimates a phrase as frequent as
    its words together (its tsquery selectivity treats <-> as &), so "also gcloud" (204 matches,
    each word in 4 documents of 5) would read the whole table; the index checks positions itself.
    """
    if plan is None or has_phrase(plan):
        return plan is None
    return share >= DENSE_SHARE


def any_match(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None, *,
              filtered: bool = True) -> bool:
    """Whether anything matches (for "did you mean"); read as find_matches reads, since EXISTS
    favours a table scan that finds nothing for a missing word only after unpacking every tsvector."""
    params = Params()
    matches = f"SELECT 1 FROM {tables.documents} d WHERE {scope.where(plan, params, filtered=filtered)}"
    _, share = _estimate(connection, tables, matches, params)
    with _planner_setting(connection, "enable_seqscan", _scan_is_cheaper(plan, share)):
        return bool(connection.scalar(text(f"SELECT EXISTS ({matches})"), params.values))


def round_estimate(number: float) -> int:
    """Two significant digits: an estimate should not look more precise than it is."""
    number = int(number)
    scale = 10 ** max(len(str(number)) - 2, 0)
    return round(number / scale) * scale


def facet_counts(matches: Matches) -> dict[str, dict[str, int]]:
    """Facet counts of the matches: exact when all were read; otherwise counted on the rows read and
    scaled to the total (as Elasticsearch's random_sampler aggregation), never down to zero."""
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for row in matches.rows:
        for key in row.facets:
            facet, _, value = key.partition("=")
            if facet in counts:
                counts[facet][value] += 1
    if not matches.exact:
        scale = matches.total / len(matches.rows)
        counts = {facet: Counter({value: max(round_estimate(number * scale), 1) for value, number in c.items()})
                  for facet, c in counts.items()}
    return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUE_LIMIT])
            for facet, c in counts.items()}


_HIT_COLUMNS = "d.doc_id, d.object_id, d.title, d.url, d.summary, d.community_name, d.updated, d.facets"


def _page(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None,
          matches: Matches) -> list[SearchHit]:
    request = scope.request
    ranking = rank_tsquery(plan)
    if request.sort == "newest" or ranking is None:
        rows = _newest_page(connection, tables, scope, plan)
    elif matches.exact:
        rows = _ranked_page(connection, tables, request, ranking, [row.doc_id for row in matches.rows])
    else:
        rows = _tiered_page(connection, tables, scope, plan, ranking, matches.share)
    marked = highlight_tsquery(plan) if request.highlight else None
    snippets = _snippets(connection, tables, [row.doc_id for row in rows], marked) if marked else {}
    return [_hit(row, snippets.get(row.doc_id, "")) for row in rows]


def _newest_page(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None) -> list[Row]:
    params = Params()
    return connection.execute(text(
        f"SELECT {_HIT_COLUMNS}, 0.0 AS score FROM {tables.documents} d WHERE {scope.where(plan, params)} "
        f"ORDER BY d.updated DESC, d.doc_id LIMIT {scope.request.per_page} OFFSET {scope.request.start}"),
        params.values).all()


def _ranked_page(connection: Connection, tables: Tables, request: PreparedQuery, ranking: str,
                 doc_ids: list[str]) -> list[Row]:
    """All matches (at most MATCH_LIMIT) ranked by ts_rank_cd; documents without a ranked word
    (`verbs OR level:a1`) come last, newest first."""
    params = Params()
    score = f"ts_rank_cd(d.tsv, {params.add(ranking, 'tsquery')})"
    return connection.execute(text(
        f"SELECT {_HIT_COLUMNS}, {score} AS score FROM {tables.documents} d "
        f"WHERE d.doc_id = ANY({params.add(doc_ids, 'text[]')}) ORDER BY score DESC, d.updated DESC, d.doc_id "
        f"LIMIT {request.per_page} OFFSET {request.start}"), params.values).all()


def _tiered_page(connection: Connection, tables: Tables, scope: Scope, plan: Plan, ranking: str,
                 share: float) -> list[Row]:
    """The order of a result set past MATCH_LIMIT: first the documents whose title and tags alone
    match the query, then the others; newest first within each tier. The date index is read as far
    as the page if that means few rows (each one's tsvector is checked); for sparser matches, they
    are taken from the tsvector index and sorted instead.

    Ranking every match would read every match's tsvector (100-200 ms for a word found in a third of
    300,000 documents, and a tag such as `project` heads a quarter of them); a word that common says
    little about relevance, where the title and tags do.
    """
    request = scope.request
    params = Params()
    head = scope.where(plan, params, column="d.head_tsv")
    if has_negation(plan):      # `a -b`: the head holds a and not b, but the body might hold b
        head = f"{head} AND {scope.where(plan, params)}"
    others = f"{scope.where(plan, params)} AND NOT ({scope.where(plan, params, column='d.head_tsv')})"
    depth = request.start + request.per_page
    tiers = " UNION ALL ".join(
        f"(SELECT {_HIT_COLUMNS}, d.head_tsv, {tier} AS tier FROM {tables.documents} d WHERE {where} "
        f"ORDER BY d.updated DESC, d.doc_id LIMIT {depth})" for tier, where in ((1, head), (2, others)))
    score = f"CASE WHEN tier = 1 THEN ts_rank_cd(head_tsv, {params.add(ranking, 'tsquery')}) ELSE 0.0 END"
    with _planner_setting(connection, "enable_indexscan", depth / max(share, 1e-9) <= DATE_WALK_ROWS):
        return connection.execute(text(
            f"SELECT *, {score} AS score FROM ({tiers}) page ORDER BY tier, updated DESC, doc_id "
            f"LIMIT {request.per_page} OFFSET {request.start}"), params.values).all()


def _snippets(connection: Connection, tables: Tables, doc_ids: list[str], marked: str) -> dict[str, str]:
    """ts_headline over a window of each body, escaped first so the only markup is our <mark>."""
    # Whole words only: a word the window cuts at either end is left out.
    window = "CASE WHEN w.start > p.lower THEN regexp_replace(w.text, '^\\S*\\s', '') ELSE w.text END"
    window = (f"CASE WHEN w.start + {WINDOW_CHARS} <= p.upper "
              f"THEN regexp_replace({window}, '\\s\\S*$', '') ELSE {window} END")
    escaped = f"replace(replace(replace({window}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    rows = connection.execute(text(
        f"SELECT d.doc_id, ts_headline(CAST(:config AS regconfig), {escaped}, CAST(:marked AS tsquery), "
        f"'{_HEADLINE_OPTIONS}') FROM {tables.documents} d, "
        # The body read from TOAST and decompressed once (each use of d.body would do it again:
        # 4 times 20 bodies of 185 KB cost 200 ms), then searched, measured and cut.
        f"LATERAL (SELECT d.body || '' AS body OFFSET 0) b, {_WINDOW_PLACE} "
        f"WHERE d.doc_id = ANY(:ids)"),
        {"config": tables.config, "marked": marked, "ids": doc_ids, "pattern": word_start_pattern(marked),
         "stems": sorted(_stems(marked)), "description_end": DESCRIPTION_END})
    # ts_headline shows the text's start when nothing matched: no snippet then, as with Whoosh.
    return {doc_id: _WHITESPACE.sub(" ", snippet).strip() for doc_id, snippet in rows if "<mark>" in snippet}


# Where a snippet's window is, from b.body: f.first, the first word starting like a query word,
# accents aside, within the first REGEX_SCAN_CHARS (the regex costs ~45 ns a character), past them
# the first place a stem appears at all; p.lower and p.upper, the description or the body around it
# (a window never crosses base.DESCRIPTION_END); w.start and w.text, the window itself.
_WINDOW_PLACE = (
    f"LATERAL (SELECT strpos(b.body, :description_end) AS sep, coalesce(nullif(regexp_instr("
    f"left(b.body, {REGEX_SCAN_CHARS}), :pattern, 1, 1, 0, 'i'), 0), (SELECT min(nullif(strpos("
    f"lower(b.body), stem), 0)) FROM unnest(CAST(:stems AS text[])) stem), 1) AS first OFFSET 0) f, "
    f"LATERAL (SELECT CASE WHEN f.sep > 0 AND f.first > f.sep THEN f.sep + 1 ELSE 1 END AS lower, "
    f"CASE WHEN f.sep > 0 AND f.first < f.sep THEN f.sep - 1 ELSE length(b.body) END AS upper) p, "
    f"LATERAL (SELECT s.start, substr(b.body, s.start, least({WINDOW_CHARS}, p.upper - s.start + 1)) AS text "
    f"FROM (SELECT greatest(f.first - {WINDOW_LEAD_CHARS}, p.lower) AS start) s) w")


def word_start_pattern(tsquery: str) -> str:
    """A regex (PostgreSQL's) for words starting like a lexeme of `tsquery`: "plan" finds "planning",
    "exito" finds "Éxito" (each letter also matches the characters that fold to it).

    The English stemmer turns a final y into i ("studi"), so such a lexeme is looked for without it.
    """
    return "\\m(" + "|".join(map(_letters_pattern, sorted(_stems(tsquery)))) + ")"


def _stems(tsquery: str) -> set[str]:
    stems = {lexeme.replace("''", "'") for lexeme in _LEXEME.findall(tsquery)}
    return {stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem for stem in stems}


def _letters_pattern(stem: str) -> str:
    return "".join(f"[{char}{other_forms_of(char)}]" if char.isalnum() else "\\" + char for char in stem)


def _hit(row: Row, snippet: str) -> SearchHit:
    fields: dict[str, list[str]] = defaultdict(list)
    for key in row.facets:
        facet, _, value = key.partition("=")
        fields[facet].append(value)
    facets = {facet: tuple(fields.get(facet, ())) for facet in FACETS}
    return SearchHit(
        doc_id=row.doc_id, kind=facets["kind"][0] if facets["kind"] else "", object_id=row.object_id,
        title=row.title, url=row.url, community_slug=facets["community"][0] if facets["community"] else None,
        community_name=row.community_name, updated=row.updated.astimezone(UTC),
        snippet_html=snippet, summary=row.summary, score=float(row.score),
        fields=facets,
    )


# -- did you mean -----------------------------------------------------------------------------------

def suggest(connection: Connection, tables: Tables, scope: Scope, planner: Planner,
            node: qs.Node) -> str | None:
    """A corrected query, offered only if it finds something THIS viewer may see (bounded as
    spelling.suggestion explains)."""
    if not tables.fuzzy:
        return None
    return spelling.suggestion(
        node,
        is_known=lambda word: any_match(connection, tables, scope, planner.plan(word), filtered=False),
        correct=lambda word, deadline: _correction(connection, tables, scope, planner, word, deadline),
        finds_anything=lambda corrected: any_match(connection, tables, scope, planner.plan(corrected)))


def _correction(connection: Connection, tables: Tables, scope: Scope, planner: Planner,
                word: qs.Word, deadline: float) -> qs.Word | None:
    """The nearest indexed word (edit distance 1, then 2, same first letter) a visible document holds.

    Candidates come from the words table (every indexed word, private documents' included); one
    is used only if a visible document holds it, and its spelling is copied from that document.
    """
    stems = planner.lexemes(word)
    if len(stems) != 1:
        return None
    probes = dict.fromkeys((fold(word.text), stems[0]))
    for distance in range(1, spelling.MAX_DISTANCE + 1):
        for probe in probes:
            if spelling.is_past(deadline):
                return None
            for candidate in _nearby_words(connection, tables, probe, distance):
                written = _written_form(connection, tables, scope, candidate)
                if written:
                    return qs.Word(written, word.field)
    return None


def _nearby_words(connection: Connection, tables: Tables, probe: str, distance: int) -> list[str]:
    first = probe[:1]
    return connection.execute(text(
        f"SELECT w.word FROM {tables.words} w WHERE w.word >= :first AND w.word < :after "
        f"AND length(w.word) BETWEEN :shortest AND :longest AND w.word <> :probe "
        f"AND levenshtein_less_equal(w.word, :probe, :distance) <= :distance "
        f"ORDER BY levenshtein(w.word, :probe), w.word LIMIT {SUGGESTION_CANDIDATES}"),
        {"first": first, "after": chr(ord(first) + 1), "probe": probe, "distance": distance,
         "shortest": len(probe) - distance, "longest": len(probe) + distance}).scalars().all()


def _written_form(connection: Connection, tables: Tables, scope: Scope, candidate: str) -> str | None:
    """How a document the viewer may see writes `candidate`, or None if no such document holds it."""
    params = Params()
    config = params.add(tables.config, "regconfig")
    query = f"to_tsquery({config}, {params.add(quote_operand(candidate), 'text')})"
    where = scope.where(None, params, filtered=False)
    # The body's start only: ts_headline parses all it is given (a 1 MB body took half a second).
    snippet = connection.scalar(text(
        f"SELECT ts_headline({config}, d.title || ' . ' || left(d.body, {REGEX_SCAN_CHARS}), {query}, "
        f"'StartSel=\x02, StopSel=\x03, MaxWords=3, MinWords=1, HighlightAll=false') "
        f"FROM {tables.documents} d WHERE {where} AND d.tsv @@ {query} LIMIT 1"), params.values)
    if snippet is None:
        return None
    found = re.search("\x02([^\x03]*)\x03", snippet)
    return found.group(1).lower() if found else candidate
