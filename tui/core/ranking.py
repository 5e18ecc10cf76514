"""Order a day by likeness to the papers the user starred (TF-IDF, as arxiv-sanity does).

Each paper is a TF-IDF vector over its title and abstract: lowercased words of two characters or
more (LaTeX command names dropped, an English stop list removed), sublinear term
frequency ``1 + ln(tf)``, smooth IDF ``ln((1 + n) / (1 + df)) + 1`` fitted on the day plus the
starred papers (they may come from other days), each vector l2-normalised.

A paper's score is its **largest** cosine similarity to any starred paper, not the mean: someone
who stars papers on two unrelated subjects wants both kinds to rise, while a mean favours papers
half-way between that nobody asked for. Ties keep the day's order (the sort is stable).

Bigrams are left out: in pure Python they more than doubled the time (about 1 s for 5,000, over
the 0.5 s budget) for little gain in which papers rise. With the per-term work pushed into C-level
builtins (``map``, ``Counter``, set intersection) a 5,000-paper day ranks in about 0.3-0.4 s on
two cores (tests/benchmarks/rank_bench.py); ``Ranker`` keeps a day's tokens so ranking again after
a star costs about half. Run it off the UI thread.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import filterfalse

from tui.core.paper import Paper

# fmt: off
STOP_WORDS = frozenset({
    "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along",
    "already", "also", "although", "always", "am", "among", "an", "and", "another", "any", "are",
    "around", "as", "at", "be", "became", "because", "become", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "done",
    "down", "due", "during", "each", "either", "else", "enough", "etc", "even", "ever", "every",
    "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "however", "i", "ie", "eg", "if", "in", "into", "is", "it", "its",
    "itself", "just", "less", "many", "may", "me", "might", "more", "most", "much", "must", "my",
    "neither", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or",
    "other", "others", "otherwise", "our", "ours", "out", "over", "own", "per", "rather", "same",
    "several", "she", "should", "since", "so", "some", "still", "such", "than", "that", "the",
    "their", "them", "themselves", "then", "there", "therefore", "these", "they", "this", "those",
    "though", "through", "thus", "to", "too", "toward", "towards", "two", "under", "until", "up",
    "upon", "us", "use", "used", "uses", "using", "very", "via", "was", "we", "well", "were",
    "what", "when", "where", "whereas", "whether", "which", "while", "who", "whom", "whose", "why",
    "will", "with", "within", "without", "would", "yet", "you", "your",
    # words every abstract has
    "paper", "propose", "proposed", "show", "shows", "present", "novel", "approach", "based",
    "results", "new", "method", "methods", "work", "study", "demonstrate", "introduce",
})
# fmt: on

_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+")
_WORD = re.compile(r"[^\W\d_][^\W_]+")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]+")  # the same on ASCII text, and faster


def _term_counts(paper: Paper) -> Counter[str]:
    """How often each word (two characters or more, not a stop word) occurs in the paper."""
    text = f"{paper.title}\n{paper.abstract}"
    if "\\" in text:
        text = _LATEX_COMMAND.sub(" ", text)
    text = text.lower()
    words = (_ASCII_WORD if text.isascii() else _WORD).findall(text)
    return Counter(filterfalse(STOP_WORDS.__contains__, words))


# (1 + ln tf)^2 by tf; no abstract (1,920 characters at most) repeats a word this often
_SQUARED_TF = [0.0] + [(1 + math.log(count)) ** 2 for count in range(1, 2048)]


class _Idf:
    """Smooth IDF from document frequencies, tabulated by df (df runs from 1 to n)."""

    def __init__(self, document_frequency: Counter[str], documents: int) -> None:
        self.df = document_frequency
        self.by_df = [0.0] + [
            math.log((1 + documents) / (1 + d)) + 1 for d in range(1, documents + 1)
        ]
        self.squared_by_df = [w * w for w in self.by_df]

    def squared_norm(self, counts: Counter[str]) -> float:
        """Squared length of a document's TF-IDF vector before normalising (C-level loops)."""
        if counts and max(counts.values()) >= len(_SQUARED_TF):
            return sum(self.weight(term, count) ** 2 for term, count in counts.items())
        tf_squared = map(_SQUARED_TF.__getitem__, counts.values())
        idf_squared = map(self.squared_by_df.__getitem__, map(self.df.__getitem__, counts))
        products: Iterator[float] = map(operator.mul, tf_squared, idf_squared)
        return sum(products)

    def weight(self, term: str, count: int) -> float:
        tf = 1.0 if count == 1 else 1 + math.log(count)
        return tf * self.by_df[self.df[term]]


class Ranker:
    """One day's papers, tokenised once, ranked for any set of starred papers.

    Keep one per day shown: ranking again after a star costs about half of the first time.
    """

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers: tuple[Paper, ...] = tuple(papers)
        self._counts = [_term_counts(p) for p in self.papers]
        self._index = {p.id: i for i, p in enumerate(self.papers)}
        self._document_frequency: Counter[str] = Counter()
        for counts in self._counts:
            self._document_frequency.update(counts.keys())

    def rank(self, starred: Sequence[Paper]) -> list[tuple[Paper, float]]:
        """The papers with their likeness to the starred ones (0 to 1), best first."""
        scores = self.scores(starred)
        order = sorted(range(len(self.papers)), key=lambda i: -scores[i])
        return [(self.papers[i], scores[i]) for i in order]

    def scores(self, starred: Sequence[Paper]) -> list[float]:
        """Per paper, in day order, its largest cosine similarity to a starred paper."""
        stars = list({p.id: p for p in starred}.values())
        if not stars or not self.papers:
            return [0.0] * len(self.papers)

        star_counts: list[Counter[str]] = []
        document_frequency = self._document_frequency
        documents = len(self.papers)
        for star in stars:
            if star.id in self._index:
                star_counts.append(self._counts[self._index[star.id]])
                continue
            counts = _term_counts(star)
            star_counts.append(counts)
            if document_frequency is self._document_frequency:
                document_frequency = self._document_frequency.copy()
            document_frequency.update(counts.keys())
            documents += 1
        idf = _Idf(document_frequency, documents)

        # Starred vectors, normalised, as an inverted index: term -> [(star, weight)].
        postings: dict[str, list[tuple[int, float]]] = {}
        for index, counts in enumerate(star_counts):
            norm = math.sqrt(idf.squared_norm(counts))
            if norm == 0:
                continue
            for term, count in counts.items():
                postings.setdefault(term, []).append((index, idf.weight(term, count) / norm))
        star_terms = postings.keys()

        scores: list[float] = []
        for counts in self._counts:
            shared = star_terms & counts.keys()
            if not shared:
                scores.append(0.0)
                continue
            dots = [0.0] * len(star_counts)
            for term in sorted(shared):  # one summation order: same input, same score
                weight = idf.weight(term, counts[term])
                for index, star_weight in postings[term]:
                    dots[index] += weight * star_weight
            scores.append(min(1.0, max(dots) / math.sqrt(idf.squared_norm(counts))))
        return scores


def rank(papers: Sequence[Paper], starred: Sequence[Paper]) -> list[tuple[Paper, float]]:
    """The day's papers with their likeness to the starred ones (0 to 1), best first.

    With nothing starred every score is 0 and the day's order is kept.
    """
    if not starred:
        return [(paper, 0.0) for paper in papers]
    return Ranker(papers).rank(starred)
