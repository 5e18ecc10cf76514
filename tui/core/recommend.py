"""A recommendation model that learns from stars and skips, and says which words drive it.

The recipe is arxiv-sanity-lite's: each paper is a TF-IDF vector over the word 1- and 2-grams of
its title and abstract (sublinear tf ``1 + ln(tf)``, smooth IDF fitted on the day, l2-normalised),
and a linear SVM is trained on the spot with the user's papers as positives and the day as the
background. Papers read and not starred (or cleared) are explicit negatives, each weighing
NEGATIVE_WEIGHT of an average positive; library papers are positives with a weight each
(``tui.core.library_file.recency_weights`` favours recent additions). A paper's score is the
SVM's decision value ``w·x + b``; ``Model.relevance`` maps it to 0-1 (counted in the day's
spread of scores) for a threshold the user can move, and ``explain`` / ``explain_paper`` name
the 1-2-grams that pull papers up or down.

Words are as in tui.core.ranking (lowercased, two characters or more, LaTeX command names dropped,
the same stop list). A bigram is two such words next to each other in the text, with no stop word,
punctuation or title/abstract boundary between them, so every term an explanation names occurs in
the paper as written. Measured on the benchmark (5 stars): 1-2-grams 0.576, unigrams alone
0.569; arxiv-sanity's cut of terms in more than a tenth of the papers (max_df 0.1) 0.559, so
it is not made.

Why an SVM (scikit-learn's LinearSVC, liblinear) and not a numpy/scipy centroid (Rocchio: the
positives' mean vector minus the day's, same features): on the benchmark they tie on quality
(precision@20 with 5 stars 0.576 against 0.578, with a library of 20 0.60 both, over 120 trials
each), and both are far faster than the budget; the SVM takes weights and negatives within one
loss (the recipe users know from arxiv-sanity) where a centroid needs ad hoc factors. Both beat
today's largest cosine (0.478 with 5 stars, 0.472 with a library of 20).

Cost at 5,000 papers on two cores (tests/benchmarks/recommend_bench.py): ``Corpus`` tokenises and
vectorises a day once, about 0.6 s (build it in a worker when the day opens and keep it for the
day; it also pays scikit-learn's first import, about 0.6 s more the first time in a process);
after a star ``Model.train`` on it plus ``scores`` take about 45 ms. numpy, scipy and
scikit-learn are imported inside the functions that need them, never when this module is
imported, so the app's start-up does not pay for them.
"""

from __future__ import annotations

import importlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.core.paper import Paper
from tui.core.ranking import STOP_WORDS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

C = 0.03
"""The SVM's regularisation (liblinear's C), chosen on the benchmark's precision@20: with 5
stars 0.576 at 0.03, 0.568 at 0.1, 0.549 at 0.3; with a library of 20 about the same (0.60-0.61)
at all three."""
NEGATIVE_WEIGHT = 0.3
"""How much an explicit negative weighs, as a share of an average positive: a skip is weaker
evidence than a star (a reader passes papers over for many reasons). On the benchmark, learning
the skips (the off-category papers of the top 20) does not raise precision@20: 0.723 against
0.737 with the skips only taken out of the list (0.720 against 0.733 at full weight, C 0.1) -
there a skipped paper is often on the starred topic, filed under a neighbouring category."""
RELEVANCE_SPREADS = 10.0
"""How many of the day's spreads above its median make relevance 1 (see ``Model.relevance``)."""
EXPLAIN_TOP = 8
"""How many terms each way an explanation gives by default."""

_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+")
# A word (two characters or more, starting with a letter) or a mark that breaks a bigram.
_TOKEN = re.compile(r"[^\W\d_][^\W_]+|[.,;:!?()\[\]{}\"/=<>+*|$]")
_ASCII_TOKEN = re.compile(r"[a-z][a-z0-9]+|[.,;:!?()\[\]{}\"/=<>+*|$]")  # the same, faster


def terms(paper: Paper) -> list[str]:
    """The paper's 1- and 2-grams in text order (a term once per occurrence)."""
    text = f"{paper.title}.\n{paper.abstract}"  # the period: no bigram spans title and abstract
    if "\\" in text:
        text = _LATEX_COMMAND.sub(".", text)
    text = text.lower()
    tokens = (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)
    out: list[str] = []
    previous = ""
    for token in tokens:
        if len(token) < 2 or token in STOP_WORDS:
            previous = ""
            continue
        out.append(token)
        if previous:
            out.append(f"{previous} {token}")
        previous = token
    return out


class Corpus:
    """One day's papers as TF-IDF vectors, built once; models train and score on it.

    The vocabulary and IDF are the day's: a paper from elsewhere (a library paper, a star from
    another day) is vectorised with them, and its words that no paper of the day has are left
    out (they could not move any paper of the day).
    """

    def __init__(self, papers: Sequence[Paper]) -> None:
        import numpy as np

        self.papers: tuple[Paper, ...] = tuple(papers)
        self.index: dict[str, int] = {}
        for position, paper in enumerate(self.papers):
            self.index.setdefault(paper.id, position)
        counts = [Counter(terms(p)) for p in self.papers]
        document_frequency: Counter[str] = Counter()
        for paper_counts in counts:
            document_frequency.update(paper_counts.keys())
        # Terms in a fixed order (sorted), so that the same day gives the same model.
        self.vocabulary: list[str] = sorted(document_frequency)
        self.term_index: dict[str, int] = {t: i for i, t in enumerate(self.vocabulary)}
        documents = len(self.papers)
        df = np.array([document_frequency[t] for t in self.vocabulary], dtype=np.float64)
        self.idf: FloatArray = np.log((1 + documents) / (1 + df)) + 1
        self.matrix: Any = self._vectorise(counts)  # scipy.sparse.csr_matrix, n x vocabulary
        # scikit-learn's first import takes about 0.6 s: pay it here, not on the first star.
        importlib.import_module("sklearn.svm")

    def __len__(self) -> int:
        return len(self.papers)

    def _vectorise(self, counts: Sequence[Counter[str]]) -> Any:
        import numpy as np
        from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

        term_index = self.term_index
        indptr = [0]
        indices: list[int] = []
        values: list[int] = []
        for paper_counts in counts:
            if paper_counts.keys() <= term_index.keys():  # the day's own papers
                indices.extend(map(term_index.__getitem__, paper_counts))
                values.extend(paper_counts.values())
            else:
                known = [t for t in paper_counts if t in term_index]
                indices.extend(map(term_index.__getitem__, known))
                values.extend(map(paper_counts.__getitem__, known))
            indptr.append(len(indices))
        column = np.array(indices, dtype=np.int64)
        data = (1 + np.log(np.array(values, dtype=np.float64))) * self.idf[column]
        rows = np.repeat(np.arange(len(counts)), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(counts)))
        with np.errstate(divide="ignore", invalid="ignore"):
            data = np.where(norms[rows] > 0, data / norms[rows], 0.0)
        matrix = csr_matrix(
            (data, column, np.array(indptr, dtype=np.int64)),
            shape=(len(counts), len(self.vocabulary)),
        )
        matrix.sort_indices()  # one summation order: the same input gives the same scores
        return matrix

    def vectors(self, papers: Sequence[Paper]) -> Any:
        """The papers' rows: the day's own rows for papers of the day, others vectorised."""
        from scipy.sparse import vstack

        if not papers:
            return self._vectorise([])
        rows = []
        for paper in papers:
            position = self.index.get(paper.id)
            if position is None:
                rows.append(self._vectorise([Counter(terms(paper))]))
            else:
                rows.append(self.matrix[position])
        return vstack(rows, format="csr")


Terms = list[tuple[str, float]]


@dataclass(frozen=True, eq=False)
class Model:
    """A linear model over a day's 1-2-grams: ``score = weights · tfidf(paper) + bias``.

    Build it with ``Model.train`` (or ``Model.more_like_this``); a model with no positive to
    learn from scores every paper 0 and explains nothing.
    """

    corpus: Corpus
    weights: FloatArray
    bias: float
    positive_median: float
    """The median score of the positives it learnt from (fitted to them: far above the rest)."""
    background_median: float
    """The median score of the day's papers (``relevance`` 0)."""
    spread: float = 0.0
    """How far the day's scores typically lie from their median (the median absolute deviation,
    scaled as a standard deviation): ``relevance`` counts in these."""

    @classmethod
    def train(
        cls,
        day: Corpus | Sequence[Paper],
        positives: Sequence[Paper],
        negatives: Sequence[Paper] = (),
        weights: Sequence[float] | None = None,
        c: float = C,
        negative_weight: float = NEGATIVE_WEIGHT,
    ) -> Model:
        """Learn from ``positives`` (weighted by ``weights``, 1 each by default) against the day.

        ``negatives`` are papers the user passed over (read and not starred, or cleared): each
        weighs ``negative_weight`` of an average positive. The rest of the day is the
        background, weighing as much as the positives in all. A paper given both as positive
        and negative counts as positive; a paper given twice as positive adds its weights.
        """
        import numpy as np

        corpus = day if isinstance(day, Corpus) else Corpus(day)
        if weights is not None and len(weights) != len(positives):
            raise ValueError("one weight per positive")
        chosen: dict[str, tuple[Paper, float]] = {}
        for position, paper in enumerate(positives):
            weight = 1.0 if weights is None else float(weights[position])
            if weight > 0 and math.isfinite(weight):
                chosen[paper.id] = (paper, chosen.get(paper.id, (paper, 0.0))[1] + weight)
        passed = {p.id: p for p in negatives if p.id not in chosen}
        empty = cls(corpus, np.zeros(len(corpus.vocabulary)), 0.0, 0.0, 0.0)
        if not chosen or not corpus.vocabulary:
            return empty
        positive_vectors = corpus.vectors([p for p, _ in chosen.values()])
        if positive_vectors.nnz == 0:  # no positive has a word the day has
            return empty

        from scipy.sparse import vstack
        from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

        skip = chosen.keys() | passed.keys()
        background = [i for i, p in enumerate(corpus.papers) if p.id not in skip]
        negative_vectors = corpus.vectors(list(passed.values()))
        n_pos, n_neg, n_bg = len(chosen), len(passed), len(background)
        if n_neg + n_bg == 0:  # nothing to tell the positives from: they are all alike
            return empty
        total = n_pos + n_neg + n_bg
        # Positives weigh half of all in total (class_weight="balanced" with background alone).
        positive_weight = np.array([w for _, w in chosen.values()])
        positive_weight *= (total / 2) / positive_weight.sum()
        sample_weight = np.concatenate(
            [
                positive_weight,
                np.full(n_neg, negative_weight * positive_weight.mean()),
                np.full(n_bg, (total / 2) / max(1, n_bg)),
            ]
        )
        x = vstack([positive_vectors, negative_vectors, corpus.matrix[background]], format="csr")
        y = np.concatenate([np.ones(n_pos), np.zeros(n_neg + n_bg)])
        svm = LinearSVC(C=c, tol=1e-4, max_iter=2000, random_state=0)
        svm.fit(x, y, sample_weight=sample_weight)
        coefficients = np.asarray(svm.coef_[0], dtype=np.float64)
        bias = float(svm.intercept_[0])
        day_scores = corpus.matrix @ coefficients + bias
        positive_scores = positive_vectors @ coefficients + bias
        median = float(np.median(day_scores)) if len(day_scores) else bias
        spread = float(np.median(np.abs(day_scores - median))) * 1.4826 if len(day_scores) else 0
        if spread <= 0 and len(day_scores):  # most of a small day scores alike
            spread = float(np.std(day_scores))
        return cls(corpus, coefficients, bias, float(np.median(positive_scores)), median, spread)

    @classmethod
    def more_like_this(cls, day: Corpus | Sequence[Paper], paper: Paper) -> Model:
        """A model with ``paper`` as its only positive."""
        return cls.train(day, [paper])

    @property
    def trained(self) -> bool:
        """Whether it learnt anything (had a positive with words the day has)."""
        return bool(self.weights.any())

    def scores(self, papers: Sequence[Paper] | None = None) -> list[float]:
        """Each paper's score (the day's papers by default), in the order given."""
        if not self.trained:
            return [0.0] * (len(self.corpus) if papers is None else len(papers))
        matrix = self.corpus.matrix if papers is None else self.corpus.vectors(papers)
        scores: list[float] = (matrix @ self.weights + self.bias).tolist()
        return scores

    def rank(self, papers: Sequence[Paper] | None = None) -> list[tuple[Paper, float]]:
        """The papers (the day's by default) with their scores, best first; ties keep order."""
        chosen = self.corpus.papers if papers is None else tuple(papers)
        scores = self.scores(papers)
        order = sorted(range(len(chosen)), key=lambda i: -scores[i])
        return [(chosen[i], scores[i]) for i in order]

    def relevance(self, scores: Sequence[float]) -> list[float]:
        """Scores mapped to 0-1 for a threshold: 0 is the day's median paper, and each 0.1 one
        ``spread`` further towards the papers it learnt from (1: ``RELEVANCE_SPREADS`` or more).

        Not the positives' own scores as 1: the model is fitted to them, so they sit far above
        anything else (with 5 stars on arXiv's real day no other paper reached a third of the
        way). Counted in the day's spread, a threshold means the same on every day: on that day
        (5 stars of a category, six categories, 5 seeds each) 0.3 lets through a median of 85
        of 1,504 papers, 39% of them of the stars' category; 0.5 30 (57%); 0.8 6 (71%)."""
        if not self.trained or self.spread <= 0:
            return [0.0] * len(scores)
        import numpy as np

        scale = RELEVANCE_SPREADS * self.spread
        mapped = (np.asarray(scores, dtype=np.float64) - self.background_median) / scale
        relevance: list[float] = np.clip(mapped, 0.0, 1.0).tolist()
        return relevance

    def recommended(
        self, threshold: float = 0.5, papers: Sequence[Paper] | None = None
    ) -> list[tuple[Paper, float]]:
        """The papers (the day's by default) whose relevance is at least ``threshold``, best
        first, with their relevance. An untrained model recommends nothing."""
        if not self.trained:
            return []
        ranked = self.rank(papers)
        relevance = self.relevance([s for _, s in ranked])
        return [(p, r) for (p, _), r in zip(ranked, relevance, strict=True) if r >= threshold]

    def explain(self, top: int = EXPLAIN_TOP) -> tuple[Terms, Terms]:
        """The terms with the largest weights: those that pull papers up (largest first) and
        those that pull them down (most negative first)."""
        import numpy as np

        weights = self.weights
        if top <= 0 or not len(weights):
            return [], []
        # A shortlist by magnitude first (cheap), then the exact order among it.
        keep = min(len(weights), 4 * top)
        up_columns = np.argpartition(-weights, keep - 1)[:keep]
        down_columns = np.argpartition(weights, keep - 1)[:keep]
        up, _ = self._top(weights, up_columns.tolist(), top)
        _, down = self._top(weights, down_columns.tolist(), top)
        return up, down

    def explain_paper(self, paper: Paper, top: int = EXPLAIN_TOP) -> tuple[Terms, Terms]:
        """The paper's terms that pull it up and down most: tf-idf × weight, largest first."""
        row = self.corpus.vectors([paper])
        contributions = row.data * self.weights[row.indices]
        by_column = dict(zip(row.indices.tolist(), contributions.tolist(), strict=True))
        return self._top(by_column, sorted(by_column), top)

    def _top(self, values: Any, columns: Sequence[int], top: int) -> tuple[Terms, Terms]:
        vocabulary = self.corpus.vocabulary
        items = [(vocabulary[c], float(values[c])) for c in columns if values[c] != 0]
        # Ties by term, so the same model explains itself the same way.
        up = sorted((i for i in items if i[1] > 0), key=lambda i: (-i[1], i[0]))[:top]
        down = sorted((i for i in items if i[1] < 0), key=lambda i: (i[1], i[0]))[:top]
        return up, down
