"""Hostile input: nothing that can run script survives rendering or sanitizing."""
import pytest
from wiki_html_checks import parse_elements, script_capable_parts

from wiki import LinkTarget, render, render_markdown, sanitize_html

MARKDOWN_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<http://example.org" onmouseover="alert(1)>',
    '[x](http://example.org "a\\" onmouseover=\\"alert(1)")',
    "[[Page|<img src=x onerror=alert(1)>]]",
    "[[<script>alert(1)</script>]]",
    "```\n</code><script>alert(1)</script>\n```",
    "`</code><script>alert(1)</script>`",
    "# <script>alert(1)</script>",
    "| <script>x</script> |\n|---|\n| <iframe> |",
    "x[^1]\n\n[^1]: <script>alert(1)</script>",
    "Term\n:   <img src=x onerror=alert(1)>",
    "![x](attachment:evil.png)",
]


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_render_leaves_nothing_script_capable(resolve_link, payload):
    attachments = {"evil.png": "javascript:alert(1)"}
    rendered = render(payload, resolve_link=resolve_link, resolve_attachment=attachments.get)
    assert script_capable_parts(rendered.html) == []
    assert script_capable_parts(rendered.toc_html) == []


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_render_markdown_leaves_nothing_script_capable(payload):
    assert script_capable_parts(render_markdown(payload)) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JAVASCRIPT:alert(1)",
                                 "data:text/html,<script>alert(1)</script>"])
def test_a_resolver_returning_a_dangerous_url_is_still_sanitized(url):
    rendered = render("[[Home]]", resolve_link=lambda link: LinkTarget(url=url, exists=True))
    assert script_capable_parts(rendered.html) == []


HTML_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=javascript:alert(1)>",
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "<svg onload=alert(1)><circle/></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example" srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="javascript:alert(1)"><input type=submit formaction=javascript:alert(1)></form>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div onclick="alert(1)" onmouseover=alert(1)>x</div>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "<template><script>alert(1)</script></template>",
]


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_sanitize_html_leaves_nothing_script_capable(payload):
    assert script_capable_parts(sanitize_html(payload)) == []


def test_sanitize_html_keeps_the_markup_pages_need():
    html = ('<h2 id="intro">Intro</h2><p><a href="/c/x/wiki/y" class="wikilink redlink" '
            'title="Create page: Y">Y</a> <em>e</em> <s>s</s> <sup>2</sup></p>'
            '<pre><code class="language-python">x</code></pre>'
            '<table><tbody><tr><td align="center" colspan="2">c</td></tr></tbody></table>'
            '<img src="/files/a.png" alt="A" width="100" height="50">')
    assert sanitize_html(html) == html


@pytest.mark.parametrize("html, kept", [
    ('<span class="wikilink evil">x</span>', "<span>x</span>"),
    ('<code class="language-x onerror">x</code>', "<code>x</code>"),
    ('<table><tbody><tr><td align="javascript" rowspan="-1">x</td></tr></tbody></table>',
     "<table><tbody><tr><td>x</td></tr></tbody></table>"),
    ('<img src="/a.png" width="100%" height="x">', '<img src="/a.png">'),
    ('<p id="x" title="t">x</p>', "<p>x</p>"),
])
def test_sanitize_html_drops_attribute_values_outside_the_allow_list(html, kept):
    assert sanitize_html(html) == kept


@pytest.mark.parametrize("href, is_external", [
    ("https://example.org/page", True),
    ("http://example.org", True),
    ("//example.org/x", True),
    ("mailto:someone@example.org", True),
    ("/c/x/wiki/page", False),
    ("#section", False),
    ("../relative", False),
])
def test_external_links_get_nofollow_noopener_ugc(href, is_external):
    [(_, attributes)] = parse_elements(sanitize_html(f'<a href="{href}">x</a>'))
    assert (attributes.get("rel") == "nofollow noopener ugc") is is_external


def test_rendered_external_link_gets_rel_and_wiki_link_does_not(resolve_link):
    html = render("[site](https://example.org) [[Home]]", resolve_link=resolve_link).html
    links = [attributes for tag, attributes in parse_elements(html) if tag == "a"]
    assert links[0]["rel"] == "nofollow noopener ugc"
    assert "rel" not in links[1]


@pytest.mark.parametrize("payload", [p for p in HTML_PAYLOADS if not p.startswith("<!--")])
def test_the_checker_itself_flags_each_raw_payload(payload):
    # Guards the tests above: they mean something only if the checker sees the danger.
    assert script_capable_parts(payload) != []
