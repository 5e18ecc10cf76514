"""The left column: followed categories (each on or off), keyword profiles (one active or none)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui.domain.follow import KeywordProfile

ACTIVE_MARK = "●"
INACTIVE_MARK = "○"


def _count(value: int | None) -> Content:
    return Content.styled("…" if value is None else str(value), "$text-muted")


def category_prompt(category: str, count: int | None) -> Content:
    return Content.assemble(category, " ", _count(count))


def profile_prompt(name: str, count: int | None, active: bool) -> Content:
    mark = Content.styled(ACTIVE_MARK, "$text-accent") if active else Content(INACTIVE_MARK)
    label = Content.styled(name, "bold") if active else Content(name)
    return Content.assemble(mark, " ", label, " ", _count(count))


class CategoryList(SelectionList[str]):
    """Enter toggles too (SelectionList only binds space)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Toggle", show=False)]


class ProfileList(OptionList):
    pass


class Sidebar(VerticalScroll, can_focus=False):
    class CategoriesChanged(Message):
        def __init__(self, enabled: frozenset[str]) -> None:
            super().__init__()
            self.enabled = enabled

    class ProfileChosen(Message):
        def __init__(self, name: str | None) -> None:
            super().__init__()
            self.name = name
            """The active profile, or None for no keyword filter."""

    def __init__(
        self,
        categories: Sequence[str],
        profiles: Sequence[KeywordProfile],
        *,
        active_profile: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._categories = tuple(categories)
        self._profiles = tuple(profiles)
        self._active_profile = active_profile
        self._category_counts: Mapping[str, int] | None = None
        self._profile_counts: Mapping[str, int] | None = None
        self._enabled = frozenset(self._categories)

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
                Selection(category_prompt(c, None), c, True, id=f"category-{i}")
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

    def show_counts(
        self, category_counts: Mapping[str, int] | None, profile_counts: Mapping[str, int] | None
    ) -> None:
        """The papers per category and per profile; None while they are being counted."""
        if category_counts != self._category_counts:
            self._category_counts = None if category_counts is None else dict(category_counts)
            categories = self.query_one(CategoryList)
            for i, category in enumerate(self._categories):
                count = None if category_counts is None else category_counts.get(category, 0)
                categories.replace_option_prompt_at_index(i, category_prompt(category, count))
        if profile_counts != self._profile_counts:
            self._profile_counts = None if profile_counts is None else dict(profile_counts)
            self._render_profiles()

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

    def toggle_category(self, category: str) -> None:
        self.query_one(CategoryList).toggle(category)

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
            self.post_message(self.CategoriesChanged(enabled))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if not isinstance(event.option_list, ProfileList):
            return
        event.stop()
        name = self._profiles[event.option_index].name
        self.choose_profile(None if name == self._active_profile else name)
