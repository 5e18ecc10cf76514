"""H filters the view already made rather than making it again, and shows what making it again
would show: the same papers in the same order, the same sidebar and date bar counts. A view
that read the flags (``is:unread``) is made again; the hides are general (H and B alike)."""

from __future__ import annotations

from typing import Any

import pytest
from app_helpers import demo_app, settle, type_text

from tui.app.screens.triage import TriageScreen
from tui.app.screens.triage.hides import Hide, Hides, Unhidden
from tui.core.filters import DayIndex, Query, View

SIZE = (110, 36)


def shown(triage: TriageScreen) -> list[str]:
    return [paper.id for paper in triage.papers.shown_papers]


def counts(triage: TriageScreen) -> tuple[dict[str, int], dict[str, int]]:
    view = triage.view
    assert view is not None
    return dict(view.category_counts), dict(view.profile_counts)


def count_views(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    view = DayIndex.view

    def counting(self: DayIndex, *args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return view(self, *args, **kwargs)

    monkeypatch.setattr(DayIndex, "view", counting)
    return made


async def test_h_filters_the_view_and_shows_what_a_new_view_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("S")  # newest first: the order kept through H
        await pilot.press("r", "j", "j", "r", "j", "r")  # three papers read
        await settle(pilot)
        before = shown(triage)
        read = {p for p in before if triage.flags.get(p).read}
        assert len(read) == 3
        made = count_views(monkeypatch)
        await pilot.press("H")
        assert made == []  # filtered, not made again
        assert shown(triage) == [p for p in before if p not in read]
        assert "3 read hidden (H)" in triage.date_bar.text
        assert triage.date_state.unread == len(before) - 3
        fast = (shown(triage), counts(triage), triage.date_bar.text)
        triage._refresh_view(keep_position=False)  # the view made anew, as before this
        assert (shown(triage), counts(triage), triage.date_bar.text) == fast
        await pilot.press("H")
        assert shown(triage) == before
        assert "hidden" not in triage.date_bar.text


async def test_h_under_a_search_and_a_category_turned_off_counts_as_a_new_view() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("/")
        await type_text(pilot, "learning")
        await pilot.press("enter")
        triage.enabled = triage.enabled - {triage.categories[0]}
        await pilot.pause()
        assert triage.papers.shown_papers
        await pilot.press("r")
        await pilot.press("H")
        fast = (shown(triage), counts(triage), triage.date_bar.text)
        assert "1 read hidden (H)" in triage.date_bar.text
        triage._refresh_view(keep_position=False)
        assert (shown(triage), counts(triage), triage.date_bar.text) == fast


async def test_a_view_that_read_the_flags_is_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("/")
        await type_text(pilot, "is:unread")
        await pilot.press("enter")
        everything = shown(triage)
        await pilot.press("r")  # read: it stays until the list is made again
        first = everything[0]
        assert shown(triage) == everything
        made = count_views(monkeypatch)
        await pilot.press("H")
        assert made  # made again: is:unread reads the flags
        await pilot.press("H")
        assert first not in shown(triage)  # not unread any more
        assert len(shown(triage)) == len(everything) - 1


def test_each_hide_leaves_out_its_papers_and_counts_those_the_others_left() -> None:
    import factories

    papers = [factories.paper(number=n, categories=("cs.LG",)) for n in range(1, 11)]
    index = DayIndex(papers)
    view = index.view(Query(), ("cs.LG",), ())
    hides = Hides()
    read = {papers[0].id, papers[1].id, papers[2].id}
    seen = {papers[2].id, papers[3].id}
    hidden = hides.apply(
        index,
        view,
        [
            Hide("read", lambda ids: map(read.__contains__, ids)),
            Hide("seen", lambda ids: map(seen.__contains__, ids)),
        ],
    )
    assert [m.paper.id for m in hidden.matches] == [p.id for p in papers[4:]]
    assert hides.counts == {"read": 3, "seen": 1}  # the paper both read and seen counts once
    assert dict(hidden.category_counts) == {"cs.LG": 6}
    # The same hides leaving out the same papers of the same view: the view they gave.
    again = hides.apply(index, view, [Hide("read", lambda ids: map(read.__contains__, ids))])
    assert again is not hidden and hides.counts == {"read": 3}
    assert (
        hides.apply(index, view, [Hide("read", lambda ids: map(read.__contains__, ids))]) is again
    )
    bare = View(view.matches, view.category_counts, view.profile_counts, view.total)
    only = hides.apply(index, bare, [Hide("read", lambda ids: map(read.__contains__, ids))])
    assert [m.paper.id for m in only.matches] == [p.id for p in papers[3:]]  # no facets: filtered
    assert hides.counts == {"read": 3}
    read.add(papers[9].id)  # one more read: made again
    more = hides.apply(index, view, [Hide("read", lambda ids: map(read.__contains__, ids))])
    assert more is not again and hides.counts == {"read": 4}
    hides.keep(Unhidden(index, view, None, False, "text"))
    assert hides.reuse(index, "text") is not None
    assert hides.reuse(index, "other text") is None
    assert hides.reuse(DayIndex(papers), "text") is None
