"""Hostile Markdown: CPU seconds to render, sanitize and diff pages of pathological shapes.

    .venv/bin/python bench/hostile_render.py            # every shape at the page size limit
    .venv/bin/python bench/hostile_render.py --size 200000 --shapes headings,tables

Each shape is built to the wiki's page size limit (MAX_WIKI_PAGE_BYTES in globe/config.py).
Columns: parsing to HTML (markdown-it), sanitizing that HTML, what a save does (extract_links and
render: two parses and the sanitizer), a diff of the page against a copy with every 50th line
changed (what the diff view does), and how much of the work budget (wiki/budget.py) was used.
Results go to docs/benchmarks.md by hand."""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import wiki  # noqa: E402
from globe.config import DEFAULTS  # noqa: E402


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _nested(opening: str, middle: str, closing: str, size: int) -> str:
    depth = size // (len(opening) + len(closing)) - 1
    return opening * depth + middle + closing * depth


def _realistic(size: int) -> str:
    from corpus import Corpus
    corpus = Corpus(paragraphs=3000)
    parts, length, n = [], 0, 0
    while length < size:
        n += 1
        part = (f"## {corpus.title()} {n}\n\n{corpus.text(120)} *{corpus.title()}* and "
                f"[[{corpus.title()}]], see [the manual](https://example.org/{n}).\n\n"
                f"- {corpus.text(12)}\n- {corpus.text(12)}\n\n")
        parts.append(part)
        length += len(part)
    return "".join(parts)[:size]


SHAPES: dict[str, Callable[[int], str]] = {
    "nested brackets [[[[": lambda size: _repeat("[", size),
    "link openers [a](": lambda size: _repeat("[a](", size),
    "nested emphasis *_*_": lambda size: _nested("*a _", "x", "_ b*", size),
    "emphasis run ****": lambda size: _repeat("*", size // 2) + "a" + _repeat("*", size // 2),
    "reference definitions": lambda size: "".join(
        f"[r{n}]: /u{n}\n[r{n}] " for n in range(size // 20))[:size],
    "many headings": lambda size: "".join(f"## Heading {n}\n\n" for n in range(size // 16))[:size],
    "long table": lambda size: "| a | b | c |\n|---|---|---|\n" + _repeat("| x | *y* | z |\n", size),
    "blockquote/list nesting": lambda size: _repeat("> - ", size),
    "tiny paragraphs": lambda size: _repeat("x\n\n", size),
    "one paragraph of short lines": lambda size: _repeat("x\n", size),
    "quoted lines": lambda size: _repeat("> x\n", size),
    "dense emphasis *a* _b_": lambda size: _repeat("*a* _b_ ", size),
    "realistic text": _realistic,
}


def _cpu(function: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def _changed_copy(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(line + " changed" if n % 50 == 0 else line for n, line in enumerate(lines))


def _resolve(link: wiki.WikiLink) -> wiki.LinkTarget:
    return wiki.LinkTarget(url=f"/c/bench/wiki/{link.slug}", exists=True)


def measure(name: str, text: str) -> str:
    # The parse alone (markdown-it to unsanitized HTML), to separate it from sanitizing.
    from wiki.render import _PAGE, _PageState, _wiki_parser
    parser = _wiki_parser()
    env: dict = {_PAGE: _PageState(_resolve, None)}
    parse_s, raw_html = _cpu(lambda: parser.render(text, env))
    sanitize_s, _ = _cpu(lambda: wiki.sanitize_html(raw_html))
    # A save: the links are extracted (one parse), then the page is rendered (a second one).
    save_s, _ = _cpu(lambda: (wiki.extract_links(text), wiki.render(text, resolve_link=_resolve)))
    other = _changed_copy(text)
    diff_s, _ = _cpu(lambda: (wiki.inline_html(text, other), wiki.diff_stats(text, other)))
    return (f"| {name} | {len(text.encode()) // 1000} KB | {parse_s:.2f} | {sanitize_s:.2f} "
            f"| {save_s:.2f} | {diff_s:.2f} | {_budget_used(env)} |")


def _budget_used(env: dict) -> str:
    """How much of the parse's work budget the page used (100% means the rest was shown as typed)."""
    from wiki.budget import MAX_BLOCKS, MAX_INLINE_STEPS, WorkBudget
    budget = env.get("globe_work_budget", WorkBudget(MAX_BLOCKS, MAX_INLINE_STEPS))
    blocks = 100 * (MAX_BLOCKS - max(budget.blocks, 0)) // MAX_BLOCKS
    steps = 100 * (MAX_INLINE_STEPS - max(budget.inline_steps, 0)) // MAX_INLINE_STEPS
    return f"{blocks}% / {steps}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=DEFAULTS["MAX_WIKI_PAGE_BYTES"])
    parser.add_argument("--shapes", default="", help="comma-separated words of shape names")
    args = parser.parse_args()
    wanted = [word for word in args.shapes.split(",") if word]
    print("| shape | size | parse s | sanitize s | save s | diff s | budget used blocks/inline |")
    print("|---|---|---|---|---|---|---|")
    for name, build in SHAPES.items():
        if wanted and not any(word in name for word in wanted):
            continue
        print(measure(name, build(args.size)), flush=True)


if __name__ == "__main__":
    main()
