"""Every user action of the triage screen and the starred library, once: its keys, binding id,
palette title and help text.

The screens' BINDINGS, the command palette and the help screen are all built from these classes,
so a key shown in one place is the key that works in the others. An action both screens have
shares its binding id, so one ``[keys]`` setting rebinds it in both.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.keys import format_key

if TYPE_CHECKING:
    from tui.app.dialogs.help import HelpEntry

READING = "Reading"
FLAGS = "Flags"
COPY = "Copy and open"
DAYS = "Days"
FILTER = "Filter"
LIBRARY = "Library and export"
APP = "App"
SELECT = "Selection"
WATCH = "Watch list"
RECOMMEND = "Recommendations"
PDF = "PDFs"


class Command:
    """One user action. Subclasses set the class attributes; nothing is instantiated."""

    KEYS: ClassVar[str]
    """Textual key names, comma-separated (``"j,down"``)."""
    KEY_DISPLAY: ClassVar[str]
    """The keys as a person types them (``"j ↓"``)."""
    ACTION: ClassVar[str]
    """The screen action this runs (``toggle_star`` runs ``action_toggle_star``)."""
    TITLE: ClassVar[str]
    """Short: the footer and the command palette."""
    HELP: ClassVar[str]
    GROUP: ClassVar[str]
    FOOTER: ClassVar[bool] = False
    """Worth the room in the footer."""
    OWN_BINDING: ClassVar[bool] = True
    """False where a widget binds the keys itself (the paper list's cursor keys)."""
    IN_PALETTE: ClassVar[bool] = True

    @classmethod
    def binding_id(cls) -> str:
        return f"arxiv-daily.{cls.ACTION}"

    @classmethod
    def binding(cls) -> Binding:
        return Binding(
            cls.KEYS,
            cls.ACTION,
            cls.TITLE,
            show=cls.FOOTER,
            key_display=cls.KEY_DISPLAY,
            id=cls.binding_id(),
            tooltip=cls.HELP,
        )


# ---------------------------------------------------------------- the paper list's own keys


class CursorDown(Command):
    KEYS, KEY_DISPLAY, ACTION = "j,down", "j ↓", "cursor_down"
    TITLE, HELP, GROUP = "Next paper", "Move to the next paper", READING
    OWN_BINDING, IN_PALETTE = False, False


class CursorUp(Command):
    KEYS, KEY_DISPLAY, ACTION = "k,up", "k ↑", "cursor_up"
    TITLE, HELP, GROUP = "Previous paper", "Move to the previous paper", READING
    OWN_BINDING, IN_PALETTE = False, False


class FirstPaper(Command):
    KEYS, KEY_DISPLAY, ACTION = "g,home", "g Home", "first"
    TITLE, HELP, GROUP = "First paper", "Go to the first paper", READING
    OWN_BINDING, IN_PALETTE = False, False


class LastPaper(Command):
    KEYS, KEY_DISPLAY, ACTION = "G,end", "G End", "last"
    TITLE, HELP, GROUP = "Last paper", "Go to the last paper", READING
    OWN_BINDING, IN_PALETTE = False, False


class PageMove(Command):
    KEYS, KEY_DISPLAY, ACTION = "pageup,pagedown", "PgUp PgDn", "page"
    TITLE, HELP, GROUP = "Page", "Move a page up or down", READING
    OWN_BINDING, IN_PALETTE = False, False


class Expand(Command):
    KEYS, KEY_DISPLAY, ACTION = "enter,space", "Enter Space", "toggle_expand"
    TITLE, HELP, GROUP = (
        "Abstract",
        "Show or hide the abstract (showing it marks the paper read)",
        READING,
    )
    OWN_BINDING = False


# ---------------------------------------------------------------- the screen's keys


class NextUnread(Command):
    KEYS, KEY_DISPLAY, ACTION = "n", "n", "next_unread"
    TITLE, HELP, GROUP = "Next unread", "Go to the next unread paper", READING
    FOOTER = True


class ToggleStar(Command):
    KEYS, KEY_DISPLAY, ACTION = "s", "s", "toggle_star"
    TITLE, HELP, GROUP = "Star", "Star or unstar the paper", FLAGS
    FOOTER = True


class ToggleRead(Command):
    KEYS, KEY_DISPLAY, ACTION = "r", "r", "toggle_read"
    TITLE, HELP, GROUP = "Read", "Mark the paper read or unread", FLAGS
    FOOTER = True


class MarkReadAndNext(Command):
    KEYS, KEY_DISPLAY, ACTION = "m", "m", "mark_read_next"
    TITLE, HELP, GROUP = "Read, next", "Mark the paper read and go to the next one", FLAGS
    FOOTER = True


class MarkAllRead(Command):
    KEYS, KEY_DISPLAY, ACTION = "A", "A", "mark_all_read"
    TITLE, HELP, GROUP = "All read", "Mark every paper shown as read (u undoes it)", FLAGS


class Undo(Command):
    KEYS, KEY_DISPLAY, ACTION = "u", "u", "undo"
    TITLE, HELP, GROUP = (
        "Undo",
        "Undo the last star, read, mark-all or tag change (of one or many)",
        FLAGS,
    )


class EditTags(Command):
    KEYS, KEY_DISPLAY, ACTION = "number_sign", "#", "edit_tags"
    TITLE, HELP, GROUP = (
        "Tags",
        "Add or take away tags and collections (thesis/ch2) on the paper or the selection; "
        "/tag:NAME and the sidebar's Tags filter by them",
        FLAGS,
    )


class CopyId(Command):
    KEYS, KEY_DISPLAY, ACTION = "c", "c", "copy_id"
    TITLE, HELP, GROUP = "Copy ID", "Copy the arXiv ID", COPY


class CopyAbsLink(Command):
    KEYS, KEY_DISPLAY, ACTION = "y", "y", "copy_abs"
    TITLE, HELP, GROUP = "Copy link", "Copy the link to the abstract page", COPY


class CopyPdfLink(Command):
    KEYS, KEY_DISPLAY, ACTION = "Y", "Y", "copy_pdf"
    TITLE, HELP, GROUP = "Copy PDF link", "Copy the link to the PDF", COPY


class OpenInBrowser(Command):
    KEYS, KEY_DISPLAY, ACTION = "o", "o", "open_abs"
    TITLE, HELP, GROUP = "Open", "Open the abstract page in the browser", COPY


class CopyBibtex(Command):
    KEYS, KEY_DISPLAY, ACTION = "b", "b", "copy_bibtex"
    TITLE, HELP, GROUP = "Copy BibTeX", "Copy the paper's BibTeX entry", COPY


class PreviousDay(Command):
    KEYS, KEY_DISPLAY, ACTION = "left_square_bracket", "[", "previous_day"
    TITLE, HELP, GROUP = "Previous day", "Show the previous listing day", DAYS


class NextDay(Command):
    KEYS, KEY_DISPLAY, ACTION = "right_square_bracket", "]", "next_day"
    TITLE, HELP, GROUP = "Next day", "Show the next listing day", DAYS


class NewestDay(Command):
    KEYS, KEY_DISPLAY, ACTION = "t", "t", "newest_day"
    TITLE, HELP, GROUP = "Newest", "Show the newest listing", DAYS


class PickDate(Command):
    KEYS, KEY_DISPLAY, ACTION = "d", "d", "pick_date"
    TITLE, HELP, GROUP = "Date", "Choose a listing day", DAYS
    FOOTER = True


class Search(Command):
    KEYS, KEY_DISPLAY, ACTION = "slash", "/", "search"
    TITLE, HELP, GROUP = "Search", "Filter the papers as you type (Escape clears)", FILTER
    FOOTER = True


class StarredOnly(Command):
    KEYS, KEY_DISPLAY, ACTION = "f", "f", "starred_only"
    TITLE, HELP, GROUP = "Starred", "Show only starred papers, from every cached day", FILTER


class RankByStars(Command):
    KEYS, KEY_DISPLAY, ACTION = "R", "R", "toggle_ranking"
    TITLE, HELP, GROUP = (
        "Rank by my papers",
        "Order the day by the model learnt from your stars, library and skips, with each "
        "paper's relevance (again: the usual order)",
        RECOMMEND,
    )


class RecommendedOnly(Command):
    KEYS, KEY_DISPLAY, ACTION = "P", "P", "recommended_only"
    TITLE, HELP, GROUP = (
        "Recommended",
        "Only the papers at or above the threshold, best first (again: every paper)",
        RECOMMEND,
    )


class RaiseThreshold(Command):
    KEYS, KEY_DISPLAY, ACTION = "plus,equals_sign", "+", "raise_threshold"
    TITLE, HELP, GROUP = (
        "Raise threshold",
        "Recommend fewer papers: the relevance they need goes up by 0.05",
        RECOMMEND,
    )


class LowerThreshold(Command):
    KEYS, KEY_DISPLAY, ACTION = "minus", "-", "lower_threshold"
    TITLE, HELP, GROUP = (
        "Lower threshold",
        "Recommend more papers: the relevance they need goes down by 0.05",
        RECOMMEND,
    )


class MoreLikeThis(Command):
    KEYS, KEY_DISPLAY, ACTION = "M", "M", "more_like_this"
    TITLE, HELP, GROUP = (
        "More like this",
        "Order the day by likeness to the highlighted paper (Esc: back)",
        RECOMMEND,
    )


class Explain(Command):
    KEYS, KEY_DISPLAY, ACTION = "E", "E", "explain"
    TITLE, HELP, GROUP = (
        "Why these papers",
        "The words that pull papers up or down, for the model and for the highlighted paper",
        RECOMMEND,
    )


class ToggleSidebar(Command):
    KEYS, KEY_DISPLAY, ACTION = "backslash", "\\", "toggle_sidebar"
    TITLE, HELP, GROUP = "Sidebar", "Show or hide the categories and keywords", FILTER


class FocusSidebar(Command):
    KEYS, KEY_DISPLAY, ACTION = "tab", "Tab", "focus_next"
    TITLE, HELP, GROUP = (
        "Sidebar keys",
        "Move between the list and the sidebar; Enter toggles",
        FILTER,
    )
    OWN_BINDING, IN_PALETTE = False, False


class ClearFilter(Command):
    KEYS, KEY_DISPLAY, ACTION = "escape", "Esc", "clear"
    TITLE, HELP, GROUP = (
        "Clear",
        "Clear the search, else the selection, more like this, the tag filter, else leave "
        "the starred view",
        FILTER,
    )


class SaveSearch(Command):
    KEYS, KEY_DISPLAY, ACTION = "ctrl+s", "Ctrl+S", "save_search"
    TITLE, HELP, GROUP = (
        "Save search",
        "Name the search typed in / and keep it in the settings' [searches]: the sidebar lists "
        "it with its count, like a keyword profile",
        FILTER,
    )


class RemoveSearch(Command):
    KEYS, KEY_DISPLAY, ACTION = "delete", "Del", "remove_search"
    TITLE, HELP, GROUP = (
        "Remove saved search",
        "On a saved search in the sidebar: take it out of the settings (asks first; or delete "
        "its line under [searches] in the settings file)",
        FILTER,
    )
    OWN_BINDING, IN_PALETTE = False, False


# ---------------------------------------------------------------- power triage


class ToggleSelect(Command):
    KEYS, KEY_DISPLAY, ACTION = "v", "v", "toggle_select"
    TITLE, HELP, GROUP = (
        "Select",
        "Select or unselect the paper and move on (s, r, c, y, Y, o, D, O then act on the "
        "selection)",
        SELECT,
    )


class SelectAll(Command):
    KEYS, KEY_DISPLAY, ACTION = "V", "V", "select_all"
    TITLE, HELP, GROUP = "Select all", "Select every paper shown (again: unselect them)", SELECT


class WatchAuthor(Command):
    KEYS, KEY_DISPLAY, ACTION = "w", "w", "watch_author"
    TITLE, HELP, GROUP = (
        "Watch author",
        "Watch an author of the paper, or stop watching one (kept in the settings)",
        WATCH,
    )


class HideRead(Command):
    KEYS, KEY_DISPLAY, ACTION = "H", "H", "hide_read"
    TITLE, HELP, GROUP = (
        "Only unread",
        "Hide the papers already read (again: show them); the date bar counts them",
        FILTER,
    )


class HideSeenBefore(Command):
    KEYS, KEY_DISPLAY, ACTION = "B", "B", "hide_seen"
    TITLE, HELP, GROUP = (
        "Hide seen before",
        "Hide the papers seen on an earlier day or read in an earlier version (again: show "
        "them); the date bar counts them",
        FILTER,
    )


class CompactList(Command):
    KEYS, KEY_DISPLAY, ACTION = "z", "z", "compact_list"
    TITLE, HELP, GROUP = (
        "Compact list",
        "One line per paper, the title cut to fit (again: two-line rows, the whole title)",
        READING,
    )


class QuickTriage(Command):
    KEYS, KEY_DISPLAY, ACTION = "T", "T", "quick_triage"
    TITLE, HELP, GROUP = (
        "Quick triage",
        "The unread papers shown, one at a time with the abstract: s star, m read, l later, u undo",
        READING,
    )


class SortDay(Command):
    KEYS, KEY_DISPLAY, ACTION = "S", "S", "toggle_sort"
    TITLE, HELP, GROUP = (
        "Sort",
        "Sort the list: day order in arXiv's sections, newest first, title A–Z",
        READING,
    )


class ClearedByRules(Command):
    KEYS, KEY_DISPLAY, ACTION = "K", "K", "cleared_by_rules"
    TITLE, HELP, GROUP = (
        "Cleared by rules",
        "Show only the papers the kill rules cleared (again: back to the list)",
        FILTER,
    )


class WatchedOnly(Command):
    KEYS, KEY_DISPLAY, ACTION = "W", "W", "watched_only"
    TITLE, HELP, GROUP = (
        "Watched",
        "Show only papers by watched authors or with watched phrases",
        WATCH,
    )


class DownloadPdf(Command):
    KEYS, KEY_DISPLAY, ACTION = "D", "D", "download_pdf"
    TITLE, HELP, GROUP = "Download PDF", "Download the PDF into the PDF folder", PDF


class OpenPdf(Command):
    KEYS, KEY_DISPLAY, ACTION = "O", "O", "open_pdf"
    TITLE, HELP, GROUP = (
        "Open PDF",
        "Open the downloaded PDF in the PDF viewer (downloading it first if needed)",
        PDF,
    )


class OpenLibrary(Command):
    KEYS, KEY_DISPLAY, ACTION = "L", "L", "library"
    TITLE, HELP, GROUP = (
        "Starred library",
        "Every starred or tagged paper, searchable, with your notes and tags",
        LIBRARY,
    )


class EditNote(Command):
    KEYS, KEY_DISPLAY, ACTION = "N", "N", "edit_note"
    TITLE, HELP, GROUP = "Note", "Write a short note on the paper", LIBRARY


class Export(Command):
    KEYS, KEY_DISPLAY, ACTION = "e", "e", "export"
    TITLE, HELP, GROUP = (
        "Export",
        "Export the papers shown (in the starred view: the starred) as Markdown, BibTeX or JSON",
        LIBRARY,
    )


class Help(Command):
    KEYS, KEY_DISPLAY, ACTION = "question_mark", "?", "help"
    TITLE, HELP, GROUP = "Help", "Show every key", APP
    FOOTER = True


class Quit(Command):
    KEYS, KEY_DISPLAY, ACTION = "q", "q", "quit"
    TITLE, HELP, GROUP = "Quit", "Save and quit", APP
    FOOTER = True


TRIAGE_COMMANDS: tuple[type[Command], ...] = (
    CursorDown,
    CursorUp,
    FirstPaper,
    LastPaper,
    PageMove,
    Expand,
    NextUnread,
    ToggleStar,
    ToggleRead,
    MarkReadAndNext,
    MarkAllRead,
    Undo,
    EditTags,
    CopyId,
    CopyAbsLink,
    CopyPdfLink,
    OpenInBrowser,
    CopyBibtex,
    PreviousDay,
    NextDay,
    NewestDay,
    PickDate,
    Search,
    StarredOnly,
    RankByStars,
    RecommendedOnly,
    RaiseThreshold,
    LowerThreshold,
    MoreLikeThis,
    Explain,
    ToggleSidebar,
    FocusSidebar,
    ClearFilter,
    SaveSearch,
    RemoveSearch,
    ToggleSelect,
    SelectAll,
    WatchAuthor,
    WatchedOnly,
    HideRead,
    HideSeenBefore,
    ClearedByRules,
    CompactList,
    SortDay,
    QuickTriage,
    DownloadPdf,
    OpenPdf,
    OpenLibrary,
    EditNote,
    Export,
    Help,
    Quit,
)


# ---------------------------------------------------------------- the starred library's keys


class LibraryExpand(Expand):
    HELP = "Show or hide the abstract"


class ExportLibrary(Export):
    HELP = "Export the starred papers shown as Markdown, BibTeX or JSON"


class SortLibrary(Command):
    KEYS, KEY_DISPLAY, ACTION = "S", "S", "toggle_sort"
    TITLE, HELP, GROUP = "Sort", "Sort by the date starred or the date published", LIBRARY
    FOOTER = True


class NoteInLibrary(EditNote):
    FOOTER = True


class TagsInLibrary(EditTags):
    HELP = "Add or take away tags and collections (thesis/ch2) on the paper; tag:NAME in / filters"


class UndoInLibrary(Undo):
    HELP = "Undo the last tag change made here"


class SearchLibrary(Search):
    HELP = (
        "Filter by title, author, abstract, id or note as you type; tag:NAME by a tag "
        "(Escape clears)"
    )


class LeaveLibrary(ClearFilter):
    HELP = "Clear the search, or close the library"


class CloseLibrary(OpenLibrary):
    TITLE, HELP = "Close library", "Back to the day's papers"
    FOOTER = True


LIBRARY_COMMANDS: tuple[type[Command], ...] = (
    CursorDown,
    CursorUp,
    FirstPaper,
    LastPaper,
    PageMove,
    LibraryExpand,
    ToggleStar,
    CopyId,
    CopyAbsLink,
    CopyPdfLink,
    CopyBibtex,
    OpenInBrowser,
    SearchLibrary,
    SortLibrary,
    NoteInLibrary,
    TagsInLibrary,
    UndoInLibrary,
    ExportLibrary,
    LeaveLibrary,
    CloseLibrary,
    Help,
    Quit,
)


def bindings(commands: Iterable[type[Command]] = TRIAGE_COMMANDS) -> list[Binding]:
    return [command.binding() for command in commands if command.OWN_BINDING]


KeyOverrides = Mapping[str, str]
"""Action (``toggle_star``) -> Textual key names, comma-separated: the ``[keys]`` settings."""


def keymap(overrides: KeyOverrides) -> tuple[dict[str, str], list[str]]:
    """Textual's keymap (binding id -> keys) for ``overrides``, and one line for each override
    not applied: an action it does not know, a key that is no key, a key another action of the
    same screen keeps."""
    problems: list[str] = []
    known: dict[str, str] = {}
    refused_ids: set[str] = set()
    for commands in (TRIAGE_COMMANDS, LIBRARY_COMMANDS):
        rebindable = {command.ACTION: command for command in commands if command.OWN_BINDING}
        wanted = {a: keys for a, keys in overrides.items() if a in rebindable}
        refused: dict[str, str] = {}
        while True:  # a refused override leaves its action its own keys: check again
            applied = {a: keys for a, keys in wanted.items() if a not in refused}
            holds = {c.ACTION: _keys(applied.get(c.ACTION, c.KEYS)) for c in commands}
            more = {}
            for action, keys in applied.items():
                bad = [key for key in _keys(keys) if not _is_key(key)]
                taken = [
                    (key, other)
                    for key in _keys(keys)
                    for other, held in holds.items()
                    if other != action and key in held
                ]
                if bad:
                    more[action] = f"{action}: {', '.join(bad)} is not a key; not applied"
                elif taken:
                    key, other = taken[0]
                    more[action] = f"{action}: {key} is already the key of {other}; not applied"
            if not more:
                break
            refused.update(more)
        problems += refused.values()
        known.update((rebindable[a].binding_id(), keys) for a, keys in applied.items())
        refused_ids.update(rebindable[a].binding_id() for a in refused)
    # One binding id serves an action on every screen: refused on one, applied on none.
    known = {binding: keys for binding, keys in known.items() if binding not in refused_ids}
    every = (*TRIAGE_COMMANDS, *LIBRARY_COMMANDS)
    rebindable_anywhere = {c.ACTION for c in every if c.OWN_BINDING}
    fixed = {c.ACTION for c in every} - rebindable_anywhere
    for action in overrides:
        if action in fixed:
            problems.append(f"{action}: its keys belong to the list and cannot be changed")
        elif action not in rebindable_anywhere:
            problems.append(f"{action}: no such action")
    return known, list(dict.fromkeys(problems))


def _keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


_MODIFIERS = ("ctrl+", "shift+", "alt+", "meta+", "super+", "hyper+")


def _is_key(key: str) -> bool:
    """A key Textual can bind: a printable character or a key's name, after any modifiers."""
    base = key
    while base.startswith(_MODIFIERS) and len(base) > base.index("+") + 1:
        base = base.split("+", 1)[1]
    if len(base) == 1:
        return base.isprintable()
    return base in _key_names()


@functools.cache
def _key_names() -> frozenset[str]:
    import string

    from textual.keys import Keys, _character_to_key

    names = {key.value.split("+")[-1] for key in Keys}
    names |= {_character_to_key(c) for c in string.printable if c.isprintable()}
    return frozenset(names)


def key_display(command: type[Command], overrides: KeyOverrides | None = None) -> str:
    """The command's keys as a person types them, after the user's overrides."""
    keys = (overrides or {}).get(command.ACTION) if command.OWN_BINDING else None
    if keys is None:
        return command.KEY_DISPLAY
    return " ".join(format_key(key.strip()) for key in keys.split(",") if key.strip())


def help_entries(
    overrides: KeyOverrides | None = None, commands: Iterable[type[Command]] = TRIAGE_COMMANDS
) -> list[HelpEntry]:
    from tui.app.dialogs.help import HelpEntry  # the help screen's: loaded when it opens

    return [
        HelpEntry(key_display(command, overrides), command.HELP, command.GROUP)
        for command in commands
    ]


class TriageCommands(Provider):
    """The triage screen's actions in the command palette, each with its key."""

    COMMANDS: ClassVar[Sequence[type[Command]]] = TRIAGE_COMMANDS

    def _palette_commands(self) -> Sequence[type[Command]]:
        return [command for command in self.COMMANDS if command.IN_PALETTE]

    def _display(self, command: type[Command], title: Content) -> Content:
        overrides: KeyOverrides = getattr(self.app, "key_overrides", {})
        return Content.assemble(title, ("  " + key_display(command, overrides), "dim"))

    async def discover(self) -> Hits:
        for command in self._palette_commands():
            yield DiscoveryHit(
                self._display(command, Content(command.TITLE)),
                partial(self.screen.run_action, command.ACTION),
                text=command.TITLE,
                help=command.HELP,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._palette_commands():
            score = max(matcher.match(command.TITLE), matcher.match(command.HELP) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    self._display(command, matcher.highlight(command.TITLE)),
                    partial(self.screen.run_action, command.ACTION),
                    text=command.TITLE,
                    help=command.HELP,
                )


class LibraryCommands(TriageCommands):
    """The starred library's actions in the command palette."""

    COMMANDS = LIBRARY_COMMANDS
