"""Text out of arXiv metadata: LaTeX to Unicode, author lists, digests in Markdown and JSON."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import MacroSpec

from tui.domain.paper import Kind, Paper

if TYPE_CHECKING:
    from tui.domain.filters import Match

# pylatexenc reports malformed input through logging; in a full-screen terminal app a stray
# warning on stderr would scribble over the screen, and we fall back on our own anyway.
logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)

# Only text that has one of these can change under LaTeX conversion; the rest skips the parser.
_LATEX_SYNTAX = re.compile(r"[\\$%&~{}]|``|''|--|[?!]`")
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


def _converter() -> tuple[LatexNodes2Text, Any]:
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
        + [MacroTextSpec("href", simplify_repl="%(2)s (%(1)s)")],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=text_db, math_mode="text"), walker_db


_TO_TEXT, _WALKER_DB = _converter()


# Control characters from the feed must not reach a terminal (ESC starts escape sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")


def _collapse(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split())


@functools.lru_cache(maxsize=16384)
def latex_to_text(text: str) -> str:
    """Readable Unicode from the LaTeX in arXiv titles and abstracts; never raises.

    >>> latex_to_text(r"evolving ($\\textit{i.e.}$, constantly updated) in $O(n^2)$")
    'evolving (i.e., constantly updated) in O(n^2)'
    """
    if not _LATEX_SYNTAX.search(text):
        return _collapse(text)
    try:
        urls: list[str] = []

        def hide_url(match: re.Match[str]) -> str:
            urls.append(match.group(0))
            return _URL_TOKEN.format(len(urls) - 1)

        prepared = _BARE_SPECIAL.sub(r"\\\1", _URL.sub(hide_url, text))
        walker = latexwalker.LatexWalker(prepared, latex_context=_WALKER_DB, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        converted = _TO_TEXT.nodelist_to_text(nodes)
        if "%s" in converted and "%s" not in text:
            return _collapse(text)  # a macro missing its arguments leaves its template behind
        converted = _URL_TOKEN_RE.sub(lambda m: urls[int(m.group(1))], converted)
        return _collapse(converted)
    except Exception:
        return _collapse(text)


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


def _count(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def kind_label(paper: Paper) -> str:
    label = _KIND_LABEL[paper.kind]
    return f"{label} (v{paper.version})" if paper.kind is Kind.REPLACE else label


def digest_markdown(day: date, matches: Sequence[Match], keywords: Sequence[str] = ()) -> str:
    """The day's matches as a Markdown digest, one section per paper."""
    heading = f"# arXiv digest {day.isoformat()} — {_count(len(matches))}"
    if keywords:
        heading += f" ({', '.join(markdown_escape(k) for k in keywords)})"
    blocks = [heading]
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
    abstract = html.escape(latex_to_text(paper.abstract), quote=False)
    lines += ["", "<details><summary>Abstract</summary>", "", abstract, "", "</details>"]
    return "\n".join(lines)


def digest_json(day: date, matches: Sequence[Match]) -> dict[str, Any]:
    """The day's matches as plain data; titles and abstracts keep arXiv's LaTeX (lossless)."""
    return {
        "date": day.isoformat(),
        "count": len(matches),
        "papers": [_paper_json(m) for m in matches],
    }


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
