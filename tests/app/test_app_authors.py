"""Authors' names as people write them: TeX accents as Unicode in rows and the expanded paper;
affiliations only in the expanded paper, after the name."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import factories
import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    make_paper,
    row_of,
    settle,
    visible_rows,
)
from conftest import RECORDED, needs_shared_data

from tui.adapters.sources.rss import parse_rss
from tui.app.widgets.paper_row import author_with_affiliations, folded_authors
from tui.core.paper import RECONSTRUCTED, Day, Paper
from tui.options import Options

SIZE = (130, 40)
TUESDAY = date(2025, 4, 8)
FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"


def details_text(app: RecordingApp) -> str:
    """The expanded papers on screen as running text (wrapped lines joined, gutters dropped)."""
    lines = [row.strip() for row in visible_rows(app.triage) if row.lstrip().startswith("▎")]
    return " ".join(line.removeprefix("▎").strip() for line in lines)


def day_of(when: date, *papers: Paper) -> Day:
    """A day kept long ago, reconstructed."""
    return factories.day(
        when, papers, fetched_at=datetime(2025, 1, 1, tzinfo=UTC), provenance=RECONSTRUCTED
    )


def test_names_and_affiliations_for_the_expanded_view() -> None:
    assert author_with_affiliations("Pawe{\\l} Nowak", ["University of Warsaw"]) == (
        "Paweł Nowak (University of Warsaw)"
    )
    assert author_with_affiliations("R\\'emy Dupont", ["ENS", " ", "Inria"]) == (
        "Rémy Dupont (ENS; Inria)"
    )
    assert author_with_affiliations("Ada Lovelace") == "Ada Lovelace"
    assert folded_authors(["A", "B"], affiliations=[(), ("X",)]) == "A, B (X)"
    assert folded_authors(["A", "B", "C"], limit=1, affiliations=[("X",)]) == ("A (X) … and 2 more")


async def test_tex_names_read_as_unicode_and_affiliations_stay_in_the_details() -> None:
    paper = replace(
        make_paper(1, TUESDAY, title="Names"),
        authors=("Pawe{\\l} Nowak", "R\\'emy Dupont", "Jaros{\\l}aw \\.Zygierewicz"),
        affiliations=(("University of Warsaw",), (), ("Warsaw University of Technology",)),
    )
    second = replace(make_paper(2, TUESDAY), authors=("R\\'emy Dupont", "Pawe{\\l} Nowak"))
    cache_days(day_of(TUESDAY, paper, second))
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = row_of(app.triage, paper.id)
        # as many as fit on the row's authors line: all three at this width
        assert "Paweł Nowak, Rémy Dupont, Jarosław Żygierewicz" in row
        assert "Warsaw" not in row and "\\" not in row
        assert "Rémy Dupont, Paweł Nowak" in row_of(app.triage, second.id)
        await pilot.press("enter")
        await settle(pilot)
        details = details_text(app)
        assert (
            "Authors: Paweł Nowak (University of Warsaw), Rémy Dupont, Jarosław Żygierewicz "
            "(Warsaw University of Technology)"
        ) in details


@needs_shared_data()
async def test_the_real_rss_names_and_affiliations() -> None:
    if not FULL_DAY.is_file():
        pytest.skip(f"{FULL_DAY.name} is absent")
    _, papers = parse_rss(FULL_DAY.read_bytes(), [])
    by_id = {paper.id: paper for paper in papers}
    polish, brasilia = by_id["2411.17709"], by_id["2411.17753"]  # TeX names; affiliations
    cache_days(day_of(TUESDAY, polish, brasilia))
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert "Brasilia" not in row_of(triage, brasilia.id)
        assert "Aleteia Araujo" in row_of(triage, brasilia.id)
        triage.papers.move_to(polish.id)
        await pilot.press("enter")
        shown = details_text(app)
        assert "Przemysław Olbratowski" in shown and "Jarosław Żygierewicz" in shown
        assert "{\\l}" not in shown
        await pilot.press("enter")
        triage.papers.move_to(brasilia.id)
        await pilot.press("enter")
        shown = details_text(app)
        assert (
            "Aleteia Araujo (University of Brasilia Brazil, The University of Melbourne Australia)"
            ", Breno Costa (University of Brasilia Brazil)"
        ) in shown
