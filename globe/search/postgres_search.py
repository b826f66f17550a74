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
from globe.search.base import FACETS, PreparedQuery, SearchHit, SearchResults, fold
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
SUGGESTION_CANDIDATES = 8
# The body is escaped before ts_headline sees it, so the only markup in a snippet is our <mark>.
_ESCAPED_BODY = "replace(replace(replace(d.body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
_HEADLINE_OPTIONS = "StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=25, ShortWord=2"
_WHITESPACE = re.compile(r"\s+")


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
    total = count(connection, tables, scope, plan)
    hits = _page(connection, tables, scope, plan) if request.start < total else []
    suggestion = None
    if total == 0 and request.parsed.node is not None:
        suggestion = suggest(connection, tables, scope, planner, request.parsed.node)
    return SearchResults(
        total=total, page=request.page, per_page=request.per_page, hits=hits,
        facets=_facet_counts(connection, tables, scope, plan) if request.facets else {},
        suggestion=suggestion,
        notices=list(dict.fromkeys((*request.parsed.notices, *request.notices))),
    )


def count(connection: Connection, tables: Tables, scope: Scope, plan: Plan | None, *,
          filtered: bool = True) -> int:
    params = Params()
    where = scope.where(plan, params, filtered=filtered)
    return connection.scalar(text(f"SELECT count(*) FROM {tables.documents} d WHERE {where}"), params.values)


def _facet_counts(connection: Connection, tables: Tables, scope: Scope,
                  plan: Plan | None) -> dict[str, dict[str, int]]:
    params = Params()
    rows = connection.execute(text(
        f"SELECT f, count(*) FROM {tables.documents} d, unnest(d.facets) f "
        f"WHERE {scope.where(plan, params)} GROUP BY f"), params.values)
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for key, number in rows:
        facet, _, value = key.partition("=")
        if facet in counts:
            counts[facet][value] = number
    return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUE_LIMIT])
            for facet, c in counts.items()}


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
    rows = connection.execute(text(
        f"SELECT d.doc_id, ts_headline(CAST(:config AS regconfig), {_ESCAPED_BODY}, CAST(:marked AS tsquery), "
        f"'{_HEADLINE_OPTIONS}') FROM {tables.documents} d WHERE d.doc_id = ANY(:ids)"),
        {"config": tables.config, "marked": marked, "ids": doc_ids})
    # ts_headline shows the text's start when nothing matched: no snippet then, as with Whoosh.
    return {doc_id: _WHITESPACE.sub(" ", snippet).strip() for doc_id, snippet in rows if "<mark>" in snippet}


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
        if not count(connection, tables, scope, planner.plan(word), filtered=False):
            correction = _correction(connection, tables, scope, planner, word)
            if correction:
                replacements[word] = correction
    if not replacements:
        return None
    corrected = qs.replace_words(node, replacements)
    return qs.render(corrected) if count(connection, tables, scope, planner.plan(corrected)) else None


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
