"""Exports of a selection of papers: BibTeX, Markdown and JSON.

BibTeX choices:

- Names are written as Unicode (``Paweł``, ``Rémy``), converted from the TeX escapes arXiv
  sometimes carries; the file is UTF-8 and meant for biber/biblatex (or bibtex8 / a Unicode-aware
  BibTeX). Names become ``von Last, Jr, First``; organisations and names containing the word
  "and" are braced so BibTeX takes them as one name.
- Titles, abstracts and notes keep arXiv's LaTeX where it is well formed: ``$…$`` math with
  balanced braces, commands (``\\"o``, ``\\textit{…}``) and balanced braces stay as they are.
  Everything else is escaped: ``& % $ # _`` get a backslash, ``~ ^`` and a lone backslash become
  ``\\textasciitilde{}``, ``\\textasciicircum{}``, ``\\textbackslash{}``, and a brace without a
  partner becomes ``\\textbraceleft{}`` / ``\\textbraceright{}`` (BibTeX counts ``\\{`` as a brace
  too, so a backslash alone cannot fix an unbalanced one).
- In titles, words with a capital after their first letter (DDPM, LoRA, DyDiT, 3D) are braced
  so bibliography styles that lowercase titles leave them alone.
- ``year`` is the year of the first version (as arXiv's own BibTeX export does); ``eprint`` is the
  id without version.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeAlias

from tui.core.filters import Match, search_fold
from tui.core.paper import Paper, one_line
from tui.core.render import (
    _count,
    _paper_json,
    _paper_markdown,
    author_name,
    latex_to_text,
    markdown_escape,
)
from tui.core.watch import PARTICLES, SUFFIXES

Exportable: TypeAlias = Match | Paper

# ---------------------------------------------------------------- LaTeX field text

_TOKEN = re.compile(
    r"(?P<command>\\[a-zA-Z]+\*?)"  # \textit, \Lambda: arXiv's own LaTeX, kept
    r"|(?P<symbol>\\[^a-zA-Z0-9\s])"  # \' \" \& \{ : a control symbol, kept
    r"|(?P<backslash>\\)"  # a backslash before a digit, a space or the end: literal
    r"|(?P<brace>[{}])"
    r"|(?P<special>[&%$#_~^])"
    r"|(?P<word>[^\W_]+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_UNMATCHED_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# In math too, a bare % would comment out the rest of the field's line and a bare # is an error
# ("$p < 5%$" as arXiv abstracts write it).
_MATH_SPECIAL = re.compile(r"(?<!\\)((?:\\\\)*)([%#])")


def _unescaped(text: str, index: int) -> bool:
    """Whether the character at ``index`` is not escaped by an odd run of backslashes."""
    run = 0
    while index - run - 1 >= 0 and text[index - run - 1] == "\\":
        run += 1
    return run % 2 == 0


def _find_dollar(text: str, start: int) -> int:
    index = text.find("$", start)
    while index != -1 and not _unescaped(text, index):
        index = text.find("$", index + 1)
    return index


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _split_math(text: str) -> list[tuple[bool, str]]:
    """``(is_math, piece)`` pieces: ``$…$`` / ``$$…$$`` with balanced braces are math."""
    pieces: list[tuple[bool, str]] = []
    plain_start = 0
    index = 0
    while (opening := _find_dollar(text, index)) != -1:
        delimiter = "$$" if text.startswith("$$", opening) else "$"
        closing = _find_dollar(text, opening + len(delimiter))
        if delimiter == "$$":
            while closing != -1 and not text.startswith("$$", closing):
                closing = _find_dollar(text, closing + 1)
        content = text[opening + len(delimiter) : closing] if closing != -1 else ""
        if closing == -1 or not content.strip() or not _balanced(content):
            index = opening + 1  # a literal dollar: the text escaping turns it into \$
            continue
        if plain_start < opening:
            pieces.append((False, text[plain_start:opening]))
        end = closing + len(delimiter)
        pieces.append((True, text[opening:end]))
        plain_start = index = end
    if plain_start < len(text):
        pieces.append((False, text[plain_start:]))
    return pieces


def _has_inner_capital(word: str) -> bool:
    return any(char.isupper() for char in word[1:])


def latex_field(text: str, *, protect_acronyms: bool = False) -> str:
    """Text for a BibTeX field value: arXiv's well-formed LaTeX kept, the rest escaped.

    >>> latex_field(r"50% of {DDPM} $x_1$ & more}", protect_acronyms=True)
    '50\\\\% of {DDPM} $x_1$ \\\\& more\\\\textbraceright{}'
    """
    text = one_line(text)
    pieces = _split_math(text)
    tokens: list[tuple[str, str] | None] = []  # None stands for a math piece
    maths: list[str] = []
    for is_math, piece in pieces:
        if is_math:
            tokens.append(None)
            maths.append(_MATH_SPECIAL.sub(r"\1\\\2", piece))
            continue
        for match in _TOKEN.finditer(piece):
            kind = match.lastgroup
            assert kind is not None
            tokens.append((kind, match.group()))

    # Braces are matched over the whole field the way BibTeX counts them: escaped or not.
    unmatched: set[int] = set()
    open_at: list[int] = []
    for position, token in enumerate(tokens):
        if token is None:
            continue
        kind, value = token
        brace = value if kind == "brace" else value[1] if value in ("\\{", "\\}") else ""
        if brace == "{":
            open_at.append(position)
        elif brace == "}":
            if open_at:
                open_at.pop()
            else:
                unmatched.add(position)
    unmatched.update(open_at)

    out: list[str] = []
    math_pieces = iter(maths)
    depth = 0
    for position, token in enumerate(tokens):
        if token is None:
            out.append(next(math_pieces))
            continue
        kind, value = token
        if position in unmatched:
            out.append(_UNMATCHED_BRACE[value[-1]])
        elif kind == "brace":
            depth += 1 if value == "{" else -1
            out.append(value)
        elif kind == "special":
            out.append(_SPECIAL[value])
        elif kind == "backslash":
            out.append(r"\textbackslash{}")
        elif kind == "word" and protect_acronyms and depth == 0 and _has_inner_capital(value):
            out.append("{" + value + "}")
        else:
            out.append(value)
    return "".join(out)


# ---------------------------------------------------------------- names

_ORGANISATION = re.compile(
    r"\b(?:collaboration|consortium|team|group|project|initiative|survey|committee)\b", re.I
)
_AND = re.compile(r"\band\b", re.I)


def _name_parts(name: str) -> tuple[list[str], list[str], list[str]]:
    """``(first, von_last, suffix)`` word lists of a "First von Last Jr" name."""
    words = name.split()
    suffix: list[str] = []
    if len(words) >= 3 and words[-1].lower() in SUFFIXES:
        suffix = [words.pop()]
    if len(words) == 1:
        return [], words, suffix
    start = len(words) - 1
    while start >= 2 and words[start - 1] in PARTICLES:
        start -= 1
    return words[:start], words[start:], suffix


def _is_organisation(name: str) -> bool:
    return bool(_ORGANISATION.search(name))


def bibtex_name(raw: str) -> str:
    """One author as BibTeX wants it: ``von Last, Jr, First``, Unicode, special chars escaped.

    >>> bibtex_name("Ludwig van Beethoven")
    'van Beethoven, Ludwig'
    >>> bibtex_name("Joao Bachiega Jr")
    'Bachiega, Jr, Joao'
    """
    name = " ".join(author_name(raw).split())
    if _is_organisation(name) or _AND.search(name) or "," in name:
        return "{" + latex_field(name) + "}"
    first, last, suffix = _name_parts(name)
    parts = [" ".join(last), *suffix]
    if first:
        parts.append(" ".join(first))
    return ", ".join(latex_field(part) for part in parts)


# ---------------------------------------------------------------- keys

# fmt: off
_TITLE_STOP = frozenset({
    "a", "an", "the", "on", "of", "for", "in", "to", "and", "or", "with", "without", "towards",
    "toward", "via", "from", "by", "at", "as", "is", "are", "do", "does", "how", "what", "why",
    "when", "where", "which", "can", "we", "our", "your", "you", "be",
})
# fmt: on
_KEY_WORD = re.compile(r"[a-z0-9]+")


def _ascii_word(text: str) -> str:
    return "".join(_KEY_WORD.findall(search_fold(text)))


def _surname_key(paper: Paper) -> str:
    names = _readable_names(paper)
    if not names:
        return "anon"
    name = names[0]
    if _is_organisation(name):
        surname = next((w for w in name.split() if w.lower() != "the"), name)
    else:
        surname = _name_parts(name)[1][-1]
    return _ascii_word(surname) or "anon"


def _readable_names(paper: Paper) -> list[str]:
    """The authors as Unicode text, leaving out any that come to nothing ("", "{}")."""
    return [name for raw in paper.authors if (name := " ".join(author_name(raw).split()))]


def _title_key(paper: Paper) -> str:
    for word in search_fold(latex_to_text(paper.title)).split():
        folded = "".join(_KEY_WORD.findall(word))
        if folded and folded not in _TITLE_STOP and not folded.isdigit():
            return folded
    return ""


def _suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    for length in itertools.count(1):
        for combination in itertools.product(letters, repeat=length):
            yield "".join(combination)


def bibtex_keys(papers: Sequence[Paper]) -> list[str]:
    """One key per paper, in order: ``<surname><year><first significant title word>``.

    Keys are ASCII and depend only on the papers and their order: the first paper with a key
    gets it bare, later ones add ``a``, ``b``, … (``khan2025oral``, ``khan2025orala``).
    """
    keys: list[str] = []
    taken: set[str] = set()
    for paper in papers:
        base = f"{_surname_key(paper)}{paper.published.year}{_title_key(paper)}"
        key = base
        if key in taken:
            key = next(base + s for s in _suffixes() if base + s not in taken)
        taken.add(key)
        keys.append(key)
    return keys


# ---------------------------------------------------------------- entries


def _authors_field(paper: Paper) -> str:
    names = [bibtex_name(name) for name in _readable_names(paper)]
    if paper.authors_truncated:
        names.append("others")  # BibTeX's "et al."
    return " and ".join(names)


def _verbatim(value: str) -> str:
    """A DOI or URL as written, unless it would break the field (then escaped as text)."""
    value = value.strip()
    if "\\" in value or not _balanced(value) or "%" in value:
        return latex_field(value)
    return value


def bibtex_entry(paper: Paper, key: str) -> str:
    """One ``@misc`` entry in the layout arXiv's own BibTeX export uses, plus doi/note/abstract."""
    fields: list[tuple[str, str]] = [
        ("title", latex_field(paper.title, protect_acronyms=True)),
        ("author", _authors_field(paper)),
        ("year", str(paper.published.year)),
        ("eprint", paper.id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", paper.primary_category),
        ("url", _verbatim(paper.abs_url)),
    ]
    if paper.doi:
        fields.append(("doi", _verbatim(paper.doi)))
    if paper.journal_ref:
        fields.append(("note", latex_field(paper.journal_ref)))
    if paper.abstract.strip():
        fields.append(("abstract", latex_field(paper.abstract)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@misc{{{key},\n{body}}}\n"


def to_bibtex(papers: Sequence[Paper]) -> str:
    """All papers as BibTeX entries, blank-line separated, keys from ``bibtex_keys``."""
    keys = bibtex_keys(papers)
    return "\n".join(bibtex_entry(p, k) for p, k in zip(papers, keys, strict=True))


# ---------------------------------------------------------------- Markdown and JSON


def _as_match(item: Exportable) -> Match:
    return item if isinstance(item, Match) else Match(item, ())


def export_markdown(title: str, matches: Sequence[Exportable]) -> str:
    """A Markdown document headed ``title``, one section per paper as in the daily digest."""
    heading = f"# {markdown_escape(' '.join(title.split()))} — {_count(len(matches))}"
    blocks = [heading, *(_paper_markdown(_as_match(m)) for m in matches)]
    return "\n\n".join(blocks) + "\n"


def export_json(
    matches: Sequence[Exportable],
    title: str | None = None,
    *,
    scores: Mapping[str, float] | None = None,
) -> str:
    """Papers (or matches) as JSON text; titles and abstracts keep arXiv's LaTeX. ``scores``:
    the recommendation model's relevance by paper id (``--rank``), given as "score"."""
    papers = []
    for match in map(_as_match, matches):
        entry = _paper_json(match)
        if scores is not None:
            entry["score"] = scores.get(match.paper.id, 0.0)
        papers.append(entry)
    data: dict[str, Any] = {"title": title, "count": len(matches), "papers": papers}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
