"""Globe's wiki engine: Markdown rendering, wiki links, diffs and merges; knows nothing of Flask."""
from wiki.diff import (
    DiffRow,
    diff_rows,
    diff_stats,
    inline_html,
    is_too_large_to_compare,
    side_by_side_html,
    unified_diff,
)
from wiki.links import (
    WikiLink,
    heading_id,
    normalize_newlines,
    normalize_title,
    slugify_title,
    split_lines,
    validate_title,
)
from wiki.merge import ConflictBlock, MergeResult, conflict_blocks, keep_one_side, merge_texts
from wiki.render import LinkTarget, Rendered, TocEntry, extract_links, render, render_markdown
from wiki.sanitize import sanitize_html

__all__ = [
    "ConflictBlock", "DiffRow", "LinkTarget", "MergeResult", "Rendered", "TocEntry", "WikiLink",
    "conflict_blocks", "diff_rows", "diff_stats", "extract_links", "heading_id", "inline_html",
    "is_too_large_to_compare", "keep_one_side", "merge_texts",
    "normalize_newlines", "normalize_title", "render", "render_markdown", "sanitize_html",
    "side_by_side_html", "slugify_title", "split_lines", "unified_diff", "validate_title",
]
