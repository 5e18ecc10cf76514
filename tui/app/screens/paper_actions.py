"""What every screen listing papers does with them, one way: copy an id, a link, a PDF link or
BibTeX; open the abstract page; write a note; export; show the keys.

The triage screen and the library each say which papers an action applies to (the triage
screen: its selection or the highlighted paper; the library: the highlighted entry) and call
these; the wording, the clipboard and the dialogs are the same in both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Literal, Protocol

from textual.app import App

from tui.app.commands import TRIAGE_COMMANDS, Command, help_entries
from tui.app.services.clipboard import Clipboard
from tui.app.services.flag_keeper import FlagKeeper
from tui.core.filters import Match
from tui.core.paper import Paper
from tui.paths import exports_dir

if TYPE_CHECKING:
    from tui.app.dialogs.export import ExportRequest

# The dialogs and the export formats are imported when first asked for: a start-up that shows
# a day does not pay for them.

MAX_OPENED = 10
"""Pages or PDFs opened at once for a selection; more is almost always a slip."""

Link = Literal["id", "abs", "pdf"]


class Linkable(Protocol):
    """A paper as the list knows it: its id and links, with or without its metadata."""

    @property
    def id(self) -> str: ...

    @property
    def abs_url(self) -> str: ...

    @property
    def pdf_url(self) -> str: ...


_TEXT: dict[Link, Callable[[Linkable], str]] = {
    "id": lambda item: item.id,
    "abs": lambda item: item.abs_url,
    "pdf": lambda item: item.pdf_url,
}
_ONE: dict[Link, Callable[[Linkable], str]] = {
    "id": lambda item: item.id,
    "abs": lambda item: "link " + item.abs_url,
    "pdf": lambda item: "PDF link " + item.pdf_url,
}
_MANY: dict[Link, str] = {"id": "IDs", "abs": "links", "pdf": "PDF links"}


class PaperActions:
    def __init__(self, app: App[object], flags: FlagKeeper, open_page: Callable[[str], None]):
        self.app = app
        self.flags = flags
        self._open_page = open_page

    def copy(self, items: Sequence[Linkable], link: Link, *, as_list: bool = False) -> None:
        """One item's id or link, said by name; several (or ``as_list``: a selection of one),
        one per line, said by count."""
        if len(items) == 1 and not as_list:
            Clipboard(self.app).copy(_TEXT[link](items[0]), _ONE[link](items[0]))
        elif items:
            text = "\n".join(_TEXT[link](item) for item in items)
            Clipboard(self.app).copy(text, f"{len(items)} {_MANY[link]}")

    def copy_bibtex(self, papers: Sequence[Paper], *, as_list: bool = False) -> None:
        from tui.core.export import to_bibtex

        if len(papers) == 1 and not as_list:
            Clipboard(self.app).copy(to_bibtex([papers[0]]), "BibTeX of " + papers[0].id)
        elif papers:
            Clipboard(self.app).copy(to_bibtex(list(papers)), f"{len(papers)} BibTeX entries")

    def open_pages(self, items: Sequence[Linkable]) -> None:
        """Each item's abstract page in the browser (at most MAX_OPENED, said if more)."""
        if len(items) > MAX_OPENED:
            self.app.notify(
                f"Opening the first {MAX_OPENED} of {len(items)} selected pages.",
                severity="warning",
                timeout=4,
            )
        for item in items[:MAX_OPENED]:
            self._open_page(item.abs_url)

    def edit_note(
        self,
        paper_id: str,
        paper: Paper | None,
        saved: Callable[[str], None] | None = None,
        *,
        changed: Callable[[str, str], None] | None = None,
    ) -> None:
        """The note dialog on the paper's note; a change is kept (never over a note another
        reader wrote meanwhile) and said; ``saved`` hears of it (to repaint), ``changed`` gets
        the note before and after (to undo it)."""
        flags = self.flags
        was = flags.get(paper_id).note

        def closed(note: str | None) -> None:
            if note is not None and note != flags.get(paper_id).note:
                flags.set_note(paper_id, note, was=was)
                if saved is not None:
                    saved(paper_id)
                if changed is not None:
                    changed(was, note)
                undo = " u undoes it." if changed is not None else ""
                self.app.notify(
                    (f"Note on {paper_id} saved." if note else f"Note on {paper_id} removed.")
                    + undo,
                    timeout=3,
                )

        from tui.app.dialogs.note import NoteScreen

        self.app.push_screen(NoteScreen(paper_id, paper, was), closed)

    def export(self, matches: Sequence[Match], *, what: str, title: str, stem: str) -> None:
        """The export dialog for ``matches`` (described to the user as ``what``)."""
        from tui.app.dialogs.export import ExportScreen, write_export

        chosen = list(matches)

        def closed(request: ExportRequest | None) -> None:
            if request is not None:
                write_export(self.app, request, chosen, title)

        self.app.push_screen(ExportScreen(what, directory=exports_dir(), stem=stem), closed)

    def help(self, commands: Iterable[type[Command]] = TRIAGE_COMMANDS) -> None:
        """Every key of the screen, with the user's own bindings."""
        from tui.app.dialogs.help import HelpScreen

        overrides = getattr(self.app, "key_overrides", None)
        self.app.push_screen(HelpScreen(help_entries(overrides, commands)))
