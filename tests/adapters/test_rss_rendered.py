"""arXiv's RSS as arXiv's own feed service renders it (arxiv-feed on its test data): dates, the
four announce types, empty channels and error channels."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tui.adapters.sources.rss import RssError, parse_rss
from tui.core.paper import Kind

RENDERED = Path(__file__).resolve().parents[3] / "shared" / "data" / "arxiv-rendered"
pytestmark = pytest.mark.skipif(
    not RENDERED.is_dir(), reason="../shared/data/arxiv-rendered is absent"
)
OCT_26 = date(2023, 10, 26)


def parsed(name: str, followed: tuple[str, ...] = ()) -> tuple[date | None, dict[str, Kind]]:
    day, papers = parse_rss((RENDERED / name).read_bytes(), followed)
    return day, {f"{p.id}v{p.version}": p.kind for p in papers}


def test_new_cross_and_replace_cross_on_cs_and_math() -> None:
    day, kinds = parsed("feed-rss-cs+math-2023-10-26-new-cross-repcross.xml")
    assert day == OCT_26
    assert kinds == {
        "2310.16106v1": Kind.NEW,
        "1234.5646v2": Kind.CROSS,
        "1234.5657v1": Kind.CROSS,
        "1234.5645v2": Kind.REPLACE,  # replace-cross: a replacement, listed with them
    }


def test_new_and_replace_on_cs_and_astro_ph() -> None:
    day, kinds = parsed("feed-rss-cs+astro-ph-2023-10-26-new-replace.xml")
    assert day == OCT_26
    assert kinds == {"1234.5646v2": Kind.NEW, "2310.16106v1": Kind.NEW, "1234.5645v2": Kind.REPLACE}


def test_kinds_follow_the_followed_categories() -> None:
    # Only papers carrying a followed category are kept: cs.IT holds the new paper alone; cs.CV
    # holds a cross-list (primary astro-ph) and a replace-cross, not 1234.5657 (no cs.CV).
    _, kinds = parsed("feed-rss-cs+math-2023-10-26-new-cross-repcross.xml", ("cs.IT",))
    assert kinds == {"2310.16106v1": Kind.NEW}
    _, kinds = parsed("feed-rss-cs+math-2023-10-26-new-cross-repcross.xml", ("cs.CV",))
    assert kinds == {"1234.5646v2": Kind.CROSS, "1234.5645v2": Kind.REPLACE}


def test_names_with_doubled_backslashes_read_as_one_accent() -> None:
    _, papers = parse_rss(
        (RENDERED / "feed-rss-cs+math-2023-10-26-new-cross-repcross.xml").read_bytes(), ()
    )
    first = next(p for p in papers if p.id == "2310.16106")
    assert first.authors[0] == "Daniel Pérez Herrera"


def test_the_next_day_and_an_empty_channel_keep_their_dates() -> None:
    day, kinds = parsed("feed-rss-cs+math-2023-10-27-cross-repcross.xml")
    assert day == date(2023, 10, 27)
    assert kinds == {"1234.5647v2": Kind.CROSS, "1234.5657v1": Kind.REPLACE}
    day, kinds = parsed("feed-rss-q-bio-2023-10-26-empty.xml")
    assert day == OCT_26 and kinds == {}


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("feed-rss-error-bad-archive.xml", "Bad archive 'psuedo-science'"),
        ("feed-rss-error-bad-subject-class.xml", "Bad subject class 'XYZ'"),
        ("feed-rss-error-unsupported-version.xml", "Unsupported feed version 'RSS 0.91'"),
    ],
)
def test_error_channels_are_refusals_with_arxivs_message(name: str, said: str) -> None:
    with pytest.raises(RssError) as refused:
        parse_rss((RENDERED / name).read_bytes(), ())
    assert said in str(refused.value)
    assert str(refused.value).startswith("arXiv's RSS refused the request: ")
