import json
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from conftest import RECORDED, SEED_DIGEST, needs_shared_data

from tui.adapters.sample import load_sample_day
from tui.core.filters import Match
from tui.core.paper import Kind, Paper
from tui.core.render import (
    author_name,
    digest_json,
    digest_markdown,
    latex_to_text,
    markdown_escape,
    short_authors,
)

DAY = date(2025, 4, 9)


def seed_abstract(paper_id: str) -> str:
    papers: list[dict[str, Any]] = json.loads(SEED_DIGEST.read_text(encoding="utf-8"))["papers"]
    abstract: str = next(p["abstract"] for p in papers if p["id"] == paper_id)
    return abstract


# ---------------------------------------------------------------- LaTeX


@needs_shared_data()
def test_seed_abstract_macros_become_plain_text() -> None:
    text = latex_to_text(seed_abstract("2503.24354"))
    assert "evolving (i.e., constantly updated)" in text
    assert "we introduce ORAL, a novel conditional recurrent diffusion framework" in text
    assert "$" not in text and "\\" not in text


@needs_shared_data()
def test_seed_abstract_emph_and_percent_survive() -> None:
    text = latex_to_text(seed_abstract("2504.06312"))
    assert "generation, DMol, which outperforms" in text
    assert "roughly 1.5% across" in text
    assert "at least 10-fold" in text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("($\\textit{i.e.}$, constantly)", "(i.e., constantly)"),
        ("$\\texttt{ORAL}$", "ORAL"),
        ("$O(n^2)$ time", "O(n^2) time"),
        ("an $\\alpha$-divergence", "an α-divergence"),
        ("in $\\mathbb{R}^d$", "in ℝ^d"),
        ('Schr\\"odinger', "Schrödinger"),
        ("caf\\'e", "café"),
        ("a 50% gain & more", "a 50% gain & more"),  # bare % and & are text, not LaTeX
        ("see https://github.com/a/b_c~d now", "see https://github.com/a/b_c~d now"),
        ("\\url{https://x.org/~me}", "https://x.org/~me"),
        ("\\href{https://x.org}{the code}", "the code (https://x.org)"),
        ("plain  text,\n   hard wrapped", "plain text, hard wrapped"),
        ("costing under $3 and more", "costing under $3 and more"),  # an unpaired $ is text
        ("Maru\\v si\\v c and", "Marušič and"),
        ("(\\ie names, \\etc) and", "(i.e. names, etc.) and"),
        ("decay time \\tau in 3", "decay time τ in 3"),
        ("a -- b --- c ``q''", "a – b — c “q”"),
        ("$$x^2$$ and \\(y\\)", "x^2 and y"),
        ("H$\\alpha$ line", "Hα line"),
        ("\\begin{equation*} E = mc^2 \\end{equation*} holds", "E = mc^2 holds"),
        ("", ""),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    "hostile",
    [
        "\\frac{a}",
        "\\begin{foo",
        "}{}}",
        "$" * 7,
        "\\" * 101,
        "{{{{{{{{",
        "\\end{document} \\newcommand{\\x}{",
        "%s %(1)s {}",
        "\x00\x1b[31m",
        "$\\left( x$",
    ],
)
def test_latex_to_text_never_raises(hostile: str) -> None:
    result = latex_to_text(hostile)
    assert isinstance(result, str)
    assert "\n" not in result


def test_control_characters_are_dropped() -> None:
    assert latex_to_text("red \x1b[31mtext\x07 and \x9b2J") == "red [31mtext and 2J"
    assert latex_to_text("$x$ \x1b[0m") == "x [0m"


@needs_shared_data()
def test_the_recorded_daily_feed_converts_quickly_and_cleanly() -> None:
    root = ET.parse(RECORDED / "rss-all-archives-2024-11-28.xml").getroot()
    texts = [
        element.text
        for item in root.iter("item")
        for element in (item.find("title"), item.find("description"))
        if element is not None and element.text
    ]
    latex_to_text.cache_clear()
    started = time.perf_counter()
    converted = [latex_to_text(t) for t in texts]
    elapsed = time.perf_counter() - started
    print(f"\nlatex_to_text: {len(texts)} recorded titles and abstracts in {elapsed * 1000:.0f} ms")
    assert all("\n" not in c and "\\begin" not in c for c in converted)
    assert elapsed < 20  # a sanity bound; about 0.5 s here


def test_a_macro_missing_its_argument_falls_back_to_the_input() -> None:
    assert latex_to_text("\\frac{a}") == "\\frac{a}"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("R\\'emy Duval", "Rémy Duval"),
        ("Pawe{\\l} Nowak", "Paweł Nowak"),
        ('Tim Rockt\\"aschel', "Tim Rocktäschel"),
        ("J. \\v{S}imon", "J. Šimon"),
        ("Tim Rocktäschel", "Tim Rocktäschel"),
    ],
)
def test_author_name(raw: str, name: str) -> None:
    assert author_name(raw) == name


def test_short_authors() -> None:
    seven = [f"A{i}" for i in range(1, 8)]
    assert short_authors(seven[:6]) == "A1, A2, A3, A4, A5, A6"
    assert short_authors(seven) == "A1, A2, A3, A4, A5, A6 et al."
    assert short_authors(seven[:3], truncated=True) == "A1, A2, A3 et al."
    assert short_authors(seven, limit=2) == "A1, A2 et al."
    assert short_authors(["Pawe{\\l} Nowak"]) == "Paweł Nowak"
    assert short_authors([]) == ""


# ---------------------------------------------------------------- digests


def sample_matches() -> list[Match]:
    return [Match(p, ("Diffusion",)) for p in load_sample_day().papers]


def test_markdown_digest_shape() -> None:
    text = digest_markdown(DAY, sample_matches(), ("Diffusion", "DDPM", "DDIM"))
    lines = text.splitlines()
    assert lines[0] == "# arXiv digest 2025-04-09 — 16 papers (Diffusion, DDPM, DDIM)"
    assert text.count("### [") == 16
    assert text.count("<details><summary>Abstract</summary>") == 16
    assert text.count("</details>") == 16
    oral = text[text.index("### [ORAL") : text.index("### [DMol")]
    assert oral.startswith(
        "### [ORAL: Prompting Your Large-Scale LoRAs via Conditional Recurrent Diffusion]"
        "(https://arxiv.org/abs/2503.24354)"
    )
    assert "arXiv:2503.24354" in oral
    assert "**Categories:** cs.LG, cs.AI, cs.CL, cs.CV" in oral
    assert "**Kind:** replacement (v2)" in oral
    assert "**Matched:** Diffusion" in oral
    assert "(i.e., constantly updated)" in oral


def test_markdown_cuts_authors_at_six() -> None:
    text = digest_markdown(DAY, sample_matches())
    truncated = text[text.index("arXiv:2504.06330") :]
    truncated = truncated[: truncated.index("### [")]
    assert truncated.count(" et al.") == 1
    assert text.splitlines()[0] == "# arXiv digest 2025-04-09 — 16 papers"


def test_markdown_leaves_kind_out_for_new_papers() -> None:
    new = next(m for m in sample_matches() if m.paper.kind is Kind.NEW)
    text = digest_markdown(DAY, [new])
    assert "**Kind:**" not in text
    assert text.splitlines()[0] == "# arXiv digest 2025-04-09 — 1 paper"


def hostile_paper() -> Paper:
    base = load_sample_day().papers[1]
    return replace(
        base,
        title="Bracket [/] trouble [link](javascript:x) *and* `code`",
        abstract="if a < b && c > d then <script>alert(1)</script>",
    )


def test_markdown_escapes_titles_and_abstract_html() -> None:
    text = digest_markdown(DAY, [Match(hostile_paper(), ())])
    heading = next(line for line in text.splitlines() if line.startswith("### "))
    assert heading == (
        "### [Bracket \\[/\\] trouble \\[link\\](javascript:x) \\*and\\* \\`code\\`]"
        "(https://arxiv.org/abs/2504.06312)"
    )
    assert "if a &lt; b &amp;&amp; c &gt; d then &lt;script&gt;" in text
    assert "<script>" not in text


@pytest.mark.parametrize(
    ("abstract", "shown"),
    [
        (
            "See [our offer](https://evil.example) *now*",
            "See \\[our offer\\](https://evil.example) \\*now\\*",
        ),
        ("- a list? no", "\\- a list? no"),
        ("1. Introduction", "1\\. Introduction"),
        ("# heading", "\\# heading"),
        ("x_1 and `code` | pipe", "x\\_1 and \\`code\\` \\| pipe"),
    ],
)
def test_markdown_abstracts_are_shown_as_written(abstract: str, shown: str) -> None:
    paper = replace(hostile_paper(), abstract=abstract)
    lines = digest_markdown(DAY, [Match(paper, ())]).splitlines()
    assert lines[lines.index("<details><summary>Abstract</summary>") + 2] == shown


def test_markdown_escape() -> None:
    assert markdown_escape("[a] *b* _c_ <d>") == "\\[a\\] \\*b\\* \\_c\\_ \\<d\\>"


def test_json_digest_fields() -> None:
    data = digest_json(DAY, sample_matches())
    assert data["date"] == "2025-04-09"
    assert data["count"] == 16 == len(data["papers"])
    oral = data["papers"][0]
    assert oral["id"] == "2503.24354" and oral["version"] == 2
    assert oral["kind"] == "replace"
    assert oral["primary_category"] == "cs.LG"
    assert oral["categories"] == ["cs.LG", "cs.AI", "cs.CL", "cs.CV"]
    assert oral["matched_keywords"] == ["Diffusion"]
    assert oral["abs_url"] == "https://arxiv.org/abs/2503.24354"
    assert oral["pdf_url"] == "https://arxiv.org/pdf/2503.24354"
    assert oral["published"] == "2025-03-31T17:02:00+00:00"
    assert oral["updated"] == "2025-04-07T18:07:00+00:00"
    for key in ("title", "authors", "abstract", "comment", "journal_ref", "doi"):
        assert key in oral
    assert len(oral["authors"]) == 5
    json.dumps(data)  # plain data all the way down


def test_json_keeps_the_full_author_list() -> None:
    many = replace(
        load_sample_day().papers[0],
        authors=tuple(f"Author {i}" for i in range(40)),
        published=datetime(2025, 4, 8, tzinfo=UTC),
    )
    data = digest_json(DAY, [Match(many, ())])
    assert len(data["papers"][0]["authors"]) == 40


@pytest.mark.parametrize(
    "unit",
    ["{", "\\frac{", "\\'{", "{" * 20 + "x" + "}" * 5],
    ids=["brace", "macro", "accent", "mix"],
)
def test_hostile_unclosed_braces_convert_in_linear_time(unit: str) -> None:
    # Each unclosed brace used to be looked for up to 4,000 characters on: ~30 s for 100,000.
    hostile = unit * (100_000 // len(unit))
    started = time.perf_counter()
    result = latex_to_text(hostile)
    elapsed = time.perf_counter() - started
    assert "\n" not in result
    assert elapsed < 2.0, f"{elapsed:.1f} s"


def test_braces_closing_within_and_beyond_the_limit() -> None:
    assert latex_to_text("{" + "a" * 100 + "}") == "a" * 100
    assert latex_to_text("\\textbf{bold} and \\'{e} and {\\{x\\}}") == "bold and é and {x}"
    # A group longer than the look-ahead limit is not parsed as one: its braces are dropped.
    assert latex_to_text("{" + "b" * 5000 + "}") == "b" * 5000
