"""The hide toggles (H: the papers read, B: the papers seen before): each leaves papers out of the
view the filters, the search and the order make. Toggling one only filters that view again: it
is kept from the last time it was made (``Hides.keep``), and used again while it still holds
(``Hides.reuse``): for the same index and search, when nothing in it hung on the flags (the
search language's ``is:`` and ``tag:`` read them through ``Hides.facts``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import compress
from operator import not_
from typing import Any, cast

from tui.app.services.flag_keeper import FlagFacts
from tui.core.filters import DayIndex, View


@dataclass(frozen=True, slots=True)
class Hide:
    """One hide toggle that is on."""

    name: str
    """What the date bar counts it as ("read", "seen")."""
    hidden: Callable[[Iterable[str]], Iterable[bool]]
    """Whether it leaves out each paper of these ids, in order (a whole day's at a time, as
    ``map`` over a lookup: no Python call per paper where the lookup has none)."""


@dataclass(frozen=True, slots=True)
class Unhidden:
    """A view as the filters, the search and the order made it, before any hide."""

    index: DayIndex
    view: View
    scores: Mapping[str, float] | None
    """The scores the list shows (a ranked view), if any."""
    sections: bool
    """Whether the list shows arXiv's sections."""
    text: str
    """The search text it was made for."""


class FactsRecorder:
    """Hands out the screen's facts (flags, tags, marks) for one view, noting whether any was
    read: such a view is not used again, the flags may have moved since."""

    def __init__(self, make: Callable[[], FlagFacts]) -> None:
        self._make = make
        self.read = False

    def __call__(self) -> FlagFacts:
        # Whatever the facts answer goes through _Noting.__getattr__: no fact is missed.
        return cast("FlagFacts", _Noting(self._make(), self))


class _Noting:
    def __init__(self, facts: FlagFacts, recorder: FactsRecorder) -> None:
        self._facts = facts
        self._recorder = recorder

    def __getattr__(self, name: str) -> Any:
        self._recorder.read = True
        return getattr(self._facts, name)


_Hidden = tuple[View, tuple[tuple[str, frozenset[int]], ...], View, dict[str, int]]


class Hides:
    def __init__(self) -> None:
        self._kept: Unhidden | None = None
        self._facts: FactsRecorder | None = None
        self._last: _Hidden | None = None
        """The last view hidden: what it was, what each hide left out, what it gave, counts."""
        self._ids: tuple[DayIndex, list[str]] | None = None
        self.counts: dict[str, int] = {}
        """How many papers each hide left out of the last view (of those the other filters,
        and the hides before it, would show)."""

    def facts(self, make: Callable[[], FlagFacts]) -> FactsRecorder:
        """The facts for the view about to be made (``make`` makes them), noting their use."""
        self._facts = FactsRecorder(make)
        return self._facts

    def keep(self, unhidden: Unhidden | None) -> None:
        """The view just made, to filter again when only a hide changes (None: nothing to
        keep). Not kept if it read the flags (``facts``)."""
        facts, self._facts = self._facts, None
        self._kept = None if facts is not None and facts.read else unhidden

    def reuse(self, index: DayIndex | None, text: str) -> Unhidden | None:
        """The view kept, if it is of ``index`` and for the search ``text``."""
        kept = self._kept
        if kept is None or index is None or kept.index is not index or kept.text != text:
            return None
        return kept

    def apply(self, index: DayIndex, view: View, hides: Sequence[Hide]) -> View:
        """``view`` (of ``index``) less what each of ``hides`` leaves out, in turn; ``counts``
        says how many each took of the papers shown (not taken by those before it). The same
        hides leaving out the same papers of the same view give the view they gave last."""
        self.counts = {}
        facets = view.facets
        if not hides:
            return view
        if facets is None:
            return self._filtered(view, hides)
        ids = self._paper_ids(index)
        # Of every position some count takes in: the sidebar's counts are made again too.
        positions = list(facets.in_text)
        left_outs = tuple(
            (
                hide.name,
                frozenset(compress(positions, hide.hidden(map(ids.__getitem__, positions)))),
            )
            for hide in hides
        )
        last = self._last
        if last is not None and last[0] is view and last[1] == left_outs:
            self.counts = dict(last[3])
            return last[2]
        given = view
        for name, left_out in left_outs:
            narrowed = index.without(view, left_out)
            self.counts[name] = len(view.matches) - len(narrowed.matches)
            view = narrowed
        self._last = (given, left_outs, view, dict(self.counts))
        return view

    def _filtered(self, view: View, hides: Sequence[Hide]) -> View:
        """A view made otherwise than by ``DayIndex.view`` (no facets): its papers are left out
        all the same; its counts stay as they are."""
        matches = view.matches
        for hide in hides:
            hidden = list(hide.hidden(match.paper.id for match in matches))
            self.counts[hide.name] = sum(hidden)
            matches = tuple(compress(matches, map(not_, hidden)))
        return replace(view, matches=matches)

    def _paper_ids(self, index: DayIndex) -> list[str]:
        if self._ids is None or self._ids[0] is not index:
            self._ids = (index, [paper.id for paper in index.papers])
        return self._ids[1]
