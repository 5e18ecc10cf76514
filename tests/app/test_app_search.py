"""The search box speaks the search language: fields, phrases, NOT and OR narrow the list as they
are typed; a query that cannot be read says why under the box and keeps the last list."""

from __future__ import annotations

from app_helpers import demo_app, in_sections, settle, type_text
from textual.widgets import Static

from tui.adapters.sample import load_sample_day
from tui.app.app import ArxivDailyApp

SIZE = (110, 36)
PAPERS = in_sections(load_sample_day()).papers  # as the list shows them


def error_line(app: ArxivDailyApp) -> Static:
    return app.triage.query_one("#search-error", Static)


async def test_fields_and_negation_narrow_the_list_as_typed() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("slash")
        await type_text(pilot, "cat:cs.CV -is:replace")
        expected = [p.id for p in PAPERS if "cs.CV" in p.categories and p.kind.value != "replace"]
        assert [p.id for p in triage.papers.shown_papers] == expected
        assert f"{len(expected)} of 16 papers" in triage.date_bar.text
        assert not error_line(app).display


async def test_a_query_that_cannot_be_read_says_why_and_keeps_the_last_list() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("slash")
        await type_text(pilot, "au:wang")
        wang = [p.id for p in PAPERS if any("wang" in a.lower() for a in p.authors)]
        assert [p.id for p in triage.papers.shown_papers] == wang
        await type_text(pilot, " OR")
        line = error_line(app)
        assert line.display
        assert str(line.render()) == "OR needs a term after it (at “OR”)"
        assert [p.id for p in triage.papers.shown_papers] == wang  # the last list stays
        await type_text(pilot, " ti:ddt")
        assert not line.display
        shown = {p.id for p in triage.papers.shown_papers}
        assert shown == set(wang) | {p.id for p in PAPERS if p.title.startswith("DDT")}


async def test_plain_words_keep_the_typo_tolerant_search() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("slash")
        await type_text(pilot, "difusion transfromer")  # two typos
        titles = [p.title for p in triage.papers.shown_papers]
        assert titles and "DDT: Decoupled Diffusion Transformer" in titles
        assert not error_line(app).display


async def test_is_unread_follows_the_flags() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        first = triage.papers.shown_papers[0].id
        await pilot.press("r")  # the first paper read
        await pilot.press("slash")
        await type_text(pilot, "is:unread")
        shown = [p.id for p in triage.papers.shown_papers]
        assert first not in shown and len(shown) == 15
