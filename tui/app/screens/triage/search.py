"""The search box's language on the triage screen: the typed text read as a query (or left to the
typo-tolerant search when it is plain words), its error for the line under the box, and the
day's QueryIndex, built on first use from the DayIndex's folded texts."""

from __future__ import annotations

from collections.abc import Callable

from tui.app.services.flag_keeper import FlagFacts
from tui.core.filters import DayIndex
from tui.core.query import Expr, QueryError, QueryIndex, parse_query, uses_the_language


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
