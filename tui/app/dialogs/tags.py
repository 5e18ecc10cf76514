"""Tag papers (``#``): type names to add (``-name`` takes one away), or go down the list of the
papers' tags and the other tags in use to turn them on or off. Nothing changes until Enter;
Escape leaves the tags as they were.

The dialog only edits: it dismisses with the ``TagEdit`` chosen (the same for every paper it was
opened on), and the screen applies it (shown at once, written behind, one ``u`` takes it back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.dialogs.dialog import Dialog
from tui.app.widgets.paper_row import readable, safe_text
from tui.core.tags import TAG_MARK, TagEdit, TagError, parse_tags, sorted_tags
from tui.core.words import count_papers

ON_MARK = "☑"
SOME_MARK = "◐"
OFF_MARK = "☐"
INPUT_LENGTH = 400
LISTED = 200
"""Tags in use listed at most (those of the papers always are); typing narrows the list."""

Draft = Literal["add", "remove"]


class LastNameSuggester(Suggester):
    """Completes the name being typed (the last one) from the tags in use: → takes it."""

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = tuple(known)

    async def get_suggestion(self, value: str) -> str | None:
        start = max(value.rfind(" "), value.rfind(","), value.rfind("\t")) + 1
        typed = value[start:].lstrip("-").removeprefix(TAG_MARK)
        if not typed:
            return None
        folded = typed.lower()
        for tag in self.known:
            if tag.startswith(folded) and tag != folded:
                return value + tag[len(folded) :]
        return None


class TagInput(Input):
    """↓ goes down to the list of tags."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.focus_list", "Tags", show=False)
    ]


class TagOptions(OptionList):
    """Space (or a click) turns the highlighted tag on or off; Enter saves; ↑ from the top goes
    back to the names typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "screen.toggle_highlighted", "Turn on or off", show=False),
        Binding("delete,backspace", "screen.remove_highlighted", "Take away", show=False),
        Binding("enter", "screen.save", "Save", show=False),
    ]

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.screen.query_one(TagInput).focus()
            return
        super().action_cursor_up()


class TagsScreen(Dialog[TagEdit]):
    """Dismisses with the edit chosen (tags to add, tags to take away), or None when nothing
    was changed or the dialog was left."""

    DEFAULT_CSS = """
    TagsScreen {
        & #tags-paper { margin-bottom: 1; color: $text-muted; }
        & #tags-problem { height: auto; color: $text-muted; }
        & #tags-problem.-bad { color: $text-warning; }
        & #tags-list { max-height: 12; margin-top: 1; }
    }
    """

    FRAME_ID = "tags"
    DIALOG_HINT = (
        "Enter saves: adds the names typed (-name takes one away) · → completes a name · "
        "↓ the list: Space turns a tag on or off · Esc leaves the tags as they were"
    )

    def __init__(
        self,
        *,
        what: str,
        papers: int,
        current: Mapping[str, int],
        known: Sequence[str],
        title: str | None = None,
    ) -> None:
        """``what``: the papers named for the title (an id, "3 papers"); ``papers``: how many;
        ``current``: each tag they have, with how many of them have it; ``known``: every tag
        in use; ``title``: one paper's title (its metadata may not be known)."""
        super().__init__()
        self.what = what
        self.papers = papers
        self.current = dict(current)
        self.known = sorted_tags([*known, *current])
        self.title = title
        self.draft: dict[str, Draft] = {}
        """Tags turned on or off in the list, not yet saved."""
        self._listed: list[str] = []

    @property
    def dialog_title(self) -> str:
        return "Tags of " + safe_text(self.what)

    def compose_content(self) -> ComposeResult:
        if self.title is not None:
            yield Static(Content(readable(self.title)), id="tags-paper")
        yield TagInput(
            placeholder="Names to add: thesis ml/diffusion (-name takes one away)",
            max_length=INPUT_LENGTH,
            suggester=LastNameSuggester(self.known),
            id="tags-input",
        )
        yield Static("", id="tags-problem", markup=False)
        yield TagOptions(id="tags-list")

    def on_mount(self) -> None:
        self._list_tags("")
        self._say(self._summary())
        self.query_one(TagInput).focus()

    # ----------------------------------------------------------------- the list

    def state(self, tag: str) -> tuple[int, bool]:
        """How many of the papers will have ``tag`` as the list stands, and whether that is
        a change."""
        draft = self.draft.get(tag)
        if draft == "add":
            return self.papers, self.current.get(tag, 0) != self.papers
        if draft == "remove":
            return 0, self.current.get(tag, 0) != 0
        return self.current.get(tag, 0), False

    def _prompt(self, tag: str) -> Content:
        having, changed = self.state(tag)
        if having == self.papers:
            mark = ON_MARK
        elif having:
            mark = SOME_MARK
        else:
            mark = OFF_MARK
        parts: list[Content | str | tuple[str, str]] = [
            (mark, "$text-accent" if having else "$text-muted"),
            " ",
            Content.styled(TAG_MARK + safe_text(tag), "bold" if having else ""),
        ]
        if 0 < having < self.papers:
            parts.append((f"  on {having} of {self.papers}", "$text-muted"))
        if changed:
            parts.append(("  (changed)", "$text-warning"))
        return Content.assemble(*parts)

    def _list_tags(self, typed: str) -> None:
        """The papers' tags first, then the others in use, narrowed to those containing the
        name being typed."""
        words = typed.replace(",", " ").split()
        last = words[-1].lstrip("-").removeprefix(TAG_MARK).lower() if words else ""
        theirs = [tag for tag in sorted(self.current) if last in tag]
        others = [t for t in self.known if t not in self.current and last in t][:LISTED]
        drafted = [t for t in sorted(self.draft) if t not in self.current and t not in others]
        self._listed = theirs + drafted + others
        options = self.query_one(TagOptions)
        highlighted = options.highlighted
        options.set_options(
            Option(self._prompt(tag), id=f"tag-{index}") for index, tag in enumerate(self._listed)
        )
        options.display = bool(self._listed)
        if self._listed:
            options.highlighted = min(highlighted or 0, len(self._listed) - 1)

    def _toggle(self, tag: str, *, off: bool = False) -> None:
        having, _ = self.state(tag)
        if off or having == self.papers:
            wanted: Draft = "remove"
        else:
            wanted = "add"
        original = self.current.get(tag, 0)
        if (wanted == "remove" and original == 0) or (wanted == "add" and original == self.papers):
            self.draft.pop(tag, None)
        elif self.draft.get(tag) == "remove" and wanted == "add" and 0 < original < self.papers:
            # A tag some of the papers have cycles: all of them, none, then back as it was.
            self.draft.pop(tag, None)
        else:
            self.draft[tag] = wanted
        options = self.query_one(TagOptions)
        index = self._listed.index(tag)
        options.replace_option_prompt_at_index(index, self._prompt(tag))
        self._say(self._summary())

    def _highlighted_tag(self) -> str | None:
        index = self.query_one(TagOptions).highlighted
        return None if index is None or index >= len(self._listed) else self._listed[index]

    def action_focus_list(self) -> None:
        options = self.query_one(TagOptions)
        if self._listed:
            options.focus()

    def action_toggle_highlighted(self) -> None:
        tag = self._highlighted_tag()
        if tag is not None:
            self._toggle(tag)

    def action_remove_highlighted(self) -> None:
        tag = self._highlighted_tag()
        if tag is not None:
            self._toggle(tag, off=True)

    @on(OptionList.OptionSelected, "#tags-list")
    def clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._toggle(self._listed[event.option_index])

    # ----------------------------------------------------------------- typing and saving

    def _say(self, text: str, *, bad: bool = False) -> None:
        line = self.query_one("#tags-problem", Static)
        line.update(Content(text))
        line.set_class(bad, "-bad")

    def _summary(self, typed: TagEdit | None = None) -> str:
        """What Enter will do, in a line."""
        edit = self.edit(typed)
        if not edit:
            return "No tags yet: type a name." if not self.current else ""
        papers = "the paper" if self.papers == 1 else count_papers(self.papers)
        return f"Enter: {edit.describe()} on {papers}."

    def edit(self, typed: TagEdit | None = None) -> TagEdit:
        """The list's changes and the names typed, as one edit: only what changes a paper (a
        tag all of them have is not added again)."""
        typed = typed or TagEdit()
        add = {t for t, d in self.draft.items() if d == "add"} | set(typed.add)
        remove = {t for t, d in self.draft.items() if d == "remove"} | set(typed.remove)
        current = self.current
        return TagEdit(
            add=sorted_tags(t for t in add if current.get(t, 0) < self.papers),
            remove=sorted_tags(t for t in remove - add if current.get(t, 0) > 0),
        )

    def _typed(self, value: str) -> TagEdit:
        add, remove = parse_tags(value)
        return TagEdit(add=add, remove=remove)

    @on(Input.Changed, "#tags-input")
    def typed_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._list_tags(event.value)
        try:
            typed = self._typed(event.value)
        except TagError as error:
            self._say(str(error), bad=True)
            return
        self._say(self._summary(typed))

    @on(Input.Submitted, "#tags-input")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        try:
            typed = self._typed(self.query_one(TagInput).value)
        except TagError as error:
            self._say(str(error), bad=True)
            return
        edit = self.edit(typed)
        self.dismiss(edit if edit else None)
