"""Arabic pages and resources read right to left, and words in Arabic, Greek, Turkish or with
accents are found by the search box — as typed, and without their accents."""
from __future__ import annotations

import io

import pytest
from browsing import expect, unique
from factories import make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.services import resources

ARABIC_TEXT = "نقرأ القصص القصيرة مع الطلاب كل صباح."
MANY_SCRIPTS = "Η φωτοσύνθεση για παιδιά. Öğretmenler İstanbul'da buluştu. Les élèves préfèrent la poésie."


def multilingual_content() -> dict:
    author = make_user("Samira", email=f"{unique('samira')}@example.org")
    community = make_community(unique("arabic"), name="معلمو اللغة العربية", facilitator=author)
    page = make_page(community, "دروس القراءة", ARABIC_TEXT, author=author)
    other = make_page(community, "Words from many places", MANY_SCRIPTS, author=author)
    text_file = FileStorage(io.BytesIO("مفردات الطقس: مطر، شمس، رياح.".encode()), "weather.txt")
    resource = resources.add_resource(author, community, upload=text_file, title="ورقة عمل الطقس",
                                      description="تمرين **المفردات** للصف الثالث.", language="ar", license="cc-by")
    return {"community": community.slug, "page": page.slug, "other": other.slug, "resource": resource.id}


@pytest.fixture(scope="module")
def content(site):
    return site.build(multilingual_content)


def direction(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_arabic_wiki_page_and_resource_read_right_to_left(content, open_page):
    page = open_page()
    page.goto(f"/c/{content['community']}/wiki/{content['page']}")
    assert direction(page.get_by_role("heading", level=1)) == "rtl"
    assert direction(page.get_by_text(ARABIC_TEXT)) == "rtl"
    main_menu = page.get_by_role("navigation", name="Main")  # Globe's own words stay left to right
    assert direction(main_menu.get_by_role("link", name="Log in")) == "ltr"

    page.goto(f"/resources/{content['resource']}")
    assert direction(page.get_by_role("heading", level=1)) == "rtl"
    assert direction(page.get_by_text("تمرين المفردات للصف الثالث.")) == "rtl"
    assert direction(page.get_by_text("مفردات الطقس")) == "rtl"  # the preview of the file's text


@pytest.mark.parametrize("words, finds", [
    ("القصص", "دروس القراءة"),
    ("الطقس", "ورقة عمل الطقس"),  # from inside the uploaded file
    ("φωτοσύνθεση", "Words from many places"),
    ("ΦΩΤΟΣΥΝΘΕΣΗ", "Words from many places"),  # capitals, no accent
    ("öğretmenler", "Words from many places"),
    ("istanbul", "Words from many places"),  # Turkish dotted capital İ
    ("élèves", "Words from many places"),
    ("eleves poesie", "Words from many places"),  # typed without accents
])
def test_search_finds_non_latin_and_accented_words(content, open_page, words, finds):
    page = open_page()
    page.goto("/")
    search_box = page.get_by_role("searchbox", name="Search Globe")
    search_box.fill(words)
    search_box.press("Enter")
    hit = page.get_by_role("region", name="result").get_by_role("link", name=finds)
    expect(hit).to_be_visible()
    if finds != "Words from many places":
        assert direction(hit) == "rtl"
