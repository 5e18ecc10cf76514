"""Free-text search that also finds near misses: typos, a missing letter, words in another order.

``FuzzyIndex(papers).search(query)`` ranks the papers that match every term of the query:

- A term matches **exactly** where it occurs as typed (a case- and accent-insensitive substring
  of title, authors, abstract, id or categories, as ``filters.DayIndex`` matches it).
- Otherwise it matches **fuzzily** a word of the title, authors or abstract within a small
  edit distance (insertions, deletions, substitutions, swapped neighbours): none for terms
  shorter than 4 letters, 1 up to 6 letters, 2 from 7. The last term of the query may also be
  the beginning of a longer word with one edit (the user may still be typing it; a trailing
  space says they are not). Terms with a digit (ids, numbers) are never guessed at.

Scores: a paper whose every term matched exactly scores ``>= EXACT`` (1.0): higher when the
whole query occurs as one phrase, a term is a whole word rather than part of one, or occurs in
the title or authors rather than the abstract. A paper that needed a fuzzy match scores below
1.0, by how close the words were. Equal scores keep the day's order.

Speed: typos are resolved against the day's vocabulary once per term (41,000 words in the
benchmark's 5,000-paper day), not per paper: candidate words come from a bigram index (a word
within ``k`` edits of the term shares all but ``2k + 1`` of its letter pairs), then a banded
edit distance checks each candidate. Each term's papers are cached, so typing one more letter
redoes only the last term. Build the index once per day, off the UI thread (about 0.7 s for
5,000 papers); a search then takes a few milliseconds (tests/benchmarks/fuzzy_bench.py).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from tui.core.filters import search_fold, search_text
from tui.core.paper import Paper

EXACT = 1.0
"""Scores at or above this mean every term of the query occurs as typed."""

_WORD = re.compile(r"[^\W_]+")

# Weights of one term's match, by where it was found.
_TITLE_WORD = 1.0
_TITLE_PART = 0.95
_ABSTRACT_WORD = 0.9
_ABSTRACT_PART = 0.85
_NOT_A_PHRASE = 0.95
"""Exact hits of a multi-word query whose words are not side by side weigh this much less."""
_FUZZY = 0.8
"""A fuzzy word match weighs at most this (times its similarity and field weight): below any
exact match of the same term."""
_PREFIX = 0.9
"""A fuzzy match on the beginning of a longer word weighs this much less again."""

_CACHE_SIZE = 64
_K = TypeVar("_K")
_V = TypeVar("_V")


def max_edits(term: str) -> int:
    """How many edits a term of this length may be away from a word and still match it."""
    if len(term) < 4:
        return 0
    return 1 if len(term) <= 6 else 2


def _bigrams(word: str, *, closed: bool = True) -> set[str]:
    padded = f"^{word}$" if closed else f"^{word}"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def edit_distance(a: str, b: str, limit: int, *, prefix: bool = False) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b`` (``limit + 1`` once beyond ``limit``).

    With ``prefix`` it is the distance from ``a`` to the closest beginning of ``b``.
    """
    if not prefix and abs(len(a) - len(b)) > limit:
        return limit + 1
    beyond = limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        char = a[i - 1]
        current = [i] + [beyond] * len(b)
        low = max(1, i - limit)
        high = min(len(b), i + limit)
        row_min = current[0] if low == 1 else beyond
        for j in range(low, high + 1):
            cost = 0 if char == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                i > 1
                and j > 1
                and char == b[j - 2]
                and a[i - 2] == b[j - 1]
                and previous_previous[j - 2] + 1 < value
            ):
                value = previous_previous[j - 2] + 1
            current[j] = value
            if value < row_min:
                row_min = value
        if row_min > limit:
            return beyond
        previous_previous, previous = previous, current
    found = min(previous) if prefix else previous[len(b)]
    return found if found <= limit else beyond


class FuzzyIndex:
    """One day's papers, indexed for ranked, typo-tolerant search. Build it once per day."""

    def __init__(
        self,
        papers: Sequence[Paper],
        texts: tuple[Sequence[str], Sequence[int]] | None = None,
    ) -> None:
        """``texts``: the papers' ``filters.search_text`` when already made (a DayIndex of the
        same papers has them: ``DayIndex.search_texts()``), shared rather than made again."""
        self.papers: tuple[Paper, ...] = tuple(papers)
        if texts is None:
            made = [search_text(paper) for paper in self.papers]
            texts = [text for text, _ in made], [start for _, start in made]
        if not len(texts[0]) == len(texts[1]) == len(self.papers):
            raise ValueError("the texts are not those of these papers")
        self._text: Sequence[str] = texts[0]
        """Per paper: title, authors, id, categories, then the abstract (all folded)."""
        self._title_end: Sequence[int] = texts[1]
        """Where the abstract starts in ``_text``: hits before it are title/author hits."""
        titles: defaultdict[str, list[int]] = defaultdict(list)
        abstracts: defaultdict[str, list[int]] = defaultdict(list)
        for index, (text, end) in enumerate(zip(self._text, self._title_end, strict=True)):
            head, abstract = text[:end], text[end + 1 :]
            head_words = set(_WORD.findall(head))
            for word in head_words:
                titles[word].append(index)
            for word in set(_WORD.findall(abstract)) - head_words:
                abstracts[word].append(index)
        # Postings are kept as arrays of machine ints, not lists: the garbage collector walks
        # every list item on each full collection, which took ~60 ms for a 5,000-paper day.
        self._titles = {word: _postings(found) for word, found in titles.items()}
        self._abstracts = {word: _postings(found) for word, found in abstracts.items()}
        self._vocabulary: list[str] = [w for w in {*titles, *abstracts} if len(w) >= 3]
        by_bigram: defaultdict[str, list[int]] = defaultdict(list)
        for word_id, word in enumerate(self._vocabulary):
            for bigram in _bigrams(word):
                by_bigram[bigram].append(word_id)
        self._by_bigram = {bigram: _postings(found) for bigram, found in by_bigram.items()}
        self._exact_cache: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._fuzzy_cache: OrderedDict[tuple[str, bool], dict[int, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.papers)

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocabulary)

    # ----------------------------------------------------------------- public

    def search(self, query: str) -> list[tuple[Paper, float]]:
        """Papers matching every term of ``query``, best first, with their scores.

        An empty query gives every paper in the day's order (score 0.0).
        """
        return [(self.papers[i], score) for i, score in self.ranked(query)]

    def ranked(self, query: str) -> list[tuple[int, float]]:
        """As ``search``, with positions in ``papers`` instead of the papers."""
        folded = search_fold(query)
        terms = list(dict.fromkeys(folded.split()))
        if not terms:
            return [(i, 0.0) for i in range(len(self.papers))]
        unfinished = not query[-1:].isspace()  # a trailing space ends the last word
        per_term: list[tuple[dict[int, float], dict[int, float]]] = []
        candidates: set[int] | None = None
        for position, term in enumerate(terms):
            exact = self._exact(term)
            fuzzy = self._fuzzy(term, prefix=position == len(terms) - 1 and unfinished)
            found = exact.keys() | fuzzy.keys()
            candidates = found if candidates is None else candidates & found
            per_term.append((exact, fuzzy))
            if not candidates:
                return []
        assert candidates is not None
        phrase = folded if len(terms) > 1 else None
        texts = self._text
        scored: list[tuple[int, float]] = []
        for index in sorted(candidates):
            total = 0.0
            all_exact = True
            for exact, fuzzy in per_term:
                weight = exact.get(index)
                if weight is None:
                    all_exact = False
                    weight = fuzzy[index]
                total += weight
            score = total / len(per_term)
            if all_exact:
                if phrase is not None and phrase not in texts[index]:
                    score *= _NOT_A_PHRASE
                score += EXACT
            scored.append((index, score))
        scored.sort(key=lambda item: -item[1])
        return scored

    # ----------------------------------------------------------------- exact

    def _exact(self, term: str) -> dict[int, float]:
        """Papers where ``term`` occurs as typed -> the weight of where it occurs."""
        cached = self._exact_cache.get(term)
        if cached is not None:
            self._exact_cache.move_to_end(term)
            return cached
        # A term that contains an earlier one can only occur where that one did: typing
        # "diffu" after "diff" looks only at the papers "diff" found.
        candidates: Iterable[int] = range(len(self.papers))
        narrowest: dict[int, float] | None = None
        for known, hits in self._exact_cache.items():
            if known in term and (narrowest is None or len(hits) < len(narrowest)):
                narrowest = hits
        if narrowest is not None:
            candidates = narrowest
        texts, title_end = self._text, self._title_end
        whole_in_title = set(self._titles.get(term, ()))
        whole_in_abstract = set(self._abstracts.get(term, ()))
        found: dict[int, float] = {}
        for index in candidates:
            at = texts[index].find(term)
            if at == -1:
                continue
            if index in whole_in_title:
                found[index] = _TITLE_WORD
            elif at < title_end[index]:
                found[index] = _TITLE_PART
            elif index in whole_in_abstract:
                found[index] = _ABSTRACT_WORD
            else:
                found[index] = _ABSTRACT_PART
        _remember(self._exact_cache, term, found)
        return found

    # ----------------------------------------------------------------- fuzzy

    def _fuzzy(self, term: str, *, prefix: bool) -> dict[int, float]:
        """Papers with a word near ``term`` (or near each word of a term like "semi-supervsed")
        -> the weight of the best such word."""
        key = (term, prefix)
        cached = self._fuzzy_cache.get(key)
        if cached is not None:
            self._fuzzy_cache.move_to_end(key)
            return cached
        words = _WORD.findall(term)
        found: dict[int, float] = {}
        if any(c.isdigit() for c in term) or all(max_edits(w) == 0 for w in words):
            # A number or id is looked up as typed; a short word as typed is already an exact
            # hit: there is nothing near to add.
            _remember(self._fuzzy_cache, key, found)
            return found
        for position, word in enumerate(words):
            last = prefix and position == len(words) - 1
            near = self._near_word(word, prefix=last)
            if position == 0:
                found = near
            else:
                found = {i: found[i] + s for i, s in near.items() if i in found}
            if not found:
                break
        if len(words) > 1:
            found = {i: s / len(words) for i, s in found.items()}
        _remember(self._fuzzy_cache, key, found)
        return found

    def _near_word(self, word: str, *, prefix: bool) -> dict[int, float]:
        limit = max_edits(word)
        if limit == 0:
            # Too short to guess at: only the word itself counts.
            return self._papers_with([(word, _FUZZY)])
        weighted = [(w, _FUZZY * s) for w, s in self._similar_words(word, limit)]
        if prefix and len(word) >= 5:
            weighted += [(w, _FUZZY * _PREFIX * s) for w, s in self._similar_prefixes(word)]
        return self._papers_with(weighted)

    def _papers_with(self, weighted_words: list[tuple[str, float]]) -> dict[int, float]:
        """Paper -> the best weight among the words it has (title words weigh full,
        abstract words ``_ABSTRACT_WORD``)."""
        updates: list[tuple[float, array[int]]] = []
        for word, weight in weighted_words:
            if (in_titles := self._titles.get(word)) is not None:
                updates.append((weight, in_titles))
            if (in_abstracts := self._abstracts.get(word)) is not None:
                updates.append((weight * _ABSTRACT_WORD, in_abstracts))
        updates.sort(key=lambda update: update[0])
        found: dict[int, float] = {}
        for weight, indices in updates:  # ascending: the best weight is written last
            found.update(dict.fromkeys(indices, weight))
        return found

    def _candidates(self, bigrams: set[str], needed: int) -> list[int]:
        counts: Counter[int] = Counter()
        by_bigram = self._by_bigram
        for bigram in bigrams:
            postings = by_bigram.get(bigram)
            if postings is not None:
                counts.update(postings)
        return [word_id for word_id, count in counts.items() if count >= needed]

    def _similar_words(self, word: str, limit: int) -> list[tuple[str, float]]:
        """Vocabulary words within ``limit`` edits of ``word``, with their similarity."""
        bigrams = _bigrams(word)
        vocabulary = self._vocabulary
        similar: list[tuple[str, float]] = []
        for word_id in self._candidates(bigrams, len(bigrams) - 2 * limit - 1):
            candidate = vocabulary[word_id]
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                similar.append((candidate, 1.0 - distance / max(len(word), len(candidate))))
        return similar

    def _similar_prefixes(self, word: str) -> list[tuple[str, float]]:
        """Longer vocabulary words that begin within one edit of ``word``."""
        bigrams = _bigrams(word, closed=False)
        vocabulary = self._vocabulary
        similar: list[tuple[str, float]] = []
        for word_id in self._candidates(bigrams, len(bigrams) - 2):
            candidate = vocabulary[word_id]
            if len(candidate) <= len(word):
                continue
            distance = edit_distance(word, candidate, 1, prefix=True)
            if distance <= 1:
                similar.append((candidate, 1.0 - distance / len(word)))
        return similar


def _postings(indices: list[int]) -> array[int]:
    return array("I", indices)


def _remember(cache: OrderedDict[_K, _V], key: _K, value: _V) -> None:
    cache[key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
