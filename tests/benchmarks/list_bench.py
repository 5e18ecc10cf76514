"""Paper list timings, run by hand: ``python tests/benchmarks/list_bench.py [--baseline]``.

For 100, 1,000 and 5,000 synthetic papers (LaTeX in titles and abstracts, a cold LaTeX cache)
it prints, inside ``App.run_test``:

- show: ``show()`` plus rendering every visible line (the widget's share of the first paint),
  and from ``show()`` to after ``pilot.pause()`` (the whole app painted; an upper bound);
- page (cold rows): page down into rows never painted before (titles converted on the way);
- cursor, expand, star: the handler plus rendering every visible line, and from
  ``pilot.press`` to after ``pilot.pause()`` (key to screen, an upper bound that includes
  the pilot's idle polling).

Targets at 5,000 papers: show ≤ ~150 ms, cursor/expand/star ≤ 16 ms key to screen.
``--baseline`` also times a plain OptionList holding the same rows, the alternative considered.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import OptionList

from tui.adapters.store import Flag
from tui.app.widgets.paper_list import PaperList
from tui.core.filters import Match
from tui.core.paper import Kind, Paper
from tui.core.render import latex_to_text

SIZES = (100, 1_000, 5_000)
SCREEN = (160, 50)
REPEATS = 15

_WORDS = (
    "diffusion",
    "model",
    "score",
    "matching",
    "transformer",
    "attention",
    "graph",
    "neural",
    "network",
    "sparse",
    "latent",
    "variational",
    "bound",
    "convergence",
    "stochastic",
    "gradient",
    "policy",
    "reinforcement",
    "robust",
    "efficient",
    "scalable",
    "benchmark",
    "federated",
    "contrastive",
    "retrieval",
    "language",
    "vision",
)
_LATEX = (
    r"$\mathcal{O}(n^2)$",
    r"$\textit{i.e.}$",
    r"R\'enyi",
    r"$\alpha$-divergence",
    r"$\ell_1$",
    r"\emph{provably}",
)


def synthetic_papers(count: int, seed: int = 7) -> list[Paper]:
    rng = random.Random(seed)
    when = datetime(2025, 4, 8, 18, 0, tzinfo=UTC)
    papers = []
    for n in range(count):
        words = rng.choices(_WORDS, k=rng.randint(6, 16))
        words.insert(rng.randrange(len(words)), rng.choice(_LATEX))
        title = " ".join(words).capitalize() + f" {n}"
        abstract = " ".join(
            rng.choice(_LATEX) if rng.random() < 0.05 else rng.choice(_WORDS) for _ in range(180)
        )
        authors = tuple(f"Author{a} Surname{n}" for a in range(rng.randint(1, 12)))
        papers.append(
            Paper(
                id=f"2504.{n:05d}",
                version=rng.choice((1, 1, 1, 2)),
                title=title,
                authors=authors,
                abstract=abstract,
                categories=("cs.LG", rng.choice(("cs.AI", "stat.ML", "cs.CV"))),
                published=when,
                updated=when,
                kind=rng.choice((Kind.NEW, Kind.NEW, Kind.CROSS, Kind.REPLACE)),
            )
        )
    return papers


class BenchApp(App[None]):
    def __init__(self, baseline: bool = False) -> None:
        super().__init__()
        self.flags: dict[str, Flag] = {}
        self.baseline = baseline

    def flag(self, paper_id: str) -> Flag:
        return self.flags.get(paper_id) or Flag(paper_id)

    def compose(self) -> ComposeResult:
        if self.baseline:
            yield OptionList()
        else:
            yield PaperList(flag_lookup=self.flag)


class FrameClock:
    """Times a key from the driver to the next frame the app paints (headless: composed, not
    written), and how long composing that frame took."""

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.painted = asyncio.Event()
        self.painted_at = 0.0
        self.paint_ms = 0.0
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            self.painted_at = time.perf_counter()
            display(screen, renderable)
            self.painted.set()

        app._display = timed_display  # type: ignore[method-assign]

    async def key_to_screen(self, key: str) -> tuple[float, float]:
        compositor = self.app.screen._compositor
        render_update = compositor.render_update

        def timed_render_update(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            update = render_update(*args, **kwargs)
            self.paint_ms = (time.perf_counter() - start) * 1000
            return update

        compositor.render_update = timed_render_update  # type: ignore[method-assign]
        self.paint_ms = 0.0
        self.painted.clear()
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(self.app)
        assert self.app._driver is not None
        start = time.perf_counter()
        self.app._driver.send_message(event)
        await asyncio.wait_for(self.painted.wait(), timeout=5)
        del compositor.render_update
        return (self.painted_at - start) * 1000, self.paint_ms


@contextmanager
def timed(into: list[float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into.append((time.perf_counter() - start) * 1000)


def render_visible(widget: PaperList | OptionList) -> None:
    for y in range(widget.scrollable_content_region.height):
        widget.render_line(y)


def ms(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:7.1f} ms"
    return f"{statistics.median(values):6.2f} ms (max {max(values):6.2f})"


async def bench_paper_list(count: int) -> dict[str, str]:
    latex_to_text.cache_clear()
    papers = synthetic_papers(count)
    matches = [Match(p, ("diffusion", "graph")) for p in papers]
    app = BenchApp()
    results: dict[str, str] = {}
    async with app.run_test(size=SCREEN) as pilot:
        paper_list = app.query_one(PaperList)
        paper_list.focus()
        await pilot.pause()

        handler: list[float] = []
        with timed(handler):
            paper_list.show(matches)
            render_visible(paper_list)
        latex_to_text.cache_clear()
        paper_list._title_cache.clear()
        paper_list.show([])
        await pilot.pause()
        frames = FrameClock(app)
        frames.painted.clear()
        start = time.perf_counter()
        paper_list.show(matches)
        await asyncio.wait_for(frames.painted.wait(), timeout=5)
        to_screen = [(frames.painted_at - start) * 1000]
        results["show"] = f"{ms(handler)} widget, {ms(to_screen)} to screen"

        frames = FrameClock(app)

        async def measure(
            name: str, action: Callable[[], None], key: str, before: Callable[[], None]
        ) -> None:
            direct: list[float] = []
            to_screen: list[float] = []
            paint: list[float] = []
            for _ in range(REPEATS):
                before()
                with timed(direct):
                    action()
                    render_visible(paper_list)
                await pilot.pause()
                before()
                await pilot.pause()
                elapsed, painting = await frames.key_to_screen(key)
                to_screen.append(elapsed)
                paint.append(painting)
            results[name] = (
                f"{ms(direct)} widget, {ms(to_screen)} key to screen "
                f"(of which painting {ms(paint)})"
            )

        # Paging into rows never painted: every title there meets the LaTeX converter cold.
        paper_list.move_to(papers[0].id)
        await pilot.pause()
        cold_pages: list[float] = []
        cold_paint: list[float] = []
        for _ in range(min(REPEATS, count // SCREEN[1])):
            elapsed, painting = await frames.key_to_screen("pagedown")
            cold_pages.append(elapsed)
            cold_paint.append(painting)
            await pilot.pause()
        if cold_pages:
            results["page (cold rows)"] = (
                f"{ms(cold_pages)} key to screen (of which painting {ms(cold_paint)})"
            )

        middle = papers[count // 2].id

        def to_middle() -> None:
            paper_list.move_to(middle)

        await measure("cursor", paper_list.action_cursor_down, "j", to_middle)

        def to_middle_collapsed() -> None:
            to_middle()
            if paper_list.is_expanded(middle):
                paper_list.toggle_expand()

        await measure("expand", paper_list.toggle_expand, "enter", to_middle_collapsed)

        stars = 0

        def star() -> None:
            nonlocal stars
            stars += 1
            paper = paper_list.highlighted_paper
            assert paper is not None
            app.flags[paper.id] = Flag(paper.id, starred=not app.flag(paper.id).starred)
            paper_list.refresh_papers([paper.id])

        app.bind("s", "star_bench")
        app.action_star_bench = star  # type: ignore[attr-defined]
        await measure("star", star, "s", to_middle)
        assert stars == 2 * REPEATS, stars
    return results


async def bench_option_list(count: int) -> dict[str, str]:
    """The rejected alternative: an OptionList of pre-built one-line Content rows."""
    from textual.content import Content

    latex_to_text.cache_clear()
    papers = synthetic_papers(count)
    app = BenchApp(baseline=True)
    results: dict[str, str] = {}
    async with app.run_test(size=SCREEN) as pilot:
        option_list = app.query_one(OptionList)
        option_list.focus()
        await pilot.pause()
        show: list[float] = []
        with timed(show):
            option_list.set_options(
                Content(f"● ☆ {latex_to_text(p.title)}  {p.id}  {p.primary_category}")
                for p in papers
            )
            option_list.highlighted = 0
            await pilot.pause()
        results["show"] = f"{ms(show)} to screen"
        replace: list[float] = []
        for n in range(REPEATS):
            with timed(replace):
                option_list.replace_option_prompt_at_index(
                    count // 2, Content(f"● ★ {latex_to_text(papers[count // 2].title)} {n}")
                )
                await pilot.pause()
        results["star (replace one prompt)"] = f"{ms(replace)} to screen"
        cursor: list[float] = []
        for _ in range(REPEATS):
            with timed(cursor):
                await pilot.press("down")
                await pilot.pause()
        results["cursor"] = f"{ms(cursor)} key to screen"
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", action="store_true", help="also time a plain OptionList")
    args = parser.parse_args()
    print(f"PaperList, screen {SCREEN[0]}x{SCREEN[1]}, median of {REPEATS} where repeated")
    for count in SIZES:
        for name, figure in asyncio.run(bench_paper_list(count)).items():
            print(f"  {count:>5} papers  {name:<16} {figure}")
    if args.baseline:
        print("OptionList baseline")
        for count in SIZES:
            for name, figure in asyncio.run(bench_option_list(count)).items():
                print(f"  {count:>5} papers  {name:<26} {figure}")


if __name__ == "__main__":
    main()
