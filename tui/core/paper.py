"""Papers and days: the values everything else passes around."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

ABS_URL = "https://arxiv.org/abs/{id}"
PDF_URL = "https://arxiv.org/pdf/{id}"

# New-style ids (0704.0001 onwards, 5-digit numbers since 1501) and old-style ids (hep-th/9901001,
# also written with the subject class, math.GT/0309136, which is not part of the id).
_ID_RE = re.compile(
    r"^(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    r"(?:(?P<id>\d{4}\.\d{4,5})|(?P<archive>[a-z][a-z\-]*)(?:\.[A-Z]{2})?/(?P<number>\d{7}))"
    r"(?:v(?P<version>\d+))?(?:\.pdf)?$"
)


# Control characters from a feed must never reach a terminal: ESC and the C1 CSI (\x9b) start
# escape sequences. Tabs, newlines and the other whitespace controls are spacing.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")


def one_line(text: str | None) -> str:
    """``text`` as one line: control characters dropped, each whitespace run one space."""
    return " ".join(_CONTROL.sub("", text or "").split())


class Kind(StrEnum):
    """How a paper appears in a listing, as arXiv's /new page groups them."""

    NEW = "new"
    CROSS = "cross"
    REPLACE = "replace"


def split_id(raw: str) -> tuple[str, int | None]:
    """Split an arXiv id or abs/pdf URL into the id without version and the version.

    >>> split_id("2504.06312v2")
    ('2504.06312', 2)
    >>> split_id("http://arxiv.org/abs/hep-th/9901001v1")
    ('hep-th/9901001', 1)
    >>> split_id("math.GT/0309136v2")
    ('math/0309136', 2)
    """
    match = _ID_RE.match(raw.strip())
    if match is None:
        raise ValueError(f"not an arXiv id: {raw!r}")
    version = match.group("version")
    paper_id = match.group("id") or f"{match.group('archive')}/{match.group('number')}"
    return paper_id, int(version) if version else None


def _id_sort_key(paper_id: str) -> tuple[int, str, int]:
    """New-style ids by number (0704.0001 < 1501.00001), old-style (hep-th/9901001) after."""
    if "/" in paper_id:
        archive, number = paper_id.split("/", 1)
        return (1, archive, int(number) if number.isdigit() else 0)
    yymm, _, number = paper_id.partition(".")
    return (0, yymm, int(number) if number.isdigit() else 0)


def id_month(paper_id: str) -> datetime | None:
    """The first instant of the month an arXiv id was issued in (2411.17700 -> 2024-11-01)."""
    digits = paper_id.rsplit("/", 1)[-1][:4]
    if not digits.isdigit():
        return None
    year, month = int(digits[:2]), int(digits[2:])
    if not 1 <= month <= 12:
        return None
    return datetime(1900 + year if year >= 91 else 2000 + year, month, 1, tzinfo=UTC)


def base_id(raw: str) -> str:
    """The arXiv id without its version: flags are keyed by it, so v2 keeps v1's flags."""
    return split_id(raw)[0]


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper as a listing day shows it."""

    id: str
    """The arXiv id without version, e.g. ``2504.06312`` or ``hep-th/9901001``."""
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    categories: tuple[str, ...]
    """All categories, primary first."""
    published: datetime
    """When version 1 was submitted (UTC)."""
    updated: datetime
    """When the newest version was submitted (UTC)."""
    kind: Kind = Kind.NEW
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    affiliations: tuple[tuple[str, ...], ...] = field(default=())
    """Per author, the affiliations the source gave (may be empty)."""
    authors_truncated: bool = False
    """The source cut the author list (a digest keeps six): show "et al." after the last."""

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return ABS_URL.format(id=self.id)

    @property
    def pdf_url(self) -> str:
        return PDF_URL.format(id=self.id)

    def with_kind(self, kind: Kind) -> Paper:
        return replace(self, kind=kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "authors": list(self.authors),
            "abstract": self.abstract,
            "categories": list(self.categories),
            "published": self.published.isoformat(),
            "updated": self.updated.isoformat(),
            "kind": self.kind.value,
            "comment": self.comment,
            "journal_ref": self.journal_ref,
            "doi": self.doi,
            "affiliations": [list(a) for a in self.affiliations],
            "authors_truncated": self.authors_truncated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            id=data["id"],
            version=int(data.get("version", 1)),
            title=data["title"],
            authors=tuple(data.get("authors", ())),
            abstract=data.get("abstract", ""),
            categories=tuple(data.get("categories", ())),
            published=_parse_time(data["published"]),
            updated=_parse_time(data.get("updated", data["published"])),
            kind=Kind(data.get("kind", "new")),
            comment=data.get("comment"),
            journal_ref=data.get("journal_ref"),
            doi=data.get("doi"),
            affiliations=tuple(tuple(a) for a in data.get("affiliations", ())),
            authors_truncated=bool(data.get("authors_truncated", False)),
        )


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


SOURCES = ("rss", "listing", "catchup", "archive", "api", "sample")
"""Where a day's papers came from: arXiv's RSS, its /list/…/new pages, its /catchup pages, the
local archive of days fetched exactly before, the API (by submission time), the bundled sample."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """How a day was put together, and so how far it can be trusted to be arXiv's listing."""

    exact: bool
    """The papers and kinds are arXiv's announcement of that date (RSS, listing, catchup)."""
    source: str
    """One of ``SOURCES``."""
    note: str = ""
    """What may be missing or wrong ("held papers and replacements may be missing")."""
    origin: str | None = None
    """For ``archive``: the source the day was first fetched from."""
    partial: bool = False
    """Exact, but the API did not fill in versions and submission times: fetch it again."""

    @property
    def final(self) -> bool:
        """Nothing to gain from fetching the day again: exactly as announced, in full."""
        return self.exact and not self.partial

    @property
    def label(self) -> str:
        """A few words for the date bar: "as announced (catchup)", "reconstructed: …"."""
        if self.exact:
            where = _SOURCE_NAMES.get(self.source, self.source)
            if self.source == "archive" and self.origin:
                where = f"kept {_SOURCE_NAMES.get(self.origin, self.origin)}"
            if self.partial:
                where += f"; {self.note or 'incomplete'}"
            return f"as announced ({where})"
        if self.source == "sample":
            return "sample day"
        return "reconstructed: " + (self.note or RECONSTRUCTED_NOTE)

    def archived(self) -> Provenance:
        """The same day read back from the local archive."""
        if not self.exact or self.source == "archive":
            return self
        return Provenance(True, "archive", self.note, origin=self.source, partial=self.partial)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"exact": self.exact, "source": self.source}
        if self.note:
            data["note"] = self.note
        if self.origin:
            data["origin"] = self.origin
        if self.partial:
            data["partial"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Provenance:
        if not isinstance(data, dict) or data.get("source") not in SOURCES:
            return LEGACY
        origin = data.get("origin")
        return cls(
            exact=bool(data.get("exact", False)),
            source=str(data["source"]),
            note=str(data.get("note") or ""),
            origin=str(origin) if origin else None,
            partial=bool(data.get("partial", False)),
        )


_SOURCE_NAMES = {
    "rss": "RSS",
    "listing": "/new page",
    "catchup": "catchup",
    "archive": "kept copy",
    "api": "API",
}
RECONSTRUCTED_NOTE = "held papers and replacements may be missing"
LEGACY = Provenance(False, "api", "fetched by submission time before listing days were exact")
"""Days cached by earlier versions, which asked the API for a submission window."""
RECONSTRUCTED = Provenance(False, "api", RECONSTRUCTED_NOTE)


@dataclass(frozen=True, slots=True)
class Day:
    """The papers of one listing day for a set of followed categories."""

    date: date
    categories: tuple[str, ...]
    """The categories this day was fetched for."""
    papers: tuple[Paper, ...]
    fetched_at: datetime | None = None
    source: str = "arxiv"
    """Where the papers came from: ``arxiv``, ``cache`` or ``sample``."""
    provenance: Provenance = RECONSTRUCTED
    """How exact the day is, and from which of arXiv's sources."""

    def covers(self, categories: tuple[str, ...] | list[str]) -> bool:
        """Whether this day was fetched for (at least) these categories."""
        return set(categories) <= set(self.categories)

    def narrowed_to(self, categories: tuple[str, ...] | list[str]) -> Day:
        """This day as a fetch for only ``categories`` (some of those it was fetched for) gives it.

        Papers carrying none of them are left out, and a new paper whose primary category is not
        one of them is a cross-list, as arXiv's listing of those categories has it: a day fetched
        for cs.LG and cs.AI shows a cs.AI paper cross-listed to cs.LG as new; for cs.LG alone it
        is a cross-list. A cross-list never becomes new: its primary category was not followed,
        or it is an older paper newly cross-listed.
        """
        wanted = tuple(dict.fromkeys(categories))
        if not wanted or set(wanted) == set(self.categories):
            return self
        followed = set(wanted)
        papers = []
        regrouped = False
        for paper in self.papers:
            if followed.isdisjoint(paper.categories):
                continue
            if paper.kind is Kind.NEW and paper.primary_category not in followed:
                paper, regrouped = paper.with_kind(Kind.CROSS), True
            papers.append(paper)
        if regrouped:  # a paper now a cross-list joins the cross-lists, as the listing has them
            papers.sort(key=listing_order)
        return replace(self, categories=wanted, papers=tuple(papers))

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "categories": list(self.categories),
            "papers": [p.to_dict() for p in self.papers],
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "source": self.source,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Day:
        fetched = data.get("fetched_at")
        return cls(
            date=date.fromisoformat(data["date"]),
            categories=tuple(data.get("categories", ())),
            papers=tuple(Paper.from_dict(p) for p in data.get("papers", ())),
            fetched_at=_parse_time(fetched) if fetched else None,
            source=data.get("source", "arxiv"),
            provenance=Provenance.from_dict(data.get("provenance")),
        )


_KIND_ORDER = {Kind.NEW: 0, Kind.CROSS: 1, Kind.REPLACE: 2}


def announced_kind(seen: Iterable[Kind], primary_followed: bool) -> Kind:
    """How one paper shows in a listing of a followed set, from how the pages of its parts
    (categories, archives, fetches) showed it: new wins (a new submission; a cross-list when its
    primary category is not followed), then a replacement of a paper whose primary category is
    followed (replaced and cross-listed the same day), then a cross-list, then a replace-cross.
    """
    kinds = set(seen)
    if Kind.NEW in kinds:
        return Kind.NEW if primary_followed else Kind.CROSS
    if Kind.REPLACE in kinds and (primary_followed or Kind.CROSS not in kinds):
        return Kind.REPLACE
    return Kind.CROSS


def listing_order(paper: Paper) -> tuple[int, tuple[int, str, int]]:
    """The order of arXiv's /new page: new, then cross-lists, then replacements, each by id."""
    return _KIND_ORDER[paper.kind], _id_sort_key(paper.id)
