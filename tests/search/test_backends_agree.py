"""Whoosh and PostgreSQL answer the same queries on the same corpus with the same documents, totals
and facet counts (their relevance scores differ, so relevance order is not compared; date order is).

The generated text has no stop words and no hyphens: the two engines drop different stop words
(Whoosh's list is shorter, and it closes the gap a dropped word leaves in a phrase) and split
hyphenated words differently — documented differences, not what this test is about."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from search_corpus import CORPUS, EPOCH, make_doc, postgres_backend

from globe.search import SearchBackend, SearchQuery, WhooshBackend

WORDS = (
    "teacher teachers teaching lesson lessons plan planning planned speaking listening reading writing grammar "
    "vocabulary pronunciation drills games songs weather family animals holiday story stories exam practice "
    "homework project classroom pupils students dialogue roleplay warmer picture cards video podcast worksheet "
    "quiz verbs nouns adjectives irregular regular phrasal future past present conditional questions answers "
    "feedback assessment rubric portfolio collaboration éxito café naïve résumé"
).split()
TAGS = ("games", "exam", "warmer", "homework", "online", "large classes")
LEVELS = ("a1", "a2", "b1", "b2", "c1")
VIEWERS = [("public",), ("public", "cop:3"), ("public", "user:9"), ("cop:3",)]
QUERIES = [
    "", "*", "lesson", "lessons", "teaching", "plans", "grammar verbs", "irregular verbs past",
    '"irregular verbs"', '"pronunciation drills"', "pronun*", "gram*", "voc*", "exito", "ÉXITO", "cafe",
    "weather OR holiday", "(songs OR games) speaking", "grammar -verbs", "-lesson", "title:grammar",
    "tag:games", 'tag:"large classes"', "level:b1", "level:b1 grammar", "level:a1 level:a2",
    "type:worksheet OR podcast", "cop:cop-2", "kind:wiki lesson", "lang:es", "skill:listening -type:quiz",
    "planning beginners", "istanbul", "quokkaplan", "resume naive",
]


def generated_documents() -> list:
    rng = random.Random(11)
    docs = []
    for n in range(1, 241):
        kind = ("resource", "wiki", "project")[n % 3]
        principals = rng.choice([("public",)] * 8 + [("cop:3", "role:admin"), ("user:9",)])
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80)))
        docs.append(make_doc(
            f"{kind}:{100 + n}", " ".join(rng.sample(WORDS, 3)).capitalize(), body, day=10 + n,
            principals=principals, tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
            levels=tuple(rng.sample(LEVELS, rng.randint(0, 2))), skills=(rng.choice(("speaking", "listening")),),
            resource_type=rng.choice(("worksheet", "quiz", "podcast")) if kind == "resource" else None,
            language=rng.choice(("en", "en", "es")), community_slug=f"cop-{n % 4}",
            community_name=f"CoP {n % 4}"))
    return docs


@pytest.fixture(scope="module")
def backends(request, tmp_path_factory) -> tuple[SearchBackend, SearchBackend]:
    whoosh = WhooshBackend(tmp_path_factory.mktemp("agree") / "whoosh-index")
    postgres = postgres_backend(request)
    documents = [*CORPUS, *generated_documents()]
    for backend in (whoosh, postgres):
        assert backend.apply(documents, [], wait=True)
    yield whoosh, postgres
    whoosh.close()


def everything(backend: SearchBackend, text: str, principals: tuple[str, ...], **query) -> dict:
    """Every page of one query: the total, the set of documents, and the facet counts."""
    first = backend.search(SearchQuery(text=text, principals=principals, per_page=100, **query))
    found = [hit.doc_id for hit in first.hits]
    for page in range(2, (first.total - 1) // 100 + 2):
        found += [hit.doc_id for hit in backend.search(SearchQuery(
            text=text, principals=principals, per_page=100, page=page, facets=False, **query)).hits]
    assert len(found) == len(set(found)) == first.total
    return {"total": first.total, "ids": set(found), "facets": first.facets}


@pytest.mark.parametrize("principals", VIEWERS)
@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_totals_and_facets(backends, text, principals):
    whoosh, postgres = backends
    assert everything(postgres, text, principals) == everything(whoosh, text, principals)


@pytest.mark.parametrize("text", ["lesson", "grammar -verbs", "level:b1", ""])
def test_same_filtered_results_in_the_same_date_order(backends, text):
    whoosh, postgres = backends
    query = SearchQuery(text=text, filters={"level": ("a1", "b1"), "language": ("en",)}, sort="newest",
                        per_page=100)
    expected = [hit.doc_id for hit in whoosh.search(query).hits]
    assert [hit.doc_id for hit in postgres.search(query).hits] == expected


def test_the_queries_find_something(backends):
    """Guards the test above against agreeing on nothing."""
    whoosh, _ = backends
    empty = [text for text in QUERIES if not whoosh.search(SearchQuery(text=text)).total]
    assert empty == ["quokkaplan"]      # only the private word
    assert whoosh.search(SearchQuery(text="quokkaplan", principals=("cop:7",))).total == 1


def test_a_changed_and_a_deleted_document_agree(request, tmp_path):
    whoosh, postgres = WhooshBackend(tmp_path / "whoosh-index"), postgres_backend(request)
    changed = make_doc("resource:1", "Zebra crossing", "zebra lesson", day=30)
    for backend in (whoosh, postgres):
        assert backend.apply(CORPUS, [], wait=True)
        assert backend.apply([changed], ["wiki:3"], wait=True)
    for text in ("zebra", "lesson", "pronunciation", "exito", ""):
        assert everything(postgres, text, ("public",)) == everything(whoosh, text, ("public",))
    assert postgres.search(SearchQuery(text="zebra")).hits[0].updated == EPOCH + timedelta(days=30)
    whoosh.close()
