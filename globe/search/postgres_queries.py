"""Translating a parsed query (query_syntax's tree) into a tsquery and SQL conditions.

Each word, phrase and prefix is first analyzed by PostgreSQL itself (one round trip for all of
them), so that stemming and stop words are exactly those of the index. Leaves that analyze to
nothing (stop words only) are dropped as the Whoosh backend drops them: they constrain nothing.
The analyzed leaves come back as PostgreSQL's own tsquery text (quoted, escaped lexemes), and are
joined with & | ! into one tsquery per text subtree, passed as a bound parameter.

A phrase whose adjacent words are common is matched through the pair lexemes the index holds for
them ('also~gcloud', see postgres_schema.pairs_tsvector): exactly for two words, and for longer
phrases as the pairs AND the phrase itself (the pairs find few candidates, the phrase checks them).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

from globe.search import query_syntax as qs
from globe.search.base import fold, normalize_facet_value
from globe.search.postgres_schema import PAIR_JOINER

TITLE_WEIGHT = "A"
_QUOTED_LEXEME = re.compile(r"'(?:[^']|'')*'")
_PLAIN_PHRASE = re.compile(r"'(?:[^'\\]|''|\\.)*'(?: <(?:-|\d+)> '(?:[^'\\]|''|\\.)*')+")
_PHRASE_PART = re.compile(r"'((?:[^'\\]|''|\\.)*)'|<(-|\d+)>")


@dataclass(frozen=True)
class TextLeaf:
    """An analyzed word, phrase or prefix: tsquery text such as `'speak' <-> 'lesson'`; `matching`
    is what finds the same documents through pairs of common words, when it applies."""
    tsquery: str
    in_title_only: bool = False
    matching: str | None = None


@dataclass(frozen=True)
class FacetLeaf:
    key: str                    # "level=b1"


Plan = TextLeaf | FacetLeaf | qs.Not | qs.And | qs.Or


def quote_operand(value: str) -> str:
    """A to_tsquery operand that is always taken as text, whatever characters it holds."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class Planner:
    """Analyzes every text leaf of a tree in one round trip, then builds plans from the results."""

    def __init__(self, connection: Connection, config: str, common: str | None = None):
        self.connection = connection
        self.config = config
        self.common = common            # the table of common lexemes, when pairs are indexed
        self._analyzed: dict[tuple[str, str], str] = {}
        self._common: set[str] = set()

    def plan(self, node: qs.Node | None) -> Plan | None:
        self._analyze(list(_leaf_operands(node)))
        self._find_common([self._analyzed[op] for op in _leaf_operands(node)])
        return self._plan(node)

    def lexemes(self, word: qs.Word) -> list[str]:
        """The index terms of one word (for spelling suggestions)."""
        self._analyze([_operand(word)])
        return [part.strip().strip("'").replace("''", "'")
                for part in self._analyzed[_operand(word)].split("<->") if part.strip()]

    def _analyze(self, operands: list[tuple[str, str]]) -> None:
        missing = [op for op in dict.fromkeys(operands) if op not in self._analyzed]
        if not missing:
            return
        rows = self.connection.execute(text(
            "SELECT to_tsquery(CASE WHEN o.simple THEN 'simple'::regconfig ELSE CAST(:config AS regconfig) END,"
            " o.operand)::text FROM unnest(CAST(:operands AS text[]), CAST(:simple AS boolean[])) "
            "WITH ORDINALITY AS o(operand, simple, n) ORDER BY o.n"),
            {"config": self.config, "operands": [operand for _, operand in missing],
             "simple": [kind == "simple" for kind, _ in missing]}).scalars().all()
        self._analyzed.update(zip(missing, rows, strict=True))

    def _find_common(self, analyzed: list[str]) -> None:
        """Which lexemes of the phrases are common (one round trip, only for queries with a phrase)."""
        lexemes = {lexeme for tsquery in analyzed for lexeme in (phrase_parts(tsquery) or ((), ()))[0]}
        if self.common is None or not lexemes - self._common:
            return
        self._common |= set(self.connection.scalar(text(
            f"SELECT ARRAY(SELECT unnest(c.lexemes) INTERSECT SELECT unnest(CAST(:lexemes AS text[]))) "
            f"FROM {self.common} c"), {"lexemes": sorted(lexemes)}) or ())

    def _plan(self, node: qs.Node | None) -> Plan | None:
        if isinstance(node, qs.Not):
            inner = self._plan(node.node)
            return qs.Not(inner) if inner is not None else None
        if isinstance(node, (qs.And, qs.Or)):
            children = tuple(c for c in map(self._plan, node.nodes) if c is not None)
            if not children:
                return None
            return children[0] if len(children) == 1 else type(node)(children)
        if isinstance(node, qs.FacetValue):
            value = normalize_facet_value(node.value)
            return FacetLeaf(f"{node.facet}={value}") if value else None
        if isinstance(node, (qs.Word, qs.Phrase, qs.Prefix)):
            analyzed = self._analyzed[_operand(node)]
            return TextLeaf(analyzed, node.field == "title", pair_tsquery(analyzed, self._common)) if analyzed else None
        return None


def phrase_parts(tsquery: str) -> tuple[list[str], list[int]] | None:
    """The lexemes of a plain phrase (`'a' <-> 'b' <2> 'c'`) and the distances between them, or None
    for anything else (a word, a prefix, a title: phrase with its weight)."""
    if not _PLAIN_PHRASE.fullmatch(tsquery.strip()):
        return None
    lexemes, distances = [], []
    for lexeme, distance in _PHRASE_PART.findall(tsquery):
        if distance:
            distances.append(1 if distance == "-" else int(distance))
        else:
            lexemes.append(re.sub(r"\\(.)", r"\1", lexeme.replace("''", "'")))
    return lexemes, distances


def pair_tsquery(tsquery: str, common: set[str]) -> str | None:
    """The phrase matched through its pairs of adjacent common lexemes, or None if it has none.

    Two lexemes: the pair alone, exact since the pair is indexed wherever they are adjacent. More:
    the pairs narrow the candidates, and the phrase itself is still checked (positions, gaps).
    """
    parts = phrase_parts(tsquery)
    if parts is None:
        return None
    lexemes, distances = parts
    pairs = [quote_operand(f"{first}{PAIR_JOINER}{second}")
             for first, second, distance in zip(lexemes, lexemes[1:], distances, strict=False)
             if distance == 1 and first in common and second in common]
    if not pairs:
        return None
    if len(lexemes) == 2:
        return pairs[0]
    return " & ".join(dict.fromkeys(pairs)) + f" & ( {tsquery} )"


def _operand(node: qs.Word | qs.Phrase | qs.Prefix) -> tuple[str, str]:
    """(configuration, to_tsquery input) of one leaf: folded like the indexed text."""
    weight = TITLE_WEIGHT if node.field == "title" else ""
    if isinstance(node, qs.Prefix):
        # Prefixes are not stemmed ("activit*" must not become "activ*"), as in the Whoosh backend.
        return "simple", f"{quote_operand(fold(node.text))}:*{weight}"
    return "stemmed", quote_operand(fold(node.text)) + (f":{weight}" if weight else "")


def _leaf_operands(node: qs.Node | None) -> Iterator[tuple[str, str]]:
    if isinstance(node, (qs.Word, qs.Phrase, qs.Prefix)):
        yield _operand(node)
    elif isinstance(node, qs.Not):
        yield from _leaf_operands(node.node)
    elif isinstance(node, (qs.And, qs.Or)):
        for child in node.nodes:
            yield from _leaf_operands(child)


# -- plans to SQL ---------------------------------------------------------------------------------

@dataclass
class Params:
    """Bound parameters of one statement, named p0, p1, ..."""
    values: dict[str, object] = field(default_factory=dict)

    def add(self, value: object, cast: str) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"CAST(:{name} AS {cast})"


def is_text(plan: Plan) -> bool:
    """Whether the whole subtree is words, so it becomes one tsquery."""
    if isinstance(plan, TextLeaf):
        return True
    if isinstance(plan, qs.Not):
        return is_text(plan.node)
    if isinstance(plan, (qs.And, qs.Or)):
        return all(map(is_text, plan.nodes))
    return False


def tsquery_text(plan: Plan, *, pairs: bool = False) -> str:
    """The tsquery of a text-only subtree; with `pairs`, for matching in a tsvector holding them."""
    if isinstance(plan, TextLeaf):
        return f"( {plan.matching if pairs and plan.matching else plan.tsquery} )"
    if isinstance(plan, qs.Not):
        return f"!{tsquery_text(plan.node, pairs=pairs)}"
    joiner = " & " if isinstance(plan, qs.And) else " | "
    return "( " + joiner.join(tsquery_text(node, pairs=pairs) for node in plan.nodes) + " )"


def condition(plan: Plan, params: Params, column: str = "d.tsv") -> str:
    """A SQL condition on table alias `d` that holds for the documents matching `plan`, its words
    looked for in the tsvector `column` (the whole document with its pairs, or its head: title and
    tags, without pairs)."""
    if is_text(plan):
        return f"{column} @@ {params.add(tsquery_text(plan, pairs=column == 'd.tsv'), 'tsquery')}"
    if isinstance(plan, FacetLeaf):
        return f"d.facets @> {params.add([plan.key], 'text[]')}"
    if isinstance(plan, qs.Not):
        return f"NOT ({condition(plan.node, params, column)})"
    words = [child for child in plan.nodes if is_text(child)]
    others = [child for child in plan.nodes if not is_text(child)]
    if isinstance(plan, qs.And):
        # Facets first: PostgreSQL checks conditions of equal cost in the order written, and a facet
        # is in the row, where the tsvector is in TOAST (unpacked only for rows that get that far).
        merged = [qs.And(tuple(words)) if len(words) > 1 else words[0]] if words else []
        return "(" + " AND ".join(condition(child, params, column) for child in (*others, *merged)) + ")"
    merged = [qs.Or(tuple(words)) if len(words) > 1 else words[0]] if words else []
    return "(" + " OR ".join(condition(child, params, column) for child in (*merged, *others)) + ")"


def has_negation(plan: Plan | None) -> bool:
    if isinstance(plan, qs.Not):
        return True
    return isinstance(plan, (qs.And, qs.Or)) and any(map(has_negation, plan.nodes))


def has_phrase(plan: Plan | None) -> bool:
    """Whether a match must hold words next to each other (a phrase, or a word such as "e-mail")."""
    return any("<" in _QUOTED_LEXEME.sub("", leaf.tsquery) for leaf in positive_leaves(plan))


def positive_leaves(plan: Plan | None) -> Iterator[TextLeaf]:
    """Text leaves a match contains (not under a negation)."""
    if isinstance(plan, TextLeaf):
        yield plan
    elif isinstance(plan, (qs.And, qs.Or)):
        for child in plan.nodes:
            yield from positive_leaves(child)


def rank_tsquery(plan: Plan | None) -> str | None:
    """What orders matches by relevance: the query itself when it is all words, else its words."""
    if plan is not None and is_text(plan):
        return tsquery_text(plan)
    return _any_of(list(positive_leaves(plan)))


def highlight_tsquery(plan: Plan | None) -> str | None:
    """Words worth marking in a body snippet (a title: word is not looked for in the body)."""
    return _any_of([leaf for leaf in positive_leaves(plan) if not leaf.in_title_only])


def _any_of(leaves: Sequence[TextLeaf]) -> str | None:
    return " | ".join(tsquery_text(leaf) for leaf in dict.fromkeys(leaves)) or None
