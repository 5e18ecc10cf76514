"""The left column: followed categories (each on or off), keyword profiles and saved searches
(one of them active, or none)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
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


class SearchList(OptionList):
    """The saved searches, chosen like the keyword profiles; Delete asks to remove one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "remove_search", "Remove", show=False)
    ]

    @dataclass
    class RemoveAsked(Message):
        index: int

    def action_remove_search(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.RemoveAsked(self.highlighted))


def tag_prompt(name: str, count: int, active: bool) -> Content:
    """A tag (or collection) of the papers shown and how many have it; the one filtering the
    list is marked."""
    mark = Content.styled(ACTIVE_MARK, "$text-accent") if active else Content(INACTIVE_MARK)
    label = "#" + name
    shown = Content.styled(label, "bold") if active else Content(label)
    return Content.assemble(mark, " ", shown, " ", _count(count))


class TagList(OptionList):
    """The tags of the papers shown: Enter shows only the papers with that one (again: all)."""


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
    class SearchRemoveAsked(Message):
        """Delete on a saved search: take it out of the settings (the screen asks first)."""

        profile: KeywordProfile

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
        self._profiles = tuple(p for p in profiles if not p.query)
        self._searches = tuple(p for p in profiles if p.query)
        self._active_profile = active_profile
        self._category_counts: Mapping[str, int] | None = None
        self._profile_counts: Mapping[str, int] | None = None
        self._enabled = frozenset(self._categories) if enabled is None else frozenset(enabled)
        self._watched: tuple[int | None, bool] = (None, False)
        self._count_lines: dict[str, str] = {}
        """The text each one-line section shows (Rules, Recommended): updated only on a change."""
        self._tags: tuple[dict[str, int], str | None] = ({}, None)
        """The Tags section as shown: tag -> papers, the tag filtering the list."""

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
        searches_heading = Label("Searches", classes="sidebar-heading", id="searches-heading")
        searches = SearchList(*self._search_options(), id="searches")
        searches_heading.display = searches.display = bool(self._searches)
        yield searches_heading
        yield searches
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
        heading = Label("Recommended", classes="sidebar-heading", id="recommended-heading")
        recommended = Label("", id="recommended", markup=False)
        heading.display = recommended.display = False  # until a model has learnt something
        yield heading
        yield recommended
        tags_heading = Label("Tags", classes="sidebar-heading", id="tags-heading")
        tags = TagList(id="tags")
        tags_heading.display = tags.display = False  # until a paper shown is tagged
        yield tags_heading
        yield tags

    @dataclass
    class TagChosen(Message):
        """A tag was chosen in the Tags section: show only its papers (None: all again)."""

        name: str | None

    def show_tags(self, counts: Mapping[str, int], active: str | None) -> None:
        """The Tags section: the tags (and collections) of the papers, with how many have each,
        and the one filtering the list (listed even when no paper has it any more). Hidden
        while no paper is tagged and no tag filters."""
        entries = dict(counts)
        if active is not None:
            entries.setdefault(active, 0)
        if (entries, active) == self._tags:
            return
        self._tags = (entries, active)
        widget = self.query_one(TagList)
        highlighted = widget.highlighted
        widget.set_options(
            Option(tag_prompt(name, count, name == active), id=f"tag-{i}")
            for i, (name, count) in enumerate(entries.items())
        )
        if highlighted is not None and entries:
            widget.highlighted = min(highlighted, len(entries) - 1)
        self.query_one("#tags-heading").display = widget.display = bool(entries)

    @on(OptionList.OptionSelected, "#tags")
    def tag_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entries, active = self._tags
        name = list(entries)[event.option_index]
        self.post_message(self.TagChosen(None if name == active else name))

    def show_cleared(self, count: int | None, *, active: bool, visible: bool) -> None:
        """How many papers of the day the kill rules cleared (None while counting), whether
        they are what the list shows (K), and whether there are rules at all."""
        self._show_count_line("rules", "cleared", count, "cleared by rules (K)", active, visible)

    def show_recommended(
        self, count: int | None, threshold: float, *, active: bool, visible: bool
    ) -> None:
        """How many papers shown the model recommends (None while counting) at ``threshold``,
        whether they are what the list shows (P), and whether there is a model at all."""
        what = f"at ≥ {threshold:.2f} (P, +/−)"
        self._show_count_line("recommended", "recommended", count, what, active, visible)

    def _show_count_line(
        self, section: str, line_id: str, count: int | None, what: str, active: bool, visible: bool
    ) -> None:
        """A section of one line, "● N what": shown or not, its count (… while counting)."""
        self.query_one(f"#{section}-heading").display = visible
        line = self.query_one(f"#{line_id}", Label)
        line.display = visible
        mark = ACTIVE_MARK if active else INACTIVE_MARK
        number = "…" if count is None else f"{count:,}"
        text = f"{mark} {number} {what}"
        if self._count_lines.get(line_id) != text:  # an update lays the whole screen out again
            self._count_lines[line_id] = text
            line.update(Content(text))

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
        for widget, profiles in (
            (self.query_one(ProfileList), self._profiles),
            (self.query_one(SearchList), self._searches),
        ):
            for i, profile in enumerate(profiles):
                widget.replace_option_prompt_at_index(i, self._profile_prompt(profile))

    def _profile_prompt(self, profile: KeywordProfile) -> Content:
        counts = self._profile_counts
        count = None if counts is None else counts.get(profile.name, 0)
        return profile_prompt(profile.name, count, profile.name == self._active_profile)

    def _search_options(self) -> list[Option]:
        return [
            Option(self._profile_prompt(p), id=f"search-{i}") for i, p in enumerate(self._searches)
        ]

    def set_searches(self, searches: Sequence[KeywordProfile]) -> None:
        """The saved searches changed (one saved or removed): list these (counts follow)."""
        self._searches = tuple(searches)
        widget = self.query_one(SearchList)
        highlighted = widget.highlighted
        widget.clear_options()
        widget.add_options(self._search_options())
        if highlighted is not None and self._searches:
            widget.highlighted = min(highlighted, len(self._searches) - 1)
        self.query_one("#searches-heading").display = widget.display = bool(self._searches)

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
        if isinstance(event.option_list, SearchList):
            profiles = self._searches
        elif isinstance(event.option_list, ProfileList):
            profiles = self._profiles
        else:
            return
        event.stop()
        name = profiles[event.option_index].name
        self.choose_profile(None if name == self._active_profile else name)

    def on_search_list_remove_asked(self, event: SearchList.RemoveAsked) -> None:
        event.stop()
        self.post_message(self.SearchRemoveAsked(self._searches[event.index]))
