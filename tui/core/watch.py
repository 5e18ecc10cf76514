"""The watch list: authors and phrases the user follows, whichever category a paper is in.

Authors are compared by name, not by spelling:

- accents and TeX escapes do not matter: ``Rockt\\"aschel`` = ``Rocktäschel`` = ``Rocktaschel``;
- ``Last, First`` and ``First Last`` are the same name; "Jr", "III" are dropped;
- a given name matches its initial: ``T. Rocktäschel`` = ``Tim Rocktäschel``, but a different
  initial or a different full given name is someone else (``A. Rocktäschel``, ``Tom
  Rocktäschel``); a name given without first names matches every first name;
- given names are compared piece by piece as far as both go: ``J.-P. Vert`` = ``Jean-Philippe
  Vert``, ``Tim R. Rocktäschel`` = ``Tim Rocktäschel``;
- surnames keep their particles and hyphens as written (``van der Maaten``, ``Sarkociová
  Remešíková``), but the particles are not required: a watched ``Maaten`` matches
  ``Laurens van der Maaten``. Every word of the watched surname must be in the author's name,
  and the last one must be the author's surname.

Phrases match as keywords do (``filters.matched_keywords``): a case- and accent-insensitive
substring of the title or abstract, whitespace runs counting as one space.

Matching a 5,000-paper day takes a few tens of milliseconds: the watched surnames are one
regular expression that a paper's folded author list must hit before any name is parsed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.filters import search_fold
from tui.core.paper import Paper
from tui.core.render import author_name

# fmt: off
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "delle", "dello", "degli", "di", "da",
    "dal", "dos", "das", "do", "du", "la", "le", "les", "ter", "ten", "te", "zu", "zum", "zur",
    "af", "av", "op", "bin", "ibn", "al", "el", "y", "vom", "vander", "st", "st.",
})
# fmt: on
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

_PARENTHESES = re.compile(r"\([^()]*\)")
_GIVEN_PIECE = re.compile(r"[^\s.\-]+\.?")
_SURNAME_WORD = re.compile(r"[^\s\-]+")


@dataclass(frozen=True, slots=True)
class AuthorName:
    """A name as the watch list compares it (folded: lowercase, no accents)."""

    surname: tuple[str, ...]
    """The surname's words, particles left out: ``("maaten",)`` for ``van der Maaten``."""
    given: tuple[tuple[str, bool], ...]
    """The given names' pieces, each with whether it is an initial: ``(("t", True),)``."""
    words: frozenset[str]
    """Every word of the name (hyphenated parts apart), particles included."""

    @property
    def key(self) -> str:
        """The surname's last word: names that can match share it."""
        return self.surname[-1]

    def same_person(self, other: AuthorName) -> bool:
        """Whether ``other`` can be this name written another way (see the module notes)."""
        if other.key != self.key or not set(self.surname) <= other.words:
            return False
        return _given_compatible(self.given, other.given)


def _given_compatible(
    mine: tuple[tuple[str, bool], ...], theirs: tuple[tuple[str, bool], ...]
) -> bool:
    for (piece, initial), (other, other_initial) in zip(mine, theirs, strict=False):
        if initial or other_initial:
            if piece[0] != other[0]:
                return False
        elif piece != other:
            return False
    return True


def _clean_word(word: str) -> str:
    return word.strip(".,'’`\"")


@functools.lru_cache(maxsize=65536)
def parse_author(raw: str) -> AuthorName | None:
    """``raw`` as the watch list compares it; None if it holds no name at all."""
    readable = _PARENTHESES.sub(" ", author_name(raw))
    text = search_fold(readable)
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        parts = [p for p in parts if p and p not in SUFFIXES]
        if not parts:
            return None
        surname_text, given_text = parts[0], " ".join(parts[1:])
    else:
        words = text.split()
        if len(words) >= 3 and words[-1] in SUFFIXES:
            words.pop()
        if not words:
            return None
        start = len(words) - 1
        while start > 1 and words[start - 1] in PARTICLES:
            start -= 1
        # A first word that is a particle is a given name ("Al Smith") unless written in
        # lowercase ("van der Maaten").
        if start == 1 and words[0] in PARTICLES and readable.lstrip()[:1].islower():
            start = 0
        surname_text, given_text = " ".join(words[start:]), " ".join(words[:start])
    surname_words = [w for w in map(_clean_word, _SURNAME_WORD.findall(surname_text)) if w]
    if not surname_words:
        return None
    core = tuple(w for w in surname_words if w not in PARTICLES) or tuple(surname_words)
    given: list[tuple[str, bool]] = []
    for match in _GIVEN_PIECE.finditer(given_text):
        piece = match.group()
        word = _clean_word(piece)
        if not word:
            continue
        initial = len(word) == 1 or piece.endswith(".")
        given.append((word[0] if initial else word, initial))
    given_words = (_clean_word(w) for w in re.split(r"[\s\-]+", given_text))
    every_word = frozenset(w for w in (*surname_words, *given_words) if w)
    return AuthorName(core, tuple(given), every_word)


def same_author(a: str, b: str) -> bool:
    """Whether two written names can be the same person (``Rocktäschel, T.`` and ``Tim
    Rocktaschel``)."""
    first, second = parse_author(a), parse_author(b)
    if first is None or second is None:
        return False
    return first.same_person(second) or second.same_person(first)


def _phrase_text(text: str) -> str:
    """``search_fold(text)``, taking a shortcut for plain ASCII (most titles and abstracts)."""
    lowered = text.lower()
    if not lowered.isascii() or "\\" in lowered:
        return search_fold(text)
    if "  " in lowered or "\n" in lowered or "\t" in lowered or "\r" in lowered:
        return " ".join(lowered.split())
    return lowered


class WatchList:
    """Watched authors and phrases, ready to test papers against. Immutable."""

    def __init__(self, authors: Iterable[str] = (), phrases: Iterable[str] = ()) -> None:
        self.authors: tuple[str, ...] = tuple(a for a in authors if a.strip())
        self.phrases: tuple[str, ...] = tuple(p for p in phrases if p.strip())
        self._by_key: dict[str, list[tuple[str, AuthorName]]] = {}
        for written in self.authors:
            parsed = parse_author(written)
            if parsed is not None:
                self._by_key.setdefault(parsed.key, []).append((written, parsed))
        surnames = "|".join(re.escape(key) for key in sorted(self._by_key, key=len, reverse=True))
        self._surname_pattern = re.compile(rf"(?<!\w)(?:{surnames})(?!\w)") if surnames else None
        self._phrases = [(p, folded) for p in self.phrases if (folded := search_fold(p))]

    def __bool__(self) -> bool:
        return bool(self._by_key or self._phrases)

    def watched_author(self, name: str) -> str | None:
        """The watched entry (as written in the settings) that ``name`` is, if any."""
        parsed = parse_author(name)
        if parsed is None:
            return None
        for written, watched in self._by_key.get(parsed.key, ()):
            if watched.same_person(parsed):
                return written
        return None

    def author_hits(self, paper: Paper) -> tuple[str, ...]:
        """The watched authors (as written in the settings) among the paper's authors."""
        if self._surname_pattern is None or not paper.authors:
            return ()
        joined = " ; ".join(paper.authors)
        folded = search_fold(author_name(joined) if "\\" in joined else joined)
        if self._surname_pattern.search(folded) is None:
            return ()
        hits: dict[str, None] = {}
        for raw in paper.authors:
            parsed = parse_author(raw)
            if parsed is None:
                continue
            for written, watched in self._by_key.get(parsed.key, ()):
                if watched.same_person(parsed):
                    hits[written] = None
        return tuple(w for w in self.authors if w in hits)

    def phrase_hits(self, paper: Paper) -> tuple[str, ...]:
        """The watched phrases (as written) found in the title or abstract."""
        if not self._phrases:
            return ()
        title, abstract = _phrase_text(paper.title), _phrase_text(paper.abstract)
        return tuple(p for p, phrase in self._phrases if phrase in title or phrase in abstract)

    def matches(self, paper: Paper) -> tuple[str, ...]:
        """Which watched authors, then phrases, the paper hits (as written in the settings)."""
        return self.author_hits(paper) + self.phrase_hits(paper)

    def hits(self, papers: Sequence[Paper]) -> dict[str, tuple[str, ...]]:
        """Paper id -> ``matches`` for the papers that hit anything (a whole day at once)."""
        if not self:
            return {}
        found: dict[str, tuple[str, ...]] = {}
        for paper in papers:
            matched = self.matches(paper)
            if matched:
                found[paper.id] = matched
        return found
