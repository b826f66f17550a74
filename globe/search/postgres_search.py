"""Answering one query in PostgreSQL: count, facet counts, one ranked page, snippets, suggestion.

Every statement carries the same WHERE clause, which always includes the viewer's principals
(`principals && ...`): totals, facets, pages, snippets and suggestions never see a document the
viewer may not see. Snippets (ts_headline) are made for the page of hits only.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

from globe.search import query_syntax as qs
from globe.search.base import (
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
    highlight_tsquery,
    is_text,
    quote_operand,
    rank_tsquery,
)

FACET_VALUE_LIMIT = 50
COUNT_LIMIT = 10_000            # matches counted one by one; past this, the total is estimated
FACET_SAMPLE = 2_000            # matches whose facets are counted; past this, counts are scaled
SUGGESTION_CANDIDATES = 8
_HEADLINE_OPTIONS = "StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=25, ShortWord=2"
# ts_headline parses and stems its whole input (about 1.5 ms per 3 KB), so it gets a window of the
# body: from a little before the first word that starts like a query term, WINDOW_CHARS long.
WINDOW_LEAD_CHARS = 200
WINDOW_CHARS = 700
_WHITESPACE = re.compile(r"\s+")
_LEXEME = re.compile(r"'((?:[^']|'')+)'")


@dataclass(frozen=True)
class Tables:
    """Where one backend's documents and words are, and how it ranks."""
    documents: str              # quoted, schema-qualified
    words: str
    config: str                 # regconfig name, schema-qualified
    rum: bool
    fuzzy: bool


class Scope:
    """The viewer's WHERE clause, with and without the query's filters."""

    def __init__(self, request: PreparedQuery):
        self.request = request

    def where(self, plan: Plan | None, params: Params, *, filtered: bool = True) -> str:
        parts = [f"d.principals && {params.add(list(self.request.principals), 'text[]')}"]
        if filtered:
            parts += [f"d.facets && {params.add([f'{facet}={v}' for v in values], 'text[]')}"
                      for facet, values in self.request.filters.items()]
        if plan is not None:
            parts.append(condition(plan, params))
        return " AND ".join(parts)


def answer(connection: Connection, tables: Tables, request: PreparedQuery) -> SearchResults:
    planner = Planner(connection, tables.config)
    plan = planner.plan(request.parsed.node)
    scope = Scope(request)
    total, total_is_exact = count_matches(connection, tables, scope, plan)
    hits = _page(connection, tables, scope, plan) if request.start < total else []
    suggestion = None
    if total == 0 and request.parsed.node is not None:
        suggestion = suggest(connection, tables, scope, planner, request.parsed.node)
    facets, facets_are_exact = _facet_counts(connection, tables, scope, plan, total) if request.facets else ({}, True)
    return SearchResults(
        total=total, page=request.page, per_page=request.per_page, hits=hits, facets=facets,
        suggestion=suggestion, notices=list(dict.fromkeys((*request.parsed.notices, *request.notices))),
        total_is_exact=total_is_exact, facets_are_exact=facets_are_exact,
    )


def count_matches(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None) -> tuple[int, bool]:
    """(total, exact): matches are counted up to COUNT_LIMIT, as Elasticsearch's track_total_hits does;
    beyond that the total is PostgreSQL's own estimate (EXPLAIN), never below what was counted."""
    params = Params()
    matches = f"SELECT 1 FROM {tables.documents} d WHERE {scope.where(plan, params)}"
    counted = connection.scalar(text(f"SELECT count(*) FROM ({matches} LIMIT {COUNT_LIMIT + 1}) m"), params.values)
    if counted <= COUNT_LIMIT:
        return counted, True
    plan_json = connection.scalar(text(f"EXPLAIN (FORMAT JSON) {matches}"), params.values)
    return max(counted, round_estimate(plan_json[0]["Plan"]["Plan Rows"])), False


def any_match(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None, *,
              filtered: bool = True) -> bool:
    params = Params()
    where = scope.where(plan, params, filtered=filtered)
    return bool(connection.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {tables.documents} d WHERE {where})"),
                                  params.values))


def round_estimate(number: float) -> int:
    """Two significant digits: an estimate should not look more precise than it is."""
    number = int(number)
    scale = 10 ** max(len(str(number)) - 2, 0)
    return round(number / scale) * scale


def _facet_counts(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None,
                  total: int) -> tuple[dict[str, dict[str, int]], bool]:
    """Facet counts of the matches, exact up to FACET_SAMPLE matches; beyond that, counted on the
    first FACET_SAMPLE and scaled to the total (as Elasticsearch's random_sampler aggregation)."""
    params = Params()
    rows = connection.execute(text(
        f"SELECT f, count(*) FROM (SELECT d.facets FROM {tables.documents} d WHERE {scope.where(plan, params)} "
        f"LIMIT {FACET_SAMPLE}) m, unnest(m.facets) f GROUP BY f"), params.values)
    exact = total <= FACET_SAMPLE
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for key, number in rows:
        facet, _, value = key.partition("=")
        if facet in counts:
            counts[facet][value] = number if exact else max(round_estimate(number * total / FACET_SAMPLE), 1)
    return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUE_LIMIT])
            for facet, c in counts.items()}, exact


def _page(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None) -> list[SearchHit]:
    request = scope.request
    params = Params()
    where = scope.where(plan, params)
    ranking = rank_tsquery(plan)
    if request.sort == "newest" or ranking is None:
        score, order = "0.0", "d.updated DESC, d.doc_id"
    elif tables.rum and is_text(plan):
        # RUM hands out matches best first from inside the index, so a common word does not rank
        # every match; it does so only when ordering by the distance alone (see docs/benchmarks.md).
        distance = f"d.tsv <=> {params.add(ranking, 'tsquery')}"
        score, order = f"1.0 / ({distance})", distance
    elif tables.rum:
        # Words mixed with facets (`verbs OR level:a1`): documents without a word come last, newest first.
        distance = f"d.tsv <=> {params.add(ranking, 'tsquery')}"
        score, order = f"1.0 / ({distance})", f"{distance}, d.updated DESC, d.doc_id"
    else:
        score = f"ts_rank_cd(d.tsv, {params.add(ranking, 'tsquery')})"
        order = f"{score} DESC, d.updated DESC, d.doc_id"
    rows = connection.execute(text(
        f"SELECT d.doc_id, d.object_id, d.title, d.url, d.summary, d.community_name, d.updated, d.facets, "
        f"{score} AS score FROM {tables.documents} d WHERE {where} ORDER BY {order} "
        f"LIMIT {request.per_page} OFFSET {request.start}"), params.values).all()
    marked = highlight_tsquery(plan) if request.highlight else None
    snippets = _snippets(connection, tables, [row.doc_id for row in rows], marked) if marked else {}
    return [_hit(row, snippets.get(row.doc_id, "")) for row in rows]


def _snippets(connection: Connection, tables: Tables, doc_ids: list[str], marked: str) -> dict[str, str]:
    """ts_headline over a window of each body, escaped first so the only markup is our <mark>."""
    start = f"greatest(coalesce(nullif(regexp_instr(d.body, :pattern, 1, 1, 0, 'i'), 0), 1) - {WINDOW_LEAD_CHARS}, 1)"
    # Whole words only: a word the window cuts at either end is left out.
    window = ("CASE WHEN w.start > 1 THEN regexp_replace(w.text, '^\\S*\\s', '') ELSE w.text END")
    window = (f"CASE WHEN w.start + {WINDOW_CHARS} <= length(d.body) "
              f"THEN regexp_replace({window}, '\\s\\S*$', '') ELSE {window} END")
    escaped = f"replace(replace(replace({window}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    rows = connection.execute(text(
        f"SELECT d.doc_id, ts_headline(CAST(:config AS regconfig), {escaped}, CAST(:marked AS tsquery), "
        f"'{_HEADLINE_OPTIONS}') FROM {tables.documents} d, "
        f"LATERAL (SELECT s.start, substr(d.body, s.start, {WINDOW_CHARS}) AS text FROM (SELECT {start} AS start) s) w "
        f"WHERE d.doc_id = ANY(:ids)"),
        {"config": tables.config, "marked": marked, "ids": doc_ids, "pattern": word_start_pattern(marked)})
    # ts_headline shows the text's start when nothing matched: no snippet then, as with Whoosh.
    return {doc_id: _WHITESPACE.sub(" ", snippet).strip() for doc_id, snippet in rows if "<mark>" in snippet}


def word_start_pattern(tsquery: str) -> str:
    """A regex (PostgreSQL's) for words starting like a lexeme of `tsquery`: "plan" finds "planning",
    "exito" finds "Éxito" (each letter also matches the characters that fold to it).

    The English stemmer turns a final y into i ("studi"), so such a lexeme is looked for without it.
    """
    stems = {lexeme.replace("''", "'") for lexeme in _LEXEME.findall(tsquery)}
    stems = {stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem for stem in stems}
    return "\\m(" + "|".join(map(_letters_pattern, sorted(stems))) + ")"


def _letters_pattern(stem: str) -> str:
    return "".join(f"[{char}{other_forms_of(char)}]" if char.isalnum() else "\\" + char for char in stem)


def _hit(row: Row, snippet: str) -> SearchHit:
    fields: dict[str, list[str]] = defaultdict(list)
    for key in row.facets:
        facet, _, value = key.partition("=")
        fields[facet].append(value)
    facets = {facet: tuple(fields.get(facet, ())) for facet in FACETS}
    score = float(row.score)
    return SearchHit(
        doc_id=row.doc_id, kind=facets["kind"][0] if facets["kind"] else "", object_id=row.object_id,
        title=row.title, url=row.url, community_slug=facets["community"][0] if facets["community"] else None,
        community_name=row.community_name, updated=row.updated.astimezone(timezone.utc),
        snippet_html=snippet, summary=row.summary, score=score if score != float("inf") else 0.0,
        fields=facets,
    )


# -- did you mean -----------------------------------------------------------------------------------

def suggest(connection: Connection, tables: Tables, scope: Scope, planner: Planner,
            node: qs.Node) -> str | None:
    """A corrected query, offered only if it finds something THIS viewer may see.

    Candidates come from the words table (every indexed word, private documents' included); one
    is used only if a visible document holds it, and its spelling is copied from that document.
    """
    if not tables.fuzzy:
        return None
    replacements: dict[qs.Word, qs.Word] = {}
    for word in qs.plain_words(node):
        if not any_match(connection, tables, scope, planner.plan(word), filtered=False):
            correction = _correction(connection, tables, scope, planner, word)
            if correction:
                replacements[word] = correction
    if not replacements:
        return None
    corrected = qs.replace_words(node, replacements)
    return qs.render(corrected) if any_match(connection, tables, scope, planner.plan(corrected)) else None


def _correction(connection: Connection, tables: Tables, scope: Scope, planner: Planner,
                word: qs.Word) -> qs.Word | None:
    """The nearest indexed word (edit distance 1, then 2, same first letter) a visible document holds."""
    stems = planner.lexemes(word)
    if len(stems) != 1:
        return None
    probes = dict.fromkeys((fold(word.text), stems[0]))
    for distance in (1, 2):
        for probe in probes:
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
    snippet = connection.scalar(text(
        f"SELECT ts_headline({config}, d.title || ' . ' || d.body, {query}, "
        f"'StartSel=\x02, StopSel=\x03, MaxWords=3, MinWords=1, HighlightAll=false') "
        f"FROM {tables.documents} d WHERE {where} AND d.tsv @@ {query} LIMIT 1"), params.values)
    if snippet is None:
        return None
    found = re.search("\x02([^\x03]*)\x03", snippet)
    return found.group(1).lower() if found else candidate
