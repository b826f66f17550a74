"""How pages reach slow connections: compressed when the browser accepts it, the stylesheet cached for a
year without asking again. (tests/browser/test_page_weight.py weighs the pages in Chromium.)"""
import brotli
import pytest

CHROMIUM_ENCODINGS = "gzip, deflate, br, zstd"


def stylesheet_url(web) -> str:
    html = web.get("/").get_data(as_text=True)
    return html.split('rel="stylesheet" href="')[1].split('"')[0]


@pytest.mark.parametrize("accepted, page_sent, stylesheet_sent", [
    (CHROMIUM_ENCODINGS, "br", "br"),
    # the stylesheet is streamed from disk, and Flask-Compress cannot gzip a stream
    ("gzip, deflate", "gzip", "deflate"),
    ("", None, None),
])
def test_pages_and_the_stylesheet_are_compressed_when_the_browser_accepts_it(web, accepted, page_sent, stylesheet_sent):
    for url, sent in (("/login", page_sent), (stylesheet_url(web), stylesheet_sent)):
        response = web.get(url, headers={"Accept-Encoding": accepted})
        assert response.headers.get("Content-Encoding") == sent, url
        assert "Accept-Encoding" in response.headers["Vary"]


def test_compressed_page_reads_the_same(web):
    plain = web.get("/login").get_data()
    packed = web.get("/login", headers={"Accept-Encoding": CHROMIUM_ENCODINGS}).get_data()
    assert len(packed) < len(plain) / 2
    assert brotli.decompress(packed).replace(b"\n", b"").startswith(b"<!doctype html>")


def test_stylesheet_is_cached_for_a_year_without_asking_again(web):
    cache_control = web.get(stylesheet_url(web)).headers["Cache-Control"]
    assert "max-age=31536000" in cache_control and "immutable" in cache_control
    assert "no-cache" not in cache_control
