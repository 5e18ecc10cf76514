"""Export the papers shown: a small dialog to pick the format and the file, then a worker writes it.

The file is written atomically (a temporary file renamed over the target) on a worker thread;
a notification names the path, or says why it could not be written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from textual import on
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.adapters.atomic import atomic_write_bytes, describe_error
from tui.app.dialogs.dialog import Dialog
from tui.core.export import export_json, export_markdown, to_bibtex
from tui.core.filters import Match, search_fold
from tui.core.words import count_papers

ExportFormat = Literal["markdown", "bibtex", "json"]


@dataclass(frozen=True, slots=True)
class FormatChoice:
    format: ExportFormat
    label: str
    extension: str


FORMATS: tuple[FormatChoice, ...] = (
    FormatChoice("markdown", "Markdown", ".md"),
    FormatChoice("bibtex", "BibTeX", ".bib"),
    FormatChoice("json", "JSON", ".json"),
)
_EXTENSIONS = frozenset(choice.extension for choice in FORMATS)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: ExportFormat
    path: Path


def file_stem(*parts: str) -> str:
    """A file name (no extension) from words: ``("2025-04-09", "Diffusion")`` ->
    ``2025-04-09-diffusion``; ASCII, lowercase, dashes, at most 60 characters."""
    words: list[str] = []
    for part in parts:
        slug = re.sub(r"[^a-z0-9.]+", "-", search_fold(part)).strip("-.")
        if slug:
            words.append(slug)
    return "-".join(words)[:60].rstrip("-.") or "papers"


def export_text(matches: Sequence[Match], export_format: ExportFormat, title: str) -> str:
    if export_format == "bibtex":
        return to_bibtex([match.paper for match in matches])
    if export_format == "json":
        return export_json(matches, title)
    return export_markdown(title, matches)


def write_export(
    app: App[Any], request: ExportRequest, matches: Sequence[Match], title: str
) -> None:
    """Build and write the file on a worker thread; a notification says where, or why not."""

    def work() -> None:
        try:
            text = export_text(matches, request.format, title)
            request.path.parent.mkdir(parents=True, exist_ok=True)
            replaced = request.path.exists()
            atomic_write_bytes(request.path, text.encode("utf-8"))
        except Exception as error:
            app.notify(
                f"{request.path}: {describe_error(error)}",
                title="Could not export",
                severity="error",
                timeout=10,
            )
            return
        label = next(c.label for c in FORMATS if c.format == request.format)
        again = " (replaced the earlier file)" if replaced else ""
        app.notify(
            f"{count_papers(len(matches))} as {label} in {request.path}{again}",
            title="Exported",
            timeout=8,
        )

    app.run_worker(work, name="export", group="export", thread=True, exit_on_error=False)


class ExportScreen(Dialog[ExportRequest]):
    """Pick a format (the list) and the file (the field); Enter writes, Escape cancels."""

    DEFAULT_CSS = """
    ExportScreen {
        & #export-what { margin-bottom: 1; }
        & #export-format { margin-bottom: 1; }
    }
    """

    FRAME_ID = "export"
    DIALOG_TITLE = "Export"
    DIALOG_HINT = "Enter writes · Tab: the file · Esc cancels"

    def __init__(
        self,
        what: str,
        *,
        directory: Path,
        stem: str,
        initial: ExportFormat = "markdown",
    ) -> None:
        super().__init__()
        self.what = what
        self.directory = directory
        self.stem = stem
        self.choice = next(c for c in FORMATS if c.format == initial)

    def compose_content(self) -> ComposeResult:
        yield Static(Content(self.what), id="export-what")
        yield OptionList(
            *(
                Option(Content(f"{choice.label}  ({choice.extension})"), id=choice.format)
                for choice in FORMATS
            ),
            id="export-format",
        )
        yield Input(str(self.default_path()), id="export-path", select_on_focus=False)

    def on_mount(self) -> None:
        formats = self.query_one("#export-format", OptionList)
        formats.highlighted = FORMATS.index(self.choice)
        formats.focus()

    def default_path(self) -> Path:
        return self.directory / (self.stem + self.choice.extension)

    @property
    def path_field(self) -> Input:
        return self.query_one("#export-path", Input)

    @on(OptionList.OptionHighlighted, "#export-format")
    def format_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        choice = next(c for c in FORMATS if c.format == event.option.id)
        if choice == self.choice:
            return
        self.choice = choice
        field = self.path_field
        typed = Path(field.value.strip()) if field.value.strip() else self.default_path()
        if typed.suffix in _EXTENSIONS:
            typed = typed.with_suffix(choice.extension)
        field.value = str(typed)

    @on(OptionList.OptionSelected, "#export-format")
    def format_chosen(self) -> None:
        self._finish()

    @on(Input.Submitted, "#export-path")
    def path_submitted(self) -> None:
        self._finish()

    def _finish(self) -> None:
        text = self.path_field.value.strip()
        if not text:
            self.notify("Say which file to write.", severity="warning", timeout=3)
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.directory / path
        self.dismiss(ExportRequest(self.choice.format, path))
