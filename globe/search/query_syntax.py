"""The query language teachers type, parsed into a small tree that every backend translates.

Parsing never fails: stray operators, quotes and parentheses are repaired or ignored.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_DEPTH = 12
MIN_PREFIX_CHARS = 2

# Field names a teacher may type -> facet name ("title" is the one text field).
FIELD_ALIASES: dict[str, str] = {
    "kind": "kind", "cop": "community", "community": "community", "level": "level",
    "skill": "skill", "type": "type", "license": "license", "filetype": "file_type",
    "file_type": "file_type", "lang": "language", "language": "language", "tag": "tag",
    "age": "age_group", "age_group": "age_group", "title": "title",
}
TEXT_FIELDS = frozenset({"title"})


@dataclass(frozen=True)
class Word:
    """A word to find in the text fields (or only in `field`)."""
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    """Words starting with `text`."""
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Words in this order."""
    text: str
    field: str | None = None


@dataclass(frozen=True)
class FacetValue:
    """A facet filter typed in the query, e.g. `level:b1`; `value` is as typed."""
    facet: str
    value: str


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Prefix | Phrase | FacetValue | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    """`node` is None when the query asks for everything (empty text, `*`, only noise); `exceeded`
    says which limits the input went past (it was cut to them, and `notices` say so)."""
    node: Node | None
    notices: tuple[str, ...] = ()
    exceeded: tuple[str, ...] = ()


_TOKEN = re.compile(r'"[^"]*"?|-?\(|\)|[^\s()"]+(?:"[^"]*"?)?')
_FIELD = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)


CHARS_LIMIT = f"A search may be at most {MAX_QUERY_CHARS} characters long."
TERMS_LIMIT = f"A search may have at most {MAX_TERMS} words, phrases and filters."


def clean_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Drop control and invisible characters, and cut overlong input at a word boundary."""
    head = text[:MAX_QUERY_CHARS * 2]       # never spend time cleaning what will be cut anyway
    head = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in head if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn"))
    if len(text) <= MAX_QUERY_CHARS * 2 and len(head) <= MAX_QUERY_CHARS:
        return head, ()
    cut = head[:MAX_QUERY_CHARS]
    if " " in cut[MAX_QUERY_CHARS // 2:]:
        cut = cut[:cut.rfind(" ")]
    notice = (f"Your search was too long ({len(text):,} characters). {CHARS_LIMIT} "
              f"Only its first {len(cut)} characters were searched for.")
    return cut, (notice,)


def parse(text: str) -> ParsedQuery:
    """Parse user input into a tree; never raises."""
    text, notices = clean_text(text)
    parser = _Parser(_TOKEN.findall(text))
    node = _simplify(parser.parse_all())
    exceeded = ((CHARS_LIMIT,) if notices else ()) + ((TERMS_LIMIT,) if parser.term_count > MAX_TERMS else ())
    return ParsedQuery(node, notices + tuple(parser.notices), exceeded)


class _Parser:
    """Recursive descent: OR binds loosest, then (implicit) AND, then negation."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.term_count = 0
        self.notices: list[str] = []

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_all(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            node = self.parse_or()
            if node is not None:
                nodes.append(node)
            if self.peek() == ")":      # a stray closing parenthesis: skip it
                self.pos += 1
        return And(tuple(nodes)) if nodes else None

    def parse_or(self) -> Node | None:
        alternatives = [self.parse_and()]
        while self.peek() == "OR":
            self.pos += 1
            alternatives.append(self.parse_and())
        kept = tuple(n for n in alternatives if n is not None)
        return Or(kept) if kept else None

    def parse_and(self) -> Node | None:
        nodes = []
        while (token := self.peek()) is not None and token not in (")", "OR"):
            if token == "AND":
                self.pos += 1
                continue
            node = self.parse_unary()
            if node is not None:
                nodes.append(node)
        return And(tuple(nodes)) if nodes else None

    def parse_unary(self) -> Node | None:
        negations = 0
        token = self.tokens[self.pos]
        # Iterative, so that "-----word" or "NOT NOT ..." cannot exhaust the recursion limit.
        while token == "NOT" or (token.startswith("-") and token != "-"):
            negations += 1
            if token == "NOT":
                self.pos += 1
                token = self.peek()
                if token in (None, ")", "OR", "AND"):
                    return None
            else:
                token = self.tokens[self.pos] = token[1:]
        if token == "-":                # a lone minus negates nothing
            self.pos += 1
            return None
        node = self.parse_primary()
        return Not(node) if node is not None and negations % 2 else node

    def parse_primary(self) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "(":
            return self._group()
        if self.term_count >= MAX_TERMS:
            if self.term_count == MAX_TERMS:
                self.notices.append(f"{TERMS_LIMIT} Only the first {MAX_TERMS} were searched for.")
                self.term_count += 1
            return None
        self.term_count += 1
        return self._term(token)

    def _group(self) -> Node | None:
        if self.depth >= MAX_DEPTH:     # deeper parentheses are flattened: they add nothing a teacher needs
            return None
        self.depth += 1
        node = self.parse_or()
        self.depth -= 1
        if self.peek() == ")":
            self.pos += 1
        return node

    def _term(self, token: str) -> Node | None:
        match = _FIELD.match(token)
        if match and match.group(1).lower() in FIELD_ALIASES:
            return _field_term(FIELD_ALIASES[match.group(1).lower()], match.group(2))
        if match and not token.startswith('"'):      # unknown field: its name and value are just words
            return _simplify(And(tuple(filter(None, (_text_term(p, None) for p in token.split(":"))))))
        return _text_term(token, None)


def _field_term(field: str, value: str) -> Node | None:
    if field in TEXT_FIELDS:
        return _text_term(value, field)
    value = value.strip('"').strip()
    return FacetValue(field, value) if value else None


def _text_term(token: str, field: str | None) -> Node | None:
    if token.startswith('"'):
        words = " ".join(token.strip('"').split())
        return Phrase(words, field) if words else None
    if token in ("AND", "OR", "NOT"):
        return None
    bare = token.replace('"', " ").strip("*")
    if not any(c.isalnum() for c in bare):
        return None
    if token.endswith("*") and "*" not in bare and len(bare) >= MIN_PREFIX_CHARS:
        return Prefix(bare, field)
    return Word(bare.replace("*", " "), field)


def _simplify(node: Node | None) -> Node | None:
    """Flatten nested And/Or, unwrap single children, cancel double negation."""
    if isinstance(node, (And, Or)):
        kind = type(node)
        children: list[Node] = []
        for child in map(_simplify, node.nodes):
            if child is None:
                continue
            children.extend(child.nodes if isinstance(child, kind) else (child,))
        children = list(dict.fromkeys(children))
        if not children:
            return None
        return children[0] if len(children) == 1 else kind(tuple(children))
    if isinstance(node, Not):
        inner = _simplify(node.node)
        if inner is None:
            return None
        return inner.node if isinstance(inner, Not) else Not(inner)
    return node


def render(node: Node | None) -> str:
    """Text that parses back to `node` (used to show a corrected query)."""
    if node is None:
        return ""
    if isinstance(node, Word):
        return f"{node.field}:{node.text}" if node.field else node.text
    if isinstance(node, Prefix):
        return f"{node.field + ':' if node.field else ''}{node.text}*"
    if isinstance(node, Phrase):
        return f'{node.field + ":" if node.field else ""}"{node.text}"'
    if isinstance(node, FacetValue):
        return f'{node.facet}:"{node.value}"' if " " in node.value else f"{node.facet}:{node.value}"
    if isinstance(node, Not):
        return f"-{_render_grouped(node.node)}"
    joiner = " OR " if isinstance(node, Or) else " "
    return joiner.join(_render_grouped(child) if isinstance(node, And) else render(child)
                       for child in node.nodes)


def _render_grouped(node: Node) -> str:
    return f"({render(node)})" if isinstance(node, (And, Or)) else render(node)


def plain_words(node: Node | None) -> list[Word]:
    """Words outside negations, phrases and prefixes: the ones a spelling suggestion may correct."""
    if isinstance(node, Word):
        return [node]
    if isinstance(node, (And, Or)):
        return [word for child in node.nodes for word in plain_words(child)]
    return []


def replace_words(node: Node | None, replacements: dict[Word, Word]) -> Node | None:
    """A copy of the tree with some words swapped (for spelling suggestions)."""
    if isinstance(node, Word):
        return replacements.get(node, node)
    if isinstance(node, Not):
        return Not(replace_words(node.node, replacements))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(replace_words(child, replacements) for child in node.nodes))
    return node
