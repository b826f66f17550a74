"""Light pages for slow, metered connections: every main page type weighed on a first visit (empty
cache) as Chromium received it — compressed bytes on the wire, headers included.

Budgets: under 60 KB in all and under 15 KB of JavaScript per page, nothing from another host,
HTML and CSS compressed, static assets with cache-busting names cached for a year. The table is
printed (pytest -s) and written to tests/browser/out/page-weight.md; docs/benchmarks.md keeps
the figures."""
from __future__ import annotations

from urllib.parse import urlsplit

from browsing import OUTPUT
from sample import MAIN_PAGES

KB = 1024
TOTAL_BUDGET = 60 * KB
SCRIPT_BUDGET = 15 * KB
ONE_YEAR = 365 * 24 * 3600
KINDS = ("html", "css", "js", "font", "other")


def kind_of(content_type: str) -> str:
    content_type = content_type.split(";")[0].strip()
    if content_type == "text/html":
        return "html"
    if content_type == "text/css":
        return "css"
    if "javascript" in content_type:
        return "js"
    if content_type.startswith("font/") or "font" in content_type:
        return "font"
    return "other"


def weigh(responses) -> dict[str, int]:
    weights = dict.fromkeys(KINDS, 0)
    for response in responses:
        sizes = response.request.sizes()
        kind = kind_of(response.headers.get("content-type", ""))
        weights[kind] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    weights["total"] = sum(weights[kind] for kind in KINDS)
    weights["requests"] = len(responses)
    return weights


def asset_problems(response) -> list[str]:
    """What is wrong with how one response is sent: compression, cache lifetime, cache-busting name."""
    problems = []
    headers, url = response.headers, urlsplit(response.url)
    kind = kind_of(headers.get("content-type", ""))
    if kind in ("html", "css", "js") and headers.get("content-encoding") not in ("br", "gzip", "zstd", "deflate"):
        problems.append(f"{url.path} is not compressed")
    if url.path.startswith("/static/"):
        cache_control = headers.get("cache-control", "")
        if "v=" not in url.query:
            problems.append(f"{url.path} has no cache-busting version in its URL")
        if (f"max-age={ONE_YEAR}" not in cache_control or "immutable" not in cache_control
                or "no-cache" in cache_control):
            problems.append(f"{url.path} is cached only with {cache_control!r}")
    return problems


def report(rows: dict[str, dict[str, int]]) -> str:
    lines = ["| Page | HTML | CSS | JS | Fonts | Other | Total | Requests |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, weights in rows.items():
        cells = [f"{weights[kind] / KB:.1f} KB" for kind in (*KINDS, "total")]
        lines.append(f"| {name} | {' | '.join(cells)} | {weights['requests']} |")
    return "\n".join(lines) + "\n"


def first_visit(page, address: str) -> tuple[list[str], list]:
    """Open the page in its new browser context (so with an empty cache): every URL asked for, every response."""
    requested, responses = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: responses.append(response))
    assert page.goto(address).ok
    return requested, responses


def test_every_main_page_is_light_on_first_load(main_page_for, site):
    rows, problems, elsewhere = {}, [], []
    for kind in MAIN_PAGES:
        requested, responses = first_visit(*main_page_for(kind))
        rows[kind] = weigh(responses)
        problems += [f"{kind}: {problem}" for response in responses for problem in asset_problems(response)]
        elsewhere += [f"{kind}: {url}" for url in requested if not url.startswith(site.base_url + "/")]
    table = report(rows)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "page-weight.md").write_text(table)
    print("\nPage weight on first load (compressed, headers included):\n" + table)

    assert not elsewhere, f"loaded from another host: {elsewhere}"
    assert not problems, "\n".join(problems)
    too_heavy = {kind: w["total"] for kind, w in rows.items() if w["total"] >= TOTAL_BUDGET}
    assert not too_heavy, f"over {TOTAL_BUDGET // KB} KB: {too_heavy}"
    too_much_script = {kind: w["js"] for kind, w in rows.items() if w["js"] >= SCRIPT_BUDGET}
    assert not too_much_script, f"over {SCRIPT_BUDGET // KB} KB of JavaScript: {too_much_script}"
