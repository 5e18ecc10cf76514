"""arXiv's OAI-PMH answers in arXivRaw (rendered by arXiv's own service), read by sources.oai."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tui.adapters.sources.oai import (
    OaiError,
    OaiNotXml,
    OaiUnexpected,
    RawRecord,
    RecordsPage,
    list_records_url,
    parse_records,
    parse_sets,
    resume_url,
    set_for_category,
    sets_for,
    split_authors,
    versions_in_window,
)
from tui.core.paper import Kind
from tui.core.taxonomy import CATEGORIES

RENDERED = Path(__file__).parents[3] / "shared" / "data" / "arxiv-rendered"
needs_rendered = pytest.mark.skipif(
    not RENDERED.is_dir(), reason="../shared/data/arxiv-rendered is absent"
)

BASE = "https://oaipmh.arxiv.org/oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
DAY = "oaipmh-listrecords-arxivraw-2011-02-03.xml"
PAGE1 = "oaipmh-listrecords-arxivraw-2011-02-03-limit50-page1.xml"
PAGE2 = "oaipmh-listrecords-arxivraw-2011-02-03-limit50-page2.xml"
PAGE3 = "oaipmh-listrecords-arxivraw-2011-02-03-limit50-page3-last.xml"
SPAN1 = "oaipmh-listrecords-arxivraw-2015-03-13-to-2015-03-18-limit50-page1.xml"
SPAN2 = "oaipmh-listrecords-arxivraw-2015-03-13-to-2015-03-18-limit50-page2-last.xml"
MATH = "oaipmh-listrecords-arxivraw-2009-01-05-to-2020-02-05-set-math.xml"
PHYSICS = "oaipmh-listrecords-arxivraw-2011-02-03-set-physics.xml"
COND_MAT = "oaipmh-listrecords-arxivraw-2011-02-03-set-physics-cond-mat.xml"
SEVEN = "oaipmh-getrecord-arxivraw-1011.1651-7-versions.xml"
TWENTY_FIVE = "oaipmh-getrecord-arxivraw-1101.0600-25-versions.xml"
TOKEN_50 = (
    "verb%3DListRecords%26metadataPrefix%3DarXivRaw%26from%3D2011-02-03%26until%3D2011-02-03"
    "%26skip%3D50"
)


def rendered(name: str) -> bytes:
    return (RENDERED / name).read_bytes()


def page(name: str) -> RecordsPage:
    return parse_records(rendered(name))


def one(name: str) -> RawRecord:
    records = page(name).records
    assert len(records) == 1
    return records[0]


def by_id(name: str) -> dict[str, RawRecord]:
    return {r.id: r for r in page(name).records}


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# ---------------------------------------------------------------- GetRecord


@needs_rendered
def test_a_record_with_seven_versions_and_a_late_datestamp() -> None:
    result = page(SEVEN)
    assert result.token is None
    record = result.records[0]
    assert record.id == "1011.1651"
    assert not record.deleted
    # The datestamp is the current version's last modification, years after v7 was submitted.
    assert record.datestamp == date(2015, 5, 19)
    assert [v.number for v in record.versions] == [1, 2, 3, 4, 5, 6, 7]
    assert record.versions[0].submitted == utc(2010, 11, 7, 16, 42, 18)
    assert record.versions[5].submitted == utc(2011, 2, 2, 15, 36, 33)
    assert record.versions[-1].submitted == utc(2011, 8, 6, 15, 9, 27)
    assert all(v.submitted.utcoffset() == timedelta(0) for v in record.versions)
    assert [v.size for v in record.versions][:2] == ["36kb", "35kb"]
    assert {v.source_type for v in record.versions} == {"D"}
    assert not any(v.withdrawn for v in record.versions)
    assert record.sets == ("math:math:AP",)
    assert record.title == "Strong and weak semiclassical limits for some rough Hamiltonians"
    assert record.authors == ("Agissilaos Athanassoulis", "Thierry Paul")
    assert record.categories == ("math.AP",)
    assert record.comments is None
    assert record.journal_ref == (
        "Mathematical Models and Methods in Applied Sciences Next Article > "
        "Volume 22, Issue 12, December 2012"
    )
    assert record.doi == "10.1142/S0218202512500388"
    assert record.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert record.abstract.startswith("We present several results concerning the semiclassical")
    assert "doesn't guarantee" in record.abstract
    assert record.abstract.endswith("out of the same initial point is emphasized.")


@needs_rendered
def test_a_record_with_twenty_five_versions() -> None:
    record = one(TWENTY_FIVE)
    assert record.id == "1101.0600"
    assert [v.number for v in record.versions] == list(range(1, 26))
    assert record.versions[0].submitted == utc(2011, 1, 3, 20, 56, 3)
    assert record.versions[-1].submitted == utc(2014, 10, 22, 15, 7, 42)
    times = [v.submitted for v in record.versions]
    assert times == sorted(times) and len(set(times)) == 25
    assert record.datestamp == date(2014, 10, 23)  # modtime of v25, a day after its submission
    assert record.sets == ("math:math:NT", "math:math:CA", "math:math:CO")
    assert record.categories == ("math.NT", "math.CA", "math.CO")
    assert record.authors == ("Zhi-Wei Sun",)
    assert record.comments == "54 pages, final published version"
    assert record.doi is None
    assert record.journal_ref is not None and record.journal_ref.endswith("pp. 257-312")


@needs_rendered
def test_to_paper_takes_v1_as_published_and_the_version_as_updated() -> None:
    record = one(SEVEN)
    newest = record.to_paper()
    assert (newest.id, newest.version, newest.versioned_id) == ("1011.1651", 7, "1011.1651v7")
    assert newest.kind is Kind.REPLACE
    assert newest.published == utc(2010, 11, 7, 16, 42, 18)
    assert newest.updated == utc(2011, 8, 6, 15, 9, 27)
    assert newest.title == record.title and newest.abstract == record.abstract
    assert newest.authors == record.authors and newest.categories == ("math.AP",)
    assert newest.primary_category == "math.AP"
    assert (newest.comment, newest.doi) == (None, "10.1142/S0218202512500388")
    assert newest.journal_ref == record.journal_ref
    assert newest.affiliations == ()

    sixth = record.to_paper(version=6, kind=Kind.CROSS)
    assert (sixth.version, sixth.kind) == (6, Kind.CROSS)
    assert sixth.published == newest.published
    assert sixth.updated == utc(2011, 2, 2, 15, 36, 33)

    first = record.to_paper(version=1, kind=Kind.NEW)
    assert first.published == first.updated == utc(2010, 11, 7, 16, 42, 18)

    with pytest.raises(ValueError, match=r"1011\.1651 has no v8 \(it has v1, v2, .*v7\)"):
        record.to_paper(version=8)


# ---------------------------------------------------------------- ListRecords, one day


@needs_rendered
def test_a_whole_day_in_one_page() -> None:
    result = page(DAY)
    assert result.token is None
    assert len(result.records) == 103
    assert sum(len(r.versions) for r in result.records) == 171
    assert Counter(len(r.versions) for r in result.records) == {1: 59, 2: 30, 3: 8, 4: 2, 5: 4}
    assert {r.datestamp for r in result.records} == {date(2011, 2, 3)}
    ids = [r.id for r in result.records]
    assert len(set(ids)) == 103
    assert ids[:3] == ["0811.2813", "0901.0022", "0901.3666"]
    assert ids[-3:] == ["cond-mat/0703772", "hep-th/0703166", "physics/0612123"]
    assert ids == sorted(ids)  # by (datestamp, identifier), and the datestamp is one day
    assert not any(r.deleted for r in result.records)
    records = {r.id: r for r in result.records}
    assert records["hep-th/0703166"].sets == ("physics:hep-th",)
    assert records["0903.4542"].sets == ("q-fin:q-fin:PR",)
    assert records["0903.4542"].categories == ("q-fin.PR",)
    for record in result.records:
        numbers = [v.number for v in record.versions]
        assert numbers == list(range(1, len(numbers) + 1)), record.id
        assert record.title and record.authors and record.categories, record.id
        assert "\n" not in record.title + record.abstract


@needs_rendered
def test_authors_are_split_into_unicode_names_without_affiliations() -> None:
    records = by_id(DAY)

    def authors(paper_id: str) -> tuple[str, ...]:
        return records[paper_id].authors

    # "and" and commas, an Oxford comma, "Jr." kept with its name
    assert authors("0901.0022") == ("Christopher D. Sogge", "Chengbo Wang")
    assert authors("1010.3617") == (
        "Yu. A. Pashkin", "H. Im", "J. Leppäkangas", "T. F.Li", "O. Astafiev",
        "A. A. Abdumalikov Jr.", "E. Thuneberg", "J. S. Tsai",
    )  # fmt: skip
    assert authors("1102.0480") == ("U. Koley", "S. Mishra", "N. H. Risebro", "M. Svard")
    # TeX accents (this data doubles the backslashes: Pl\\\"otz, C\\'el\\'erier, S{\\o}ren)
    assert authors("0909.4333") == ("Patrick Plötz", "Michael Lubasch", "Sandro Wimberger")
    assert authors("1005.2584") == ("Krzysztof Bolejko", "Marie-Noëlle Célérier")
    assert authors("1101.5767") == ("Søren K. Boldsen", "Mia Hauge Dollerup")
    assert authors("1007.5441") == ("J. P. Coe", "V. V. França", "I. D'Amico")
    assert authors("1008.3399")[1] == "José A. Muñoz"
    # affiliations stay out of the names, with commas and "and" inside them
    neri = records["0903.4542"]
    assert neri.authors == ("C. Neri", "L. Schneider")
    assert neri.affiliations == (
        ("Lloyds Banking Group, London, UK",),
        ("EMLYON Business School, Lyon, France",),
    )
    lineros = records["0907.4433"]
    assert lineros.authors == ("Roberto Lineros",)
    assert lineros.affiliations == (("University of Torino and INFN/Torino",),)
    # numbered affiliations, resolved from the legend at the end
    lupu = records["1004.3715"]
    assert lupu.authors == ("Irina Lupu", "Pierre Courbin", "Laurent George", "Joël Goossens")
    assert lupu.affiliations == (("U.L.B.",), ("ECE",), ("ECE",), ("U.L.B.",))
    assert lupu.to_paper().affiliations == lupu.affiliations
    assert records["0901.0022"].affiliations == ()


def test_split_authors_on_its_own() -> None:
    assert split_authors("A. One, B. Two and C. Three") == (
        ("A. One", "B. Two", "C. Three"),
        ((), (), ()),
    )
    assert split_authors("A. One, Jr., B. Two") == (("A. One Jr.", "B. Two"), ((), ()))
    assert split_authors("Jos\\'e Garc\\'ia (U. Madrid), (CSIC)") == (
        ("José García",),
        (("U. Madrid", "CSIC"),),
    )
    assert split_authors("Alexander Andersen and Sandra Anderson") == (
        ("Alexander Andersen", "Sandra Anderson"),
        ((), ()),
    )
    assert split_authors("") == ((), ())


# ---------------------------------------------------------------- paging


@needs_rendered
def test_three_pages_of_fifty_give_the_whole_day() -> None:
    first, second, last = page(PAGE1), page(PAGE2), page(PAGE3)
    assert [len(p.records) for p in (first, second, last)] == [50, 50, 3]
    assert first.token == TOKEN_50
    assert second.token == TOKEN_50.replace("skip%3D50", "skip%3D100")
    assert last.token is None  # the last page has an empty <resumptionToken/>
    assert b"<resumptionToken/>" in rendered(PAGE3)
    # Pages split the day in arXiv's (modification time, id) order and each page is sorted by
    # (datestamp, id): together they are the day's records, though not in the one-page order.
    paged = [r.id for p in (first, second, last) for r in p.records]
    assert len(paged) == len(set(paged)) == 103
    assert set(paged) == {r.id for r in page(DAY).records}
    for part in (first, second, last):
        ids = [r.id for r in part.records]
        assert ids == sorted(ids)
    assert (first.records[0].id, first.records[-1].id) == ("0811.2813", "hep-th/0703166")
    assert (second.records[0].id, second.records[-1].id) == ("0907.2856", "cond-mat/0703772")
    assert [r.id for r in last.records] == ["1102.0552", "1102.0553", "physics/0612123"]


@needs_rendered
def test_the_token_is_sent_encoded_once_more() -> None:
    token = page(PAGE1).token
    assert token is not None
    url = resume_url(BASE, token)
    # exactly the URL that produced page 2
    assert url == (
        "https://oaipmh.arxiv.org/oai?verb=ListRecords&resumptionToken=verb%253DListRecords"
        "%2526metadataPrefix%253DarXivRaw%2526from%253D2011-02-03%2526until%253D2011-02-03"
        "%2526skip%253D50"
    )
    # decoding the query string once gives arXiv the token as written, as page 2 echoes it
    sent = parse_qs(urlsplit(url).query)["resumptionToken"][0]
    assert sent == token
    echo = ET.fromstring(rendered(PAGE2)).find(f"{OAI}request")
    assert echo is not None and echo.get("resumptionToken") == token
    # decoded twice, it is the query arXiv resumes with
    assert parse_qs(unquote(sent)) == {
        "verb": ["ListRecords"],
        "metadataPrefix": ["arXivRaw"],
        "from": ["2011-02-03"],
        "until": ["2011-02-03"],
        "skip": ["50"],
    }
    with pytest.raises(ValueError, match="empty resumptionToken"):
        resume_url(BASE, " ")


@needs_rendered
def test_a_page_over_several_days_resumes_from_its_last_day() -> None:
    first, last = page(SPAN1), page(SPAN2)
    assert len(first.records) == 50 and len(last.records) == 20
    days = [r.datestamp for r in first.records]
    assert days == sorted(days)
    assert Counter(days) == {
        date(2015, 3, 13): 7,
        date(2015, 3, 16): 3,
        date(2015, 3, 17): 26,
        date(2015, 3, 18): 14,
    }
    assert first.token is not None
    assert parse_qs(unquote(first.token)) == {
        "verb": ["ListRecords"],
        "metadataPrefix": ["arXivRaw"],
        "from": ["2015-03-18"],
        "until": ["2015-03-18"],
        "skip": ["14"],
    }
    assert resume_url(BASE, first.token).endswith(
        "from%253D2015-03-18%2526until%253D2015-03-18%2526skip%253D14"
    )
    assert {r.datestamp for r in last.records} == {date(2015, 3, 18)}
    assert last.token is None
    ids = [r.id for r in first.records + last.records]
    assert len(ids) == len(set(ids)) == 70


# ---------------------------------------------------------------- sets


@needs_rendered
def test_the_physics_set_and_the_cond_mat_set() -> None:
    physics = page(PHYSICS)
    assert [r.id for r in physics.records] == [
        "cond-mat/0703772",
        "hep-th/0703166",
        "physics/0612123",
    ]
    assert physics.token is None
    for record in physics.records:
        assert all(s.startswith("physics:") for s in record.sets), record.id
        assert set_for_category(record.categories[0]) in {
            "physics:cond-mat",
            "physics:hep-th",
            "physics:physics",
        }
    assert physics.records[2].sets == ("physics:physics:atom-ph", "physics:physics:atm-clus")

    withdrawn = one(COND_MAT)
    assert withdrawn.id == "cond-mat/0703772"
    assert withdrawn.sets == ("physics:cond-mat:str-el", "physics:cond-mat:mtrl-sci")
    assert withdrawn.categories == ("cond-mat.str-el", "cond-mat.mtrl-sci")
    assert withdrawn.authors == ("Zhaoxin Xu", "Heping Ying", "Xin Wan")
    v1, v2 = withdrawn.versions
    assert (v1.number, v1.size, v1.source_type, v1.withdrawn) == (1, "277kb", None, False)
    assert (v2.number, v2.size, v2.source_type, v2.withdrawn) == (2, "0kb", "I", True)
    assert v2.submitted == utc(2011, 2, 2, 11, 55, 18)
    assert withdrawn.comments is not None and "withdrawn" in withdrawn.comments
    assert withdrawn.abstract.startswith("Combining quantum Monte Carlo")  # leading blanks gone


@needs_rendered
def test_the_math_set_over_years_with_a_cross_list_and_an_alias() -> None:
    result = page(MATH)
    assert result.token is None
    records = {r.id: r for r in result.records}
    assert [(r.id, r.datestamp) for r in result.records] == [
        ("0704.0046", date(2009, 11, 13)),
        ("math/0510544", date(2012, 8, 27)),
        ("0806.4129", date(2014, 12, 15)),
        ("0712.3217", date(2015, 5, 12)),
    ]
    cross = records["0704.0046"]
    assert cross.categories == ("quant-ph", "cs.IT", "math.IT")
    assert cross.sets == ("physics:quant-ph", "cs:cs:IT", "math:math:IT")
    alias = records["0806.4129"]
    assert alias.categories == ("math-ph", "math.MP")
    assert alias.sets == ("physics:math-ph", "math:math:MP")
    assert len(alias.versions) == 6
    assert records["0712.3217"].sets == ("math:math:NA", "cs:cs:NA", "math:math:PR")


@needs_rendered
def test_the_replacements_of_a_2011_window_are_those_arxiv_listed() -> None:
    # arXiv's catchup page for math on Thu 3 Feb 2011 (browse-db-catchup-math-2011-02-03.html)
    # lists two replacements: 0806.4129 and math/0510544. Their versions submitted in that
    # listing's window (Tue 16:00 to Wed 16:00 EST, the cutoff of the time) are these.
    start, end = utc(2011, 2, 1, 21), utc(2011, 2, 2, 21)
    found = {
        r.id: [v.number for v in versions_in_window(r, start, end)] for r in page(MATH).records
    }
    assert {paper_id: numbers for paper_id, numbers in found.items() if numbers} == {
        "math/0510544": [2],
        "0806.4129": [5],
    }
    replaced = by_id(MATH)["0806.4129"].to_paper(version=5)
    assert replaced.updated == utc(2011, 2, 2, 20, 26, 5)
    assert replaced.published == utc(2008, 6, 25, 15, 29, 38)


@needs_rendered
def test_versions_in_window_includes_the_start_and_excludes_the_end() -> None:
    record = one(SEVEN)
    v5, v6, v7 = record.versions[4:]
    assert versions_in_window(record, v6.submitted, v7.submitted) == (v6,)
    assert versions_in_window(record, v5.submitted, v6.submitted) == (v5,)
    just_after = v6.submitted + timedelta(seconds=1)
    assert versions_in_window(record, just_after, v7.submitted) == ()
    assert versions_in_window(record, v6.submitted, v7.submitted + timedelta(seconds=1)) == (v6, v7)
    # aware bounds in any zone compare as instants
    eastern = v6.submitted.astimezone(ZoneInfo("America/New_York"))
    assert versions_in_window(record, eastern, v7.submitted) == (v6,)
    assert versions_in_window(record, utc(2000, 1, 1), utc(2030, 1, 1)) == record.versions
    with pytest.raises(ValueError, match="timezone-aware"):
        versions_in_window(record, datetime(2011, 1, 1), utc(2012, 1, 1))


@needs_rendered
def test_list_sets_holds_every_set_we_ask_for() -> None:
    sets = parse_sets(rendered("oaipmh-listsets.xml"))
    assert len(sets) == 183 - 9  # the 9 standalone archives are listed twice (archive, category)
    assert list(sets)[:8] == ["physics", "math", "q-bio", "cs", "q-fin", "stat", "eess", "econ"]
    assert sets["physics"] == "Physics" and sets["cs"] == "Computer Science"
    assert "physics:astro-ph" in sets and "astro-ph" not in sets
    assert "math:math:AP" in sets and "physics:cond-mat:stat-mech" in sets
    for category in CATEGORIES:
        assert set_for_category(category) in sets, category
    assert set(sets_for(CATEGORIES)) == {
        "cs", "econ", "eess", "math", "q-bio", "q-fin", "stat", "physics:astro-ph",
        "physics:cond-mat", "physics:gr-qc", "physics:hep-ex", "physics:hep-lat",
        "physics:hep-ph", "physics:hep-th", "physics:math-ph", "physics:nlin",
        "physics:nucl-ex", "physics:nucl-th", "physics:physics", "physics:quant-ph",
    }  # fmt: skip
    with pytest.raises(OaiUnexpected, match="answered ListRecords, not ListSets"):
        parse_sets(rendered(DAY))


@needs_rendered
def test_a_set_arxiv_refuses_is_one_set_for_category_never_gives() -> None:
    with pytest.raises(OaiError) as refused:
        parse_records(rendered("oaipmh-error-badargument-bad-set.xml"))
    assert refused.value.code == "badArgument"
    assert str(refused.value).endswith("Reason: Set does not exist")
    assert set_for_category("astro-ph.CO") == "physics:astro-ph"


# fmt: off
CATEGORY_SETS = [
    ("cs.LG", "cs"), ("math.AP", "math"), ("astro-ph.CO", "physics:astro-ph"),
    ("hep-th", "physics:hep-th"), ("q-bio.NC", "q-bio"), ("q-fin.ST", "q-fin"),
    ("stat.ML", "stat"), ("eess.SP", "eess"), ("econ.EM", "econ"),
    ("cond-mat.stat-mech", "physics:cond-mat"), ("physics.optics", "physics:physics"),
    ("quant-ph", "physics:quant-ph"), ("nlin.CD", "physics:nlin"),
    ("gr-qc", "physics:gr-qc"), ("math-ph", "physics:math-ph"), ("math.MP", "math"),
    ("cs.NA", "cs"), ("math.NA", "math"), ("nucl-ex", "physics:nucl-ex"),
    ("hep-lat", "physics:hep-lat"),
    # old papers: subsumed archives and archives used as categories
    ("alg-geom", "math"), ("chao-dyn", "physics:nlin"), ("cmp-lg", "cs"),
    ("supr-con", "physics:cond-mat"), ("astro-ph", "physics:astro-ph"),
    ("cond-mat", "physics:cond-mat"),
    # unknown
    ("cs.XYZ", None), ("cs.lg", None), ("astro", None), ("physics", None), ("", None),
]
# fmt: on


@pytest.mark.parametrize(("category", "expected"), CATEGORY_SETS)
def test_set_for_category(category: str, expected: str | None) -> None:
    assert set_for_category(category) == expected


def test_sets_for_gives_each_set_once_in_order() -> None:
    assert sets_for(["cs.LG", "stat.ML", "cs.AI", "hep-th", "gr-qc", "astro-ph.CO"]) == (
        "cs",
        "stat",
        "physics:hep-th",
        "physics:gr-qc",
        "physics:astro-ph",
    )
    assert sets_for(["cond-mat.stat-mech", "cond-mat.soft", "math.AP"]) == (
        "physics:cond-mat",
        "math",
    )
    assert sets_for([]) == ()
    with pytest.raises(ValueError, match=r"'cs\.XYZ'"):
        sets_for(["cs.LG", "cs.XYZ"])


def test_list_records_url() -> None:
    assert list_records_url(
        BASE, start=date(2011, 2, 3), until=date(2011, 2, 3), set_spec=None
    ) == (
        "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXivRaw"
        "&from=2011-02-03&until=2011-02-03"
    )
    assert list_records_url(
        BASE, start=date(2011, 2, 3), until=date(2011, 2, 3), set_spec="physics:cond-mat"
    ) == (
        "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXivRaw"
        "&from=2011-02-03&until=2011-02-03&set=physics:cond-mat"
    )
    # a datetime is written as its day (the granularity is YYYY-MM-DD)
    url = list_records_url(
        "http://127.0.0.1:8080/oai?x=1",
        start=datetime(2015, 3, 13, 18, tzinfo=UTC),
        until=date(2015, 3, 18),
        set_spec="math",
    )
    assert url == (
        "http://127.0.0.1:8080/oai?x=1&verb=ListRecords&metadataPrefix=arXivRaw"
        "&from=2015-03-13&until=2015-03-18&set=math"
    )
    with pytest.raises(ValueError, match="before"):
        list_records_url(BASE, start=date(2011, 2, 4), until=date(2011, 2, 3), set_spec=None)


@needs_rendered
def test_identify_declares_the_day_granularity_the_urls_use() -> None:
    identify = ET.fromstring(rendered("oaipmh-identify.xml")).find(f"{OAI}Identify")
    assert identify is not None
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DD"
    assert identify.findtext(f"{OAI}baseURL") == BASE
    query = parse_qs(urlsplit(list_records_url(
        BASE, start=date(2011, 2, 3), until=date(2011, 2, 3), set_spec=None
    )).query)  # fmt: skip
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", query[k][0]) for k in ("from", "until"))


@needs_rendered
def test_list_metadata_formats_offers_arxivraw() -> None:
    root = ET.fromstring(rendered("oaipmh-listmetadataformats.xml"))
    prefixes = [e.text for e in root.iter(f"{OAI}metadataPrefix")]
    assert prefixes == ["oai_dc", "arXiv", "arXivOld", "arXivRaw"]


# ---------------------------------------------------------------- other answers and errors


@needs_rendered
@pytest.mark.parametrize(
    ("name", "verb"),
    [
        ("oaipmh-identify.xml", "Identify"),
        ("oaipmh-listsets.xml", "ListSets"),
        ("oaipmh-listmetadataformats.xml", "ListMetadataFormats"),
        ("oaipmh-listidentifiers-arxivraw-2011-02-03.xml", "ListIdentifiers"),
        ("oaipmh-listidentifiers-2011-02-03-limit50-page1.xml", "ListIdentifiers"),
    ],
)
def test_answers_to_other_verbs_are_refused_by_name(name: str, verb: str) -> None:
    with pytest.raises(OaiUnexpected) as unexpected:
        parse_records(rendered(name))
    assert str(unexpected.value) == (
        f"arXiv's OAI-PMH answered {verb}, not ListRecords or GetRecord"
    )
    assert unexpected.value.code == "unexpectedAnswer"
    assert not isinstance(unexpected.value, OaiNotXml)


@needs_rendered
@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("oaipmh-getrecord-arxiv-1011.1651.xml", "arXiv"),
        ("oaipmh-getrecord-oai_dc-1011.1651.xml", "dc"),
    ],
)
def test_a_record_in_another_format_is_refused(name: str, found: str) -> None:
    expected = rf"record 1011\.1651 is in the {found} format, not arXivRaw"
    with pytest.raises(OaiUnexpected, match=expected):
        parse_records(rendered(name))


# fmt: off
ERRORS = [
    ("oaipmh-error-badargument-listrecords-no-metadataprefix.xml", "badArgument",
     "Reason: metadataPrefix required."),
    ("oaipmh-error-badargument-bad-date.xml", "badArgument",
     "Reason: from date format must be YYYY-MM-DD"),
    ("oaipmh-error-badargument-bad-set.xml", "badArgument", "Reason: Set does not exist"),
    ("oaipmh-error-badresumptiontoken.xml", "badResumptionToken",
     "Reason: Token decoding failed or format is invalid."),
    ("oaipmh-error-badverb.xml", "badVerb", "Reason: Invalid verb provided"),
    ("oaipmh-error-cannotdisseminateformat.xml", "cannotDisseminateFormat",
     "Reason: Did not recognize requested format"),
    ("oaipmh-error-iddoesnotexist.xml", "idDoesNotExist", "Reason: Nothing found for this ID"),
]
# fmt: on


@needs_rendered
@pytest.mark.parametrize(("name", "code", "reason"), ERRORS)
def test_errors_carry_arxivs_code_and_message(name: str, code: str, reason: str) -> None:
    with pytest.raises(OaiError) as refused:
        parse_records(rendered(name))
    error = refused.value
    assert type(error) is OaiError
    assert error.code == code
    assert error.message.endswith(reason)
    text = str(error)
    assert text.startswith(f"arXiv's OAI-PMH refused the request: {code}: ")
    assert text.endswith(reason)
    assert "\n" not in text


@needs_rendered
@pytest.mark.parametrize(
    "name",
    [
        "oaipmh-error-norecordsmatch-2011-02-05.xml",
        "oaipmh-error-norecordsmatch-set-physics-astro-ph-2011-02-03.xml",
    ],
)
def test_no_records_match_is_an_empty_last_page(name: str) -> None:
    assert parse_records(rendered(name)) == RecordsPage(records=(), token=None)


@needs_rendered
def test_a_truncated_answer_and_an_html_page_are_not_xml() -> None:
    day = rendered(DAY)
    with pytest.raises(OaiNotXml) as cut:
        parse_records(day[: len(day) // 2])
    with pytest.raises(OaiNotXml) as html_page:
        parse_records(rendered("browse-db-list-error-invalid-show.html"))
    truncated, html = str(cut.value), str(html_page.value)
    assert truncated.startswith("arXiv's OAI-PMH answer is cut short: the XML ends unfinished (")
    assert html == (
        "arXiv's OAI-PMH answer is an HTML page, not XML (titled 'Invalid show value. "
        "Valid values: 25, 50, 100, 250, 500, 1000, 2000')"
    )
    assert truncated != html and cut.value.code == html_page.value.code == "notXml"
    assert isinstance(cut.value, OaiError)
    # cut anywhere (inside text, a tag, an attribute, an entity), it reads as cut short
    for size in range(1, len(day), 997):
        with pytest.raises(OaiNotXml, match="cut short"):
            parse_records(day[:size])


def test_other_answers_that_are_not_xml() -> None:
    with pytest.raises(OaiNotXml, match="answer is empty"):
        parse_records(b" \r\n")
    with pytest.raises(OaiNotXml, match=r"not well-formed XML \(mismatched tag, line 1"):
        parse_records(b"<OAI-PMH><a></b></OAI-PMH>")
    with pytest.raises(OaiNotXml, match=r"HTML page, not XML$"):
        parse_records(b"<!DOCTYPE html><html><head></head><body>503</body></html>")
    with pytest.raises(OaiNotXml, match=r"HTML page, not XML \(titled 'Down'\)"):
        parse_records(b"<html xmlns='http://www.w3.org/1999/xhtml'><title>Down</title></html>")
    with pytest.raises(OaiUnexpected, match=r"not OAI-PMH \(root element 'rss'\)"):
        parse_records(b"<rss><channel/></rss>")


# ---------------------------------------------------------------- records out of the ordinary


@needs_rendered
def test_a_deleted_record_has_no_versions() -> None:
    body = rendered(SEVEN).replace(b"<header>", b'<header status="deleted">')
    body = re.sub(rb"<metadata>.*</metadata>", b"", body, flags=re.DOTALL)
    record = one_from(body)
    assert record.deleted
    assert (record.id, record.datestamp, record.sets) == (
        "1011.1651",
        date(2015, 5, 19),
        ("math:math:AP",),
    )
    assert record.versions == () and record.authors == () and record.title == ""
    assert versions_in_window(record, utc(2000, 1, 1), utc(2030, 1, 1)) == ()
    with pytest.raises(ValueError, match="deleted"):
        record.to_paper()


@needs_rendered
def test_a_record_that_cannot_be_read_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    body = rendered(PAGE3).replace(b"<date>Wed, 02 Feb 2011", b"<date>sometime in Feb 2011", 1)
    result = parse_records(body)
    assert len(result.records) == 2
    assert "bad date 'sometime in Feb 2011" in caplog.text


def one_from(body: bytes) -> RawRecord:
    records = parse_records(body).records
    assert len(records) == 1
    return records[0]
