"""Tags and collections on papers: names, how they are typed, matched, changed and counted.

A paper has any number of tags, kept with its flags (sorted, no repeats). A tag name is what the
reader types, normalised: trimmed, a leading ``#`` dropped, Unicode NFKC and case folded
(``Thesis`` and ``thesis`` are one tag, as are ``STRASSE`` and ``straße``, ``ﬀ`` and ``ff``),
then NFC. It starts with a letter or a digit and holds letters and digits of any script (with
the marks some scripts write them with: ``हिन्दी``), and ``- _ / .`` only, at most
``MAX_TAG_LENGTH`` characters. ``/`` makes collections:
``thesis/ch2`` is in the collection ``thesis``, so asking for ``thesis`` (``tag:thesis``, the
sidebar's ``thesis`` entry) finds it too.

Nothing here does I/O: the flag store keeps the tags, the screens and the command line ask here
what a name means.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tui.core.paper import Paper

MAX_TAG_LENGTH = 64
"""A tag is a label, not a sentence."""
TAG_MARK = "#"
"""How a tag is shown: ``#thesis``."""

_SEPARATORS = re.compile(r"[\s,]+")
_PUNCTUATION = frozenset("-_/.")

Tags = tuple[str, ...]
"""A paper's tags: sorted, each once."""


class TagError(ValueError):
    """A name that cannot be a tag; ``str`` is one line saying why, naming it."""


def normalise_tag(raw: str) -> str:
    """The tag ``raw`` names (see the module's rules); ``TagError`` if it can name none."""
    # NFKC, then case folded: "ﬀ" is "ff", "STRASSE" and "straße" one tag, "İ" an i and its dot.
    folded = unicodedata.normalize("NFKC", raw.strip()).removeprefix(TAG_MARK).casefold()
    name = unicodedata.normalize("NFC", folded)
    shown = raw.strip() or raw
    if not name:
        raise TagError("a tag needs a name")
    if len(name) > MAX_TAG_LENGTH:
        raise TagError(f"“{shown[:20]}…” is longer than {MAX_TAG_LENGTH} characters")
    bad = sorted({c for c in name if not (_letter_or_mark(c) or c in _PUNCTUATION)})
    if bad:
        listed = " ".join("space" if c.isspace() else repr(c)[1:-1] or c for c in bad)
        raise TagError(
            f"“{_visible(shown)}”: a tag has letters, digits and - _ / . only, not {listed}"
        )
    if not name[0].isalnum():
        raise TagError(f"“{shown}”: a tag starts with a letter or a digit")
    if any(not part for part in name.split("/")):
        raise TagError(f"“{shown}”: a / separates two names (thesis/ch2), with none empty")
    return name


def _letter_or_mark(c: str) -> bool:
    """A letter or digit of any script, or a mark that goes with one (Devanagari's vowel
    signs, an accent left apart): the ``isalnum`` of scripts written with marks."""
    return c.isalnum() or unicodedata.category(c).startswith("M")


def _visible(text: str) -> str:
    """``text`` with control characters shown as escapes (it goes into a one-line message)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def parse_tags(text: str) -> tuple[Tags, Tags]:
    """The names typed in ``text`` (separated by spaces or commas): those to add, and those
    to remove (written ``-name``). ``TagError`` for the first that is no tag."""
    add: list[str] = []
    remove: list[str] = []
    for word in _SEPARATORS.split(text):
        if not word:
            continue
        if word.startswith("-") and len(word) > 1:
            remove.append(normalise_tag(word[1:]))
        else:
            add.append(normalise_tag(word))
    return tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove))


def sorted_tags(names: Iterable[str]) -> Tags:
    """``names`` as a paper keeps them: sorted, each once."""
    return tuple(sorted(set(names)))


def in_collection(tag: str, wanted: str) -> bool:
    """Whether ``tag`` is ``wanted`` or inside it (``thesis/ch2`` is inside ``thesis``)."""
    return tag == wanted or (tag.startswith(wanted) and tag[len(wanted)] == "/")


def has_tag(tags: Iterable[str], wanted: str) -> bool:
    """Whether any of ``tags`` is ``wanted`` or inside it."""
    return any(in_collection(tag, wanted) for tag in tags)


def collections_of(tag: str) -> Tags:
    """``tag`` and every collection it is inside: ``a/b/c`` → ``a``, ``a/b``, ``a/b/c``."""
    parts = tag.split("/")
    return tuple("/".join(parts[: end + 1]) for end in range(len(parts)))


def tag_counts(tag_lists: Iterable[Iterable[str]]) -> dict[str, int]:
    """Papers per tag (each paper counted once for each tag it has, and once for each
    collection those are in), sorted by name: ``thesis`` comes just before ``thesis/ch2``."""
    counts: Counter[str] = Counter()
    for tags in tag_lists:
        counts.update({name for tag in tags for name in collections_of(tag)})
    return dict(sorted(counts.items()))


def papers_tag_counts(papers: Sequence[Paper], tagged: Mapping[str, Tags]) -> dict[str, int]:
    """``tag_counts`` of these papers (a day's), their tags looked up in ``tagged`` (every
    tagged paper's, by id: a few hundred, so the day's thousands are not asked one by one)."""
    if not tagged:
        return {}
    return tag_counts(tags for paper in papers if (tags := tagged.get(paper.id)))


def positions_with_tag(
    papers: Sequence[Paper], tagged: Mapping[str, Tags], wanted: str
) -> frozenset[int]:
    """Where in ``papers`` the papers with tag ``wanted`` (or one inside it) are."""
    if not tagged:
        return frozenset()
    get = tagged.get
    return frozenset(
        i for i, paper in enumerate(papers) if (tags := get(paper.id)) and has_tag(tags, wanted)
    )


def known_tags(tagged: Mapping[str, Iterable[str]]) -> Tags:
    """Every tag some paper has (not the collections above them), sorted."""
    return sorted_tags(tag for tags in tagged.values() for tag in tags)


def format_tags(tags: Iterable[str]) -> str:
    """``#ml #thesis/ch2``: how a row shows the tags."""
    return " ".join(TAG_MARK + tag for tag in tags)


@dataclass(frozen=True, slots=True)
class TagEdit:
    """Tags to add and tags to take away, the same for every paper it is applied to. Applied
    to what a paper holds when the change is made (under the store's lock), so two readers
    tagging one paper at once both keep their tags."""

    add: Tags = ()
    remove: Tags = ()

    def apply(self, tags: Iterable[str]) -> Tags:
        """``tags`` after the edit (a name both added and removed is added)."""
        return sorted_tags((set(tags) - set(self.remove)) | set(self.add))

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)

    def describe(self) -> str:
        """``+thesis -draft``: the edit in a few characters (an undo step's label)."""
        added = [f"+{TAG_MARK}{tag}" for tag in self.add]
        return " ".join(added + [f"-{TAG_MARK}{tag}" for tag in self.remove])


def edit_between(before: Iterable[str], after: Iterable[str]) -> TagEdit:
    """The edit that takes ``before`` to ``after`` (and no other tag)."""
    was, now = set(before), set(after)
    return TagEdit(add=sorted_tags(now - was), remove=sorted_tags(was - now))
