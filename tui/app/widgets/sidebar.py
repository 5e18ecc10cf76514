"""The left column: followed categories (each on or off), keyword profiles (one active or none)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui.core.follow import KeywordProfile

ACTIVE_MARK = "●"
INACTIVE_MARK = "○"
WATCHED_LABEL = "◆ Watched"


def _count(value: int | None) -> Content:
    return Content.styled("…" if value is None else str(value), "$text-muted")


def category_prompt(category: str, count: int | None, enabled: bool = True) -> Content:
    """A category and its count; one turned off is struck through and says "off" (not only a
    colour: readable without colours, on a monochrome terminal, by a colour-blind reader)."""
    if not enabled:
        return Content.assemble(Content.styled(category, "strike $text-muted"), " ", "off")
    return Content.assemble(category, " ", _count(count))


def profile_prompt(name: str, count: int | None, active: bool) -> Content:
    mark = Content.styled(ACTIVE_MARK, "$text-accent") if active else Content(INACTIVE_MARK)
    label = Content.styled(name, "bold") if active else Content(name)
    return Content.assemble(mark, " ", label, " ", _count(count))


def watched_prompt(count: int | None, active: bool) -> Content:
    mark = Content.styled(ACTIVE_MARK, "$text-accent") if active else Content(INACTIVE_MARK)
    label = Content.styled(WATCHED_LABEL, "bold") if active else Content(WATCHED_LABEL)
    return Content.assemble(mark, " ", label, " ", _count(count))


class CategoryList(SelectionList[str]):
    """Enter toggles too (SelectionList only binds space)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Toggle", show=False)]


class ProfileList(OptionList):
    pass


class WatchedList(OptionList):
    """One entry: show only the papers of the watch list (Enter toggles)."""


class Sidebar(VerticalScroll, can_focus=False):
    @dataclass
    class CategoriesChanged(Message):
        """The categories turned on changed."""

        enabled: frozenset[str]

    @dataclass
    class ProfileChosen(Message):
        """A keyword profile was chosen."""

        name: str | None
        """The active profile, or None for no keyword filter."""

    @dataclass
    class WatchedToggled(Message):
        """The user chose the "Watched" entry: show only watched papers, or all again."""

    def __init__(
        self,
        categories: Sequence[str],
        profiles: Sequence[KeywordProfile],
        *,
        active_profile: str | None = None,
        enabled: Iterable[str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._categories = tuple(categories)
        self._profiles = tuple(profiles)
        self._active_profile = active_profile
        self._category_counts: Mapping[str, int] | None = None
        self._profile_counts: Mapping[str, int] | None = None
        self._enabled = frozenset(self._categories) if enabled is None else frozenset(enabled)
        self._watched: tuple[int | None, bool] = (None, False)

    @property
    def enabled_categories(self) -> frozenset[str]:
        return self._enabled

    @property
    def active_profile(self) -> str | None:
        return self._active_profile

    def compose(self) -> ComposeResult:
        yield Label("Categories", classes="sidebar-heading")
        yield CategoryList(
            *(
                Selection(
                    category_prompt(c, None, c in self._enabled),
                    c,
                    c in self._enabled,
                    id=f"category-{i}",
                )
                for i, c in enumerate(self._categories)
            ),
            id="categories",
        )
        yield Label("Keywords", classes="sidebar-heading")
        yield ProfileList(
            *(
                Option(
                    profile_prompt(p.name, None, p.name == self._active_profile), id=f"profile-{i}"
                )
                for i, p in enumerate(self._profiles)
            ),
            id="profiles",
        )
        heading = Label("Watch list", classes="sidebar-heading", id="watch-heading")
        watched = WatchedList(Option(watched_prompt(None, False), id="watched"), id="watched")
        heading.display = watched.display = False  # until something is watched
        yield heading
        yield watched
        rules_heading = Label("Rules", classes="sidebar-heading", id="rules-heading")
        cleared = Label("", id="cleared", markup=False)
        rules_heading.display = cleared.display = False  # until a rule clears something
        yield rules_heading
        yield cleared

    def show_cleared(self, count: int | None, *, active: bool, visible: bool) -> None:
        """How many papers of the day the kill rules cleared (None while counting), whether
        they are what the list shows (K), and whether there are rules at all."""
        self.query_one("#rules-heading").display = visible
        line = self.query_one("#cleared", Label)
        line.display = visible
        mark = ACTIVE_MARK if active else INACTIVE_MARK
        number = "…" if count is None else f"{count:,}"
        line.update(Content(f"{mark} {number} cleared by rules (K)"))

    def show_watched(self, count: int | None, *, active: bool, visible: bool) -> None:
        """The "Watched" entry: its count (None while counting), whether it filters, and
        whether it is shown at all (not while nothing is watched)."""
        self.query_one("#watch-heading").display = visible
        watched = self.query_one(WatchedList)
        watched.display = visible
        if (count, active) != self._watched:
            self._watched = (count, active)
            watched.replace_option_prompt_at_index(0, watched_prompt(count, active))

    def show_counts(
        self, category_counts: Mapping[str, int] | None, profile_counts: Mapping[str, int] | None
    ) -> None:
        """The papers per category and per profile; None while they are being counted."""
        if category_counts != self._category_counts:
            self._category_counts = None if category_counts is None else dict(category_counts)
            self._render_categories()
        if profile_counts != self._profile_counts:
            self._profile_counts = None if profile_counts is None else dict(profile_counts)
            self._render_profiles()

    def _render_categories(self) -> None:
        categories = self.query_one(CategoryList)
        counts = self._category_counts
        for i, category in enumerate(self._categories):
            count = None if counts is None else counts.get(category, 0)
            prompt = category_prompt(category, count, category in self._enabled)
            categories.replace_option_prompt_at_index(i, prompt)

    def _render_profiles(self) -> None:
        profiles = self.query_one(ProfileList)
        for i, profile in enumerate(self._profiles):
            profiles.replace_option_prompt_at_index(
                i,
                profile_prompt(
                    profile.name,
                    None
                    if self._profile_counts is None
                    else self._profile_counts.get(profile.name, 0),
                    profile.name == self._active_profile,
                ),
            )

    def choose_profile(self, name: str | None) -> None:
        """Make ``name`` the active profile (None: no keyword filter)."""
        if name == self._active_profile:
            return
        self._active_profile = name
        self._render_profiles()
        self.post_message(self.ProfileChosen(name))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        enabled = frozenset(event.selection_list.selected)
        if enabled != self._enabled:
            self._enabled = enabled
            self._render_categories()
            self.post_message(self.CategoriesChanged(enabled))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, WatchedList):
            event.stop()
            self.post_message(self.WatchedToggled())
            return
        if not isinstance(event.option_list, ProfileList):
            return
        event.stop()
        name = self._profiles[event.option_index].name
        self.choose_profile(None if name == self._active_profile else name)
