"""Tagging papers, one way for the triage screen and the library: ``#`` opens the tag dialog on
the papers a screen names, the edit chosen is shown at once and written behind, and a
``TagStep`` lets ``u`` take it back without touching a tag another reader gave or took meanwhile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import App

from tui.app.services.flag_keeper import FlagKeeper
from tui.core.tags import TagEdit, Tags, edit_between, format_tags, known_tags
from tui.core.words import count_papers

if TYPE_CHECKING:
    from tui.app.dialogs.tags import TagsScreen


@dataclass(frozen=True, slots=True)
class TagStep:
    """Tags added and taken away on some papers (one edit, the same for each)."""

    label: str
    previous: dict[str, Tags]
    """Paper id -> its tags before the step, as the screen had them."""
    edit: TagEdit
    written: Future[dict[str, Tags]] | None = None
    """Done once the step is on disk, with each paper's tags just before it as the store held
    them (another reader's included)."""

    def undo_edits(self) -> dict[str, TagEdit]:
        """Each paper's edit that takes the step back: the tags it gave that the paper did not
        have are taken away, those it took away are given back. Only those: a tag another
        reader gave or took meanwhile stays as it is."""
        previous: dict[str, Tags] = dict(self.previous)
        if self.written is not None and self.written.done():
            previous.update(self.written.result())
        edits = {}
        for paper_id, before in previous.items():
            back = edit_between(self.edit.apply(before), before)
            if back:
                edits[paper_id] = back
        return edits


def undo_tags(flags: FlagKeeper, step: TagStep) -> list[str]:
    """Take ``step`` back (written behind, like any tag change); the papers it changes."""
    edits = step.undo_edits()
    by_edit: dict[TagEdit, list[str]] = {}
    for paper_id, edit in edits.items():
        by_edit.setdefault(edit, []).append(paper_id)
    for edit, ids in by_edit.items():
        flags.edit_tags(ids, edit)
    return list(edits)


def ask_for_tags(
    app: App[object],
    flags: FlagKeeper,
    ids: Sequence[str],
    *,
    title: str | None,
    done: Callable[[TagStep], None],
) -> None:
    """The tag dialog on the papers ``ids`` (``title``: the one paper's, if known). An edit
    chosen is applied at once and said; ``done`` gets its undo step (to keep, and to repaint)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    what = ids[0] if len(ids) == 1 else count_papers(len(ids))
    having = Counter(tag for paper_id in ids for tag in flags.get(paper_id).tags)

    def closed(edit: TagEdit | None) -> None:
        if not edit:
            return
        previous = {paper_id: flags.get(paper_id).tags for paper_id in ids}
        written = flags.edit_tags(ids, edit)
        step = TagStep(f"tags {edit.describe()} on {what}", previous, edit, written)
        done(step)
        parts = []
        if edit.add:
            parts.append("tagged " + format_tags(edit.add))
        if edit.remove:
            parts.append("took away " + format_tags(edit.remove))
        said = " and ".join(parts)
        app.notify(f"{what}: {said}. u undoes it.", timeout=4)

    app.push_screen(
        _tags_screen()(
            what=what,
            papers=len(ids),
            current=having,
            known=known_tags(flags.tagged()),
            title=title if len(ids) == 1 else None,
        ),
        closed,
    )


def _tags_screen() -> type[TagsScreen]:
    """The dialog's class, imported when first asked for (off the start-up path)."""
    from tui.app.dialogs.tags import TagsScreen

    return TagsScreen
