"""One paper as lines of Content: the one-line row of the paper list and its expanded details.

Everything here builds `Content` from plain strings (never markup), so a title such as
``[@click=app.quit]x[/]`` is shown as written and cannot trigger anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rich.cells import cell_len
from textual.content import Content, Span
from textual.style import Style

from tui.core.paper import Kind, Paper
from tui.core.render import author_name, latex_to_text, short_authors
from tui.core.seen import SeenBefore
from tui.core.tags import TAG_MARK, format_tags

UNREAD_MARK = "●"
STAR_MARK = "★"
NO_STAR_MARK = "☆"
WATCH_MARK = "◆"
"""Before the title of a paper by a watched author or with a watched phrase."""
SELECTED_MARK = "✓"
"""Before the title of a selected paper."""
SEEN_MARK = "seen"
"""Before the title of a paper seen on an earlier day, in the one-line rows (dim)."""
CROSS_MARK = "↔ cross"
REPLACE_MARK = "↻ v{version}"
ROW_AUTHORS = 3
"""Authors named in a row before "et al."."""
DETAIL_AUTHORS = 30
"""Authors named in the expanded view before "… and N more"."""
SCORE_WIDTH = 5
"""The likeness score's column while the day is ranked: "0.42" and a space."""

_PREFIX_WIDTH = 4  # marker, space, star, space
_GAP = 2
_TITLE_MIN = 30
_TITLE_MIN_NARROW = 16
_KIND_WIDTH = 7
_DETAIL_INDENT = 4
_DETAIL_GUTTER = "  ▎ "


def _control_pictures() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # ␛ for ESC and so on: visible, inert
    for code in (0x09, 0x0A, 0x0B, 0x0C, 0x0D):
        table[code] = " "
    table[0x7F] = "␡"
    for code in range(0x80, 0xA0):
        table[code] = "\N{REPLACEMENT CHARACTER}"
    # Bidirectional overrides and isolates would reorder the rest of the terminal line.
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = None
    return table


_UNSAFE = _control_pictures()
_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _UNSAFE) + "]")


def safe_text(text: str) -> str:
    """Text that a terminal shows as it reads: control and bidi-override characters neutralised,
    whitespace runs collapsed to one space."""
    if _UNSAFE_RE.search(text):
        text = text.translate(_UNSAFE)
    return " ".join(text.split())


_LONE_TRAILING_BACKSLASH = re.compile(r"(?<!\\)(?:\\\\)*\\\s*$")


def readable(text: str) -> str:
    """arXiv text (titles, abstracts, comments) with LaTeX made readable and made safe.

    A lone backslash at the very end escapes nothing in LaTeX, so it is shown as written
    rather than dropped.
    """
    if _LONE_TRAILING_BACKSLASH.search(text):
        body = text.rstrip()[:-1]
        separator = " " if body[-1:].isspace() else ""
        return safe_text(latex_to_text(body)) + separator + "\\"
    return safe_text(latex_to_text(text))


@lru_cache(maxsize=16_384)
def readable_title(title: str) -> str:
    """``readable(title)``, kept for a day's titles: the list wraps and sorts them all."""
    return readable(title)


@lru_cache(maxsize=256)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    words = sorted({k for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def highlight_keywords(text: str, keywords: tuple[str, ...], style: Style) -> Content:
    """Content of ``text`` with every case-insensitive occurrence of each keyword styled."""
    pattern = _keyword_pattern(keywords)
    if pattern is None:
        return Content(text)
    spans = [Span(m.start(), m.end(), style) for m in pattern.finditer(text) if m.end() > m.start()]
    return Content(text, spans)


def kind_mark(paper: Paper) -> str:
    if paper.kind is Kind.CROSS:
        return CROSS_MARK
    if paper.kind is Kind.REPLACE:
        return REPLACE_MARK.format(version=paper.version)
    return ""


@dataclass(frozen=True, slots=True)
class RowStyles:
    """The styles a row and its details use; the widget takes them from its component classes."""

    unread: Style
    star: Style
    title: Style
    title_read: Style
    keyword: Style
    paper_id: Style
    category: Style
    authors: Style
    kind: Style
    label: Style
    gutter: Style
    muted: Style
    watch: Style = field(default_factory=Style)
    selected: Style = field(default_factory=Style)


@dataclass(frozen=True, slots=True)
class RowMarks:
    """What a row shows beyond the paper and its flags (hashable: part of the row cache key)."""

    selected: bool = False
    watched: bool = False
    watched_authors: tuple[str, ...] = ()
    """The paper's authors (readable) that are watched: highlighted where shown."""
    phrases: tuple[str, ...] = ()
    """Watched phrases it contains: highlighted as keywords are."""
    seen: SeenBefore | None = None
    """Met on an earlier day: a short dim mark in the row, in full when expanded."""


NO_MARKS = RowMarks()


@dataclass(frozen=True, slots=True)
class RowLayout:
    """Column widths of a row at one width (0 means the column is left out)."""

    width: int
    title: int
    paper_id: int
    category: int
    authors: int
    kind: int

    @classmethod
    def fit(cls, width: int, id_width: int = 10, category_width: int = 8) -> RowLayout:
        """The title takes what is left; the other columns drop out as the width shrinks."""
        authors = max(14, min(44, width // 4))
        columns = {"paper_id": id_width, "category": category_width, "authors": authors}
        kind = _KIND_WIDTH

        def title_width() -> int:
            used = sum(w + _GAP for w in columns.values() if w)
            used += {0: 0, 1: 2}.get(kind, kind + _GAP)
            return width - _PREFIX_WIDTH - used

        for column in ("authors", "category"):
            if title_width() >= _TITLE_MIN:
                break
            columns[column] = 0
        if title_width() < _TITLE_MIN:
            kind = 1  # the arrow alone
        if title_width() < _TITLE_MIN_NARROW:
            columns["paper_id"] = 0
        if title_width() < 1:
            kind = 0
        return cls(width=width, title=max(0, title_width()), kind=kind, **columns)


def tags_mark(tags: Sequence[str]) -> str:
    """The one-line row's short mark of the reader's tags: ``#thesis``, ``#ml+2``."""
    if not tags:
        return ""
    more = f"+{len(tags) - 1}" if len(tags) > 1 else ""
    return TAG_MARK + safe_text(tags[0]) + more


def _cell(text: str | Content, width: int, style: Style | None = None) -> Content:
    content = text if isinstance(text, Content) else Content(text)
    content = content.truncate(width, ellipsis=True, pad=True)
    return content.stylize_before(style) if style is not None else content


def title_content(paper: Paper, keywords: tuple[str, ...], keyword_style: Style) -> Content:
    return highlight_keywords(readable(paper.title), keywords, keyword_style)


def row_content(
    paper: Paper,
    title: Content,
    *,
    read: bool,
    starred: bool,
    layout: RowLayout,
    styles: RowStyles,
    score: float | None = None,
    marks: RowMarks = NO_MARKS,
    tags: Sequence[str] = (),
) -> Content:
    """The paper's one-line row, exactly ``layout.width`` cells wide (``SCORE_WIDTH`` more with
    a score, shown after the star); ``tags``, the reader's, as a short mark before the title."""
    if tags:
        title = Content.assemble((tags_mark(tags), styles.kind), " ", title)
    if marks.watched:
        title = Content.assemble((WATCH_MARK, styles.watch), " ", title)
    if marks.selected:
        title = Content.assemble((SELECTED_MARK, styles.selected), " ", title)
    if marks.seen is not None:
        title = Content.assemble((SEEN_MARK, styles.muted), " ", title)
    parts: list[Content] = [
        Content(" " if read else UNREAD_MARK).stylize(styles.unread),
        Content(" "),
        Content(STAR_MARK if starred else NO_STAR_MARK).stylize(
            styles.star if starred else styles.muted
        ),
        Content(" "),
    ]
    if score is not None:
        parts.append(_cell(f"{score:.2f}", SCORE_WIDTH, styles.kind))
    parts += [
        _cell(title, layout.title, styles.title_read if read else styles.title),
    ]
    gap = Content(" " * _GAP)
    if layout.paper_id:
        parts += [gap, _cell(paper.id, layout.paper_id, styles.paper_id)]
    if layout.category:
        parts += [gap, _cell(paper.primary_category, layout.category, styles.category)]
    if layout.authors:
        authors = highlight_names(
            row_authors(paper, layout.authors), marks.watched_authors, styles.watch
        )
        parts += [gap, _cell(authors, layout.authors, styles.authors)]
    if layout.kind:
        mark = kind_mark(paper)
        if layout.kind == 1:
            parts += [Content(" "), _cell(mark[:1], 1, styles.kind)]
        else:
            parts += [gap, _cell(mark, layout.kind, styles.kind)]
    row = Content("").join(parts)
    return row.truncate(layout.width + (SCORE_WIDTH if score is not None else 0), pad=True)


def row_authors(paper: Paper, width: int) -> str:
    """As many of the first authors as fit in ``width`` cells, keeping "et al." visible."""
    names = ""
    for limit in range(ROW_AUTHORS, 0, -1):
        names = safe_text(short_authors(paper.authors, limit, paper.authors_truncated))
        if cell_len(names) <= width:
            return names
    suffix = " et al."
    if names.endswith(suffix) and width > len(suffix) + 2:
        first = Content(names.removesuffix(suffix)).truncate(width - len(suffix), ellipsis=True)
        return first.plain + suffix
    return names


def highlight_names(text: str, names: tuple[str, ...], style: Style) -> Content:
    """``text`` with each of ``names`` styled where it occurs as a whole name."""
    if not names:
        return Content(text)
    shown = tuple(safe_text(name) for name in names)
    pattern = _keyword_pattern(shown)
    if pattern is None:
        return Content(text)
    spans = [
        Span(m.start(), m.end(), style)
        for m in pattern.finditer(text)
        if _whole_name(text, m.start(), m.end())
    ]
    return Content(text, spans)


def _whole_name(text: str, start: int, end: int) -> bool:
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return not (before.isalnum() or after.isalnum())


def author_with_affiliations(name: str, affiliations: Sequence[str] = ()) -> str:
    """``Paweł Nowak (University of Warsaw)``: the name readable, affiliations after it."""
    shown = safe_text(author_name(name))
    places = [safe_text(latex_to_text(a)) for a in affiliations if a.strip()]
    return f"{shown} ({'; '.join(places)})" if places else shown


def folded_authors(
    authors: Sequence[str],
    limit: int = DETAIL_AUTHORS,
    affiliations: Sequence[Sequence[str]] = (),
) -> str:
    """All authors up to ``limit`` (each with its affiliations, if given), then
    "… and 2,970 more"."""
    names = ", ".join(
        author_with_affiliations(a, affiliations[i] if i < len(affiliations) else ())
        for i, a in enumerate(authors[:limit])
    )
    hidden = len(authors) - limit
    return f"{names} … and {hidden:,} more" if hidden > 0 else names


def detail_lines(
    paper: Paper,
    keywords: tuple[str, ...],
    width: int,
    styles: RowStyles,
    note: str = "",
    watched_authors: tuple[str, ...] = (),
    seen: SeenBefore | None = None,
    *,
    tags: Sequence[str] = (),
    why: Content | None = None,
) -> list[Content]:
    """The expanded view below a row: full title, metadata, the reader's tags and note and the
    abstract, wrapped to ``width``; ``why``: the words behind the paper's recommendation, when
    a model has learnt."""
    inner = max(8, width - _DETAIL_INDENT)
    gutter = Content(_DETAIL_GUTTER).stylize(styles.gutter)
    lines: list[Content] = []

    def add(content: Content) -> None:
        lines.extend(gutter + line for line in content.wrap(inner))

    def field(label: str, value: str) -> None:
        add(Content.assemble((f"{label}: ", styles.label), value))

    add(title_content(paper, keywords, styles.keyword).stylize_before(styles.label))
    authors = folded_authors(paper.authors, affiliations=paper.affiliations)
    if paper.authors_truncated and len(paper.authors) <= DETAIL_AUTHORS:
        authors += " et al."
    label = (
        f"Authors ({len(paper.authors):,})" if len(paper.authors) > DETAIL_AUTHORS else "Authors"
    )
    add(
        Content.assemble(
            (f"{label}: ", styles.label),
            highlight_names(authors or "(none listed)", watched_authors, styles.watch),
        )
    )
    field("Categories", ", ".join(safe_text(c) for c in paper.categories))
    dates = f"submitted {paper.published:%Y-%m-%d}"
    if paper.version > 1:
        dates += f", v{paper.version} {paper.updated:%Y-%m-%d}"
    field("arXiv", f"{safe_text(paper.versioned_id)} ({dates})")
    if paper.comment:
        field("Comment", readable(paper.comment))
    if paper.journal_ref:
        field("Journal ref", readable(paper.journal_ref))
    if paper.doi:
        field("DOI", safe_text(paper.doi))
    if seen is not None:
        field("Seen before", seen.text)
    if tags:
        field("Tags", safe_text(format_tags(tags)))
    if note.strip():
        field("Note", safe_text(note))
    if why is not None:
        add(Content.assemble(("Why: ", styles.label), why))
    lines.append(gutter)
    abstract = readable(paper.abstract)
    if abstract:
        add(highlight_keywords(abstract, keywords, styles.keyword))
    else:
        add(Content("(no abstract)").stylize(styles.muted))
    lines.append(Content(""))
    return lines


# ---------------------------------------------------------------- two-line rows and headings

TITLE_LINES_MAX = 4
"""A title longer than this many lines is cut (with an ellipsis) on the last."""
META_SEPARATOR = " · "

SECTION_TITLES = {
    Kind.NEW: "New submissions",
    Kind.CROSS: "Cross-lists",
    Kind.REPLACE: "Replacements",
}
"""arXiv's /new page's words, in its order."""

_WORD = re.compile(r"\S+")


def wrap_offsets(text: str, width: int, limit: int = TITLE_LINES_MAX) -> tuple[int, ...]:
    """Where the lines of ``text`` (single-spaced) start when wrapped at ``width`` cells, word by
    word (a word longer than a line is broken); at most ``limit`` lines, the last running to the
    end of the text (it is cut when drawn)."""
    if width <= 0 or not text:
        return (0,)
    starts: list[int] = [0]
    used = 0  # cells on the current line
    for match in _WORD.finditer(text):
        word = match.group()
        cells = len(word) if word.isascii() else cell_len(word)
        if used and used + 1 + cells <= width:
            used += 1 + cells
            continue
        if used:
            starts.append(match.start())
            used = 0
        if cells <= width:
            used = cells
            continue
        # Longer than a line: broken where the line is full.
        position = match.start()
        for offset, character in enumerate(word):
            step = 1 if character.isascii() else cell_len(character)
            if used + step > width:
                starts.append(position + offset)
                used = 0
            used += step
    return tuple(starts[:limit])


_MAYBE_NOT_PLAIN = re.compile(r"[\\$~{}`'\-?!\x00-\x1f\x7f]")
"""A quick first look for ``_NOT_PLAIN`` (a character class searches faster than alternatives)."""
_NOT_PLAIN = re.compile(r"[\\$~{}\x00-\x1f\x7f]|``|''|--|[?!]`")
"""What LaTeX conversion (tui.core.render's test for LaTeX syntax) or the terminal-safety pass
may change in a title; a title without any of it reads exactly as written, spaces collapsed."""


def title_line_count(title: str, width: int, limit: int = TITLE_LINES_MAX) -> int:
    """How many lines the list gives ``title`` (raw, as the paper has it) at ``width``: the
    length of ``wrap_offsets(readable_title(title), width)``."""
    fast = fast_title_line_count(title, width, limit)
    if fast is not None:
        return fast
    return len(wrap_offsets(readable_title(title), width, limit))


def fast_title_line_count(title: str, width: int, limit: int = TITLE_LINES_MAX) -> int | None:
    """``title_line_count`` found without making LaTeX readable or wrapping word by word, as it
    can be for most titles of a day (a few ms for 5,000 against ~60 ms); None for a title that
    needs the conversion (non-ASCII, or LaTeX in a title longer than a line)."""
    if width <= 0 or not title.isascii():
        return None
    text = " ".join(title.split())
    if _MAYBE_NOT_PLAIN.search(title) and _NOT_PLAIN.search(title):
        # LaTeX made readable is never longer than its source ("$\\alpha$" reads "α"): a
        # source that fits on a line needs no conversion to know it does.
        return 1 if len(text) <= width else None
    return _ascii_line_count(text, width, limit)


def _ascii_line_count(text: str, width: int, limit: int) -> int:
    """Lines of single-spaced ASCII ``text`` wrapped word by word at ``width`` (a word longer
    than a line broken where it is full), as ``wrap_offsets`` wraps it."""
    lines, start, end = 0, 0, len(text)
    while start < end and lines < limit:
        lines += 1
        if end - start <= width:
            break
        cut = text.rfind(" ", start, start + width + 1)
        start = start + width if cut <= start else cut + 1
    return max(lines, 1)


def title_lines(title: Content, starts: Sequence[int], width: int) -> list[Content]:
    """``title`` cut at ``starts`` (from ``wrap_offsets``), each line ``width`` cells, the last
    cut with an ellipsis if the title goes on."""
    ends = [*starts[1:], len(title.plain)]
    lines = []
    for start, end in zip(starts, ends, strict=True):
        line = title[start:end].rstrip()
        lines.append(line.truncate(width, ellipsis=True, pad=True))
    return lines


def two_line_row(
    paper: Paper,
    title: Content,
    starts: Sequence[int],
    *,
    read: bool,
    starred: bool,
    width: int,
    styles: RowStyles,
    score: float | None = None,
    marks: RowMarks = NO_MARKS,
    tags: Sequence[str] = (),
) -> list[Content]:
    """The paper's row in the two-line list, each line ``width`` cells: the title (wrapped at
    ``starts``, see ``wrap_offsets``) after the unread and star marks, then a line of the
    selection and watch marks, authors, id, primary category and the cross-list or version
    mark (and the reader's ``tags``, ``#thesis``, at its end)."""
    indent = _PREFIX_WIDTH + (SCORE_WIDTH if score is not None else 0)
    inner = max(1, width - indent)
    prefix: list[Content] = [
        Content(" " if read else UNREAD_MARK).stylize(styles.unread),
        Content(" "),
        Content(STAR_MARK if starred else NO_STAR_MARK).stylize(
            styles.star if starred else styles.muted
        ),
        Content(" "),
    ]
    if score is not None:
        prefix.append(_cell(f"{score:.2f}", SCORE_WIDTH, styles.kind))
    blank = Content(" " * indent)
    style = styles.title_read if read else styles.title
    lines = [
        (Content("").join(prefix) if number == 0 else blank) + line.stylize_before(style)
        for number, line in enumerate(title_lines(title, starts, inner))
    ]
    marks_part: list[Content] = []
    if marks.selected:
        marks_part.append(Content.assemble((SELECTED_MARK, styles.selected), " "))
    if marks.watched:
        marks_part.append(Content.assemble((WATCH_MARK, styles.watch), " "))
    tail: list[Content] = [Content(paper.id).stylize(styles.paper_id)]
    if paper.primary_category:
        tail.append(Content(safe_text(paper.primary_category)).stylize(styles.category))
    mark = kind_mark(paper)
    if mark:
        tail.append(Content(mark).stylize(styles.kind))
    seen_at = len(tail)
    if marks.seen is not None:
        tail.append(Content(marks.seen.mark).stylize(styles.muted))
    if tags:
        tail.append(Content(safe_text(format_tags(tags))).stylize(styles.kind))
    separator = Content(META_SEPARATOR).stylize(styles.muted)
    tail_content = separator + separator.join(tail)
    marks_width = sum(part.cell_length for part in marks_part)
    room = inner - marks_width - tail_content.cell_length
    if marks.seen is not None and room < 14:  # narrow: "seen" up front (in full when expanded)
        del tail[seen_at]
        marks_part.append(Content.assemble((SEEN_MARK, styles.muted), " "))
        tail_content = separator + separator.join(tail)
        marks_width = sum(part.cell_length for part in marks_part)
        room = inner - marks_width - tail_content.cell_length
    authors = highlight_names(
        row_authors(paper, max(14, room)), marks.watched_authors, styles.watch
    ).stylize_before(styles.authors)
    if authors.cell_length > max(14, room):
        authors = authors.truncate(max(14, room), ellipsis=True)
    meta = Content("").join([*marks_part, authors, tail_content])
    lines.append(blank + meta.truncate(inner, ellipsis=True, pad=True))
    return [line.truncate(width, pad=True) for line in lines]


def heading_content(kind: Kind, count: int, width: int, styles: RowStyles) -> Content:
    """A section's heading: arXiv's words for it and how many papers it has, then a rule."""
    label = f" {SECTION_TITLES[kind]} ({count:,}) "
    rule = max(0, width - cell_len(label) - 1)
    line = Content.assemble(
        ("─", styles.gutter), (label, styles.label), ("─" * rule, styles.gutter)
    )
    return line.truncate(width, ellipsis=True, pad=True)
