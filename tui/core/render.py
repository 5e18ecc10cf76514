"""Text out of arXiv metadata: LaTeX to Unicode, author lists, digests in Markdown and JSON."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tui.core.paper import Kind, Paper, Provenance, one_line
from tui.core.words import count_papers

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

    from tui.core.filters import Match

# pylatexenc reports malformed input through logging; in a full-screen terminal app a stray
# warning on stderr would scribble over the screen, and we fall back on our own anyway.
logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)

# Only text that has one of these can change under LaTeX conversion; the rest skips the parser.
_LATEX_SYNTAX = re.compile(r"[\\$~{}]|``|''|--|[?!]`")
# arXiv abstracts use bare % and & as plain characters; to LaTeX they are a comment and a
# column separator, which would eat the rest of the line.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
# URLs pass through untouched ("~user" is not a non-breaking space, "_" is not a subscript).
_URL = re.compile(r"(?:https?://|www\.)[^\s{}\\$]+")
_URL_TOKEN = "qqarxivdailyurl{}qq"
_URL_TOKEN_RE = re.compile(r"qqarxivdailyurl(\d+)qq")

_PLAIN_MACROS = (
    "texttt",
    "textsf",
    "textup",
    "textmd",
    "textnormal",
    "textsl",
    "mathtt",
    "mathsf",
    "mathbf",
    "mathit",
    "boldsymbol",
    "bm",
    "url",
)


# Shorthands that arXiv authors carry over from their papers' preambles.
_ABBREVIATIONS = {"ie": "i.e.", "eg": "e.g.", "etc": "etc.", "etal": "et al.", "wrt": "w.r.t."}


@functools.cache
def _converter() -> tuple[LatexNodes2Text, Any]:
    """pylatexenc's converter and parser context, made by the first text with LaTeX in it (the
    import and the context cost ~30 ms that a start-up on plain titles need not pay)."""
    from pylatexenc import latexwalker
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )
    from pylatexenc.macrospec import MacroSpec

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "arxiv-daily",
        macros=[MacroSpec("href", "{{"), MacroSpec("bm", "{")],
        prepend=True,
    )
    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "arxiv-daily",
        macros=[MacroTextSpec(name, simplify_repl="%(1)s") for name in _PLAIN_MACROS]
        + [MacroTextSpec("href", simplify_repl="%(2)s (%(1)s)")]
        + [MacroTextSpec(name, simplify_repl=text) for name, text in _ABBREVIATIONS.items()],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=text_db, math_mode="text"), walker_db


# pylatexenc reads character by character (about 10 ms for a 1,500-character abstract), so
# only the LaTeX "islands" of a text go through it (math, macros with their arguments, brace
# groups), each cached on its own; the prose between them is copied as it is.
_TRIGGER = re.compile(
    r"(?P<url>(?:https?://|www\.)[^\s{}\\$]+)|(?P<simple>---?|``|''|[?!]`|~)|(?P<island>[\\${}])"
)
_SIMPLE = {"---": "—", "--": "–", "``": "“", "''": "”", "?`": "¿", "!`": "¡", "~": " "}
_ACCENTS = "'\"^`~=."
_LETTER_ACCENTS = frozenset("vuHcdbtkr")
_SPACED_LETTER = re.compile(r" +[A-Za-z]")
_GROUP_LIMIT = 4000
"""How far to look for a closing brace or dollar (bounds the work on hostile input)."""


_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)


class _Braces:
    """Which brace closes which in one text, found in a single pass on first use.

    Scanning from each opening brace to its partner would cost ``_GROUP_LIMIT`` steps per brace
    on a hostile text such as 100,000 "{" (half a minute); one pass costs the text's length.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._partners: dict[int, int | None] | None = None

    def group_end(self, start: int) -> int | None:
        """The index after the brace that closes the one at ``start`` (within the limit)."""
        if self._partners is None:
            self._partners = _brace_partners(self.text)
        if start not in self._partners:  # a brace the pass saw as escaped: look by hand
            return _group_end(self.text, start)
        close = self._partners[start]
        return close + 1 if close is not None and close < start + _GROUP_LIMIT else None


def _brace_partners(text: str) -> dict[int, int | None]:
    """Each opening brace -> its closing brace (None if unclosed), counted as ``_group_end``
    counts them: a backslash escapes the character after it."""
    partners: dict[int, int | None] = {}
    open_at: list[int] = []
    for token in _BRACE_TOKEN.finditer(text):
        char = token.group()
        if char == "{":
            open_at.append(token.start())
            partners[token.start()] = None
        elif char == "}" and open_at:
            partners[open_at.pop()] = token.start()
    return partners


def _group_end(text: str, start: int) -> int | None:
    """The index after the brace that closes the one at ``start``."""
    depth = 0
    index = start
    limit = min(len(text), start + _GROUP_LIMIT)
    while index < limit:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def _closing(text: str, token: str, start: int) -> int | None:
    """The index after the next unescaped ``token`` from ``start``."""
    limit = start + _GROUP_LIMIT
    found = text.find(token, start, limit)
    while found != -1:
        if text[found - 1] != "\\":
            return found + len(token)
        found = text.find(token, found + 1, limit)
    return None


def _island_end(text: str, start: int, braces: _Braces) -> int | None:
    """Where the LaTeX construct starting at ``start`` ends; None if it never closes."""
    char = text[start]
    if char == "{":
        return braces.group_end(start)
    if char == "}":
        return None
    if char == "$":
        if text.startswith("$$", start):
            return _closing(text, "$$", start + 2)
        return _closing(text, "$", start + 1)
    # A backslash.
    if start + 1 >= len(text):
        return None
    following = text[start + 1]
    if following == "(":
        return _closing(text, "\\)", start + 2)
    if following == "[":
        return _closing(text, "\\]", start + 2)
    end = start + 2
    if following.isascii() and following.isalpha():
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[start + 1 : end]
        if name in _LETTER_ACCENTS and (spaced := _SPACED_LETTER.match(text, end)):
            return spaced.end()  # "Maru\v si\v c"
        if end < len(text) and text[end] == "*":
            end += 1
        while end < len(text):
            if text[end] == "[":
                close = text.find("]", end, end + 200)
                if close == -1 or not text.startswith("{", close + 1):
                    break
                end = close + 1
            if text[end] != "{":
                break
            group_end = braces.group_end(end)
            if group_end is None:
                break
            end = group_end
        if name == "begin":
            # The whole environment is one island: "\begin{equation*} … \end{equation*}".
            closing = "\\end" + text[start + 6 : end]
            found = text.find(closing, end, end + _GROUP_LIMIT)
            if found != -1:
                return found + len(closing)
        return end
    if following in _ACCENTS and end < len(text):
        if text[end] == "{":
            return braces.group_end(end) or end
        if text[end].isalpha():
            return end + 1
    return end


@functools.lru_cache(maxsize=16384)
def _island_to_text(island: str) -> str:
    try:
        urls: list[str] = []

        def hide_url(match: re.Match[str]) -> str:
            urls.append(match.group(0))
            return _URL_TOKEN.format(len(urls) - 1)

        from pylatexenc.latexwalker import LatexWalker

        to_text, walker_db = _converter()
        prepared = _BARE_SPECIAL.sub(r"\\\1", _URL.sub(hide_url, island))
        walker = LatexWalker(prepared, latex_context=walker_db, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        converted: str = to_text.nodelist_to_text(nodes)
        if "%s" in converted and "%s" not in island:
            return island  # a macro missing its arguments leaves its template behind
        return _URL_TOKEN_RE.sub(lambda m: urls[int(m.group(1))], converted)
    except Exception:
        return island


@functools.lru_cache(maxsize=16384)
def latex_to_text(text: str) -> str:
    """Readable Unicode from the LaTeX in arXiv titles and abstracts; never raises.

    >>> latex_to_text(r"evolving ($\\textit{i.e.}$, constantly updated) in $O(n^2)$")
    'evolving (i.e., constantly updated) in O(n^2)'
    """
    if not _LATEX_SYNTAX.search(text):
        return one_line(text)
    try:
        braces = _Braces(text)
        parts: list[str] = []
        position = 0
        while (found := _TRIGGER.search(text, position)) is not None:
            parts.append(text[position : found.start()])
            position = found.end()
            if found.lastgroup == "url":
                parts.append(found.group())
            elif found.lastgroup == "simple":
                parts.append(_SIMPLE[found.group()])
            else:
                end = _island_end(text, found.start(), braces)
                if end is None:
                    # An unpaired $ or backslash is text; an unpaired brace is TeX grouping.
                    parts.append("" if found.group() in "{}" else found.group())
                else:
                    parts.append(_island_to_text(text[found.start() : end]))
                    position = end
        parts.append(text[position:])
        return one_line("".join(parts))
    except Exception:
        return one_line(text)


def author_name(raw: str) -> str:
    """An author's name with TeX accents as Unicode.

    ``R\\'emy`` -> ``Rémy``, ``Pawe{\\l}`` -> ``Paweł``.
    """
    return latex_to_text(raw)


def short_authors(authors: Sequence[str], limit: int = 6, truncated: bool = False) -> str:
    """The first ``limit`` authors, readable, then "et al." when there are more (or were cut)."""
    names = [author_name(a) for a in authors[:limit]]
    more = truncated or len(authors) > limit
    return ", ".join(names) + (" et al." if more and names else "")


_KIND_LABEL = {Kind.NEW: "new", Kind.CROSS: "cross-list", Kind.REPLACE: "replacement"}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written, inside a link label or a line of prose."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# What makes a paragraph a list item instead: "- ", "+ ", "1. ", "2) " at its start.
_LIST_START = re.compile(r"^(\s*(?:\d{1,9})?)([-+.)])")


def _paragraph_escape(text: str) -> str:
    """``markdown_escape`` for a whole paragraph: a leading list marker is escaped too."""
    escaped = markdown_escape(text)
    return _LIST_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def _count(n: int) -> str:
    return count_papers(n, grouped=False)


def kind_label(paper: Paper) -> str:
    label = _KIND_LABEL[paper.kind]
    return f"{label} (v{paper.version})" if paper.kind is Kind.REPLACE else label


def digest_markdown(
    day: date,
    matches: Sequence[Match],
    keywords: Sequence[str] = (),
    provenance: Provenance | None = None,
) -> str:
    """The day's matches as a Markdown digest, one section per paper.

    ``provenance``: a line under the heading when the day is not exactly arXiv's announcement.
    """
    heading = f"# arXiv digest {day.isoformat()} — {_count(len(matches))}"
    if keywords:
        heading += f" ({', '.join(markdown_escape(k) for k in keywords)})"
    blocks = [heading]
    if provenance is not None and not provenance.exact and provenance.source != "sample":
        blocks.append(f"_{markdown_escape(provenance.label.capitalize())}._")
    for match in matches:
        blocks.append(_paper_markdown(match))
    return "\n\n".join(blocks) + "\n"


def _paper_markdown(match: Match) -> str:
    paper = match.paper
    title = markdown_escape(latex_to_text(paper.title))
    lines = [
        f"### [{title}]({paper.abs_url})",
        "",
        f"arXiv:{paper.id} · **Categories:** {', '.join(paper.categories)}",
        "",
        f"**Authors:** {markdown_escape(short_authors(paper.authors, 6, paper.authors_truncated))}",
    ]
    if paper.kind is not Kind.NEW:
        lines += ["", f"**Kind:** {kind_label(paper)}"]
    if match.keywords:
        keywords = ", ".join(markdown_escape(k) for k in match.keywords)
        lines += ["", f"**Matched:** {keywords}"]
    # Inside <details> the abstract is a Markdown paragraph: escaped like the title, so that
    # "[offer](https://…)" or "*" in it is shown as written, not as a link or emphasis.
    abstract = _paragraph_escape(html.escape(latex_to_text(paper.abstract), quote=False))
    lines += ["", "<details><summary>Abstract</summary>", "", abstract, "", "</details>"]
    return "\n".join(lines)


def digest_json(
    day: date,
    matches: Sequence[Match],
    provenance: Provenance | None = None,
    *,
    scores: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The day's matches as plain data; titles and abstracts keep arXiv's LaTeX (lossless).

    ``provenance``: how exact the day is (``{"exact": true, "source": "catchup"}``).
    ``scores``: the recommendation model's relevance by paper id (``--rank``), given as "score".
    """
    data: dict[str, Any] = {"date": day.isoformat()}
    if provenance is not None:
        data["provenance"] = provenance.to_dict()
    data["count"] = len(matches)
    data["papers"] = [_scored(_paper_json(m), m, scores) for m in matches]
    return data


def _scored(
    data: dict[str, Any], match: Match, scores: Mapping[str, float] | None
) -> dict[str, Any]:
    if scores is not None:
        data["score"] = scores.get(match.paper.id, 0.0)
    return data


def _paper_json(match: Match) -> dict[str, Any]:
    paper = match.paper
    return {
        "id": paper.id,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "authors_truncated": paper.authors_truncated,
        "categories": list(paper.categories),
        "primary_category": paper.primary_category,
        "abstract": paper.abstract,
        "kind": paper.kind.value,
        "matched_keywords": list(match.keywords),
        "abs_url": paper.abs_url,
        "pdf_url": paper.pdf_url,
        "published": paper.published.isoformat(),
        "updated": paper.updated.isoformat(),
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "doi": paper.doi,
    }


def take_parentheses(text: str) -> tuple[str, list[str]]:
    """The text outside top-level parentheses, and each parenthesised group's content."""
    outside: list[str] = []
    groups: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            if depth:
                current.append(char)
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth:
                current.append(char)
            else:
                groups.append("".join(current))
                current = []
        elif depth:
            current.append(char)
        else:
            outside.append(char)
    if current:  # an unclosed parenthesis: its text is an affiliation all the same
        groups.append("".join(current))
    return "".join(outside), groups
