"""Which papers of a day to show: categories, keyword profiles, free-text search, facet counts.

A ``DayIndex`` is built once per day (lowercased text, per-category index sets) and answers
every filter keystroke from set operations plus a substring scan for the new search terms only.
A view keeps the position sets it was made of (``Facets``), so that papers can be left out of it
(the hide toggles: read papers, papers seen before) without making it again: ``DayIndex.without``
filters its papers, in whatever order they are, and counts again from the sets.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import attrgetter, not_
from types import MappingProxyType

from tui.core.follow import KeywordProfile
from tui.core.paper import Paper


def _fold(text: str) -> str:
    """Lowercase with whitespace runs as one space (hard-wrapped abstracts break phrases)."""
    return " ".join(text.split()).lower()


def _keyword_haystack(paper: Paper) -> str:
    return _fold(paper.title) + "\n" + _fold(paper.abstract)


def _occurrences(haystack: str, needle: str) -> Iterable[int]:
    start = haystack.find(needle)
    while start != -1:
        yield start
        start = haystack.find(needle, start + 1)


def _matches_in(haystack: str, keyword: str, excluded: Sequence[str]) -> bool:
    """Whether ``keyword`` occurs in ``haystack`` at least once outside every excluded phrase.

    All arguments are already folded.
    """
    if keyword not in haystack:
        return False
    spans = [
        (start, start + len(phrase))
        for phrase in excluded
        if phrase in haystack
        for start in _occurrences(haystack, phrase)
    ]
    if not spans:
        return True
    # One sweep: an occurrence is covered when the spans starting at or before it reach past
    # its end (checking every span per occurrence took seconds on a hostile 100,000-character
    # abstract repeating the phrase).
    spans.sort()
    width = len(keyword)
    reach = -1
    started = 0
    for at in _occurrences(haystack, keyword):
        while started < len(spans) and spans[started][0] <= at:
            reach = max(reach, spans[started][1])
            started += 1
        if at + width > reach:
            return True
    return False


def _fold_terms(terms: Sequence[str]) -> list[str]:
    return [folded for folded in (_fold(t) for t in terms) if folded]


def matched_keywords(
    paper: Paper, keywords: Sequence[str], exclude: Sequence[str] = ()
) -> tuple[str, ...]:
    """The keywords (in the given order) found as substrings of the title or abstract.

    Case does not matter; "Diffusion" matches "DiffusionDet". A keyword whose every occurrence
    lies inside an excluded phrase ("graph diffusion") does not count.
    """
    return _match(_keyword_haystack(paper), keywords, _fold_terms(exclude))


def _match(haystack: str, keywords: Sequence[str], excluded: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        keyword
        for keyword in keywords
        if (folded := _fold(keyword)) and _matches_in(haystack, folded, excluded)
    )


@dataclass(frozen=True, slots=True)
class Query:
    categories: frozenset[str] | None = None
    """None = all; a paper passes if ANY of its categories is in the set."""
    profile: KeywordProfile | None = None
    """None = no keyword filter."""
    text: str = ""
    """Free text: every whitespace-separated term must occur in title, authors, abstract, id or
    categories (case-insensitive)."""
    searched: frozenset[int] | None = None
    """With a saved search as ``profile``: the positions its query matches (as the caller's
    ``QueryIndex`` finds them); None matches nothing."""


@dataclass(frozen=True, slots=True)
class Match:
    paper: Paper
    keywords: tuple[str, ...]
    """Which of the active profile's keywords it matched."""


@dataclass(frozen=True, slots=True)
class Facets:
    """The position sets a view was made of, and what it counted: enough to count again with
    papers left out (``DayIndex.without``)."""

    in_categories: frozenset[int]
    """Positions in a category the query turns on."""
    in_profile: frozenset[int]
    """Positions the query's profile (or saved search) matches; every one without a profile."""
    in_text: frozenset[int]
    """Positions the search and ``within`` keep: every count is of some of these."""
    categories: tuple[str, ...]
    """The categories counted."""
    profiles: tuple[KeywordProfile, ...]
    """The profiles counted."""
    searched: Mapping[str, frozenset[int]]
    """The saved searches' positions, by name, for their counts."""

    @property
    def passing(self) -> frozenset[int]:
        """The positions of the view's papers."""
        return self.in_categories & self.in_profile & self.in_text


@dataclass(frozen=True, slots=True)
class View:
    matches: tuple[Match, ...]
    category_counts: Mapping[str, int]
    """Per followed category: papers passing the profile and text filters that carry it."""
    profile_counts: Mapping[str, int]
    """Per profile name: papers passing the category and text filters that match it."""
    total: int
    """Papers in the day."""
    facets: Facets | None = field(default=None, compare=False, repr=False)
    """What ``DayIndex.view`` made it of (None: made otherwise; nothing can be left out)."""


_ProfileKey = tuple[tuple[str, ...], tuple[str, ...]]
_paper_of = attrgetter("paper")


# Search ignores accents however they are written: "remy", "rémy" and "R\'emy" all meet.
_TEX_LETTER = re.compile(r"\\(ss|ae|oe|aa|l|o|i|j)(?![a-zA-Z])")
_TEX_ACCENT = re.compile(r"\\(?:[`'^\"~=.]|[uvHcdbtkr](?![a-zA-Z]))\s*")
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})


def search_fold(text: str) -> str:
    """Text as free-text search compares it: lowercase, single spaces, accents and TeX gone."""
    folded = _fold(text)
    if "\\" in folded:
        folded = _TEX_ACCENT.sub("", _TEX_LETTER.sub(r"\1", folded))
        folded = folded.replace("{", "").replace("}", "")
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
    return folded


def search_text(paper: Paper) -> tuple[str, int]:
    """A paper as free-text search reads it, folded (``search_fold``): title, authors, id and
    categories, then the abstract; and where the abstract starts. DayIndex and FuzzyIndex share
    these strings (``DayIndex.search_texts``): each is a copy of the abstract."""
    head = "\n".join(
        (
            search_fold(paper.title),
            search_fold(" ; ".join(paper.authors)),
            paper.versioned_id.lower(),
            " ".join(paper.categories).lower(),
        )
    )
    return f"{head}\n{search_fold(paper.abstract)}", len(head)


class DayIndex:
    """One day's papers, indexed for fast filtering. Build it once per day, off the UI thread."""

    _TERM_CACHE_SIZE = 64

    def __init__(self, papers: Sequence[Paper], profiles: Sequence[KeywordProfile] = ()) -> None:
        """``profiles``: matched here, with folded texts that are then let go (at 5,000 papers
        they are ~9 MiB, a second copy of every abstract); a profile not given is matched on
        first use, and the texts are then kept."""
        self.papers: tuple[Paper, ...] = tuple(papers)
        self._keyword_text: list[str] | None = None
        made = [search_text(p) for p in self.papers]
        self._search_text = [text for text, _ in made]
        self._abstract_start = array("I", (start for _, start in made))
        del made
        self._all = frozenset(range(len(self.papers)))
        by_category: dict[str, set[int]] = {}
        for index, paper in enumerate(self.papers):
            for category in paper.categories:
                by_category.setdefault(category, set()).add(index)
        self._by_category = {c: frozenset(s) for c, s in by_category.items()}
        self._profiles: dict[_ProfileKey, dict[int, tuple[str, ...]]] = {}
        self._terms: OrderedDict[str, frozenset[int]] = OrderedDict()
        if profiles:
            texts = [_keyword_haystack(p) for p in self.papers]
            for profile in profiles:
                if not profile.query:  # a saved search: the caller's QueryIndex answers it
                    self._match_profile(profile, texts)

    def __len__(self) -> int:
        return len(self.papers)

    @property
    def all_positions(self) -> frozenset[int]:
        """Every paper's position (0 … n-1)."""
        return self._all

    def search_texts(self) -> tuple[Sequence[str], Sequence[int]]:
        """Each paper's ``search_text``: for a FuzzyIndex of the same papers to share."""
        return self._search_text, self._abstract_start

    def keyword_matches(self, profile: KeywordProfile) -> Mapping[int, tuple[str, ...]]:
        """Paper index -> matched keywords, for the papers the profile matches (cached)."""
        found = self._profiles.get((profile.keywords, profile.exclude))
        if found is None:
            if self._keyword_text is None:
                self._keyword_text = [_keyword_haystack(p) for p in self.papers]
            found = self._match_profile(profile, self._keyword_text)
        return found

    def _match_profile(
        self, profile: KeywordProfile, texts: Sequence[str]
    ) -> dict[int, tuple[str, ...]]:
        keywords = [(k, f) for k in profile.keywords if (f := _fold(k))]
        excluded = _fold_terms(profile.exclude)
        found = {}
        for index, haystack in enumerate(texts):
            hits = tuple(k for k, f in keywords if _matches_in(haystack, f, excluded))
            if hits:
                found[index] = hits
        self._profiles[(profile.keywords, profile.exclude)] = found
        return found

    def _category_set(self, categories: Iterable[str] | None) -> frozenset[int]:
        if categories is None:
            return self._all
        result: set[int] = set()
        for category in categories:
            result |= self._by_category.get(category, frozenset())
        return frozenset(result)

    def _term_set(self, term: str) -> frozenset[int]:
        cached = self._terms.get(term)
        if cached is not None:
            self._terms.move_to_end(term)
            return cached
        # A term that contains an earlier one can only match where that one did: typing
        # "diffu" after "diff" scans only the papers "diff" found.
        candidates = self._all
        for known, indices in self._terms.items():
            if known in term and len(indices) < len(candidates):
                candidates = indices
        texts = self._search_text
        found = frozenset(i for i in candidates if term in texts[i])
        if len(found) == len(candidates):
            # Typing on within a word mostly keeps every paper: share the set (and its int
            # objects, shared with _all anyway) instead of another copy (~0.4 MiB at 5,000).
            found = candidates
        self._terms[term] = found
        if len(self._terms) > self._TERM_CACHE_SIZE:
            self._terms.popitem(last=False)
        return found

    def _text_set(self, text: str) -> frozenset[int]:
        result = self._all
        for term in dict.fromkeys(search_fold(text).split()):
            result = result & self._term_set(term)
            if not result:
                break
        return result

    def view(
        self,
        query: Query,
        categories: Sequence[str],
        profiles: Sequence[KeywordProfile],
        *,
        ranked: Sequence[tuple[int, float]] | None = None,
        within: frozenset[int] | None = None,
        searched: Mapping[str, frozenset[int]] | None = None,
    ) -> View:
        """The papers passing ``query`` in day order, with counts for every facet.

        ``ranked`` (positions in ``papers``, best first, as ``FuzzyIndex.ranked`` gives them)
        replaces the substring search for ``query.text``: the papers are then in its order.
        ``within`` keeps only those positions (a watched-only view), counts included.
        ``searched``: the positions each saved search among ``profiles`` (a profile with a
        ``query``) matches, by name, for its count; one left out counts none.
        """
        found = searched or {}
        in_categories = self._category_set(query.categories)
        in_text = self._text_set(query.text) if ranked is None else frozenset(i for i, _ in ranked)
        if within is not None:
            in_text = in_text & within
        if query.profile is None:
            keyword_hits: Mapping[int, tuple[str, ...]] = {}
            in_profile = self._all
        elif query.profile.query:
            keyword_hits = {}
            in_profile = query.searched or frozenset()
        else:
            keyword_hits = self.keyword_matches(query.profile)
            in_profile = frozenset(keyword_hits)

        passing_set = in_categories & in_profile & in_text
        if ranked is None:
            passing = sorted(passing_set)
        else:
            passing = [i for i, _ in ranked if i in passing_set]
        matches = tuple(Match(self.papers[i], keyword_hits.get(i, ())) for i in passing)
        facets = Facets(
            in_categories, in_profile, in_text, tuple(categories), tuple(profiles), found
        )
        category_counts, profile_counts = self._counts(facets)
        return View(matches, category_counts, profile_counts, len(self.papers), facets)

    def without(self, view: View, left_out: frozenset[int]) -> View:
        """``view`` (made by this index, its papers in any order) less the papers at the
        positions ``left_out``, counted as ``view`` with them left out of ``within`` would be:
        the view's papers are filtered, not looked for again.

        Raises:
            ValueError: ``view`` was not made by ``view`` (it has no facets).
        """
        facets = view.facets
        if facets is None:
            raise ValueError("only a view made by DayIndex.view can leave papers out")
        gone = left_out & facets.in_text
        if not gone:
            return view
        narrowed = replace(facets, in_text=facets.in_text - gone)
        matches = view.matches
        dropped = gone & facets.in_categories & facets.in_profile
        if dropped:
            # By identity (the matches hold this index's own paper objects), with no Python
            # call per match: a day's 5,000 at every toggle.
            papers = self.papers
            identities = {id(papers[i]) for i in dropped}
            gone_ones = map(identities.__contains__, map(id, map(_paper_of, matches)))
            matches = tuple(compress(matches, map(not_, gone_ones)))
        category_counts, profile_counts = self._counts(narrowed)
        return View(matches, category_counts, profile_counts, view.total, narrowed)

    def _counts(self, facets: Facets) -> tuple[Mapping[str, int], Mapping[str, int]]:
        """The papers per category (among those passing the profile and the text) and per
        profile (among those passing the categories and the text)."""
        in_text = facets.in_text
        profile_and_text = facets.in_profile & in_text
        category_counts = {
            c: len(self._by_category.get(c, frozenset()) & profile_and_text)
            for c in facets.categories
        }
        categories_and_text = facets.in_categories & in_text
        found = facets.searched
        profile_counts = {
            p.name: len(
                categories_and_text & found.get(p.name, frozenset())
                if p.query
                else categories_and_text.intersection(self.keyword_matches(p))
            )
            for p in facets.profiles
        }
        return MappingProxyType(category_counts), MappingProxyType(profile_counts)
