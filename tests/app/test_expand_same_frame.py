"""Expanding a paper marks it read in the same frame: the list calls its hook before drawing."""

from __future__ import annotations

from test_paper_list import make_paper, matches_of
from textual.app import App, ComposeResult

from tui.adapters.store import Flag
from tui.app.widgets.paper_list import PaperList
from tui.core.paper import Paper


class HookApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, bool]] = []

    def compose(self) -> ComposeResult:
        yield PaperList(flag_lookup=Flag, on_expand=self.expanded, id="papers")

    def expanded(self, paper: Paper, expanded: bool) -> None:
        self.calls.append((paper.id, expanded))

    def on_mount(self) -> None:
        papers = [make_paper(number) for number in range(1, 4)]
        self.query_one(PaperList).show(matches_of(papers))


async def test_the_expand_hook_runs_inside_toggle_expand() -> None:
    app = HookApp()
    async with app.run_test() as pilot:
        papers = app.query_one(PaperList)
        papers.toggle_expand()
        assert app.calls == [("2504.00001", True)]  # before any message or frame
        papers.toggle_expand()
        assert app.calls[-1] == ("2504.00001", False)
        await pilot.press("j", "enter")
        assert app.calls[-1] == ("2504.00002", True)
