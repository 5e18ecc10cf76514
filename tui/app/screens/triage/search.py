"""The search box's language on the triage screen: the typed text read as a query (or left to the
typo-tolerant search when it is plain words), its error for the line under the box, the saved
searches' papers (the sidebar's counts and filter), and the day's QueryIndex, built on first use
from the DayIndex's folded texts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui.app.services.flag_keeper import FlagFacts
from tui.core.filters import DayIndex
from tui.core.follow import KeywordProfile
from tui.core.query import Expr, QueryError, QueryIndex, parse_query, uses_the_language
from tui.core.saved_search import saved_positions


class SearchError(QueryError):
    """A query that cannot be read, with the part of the typed text at fault."""

    def __init__(self, error: QueryError, text: str) -> None:
        super().__init__(str(error), error.start, error.end)
        self.typed = text[error.start : error.end] or text


class SearchLanguage:
    def __init__(self) -> None:
        self.error: SearchError | None = None
        """Why the text typed last cannot be read (the view keeps the last query that could)."""
        self._text = ""
        self._expr: Expr | None = None
        self._indexes: dict[int, tuple[DayIndex, QueryIndex]] = {}

    def positions(
        self, index: DayIndex, text: str, facts: Callable[[], FlagFacts]
    ) -> frozenset[int] | None:
        """The positions in ``index`` the typed ``text`` keeps, or None when it is plain words
        (the free-text search then does the work, typo-tolerant)."""
        if not uses_the_language(text):
            self.error = None
            self._text, self._expr = text, None
            return None
        if text != self._text:
            try:
                expr = parse_query(text)
            except QueryError as error:
                self.error = SearchError(error, text)
            else:
                self.error = None
                self._text, self._expr = text, expr
        return self._index(index).positions(self._expr, facts())

    def saved(
        self, index: DayIndex, profiles: Sequence[KeywordProfile], facts: Callable[[], FlagFacts]
    ) -> dict[str, frozenset[int]]:
        """The positions in ``index`` each saved search among ``profiles`` matches, by name
        (none: no QueryIndex is built for them)."""
        if not any(profile.query for profile in profiles):
            return {}
        return saved_positions(self._index(index), profiles, facts())

    def savable(self, text: str) -> str | None:
        """Why the typed ``text`` cannot be saved as a search (None: it can)."""
        if not text.strip():
            return "Type a search in / first, then Ctrl+S saves it."
        try:
            parse_query(text)
        except QueryError as error:
            found = SearchError(error, text)
            return f"This search cannot be saved: {found} (at “{found.typed}”)."
        return None

    def adopt(self, index: DayIndex, query_index: QueryIndex) -> None:
        """The QueryIndex the day's loader already built for ``index`` (for the kill rules)."""
        if len(self._indexes) >= 2:
            self._indexes.pop(next(iter(self._indexes)))
        self._indexes[id(index)] = (index, query_index)

    def _index(self, index: DayIndex) -> QueryIndex:
        kept = self._indexes.get(id(index))
        if kept is not None and kept[0] is index:
            return kept[1]
        built = QueryIndex(index.papers, index.search_texts())
        # The day's index and the starred view's: keep one of each, drop the ones left behind.
        if len(self._indexes) >= 2:
            self._indexes.pop(next(iter(self._indexes)))
        self._indexes[id(index)] = (index, built)
        return built
