import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import factories
import pytest
from arxiv_double import ArxivDouble, Request, Response
from conftest import RECORDED, needs_shared_data

from tui.adapters.sources.announced import enrich
from tui.adapters.sources.api import kind_in_window
from tui.adapters.sources.rss import RssError, fetch_rss, parse_rss, rss_url, split_creators
from tui.core.listing import listing_window
from tui.core.paper import Kind, Paper

FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"
CS_FEED = RECORDED / "rss-cs-new-cross-replace.xml"
EMPTY = RECORDED / "rss-empty.xml"
ERROR = RECORDED / "rss-error-bad-archive.xml"
# fmt: off
ARCHIVES = [
    "astro-ph", "cond-mat", "physics", "quant-ph", "math", "cs", "econ", "eess", "gr-qc",
    "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin", "nucl-ex", "nucl-th", "q-bio",
    "q-fin", "stat",
]
# fmt: on
CS_CATEGORIES = ("cs.LG", "cs.AI", "cs.CL", "stat.ML")
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"


def feed(items: str, pub_date: str = "Thu, 24 Sep 2026 00:00:00 -0400", extra: str = "") -> bytes:
    """A small RSS answer in arXiv's layout, for cases the recordings lack."""
    pub = f"<pubDate>{pub_date}</pubDate>" if pub_date else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        f"<title>cs.LG updates on arXiv.org</title>{pub}{extra}{items}</channel></rss>"
    ).encode()


def item(
    paper_id: str = "2609.00001v1",
    kind: str = "new",
    categories: tuple[str, ...] = ("cs.LG",),
    creator: str = "Ada Lovelace",
    title: str = "A Title",
) -> str:
    cats = "".join(f"<category>{c}</category>" for c in categories)
    base = paper_id.rsplit("v", 1)[0]
    return (
        f"<item><title>{title}</title><link>https://arxiv.org/abs/{base}</link>"
        f"<description>arXiv:{paper_id} Announce Type: {kind} \nAbstract: Words.</description>"
        f"<guid isPermaLink='false'>oai:arXiv.org:{paper_id}</guid>{cats}"
        f"<arxiv:announce_type>{kind}</arxiv:announce_type>"
        f"<dc:creator>{creator}</dc:creator></item>"
    )


# ---------------------------------------------------------------- the recorded full day


@needs_shared_data()
def test_the_full_day_has_its_counts_by_kind_and_its_date() -> None:
    day, papers = parse_rss(FULL_DAY.read_bytes(), ARCHIVES)
    assert day == date(2024, 11, 28)
    assert len(papers) == 1504
    assert Counter(p.kind for p in papers) == {Kind.NEW: 926, Kind.REPLACE: 569, Kind.CROSS: 9}
    assert len({p.id for p in papers}) == 1504
    assert all("v" not in p.id.split(".")[-1] for p in papers)
    assert all(p.version == 1 for p in papers if p.kind is Kind.NEW)
    assert Counter(p.version for p in papers if p.kind is Kind.REPLACE)[2] == 387
    assert all(p.title and p.abstract and p.authors and p.categories for p in papers)
    assert not any(p.abstract.startswith(("arXiv:", "Abstract")) for p in papers)


@needs_shared_data()
def test_nothing_followed_keeps_everything() -> None:
    _, papers = parse_rss(FULL_DAY.read_bytes(), [])
    assert len(papers) == 1504


@needs_shared_data()
def test_parsing_the_full_day_is_fast() -> None:
    content = FULL_DAY.read_bytes()
    started = time.perf_counter()
    parse_rss(content, ARCHIVES)
    elapsed = time.perf_counter() - started
    print(f"parse_rss on the 1,504-item day: {elapsed * 1000:.0f} ms")
    assert elapsed < 2.0  # about 0.15 s on two cores; generous for a loaded CI machine


@needs_shared_data()
def test_tex_names_become_unicode_and_affiliations_stay_apart() -> None:
    _, papers = parse_rss(FULL_DAY.read_bytes(), ARCHIVES)
    by_first = {p.authors[0]: p for p in papers}
    berramdane = by_first["Mohammed Riadh Berramdane"]
    assert "Benjamin Rémy" in berramdane.authors
    assert berramdane.affiliations[berramdane.authors.index("Benjamin Rémy")] == ("LEMTA",)
    assert berramdane.affiliations[0] == ("IFPEN",)
    assert len(berramdane.affiliations) == len(berramdane.authors)

    polish = by_first["Martyna Poziomska"]
    assert "Paweł Niedbalski" in polish.authors
    assert "Jarosław Żygierewicz" in polish.authors
    assert polish.affiliations == ()  # nobody in that line had one

    araujo = by_first["Aleteia Araujo"]
    assert araujo.affiliations[0] == (
        "University of Brasilia Brazil, The University of Melbourne Australia",
    )
    assert araujo.authors[2] == "Joao Bachiega Jr"

    every_name = [a for p in papers for a in p.authors]
    assert not [a for a in every_name if set(a) & set("(){}\\$")]
    assert max(len(p.authors) for p in papers) == 207


@needs_shared_data()
def test_doi_and_journal_reference_come_through() -> None:
    _, papers = parse_rss(FULL_DAY.read_bytes(), ARCHIVES)
    assert sum(p.doi is not None for p in papers) == 111
    assert sum(p.journal_ref is not None for p in papers) == 97
    segan = next(p for p in papers if p.doi == "10.1016/j.segan.2024.101477")
    assert segan.journal_ref is not None and segan.journal_ref.startswith("Sustainable Energy")


@needs_shared_data()
def test_following_an_archive_keeps_its_papers_and_recounts_cross_lists() -> None:
    _, papers = parse_rss(FULL_DAY.read_bytes(), ["cs"])
    assert papers
    assert all(any(c.startswith("cs.") for c in p.categories) for p in papers)
    crosses = [p for p in papers if p.kind is Kind.CROSS]
    assert crosses and all(not p.primary_category.startswith("cs.") for p in crosses)
    assert all(p.primary_category.startswith("cs.") for p in papers if p.kind is Kind.NEW)


@needs_shared_data()
def test_timestamps_follow_the_listing_window() -> None:
    _, papers = parse_rss(FULL_DAY.read_bytes(), ARCHIVES)
    start, end = listing_window(date(2024, 11, 28))
    followed = {p.primary_category for p in papers}
    for paper in papers:
        assert start <= paper.updated < end
        if paper.version == 1:
            assert paper.published == paper.updated == start
        else:
            assert paper.published < start
    # the API's rule reads the same kinds back from these timestamps
    for paper in papers:
        expected = {Kind.NEW: Kind.NEW, Kind.CROSS: Kind.NEW, Kind.REPLACE: Kind.REPLACE}
        if paper.kind is Kind.CROSS and paper.version > 1:
            continue
        assert kind_in_window(paper, followed, start, end) is expected[paper.kind]
    old = next(p for p in papers if p.id == "1401.3665")
    assert old.published == datetime(2014, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------- the other recordings


@needs_shared_data()
def test_the_cs_feed_has_new_cross_and_replace() -> None:
    day, papers = parse_rss(CS_FEED.read_bytes(), CS_CATEGORIES)
    assert day == date(2026, 9, 24)
    assert [(p.id, p.version, p.kind) for p in papers] == [
        ("2609.26811", 1, Kind.NEW),
        ("2609.26820", 1, Kind.NEW),
        ("2205.06398", 2, Kind.CROSS),
        ("2009.13987", 3, Kind.REPLACE),
    ]
    cross = papers[2]
    assert cross.categories == ("stat.ME", "stat.AP", "stat.ML")
    assert cross.doi == "10.1093/bioinformatics/btac431"
    assert cross.authors == ("Pritam Dey", "Zhengwu Zhang", "David B. Dunson")
    assert papers[0].title.startswith("The Drift Contract")
    assert papers[0].abstract.startswith("Local learning trains each layer")


@needs_shared_data()
def test_the_empty_feed_has_a_date_and_no_papers() -> None:
    assert parse_rss(EMPTY.read_bytes(), ["cs.LG"]) == (date(2024, 11, 28), [])


@needs_shared_data()
def test_the_error_feed_is_an_error_with_arxivs_message() -> None:
    with pytest.raises(RssError, match="Bad archive 'astroph'") as caught:
        parse_rss(ERROR.read_bytes(), ["astroph"])
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- feed details


def test_replace_cross_counts_as_a_replacement() -> None:
    _, papers = parse_rss(feed(item("2501.00001v3", "replace-cross")), ["cs.LG"])
    assert papers[0].kind is Kind.REPLACE
    assert papers[0].version == 3


def test_a_new_paper_from_an_unfollowed_primary_is_a_cross_list() -> None:
    content = feed(item("2609.00001v1", "new", ("math.OC", "cs.LG")) + item("2609.00002v1"))
    _, papers = parse_rss(content, ["cs.LG"])
    assert [(p.id, p.kind) for p in papers] == [
        ("2609.00001", Kind.CROSS),
        ("2609.00002", Kind.NEW),
    ]
    _, unfollowed = parse_rss(content, ["math.OC"])
    assert [p.id for p in unfollowed] == ["2609.00001"]


def test_an_unknown_announce_type_is_read_from_the_version() -> None:
    content = feed(item("2609.00001v1", "surprise") + item("2501.00002v2", "surprise"))
    _, papers = parse_rss(content, [])
    assert [p.kind for p in papers] == [Kind.NEW, Kind.REPLACE]


def test_a_duplicate_item_keeps_the_highest_version() -> None:
    content = feed(item("2501.00001v2", "replace") + item("2501.00001v3", "replace"))
    _, papers = parse_rss(content, [])
    assert [(p.id, p.version) for p in papers] == [("2501.00001", 3)]


def test_an_item_without_an_arxiv_id_is_skipped() -> None:
    broken = item().replace("arXiv:2609.00001v1", "arXiv:nonsense").replace("abs/2609.00001", "x")
    _, papers = parse_rss(feed(broken + item("2609.00002v1")), [])
    assert [p.id for p in papers] == ["2609.00002"]


def test_old_style_ids() -> None:
    _, papers = parse_rss(feed(item("hep-th/9901001v2", "replace", ("hep-th",))), [])
    assert (papers[0].id, papers[0].version) == ("hep-th/9901001", 2)
    assert papers[0].published == datetime(1999, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("pub_date", "extra", "day"),
    [
        ("Thu, 24 Sep 2026 00:00:00 -0400", "", date(2026, 9, 24)),
        ("Mon, 28 Sep 2026 00:00:00 -0400", "", date(2026, 9, 28)),
        ("Sat, 26 Sep 2026 00:00:00 -0400", "", date(2026, 9, 25)),  # never a listing day
        ("", "<lastBuildDate>Thu, 24 Sep 2026 08:58:05 +0000</lastBuildDate>", date(2026, 9, 24)),
        ("", "<lastBuildDate>Sat, 26 Sep 2026 08:00:00 +0000</lastBuildDate>", date(2026, 9, 25)),
        ("not a date", "", None),
        ("", "", None),
    ],
)
def test_the_listing_date(pub_date: str, extra: str, day: date | None) -> None:
    assert parse_rss(feed(item(), pub_date, extra), [])[0] == day


def test_without_a_date_papers_still_come_with_timestamps() -> None:
    _, papers = parse_rss(feed(item("2609.00001v1"), ""), [])
    assert papers[0].published == papers[0].updated == datetime(2026, 9, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "content",
    [b"", b"<html><body>Rate exceeded.</body></html", b"<feed><entry/></feed>", b"\x00\xff"],
)
def test_what_is_not_an_rss_feed_is_an_error(content: bytes) -> None:
    with pytest.raises(RssError, match="not"):
        parse_rss(content, ["cs.LG"])


@pytest.mark.parametrize(
    ("creators", "names", "affiliations"),
    [
        ("Ada Lovelace, Alan Turing", ("Ada Lovelace", "Alan Turing"), ()),
        ("Pawe{\\l} Niedbalski", ("Paweł Niedbalski",), ()),
        ("D\\'enes Berta (ELTE), Jo (A, B)", ("Dénes Berta", "Jo"), (("ELTE",), ("A, B",))),
        ("Ann (X (Y) Z)", ("Ann",), (("X (Y) Z",),)),
        ("Ann (unclosed, Bo", ("Ann",), (("unclosed, Bo",),)),
        (
            "Aaron B. Pearlman (for The CHIME/FRB Collaboration)",
            ("Aaron B. Pearlman",),
            (("for The CHIME/FRB Collaboration",),),
        ),
        (
            "Shuli Jiang (Richard),  Qiuyi (Richard),  Zhang",
            ("Shuli Jiang", "Qiuyi", "Zhang"),
            (("Richard",), ("Richard",), ()),
        ),
        (" , Ann, ", ("Ann",), ()),
        ("", (), ()),
    ],
)
def test_split_creators(
    creators: str, names: tuple[str, ...], affiliations: tuple[tuple[str, ...], ...]
) -> None:
    got_names, got_affiliations = split_creators(creators)
    assert got_names == names
    assert (got_affiliations if any(got_affiliations) else ()) == affiliations


# ---------------------------------------------------------------- URL and fetching


def test_rss_url_default_and_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARXIV_DAILY_RSS_URL")
    assert rss_url(["cs.LG", "cs.AI"]) == "https://rss.arxiv.org/rss/cs.LG+cs.AI"
    monkeypatch.setenv("ARXIV_DAILY_RSS_URL", "http://127.0.0.1:8123/rss/{categories}?x=1")
    assert rss_url(["cs.LG"]) == "http://127.0.0.1:8123/rss/cs.LG?x=1"
    monkeypatch.setenv("ARXIV_DAILY_RSS_URL", "http://127.0.0.1:8123/rss/")
    with pytest.raises(RssError, match="placeholder"):
        rss_url(["cs.LG"])
    with pytest.raises(RssError):
        rss_url([])


@pytest.fixture
def rss_double(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivDouble]:
    with ArxivDouble() as double:
        monkeypatch.setenv("ARXIV_DAILY_RSS_URL", double.base_url + "/rss/{categories}")
        yield double


def serve(double: ArxivDouble, body: bytes) -> None:
    double.route("/rss/", lambda request: Response(200, body, RSS_CONTENT_TYPE))


@needs_shared_data()
def test_fetch_reads_the_listing_with_one_get(rss_double: ArxivDouble) -> None:
    seen: list[Request] = []

    def answer(request: Request) -> Response:
        seen.append(request)
        return Response(200, CS_FEED.read_bytes(), RSS_CONTENT_TYPE)

    rss_double.route("/rss/", answer)
    day, papers = fetch_rss(CS_CATEGORIES, timeout=2)
    assert day == date(2026, 9, 24)
    assert [p.id for p in papers] == ["2609.26811", "2609.26820", "2205.06398", "2009.13987"]
    assert [r.path for r in seen] == ["/rss/cs.LG+cs.AI+cs.CL+stat.ML"]
    # asked for fewer categories, the stat-only cross-list is left out
    _, fewer = fetch_rss(["cs.LG", "cs.AI"], timeout=2)
    assert [p.id for p in fewer] == ["2609.26811", "2609.26820", "2009.13987"]


@needs_shared_data()
def test_fetching_an_empty_listing_is_a_failure(rss_double: ArxivDouble) -> None:
    serve(rss_double, EMPTY.read_bytes())
    with pytest.raises(RssError, match=r"dated 2024-11-28 has no papers for cs\.LG"):
        fetch_rss(["cs.LG"], timeout=2)


@needs_shared_data()
def test_fetching_the_error_feed_is_a_failure(rss_double: ArxivDouble) -> None:
    serve(rss_double, ERROR.read_bytes())
    with pytest.raises(RssError, match="Bad archive"):
        fetch_rss(["astroph"], timeout=2)


def test_fetch_http_errors(rss_double: ArxivDouble) -> None:
    serve(rss_double, feed(item()))
    rss_double.fail_next(503)
    with pytest.raises(RssError, match="HTTP 503"):
        fetch_rss(["cs.LG"], timeout=2)
    assert len(fetch_rss(["cs.LG"], timeout=2)[1]) == 1  # one GET per call: no retry inside


def test_fetch_an_html_page_is_a_failure(rss_double: ArxivDouble) -> None:
    serve(rss_double, b"<html><head><title>x</title></head><body>Rate exceeded.</body></html>")
    with pytest.raises(RssError, match="not an RSS feed"):
        fetch_rss(["cs.LG"], timeout=2)


def test_fetch_times_out(rss_double: ArxivDouble) -> None:
    serve(rss_double, feed(item()))
    rss_double.stall_next(2.0)
    started = time.monotonic()
    with pytest.raises(RssError, match=r"did not answer within 0\.2 s"):
        fetch_rss(["cs.LG"], timeout=0.2)
    assert time.monotonic() - started < 1.5


def test_fetch_unreachable() -> None:
    # conftest points ARXIV_DAILY_RSS_URL at 127.0.0.1:9, where nothing listens
    with pytest.raises(RssError, match=r"could not connect to arXiv.s RSS \(127.0.0.1:9\)"):
        fetch_rss(["cs.LG"], timeout=1)


# ---------------------------------------------------------------- merging


def api_paper(paper_id: str, version: int, kind: Kind, doi: str | None = None) -> Paper:
    """The API's record of a paper of 2026-09-24's listing (v1 submitted in its window)."""
    start, _ = listing_window(date(2026, 9, 24))
    return factories.paper(
        id=paper_id,
        version=version,
        title=f"API title {paper_id}",
        authors=("A. Author", "B. Author"),
        abstract="From the API.",
        published=start + timedelta(hours=1) if version == 1 else start - timedelta(days=90),
        updated=start + timedelta(hours=2),
        kind=kind,
        comment="12 pages",
        doi=doi,
    )


def test_the_apis_records_fill_in_the_announcement() -> None:
    rss_papers = parse_rss(
        feed(
            item("2609.00001v1", "new", creator="A. Author (MIT), B. Author")
            + item("2609.00002v1", "cross", ("math.OC", "cs.LG"))
            + item("2501.00003v2", "replace")
            + item("2609.00004v1", "new")
        ),
        ["cs.LG"],
    )[1]
    rss_papers[2] = replace(rss_papers[2], doi="10.1/rss", journal_ref="J. RSS")
    known = {
        p.id: p
        for p in (
            api_paper("2609.00001", 1, Kind.NEW),
            api_paper("2609.00002", 1, Kind.NEW),  # the API cannot tell: it was a cross-list
            api_paper("2501.00003", 2, Kind.REPLACE, doi="10.1/api"),
            api_paper("2609.00005", 1, Kind.NEW),  # submitted in the window, not announced
        )
    }
    enriched = enrich(rss_papers, known)
    assert [(p.id, p.kind) for p in enriched] == [
        ("2609.00001", Kind.NEW),
        ("2609.00002", Kind.CROSS),
        ("2501.00003", Kind.REPLACE),
        ("2609.00004", Kind.NEW),
    ]
    by_id = {p.id: p for p in enriched}
    first = by_id["2609.00001"]
    assert first.title == "API title 2609.00001"
    assert first.published == known["2609.00001"].published
    assert first.comment == "12 pages"
    assert first.affiliations == (("MIT",), ())  # the API had none
    replaced = by_id["2501.00003"]
    assert replaced.doi == "10.1/api"  # the API's wins
    assert replaced.journal_ref == "J. RSS"  # the announcement fills in
    assert by_id["2609.00004"] == rss_papers[3]  # unknown to the API: as announced


def test_a_newer_version_announced_wins_over_a_stale_api_record() -> None:
    rss_paper = parse_rss(feed(item("2501.00003v3", "replace")), [])[1][0]
    stale = api_paper("2501.00003", 2, Kind.NEW, doi="10.1/api")
    (merged,) = enrich([rss_paper], {stale.id: stale})
    assert (merged.version, merged.kind, merged.title) == (3, Kind.REPLACE, "A Title")
    assert merged.published == stale.published  # the first submission does not change
    assert merged.updated == rss_paper.updated
    assert (merged.comment, merged.doi) == ("12 pages", "10.1/api")


@needs_shared_data()
def test_the_full_day_one_paper_once_with_the_announced_kinds() -> None:
    from tui.adapters.sources.announced import kinds_for

    day, papers = parse_rss(FULL_DAY.read_bytes(), ARCHIVES)
    assert day is not None
    every = sorted({c for p in papers for c in p.categories})
    chosen = kinds_for(papers + papers[:700], every)
    assert len(chosen) == len({p.id for p in chosen}) == 1504
    assert Counter(p.kind for p in chosen) == Counter(p.kind for p in papers)


def test_a_forbidden_control_character_in_one_item_keeps_the_feed() -> None:
    _, papers = parse_rss(
        feed(
            item("2609.00001v1", "new")
            + item("2609.00002v1", "new").replace("A Title", "A\x0bTitle")
        ),
        ["cs.LG"],
    )
    assert [p.id for p in papers] == ["2609.00001", "2609.00002"]
    assert papers[1].title == "ATitle"
