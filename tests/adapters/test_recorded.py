"""Real arXiv answers (recorded by other projects) served by the double and read by ArxivSource."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from arxiv_double import ArxivDouble
from conftest import RECORDED, needs_shared_data

from tui.adapters.sources.api import ArxivSource, FetchError, FetchPolicy
from tui.core.paper import Kind, Paper

pytestmark = needs_shared_data()

ATOM = "{http://www.w3.org/2005/Atom}"
FAST = FetchPolicy(min_interval=0.01, backoff=0.01, timeout=2.0)


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def entries(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).getroot().iter(f"{ATOM}entry"))


def fetch_recorded(double: ArxivDouble, name: str) -> list[Paper]:
    double.serve_next(recorded(name))
    papers = ArxivSource(api_url=double.url, policy=FAST).fetch_ids(["2504.06312"])
    assert len(double.query_requests) == 1
    return papers


def test_the_2026_layout_gives_every_entry_intact(arxiv_double: ArxivDouble) -> None:
    papers = fetch_recorded(arxiv_double, "api-cs-lg-20-entries.xml")
    assert len(papers) == 20
    first = papers[0]
    assert first.id == "2604.26951" and first.version == 1
    assert first.title.startswith("Turning the TIDE: Cross-Architecture Distillation")
    assert first.categories == ("cs.CL", "cs.AI", "cs.LG")
    assert first.authors == ("Gongbo Zhang", "Wen Wang", "Ye Tian", "Li Yuan")
    assert first.comment == "15 pages, 3 figures. Code: https://github.com/PKU-YuanGroup/TIDE"
    titled_math = [p for p in papers if "$\\ln\\ln T$" in p.title]
    assert [p.title for p in titled_math] == [
        "A Note on How to Remove the $\\ln\\ln T$ Term from the Squint Bound"
    ]


def test_the_2026_layout_read_as_a_listing_day(arxiv_double: ArxivDouble) -> None:
    # Listing Thu 2026-04-30 = Tue 2026-04-28 14:00 EDT .. Wed 2026-04-29 14:00 EDT (18:00 UTC).
    body = re.sub(
        rb"<opensearch:totalResults>\d+<",
        b"<opensearch:totalResults>20<",
        recorded("api-cs-lg-20-entries.xml"),
    )
    arxiv_double.serve_next(body)
    source = ArxivSource(api_url=arxiv_double.url, policy=FAST)

    day = source.fetch_day(date(2026, 4, 30), ["cs.LG", "cs.AI"])

    assert len(day.papers) == 20
    kinds = [p.kind for p in day.papers]
    assert kinds == sorted(kinds, key=[Kind.NEW, Kind.CROSS, Kind.REPLACE].index)
    for paper in day.papers:
        expected = Kind.NEW if paper.primary_category in ("cs.LG", "cs.AI") else Kind.CROSS
        assert paper.kind == expected, paper.id
    assert kinds.count(Kind.NEW) == 9
    new_ids = [p.id for p in day.papers if p.kind == Kind.NEW]
    assert new_ids == sorted(new_ids)


def test_the_classic_layout_is_read_and_its_wrapping_collapsed(arxiv_double: ArxivDouble) -> None:
    papers = fetch_recorded(arxiv_double, "api-classic-layout-au-del-maestro.xml")
    assert len(papers) == 10
    first = papers[0]
    assert first.id == "1201.4869"
    assert first.title == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert first.abstract.startswith(
        "As helium-4 is cooled below 2.17 K it undergoes a phase transition to a "
        "fundamentally new state of matter"
    )
    assert first.abstract.endswith("intriguing low dimensional state of matter.")
    assert first.doi == "10.1142/S021797921244002X"
    assert first.journal_ref == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"
    assert first.comment == "26 pages, 10 figures"
    for paper in papers:
        for text in (paper.title, paper.abstract):
            assert "\n" not in text and "  " not in text and text == text.strip()
        assert paper.authors and all(paper.categories)
        assert any(a.endswith("Del Maestro") for a in paper.authors)


def test_a_hundred_entries_with_old_ids_versions_and_references(arxiv_double: ArxivDouble) -> None:
    papers = fetch_recorded(arxiv_double, "api-all-testing-100-entries.xml")
    assert len(papers) == 100
    by_id = {p.id: p for p in papers}
    assert by_id["cs/0503050"].version == 1
    assert by_id["hep-ph/0301050"].version == 2
    assert max(p.version for p in papers) == 9
    assert sum(p.doi is not None for p in papers) > 0
    assert sum(p.journal_ref is not None for p in papers) > 0
    gaudel = next(p for p in papers if "Marie-Claude Gaudel" in p.authors)
    position = gaudel.authors.index("Marie-Claude Gaudel")
    assert gaudel.affiliations[position] == ("LRI",)
    assert gaudel.affiliations[gaudel.authors.index("Pascale Le Gall")] == ("IBISC",)


def test_an_old_style_id_keeps_its_archive(arxiv_double: ArxivDouble) -> None:
    (paper,) = fetch_recorded(arxiv_double, "api-old-style-id.xml")
    assert paper.id == "astro-ph/0601001"
    assert paper.versioned_id == "astro-ph/0601001v1"
    assert paper.categories == ("astro-ph",)
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.authors[:2] == ("Andrew Gould", "Susan Dorsher")
    assert paper.affiliations[:2] == (("Ohio State",), ("Ohio State",))
    assert "V_max<17.5" in paper.abstract
    assert "(1/310)(1^{+1.39}_{-0.59})" in paper.abstract  # TeX stays raw


def test_thirty_four_authors_with_non_ascii_names(arxiv_double: ArxivDouble) -> None:
    (paper,) = fetch_recorded(arxiv_double, "api-34-authors-non-ascii.xml")
    (entry,) = entries(RECORDED / "api-34-authors-non-ascii.xml")
    expected = tuple(
        " ".join((a.findtext(f"{ATOM}name") or "").split()) for a in entry.iter(f"{ATOM}author")
    )
    assert len(paper.authors) == 34
    assert paper.authors == expected
    assert "Dirk Wübben" in paper.authors
    assert any(ord(ch) > 127 for name in paper.authors for ch in name)


def test_the_error_feed_is_reported_and_not_retried(arxiv_double: ArxivDouble) -> None:
    arxiv_double.serve_next(recorded("api-error-bad-id.xml"), status=400)
    source = ArxivSource(api_url=arxiv_double.url, policy=FAST)
    with pytest.raises(FetchError) as caught:
        source.fetch_ids(["abc"])
    assert str(caught.value) == "arXiv rejected the request: incorrect id format for abc"
    assert len(arxiv_double.query_requests) == 1


def test_the_empty_result_is_no_papers_for_ids(arxiv_double: ArxivDouble) -> None:
    assert fetch_recorded(arxiv_double, "api-empty-result.xml") == []


def test_the_empty_result_on_a_listing_day_is_a_failure(arxiv_double: ArxivDouble) -> None:
    arxiv_double.serve_next(recorded("api-empty-result.xml"), times=4)
    source = ArxivSource(api_url=arxiv_double.url, policy=FAST)
    with pytest.raises(FetchError) as caught:
        source.fetch_day(date(2025, 4, 9), ["cs.LG"])
    assert str(caught.value) == (
        "arXiv returned no papers for cs.LG on 2025-04-09 after 4 tries (no announcement that "
        "day, a holiday? or the API is failing); try again later"
    )
    assert len(arxiv_double.query_requests) == 4
