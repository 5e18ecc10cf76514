import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from conftest import RECORDED, needs_shared_data
from factories import paper

from tui.adapters.sample import load_sample_day
from tui.adapters.sources.rss import parse_rss
from tui.core.export import (
    bibtex_entry,
    bibtex_keys,
    bibtex_name,
    export_json,
    export_markdown,
    latex_field,
    to_bibtex,
)
from tui.core.filters import Match
from tui.core.paper import Kind, Paper
from tui.core.render import author_name, digest_markdown, latex_to_text

SEED = load_sample_day().papers
FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"


def parse(text: str) -> dict[str, dict[str, str]]:
    """Entries by key, read back by a real BibTeX parser (bibtexparser 1.x)."""
    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False
    database = bibtexparser.loads(text, parser=parser)
    return {entry["ID"]: entry for entry in database.entries}


# What our escaping turns plain characters into, undone: the round trip must be lossless.
_UNDO = [
    (r"\textbraceleft{}", "{"),
    (r"\textbraceright{}", "}"),
    (r"\textasciitilde{}", "~"),
    (r"\textasciicircum{}", "^"),
    (r"\textbackslash{}", "\\"),
    (r"\&", "&"),
    (r"\%", "%"),
    (r"\$", "$"),
    (r"\#", "#"),
    (r"\_", "_"),
]


def unescape(field: str, *, protected: bool = False) -> str:
    if protected:  # our braces around capitals, not a macro's or a sub/superscript's argument
        field = re.sub(r"(?<![\\A-Za-z_^])\{([^\W_]*[A-Z][^\W_]*)\}", r"\1", field)
    for latex, char in _UNDO:
        field = field.replace(latex, char)
    return field


def names_from_field(field: str) -> list[str]:
    """BibTeX "von Last, Jr, First" names back to "First von Last Jr"."""
    names = []
    for name in field.split(" and "):
        if name.startswith("{") and name.endswith("}"):
            names.append(name[1:-1])
            continue
        parts = name.split(", ")
        if len(parts) == 3:
            names.append(f"{parts[2]} {parts[0]} {parts[1]}")
        elif len(parts) == 2:
            names.append(f"{parts[1]} {parts[0]}")
        else:
            names.append(name)
    return [unescape(n) for n in names]


# ---------------------------------------------------------------- keys


def test_seed_keys_are_surname_year_title_word() -> None:
    keys = bibtex_keys(SEED)
    assert keys[:3] == ["khan2025oral", "niu2025dmol", "borso2025preferencebased"]
    assert "yang2024atlas" in keys  # 2408.13055: the year of the first version
    assert "wang2025ddt" in keys
    assert len(set(keys)) == len(keys) == 16
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys)


def test_keys_are_stable_and_collisions_get_letters() -> None:
    twice = [SEED[0], SEED[1], SEED[0], SEED[0]]
    assert bibtex_keys(twice) == ["khan2025oral", "niu2025dmol", "khan2025orala", "khan2025oralb"]
    assert bibtex_keys(twice) == bibtex_keys(list(twice))


@pytest.mark.parametrize(
    ("authors", "title", "key"),
    [
        (("Pierre-André Noël",), "The Art of Noise", "noel2025art"),
        (("Przemys{\\l}aw Olbratowski",), "On $\\alpha$-Stable Laws", "olbratowski2025stable"),
        (("Jan Łukasiewicz",), "A Study", "lukasiewicz2025study"),
        (("Ludwig van Beethoven",), "Symphonies", "beethoven2025symphonies"),
        (("Martin Luther King Jr.",), "Dreams", "king2025dreams"),
        (("The CHIME/FRB Collaboration",), "Bursts", "chimefrb2025bursts"),
        (("王小明",), "Of the 3 Bodies", "anon2025bodies"),
        ((), "", "anon2025"),
    ],
)
def test_keys_fold_to_ascii(authors: tuple[str, ...], title: str, key: str) -> None:
    assert bibtex_keys([paper(authors=authors, title=title)]) == [key]


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ada Lovelace", "Lovelace, Ada"),
        ("Rana Muhammad Shahroz Khan", "Khan, Rana Muhammad Shahroz"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Jean de la Fontaine", "de la Fontaine, Jean"),
        ("Johann vom Stein", "vom Stein, Johann"),  # the watch list's particles, the same set
        ("Joao Bachiega Jr", "Bachiega, Jr, Joao"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Pawe{\\l} Niedbalski", "Niedbalski, Paweł"),
        ("Benjamin R\\'emy", "Rémy, Benjamin"),
        ("Plato", "Plato"),
        ("The CHIME/FRB Collaboration", "{The CHIME/FRB Collaboration}"),
        ("Andrew and Peggy Cherng", "{Andrew and Peggy Cherng}"),
        ("Tom & Jerry", "Jerry, Tom \\&"),
    ],
)
def test_bibtex_name(raw: str, name: str) -> None:
    assert bibtex_name(raw) == name


# ---------------------------------------------------------------- field escaping


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Plain words", "Plain words"),
        ("Denoising DDPM and LoRA in 3D", "Denoising {DDPM} and {LoRA} in {3D}"),
        ("Kept {DDPM} braces", "Kept {DDPM} braces"),
        ("R&D costs 50% of $5", r"R\&D costs 50\% of \$5"),
        ("tag #1 and snake_case", r"tag \#1 and snake\_case"),
        ("approx ~3 and x^2", r"approx \textasciitilde{}3 and x\textasciicircum{}2"),
        ("math $x_1^{2}$ stays", "math $x_1^{2}$ stays"),
        ("two $a$ and $b$", "two $a$ and $b$"),
        ("display $$\\sum_i x_i$$ ok", "display $$\\sum_i x_i$$ ok"),
        ("unbalanced $x_{1$ math", r"unbalanced \$x\_\textbraceleft{}1\$ math"),
        ("open { brace", r"open \textbraceleft{} brace"),
        ("close } brace", r"close \textbraceright{} brace"),
        ("} then {", r"\textbraceright{} then \textbraceleft{}"),
        ("a lone \\ backslash\\", r"a lone \textbackslash{} backslash\textbackslash{}"),
        ("escaped \\{ alone", r"escaped \textbraceleft{} alone"),
        ("{\\Lambda}CDM and Erd\\H{o}s", "{\\Lambda}{CDM} and Erd\\H{o}s"),
        ("already \\& escaped \\%", "already \\& escaped \\%"),
        ("$\\{x_i\\}$ sets", "$\\{x_i\\}$ sets"),
        ("$p < 5%$ and $#1$", r"$p < 5\%$ and $\#1$"),
        ("$5\\% \\\\% \\#$", r"$5\% \\\% \#$"),
        ("multi\n  line\ttext", "multi line text"),
    ],
)
def test_latex_field(text: str, field: str) -> None:
    assert latex_field(text, protect_acronyms=True) == field


def test_abstracts_keep_capitals_unbraced() -> None:
    assert latex_field("We train DDPM models", protect_acronyms=False) == "We train DDPM models"


# ---------------------------------------------------------------- round trip


def test_seed_papers_read_back_intact() -> None:
    text = to_bibtex(SEED)
    entries = parse(text)
    assert list(entries) == bibtex_keys(SEED)
    for key, original in zip(bibtex_keys(SEED), SEED, strict=True):
        entry = entries[key]
        assert entry["ENTRYTYPE"] == "misc"
        assert latex_to_text(unescape(entry["title"], protected=True)) == latex_to_text(
            original.title
        )
        expected_authors = [author_name(a) for a in original.authors]
        if original.authors_truncated:
            expected_authors.append("others")
        assert names_from_field(entry["author"]) == expected_authors
        assert entry["year"] == str(original.published.year)
        assert entry["eprint"] == original.id
        assert entry["archiveprefix"] == "arXiv"
        assert entry["primaryclass"] == original.primary_category
        assert entry["url"] == f"https://arxiv.org/abs/{original.id}"
        assert latex_to_text(unescape(entry["abstract"])) == latex_to_text(original.abstract)
        assert "doi" not in entry and "note" not in entry  # the seed has neither


HOSTILE_TITLES = [
    "Braces {kept} and {unbalanced",
    "R&D: 100% of $x_1$ costs \\ and a trailing backslash\\",
    "A } early close, a lone $ dollar and #hash_tags",
    "Sets $\\{x_i\\}$ with {\\Lambda}CDM and Erd\\H{o}s",
    "[/] [@click=app.quit] markup ~ and ^ carets",
    "Math $a^{b}$ then an unbalanced $ {c $ dollar",
    "}{ backwards braces {{ and }}",
    "Error $< 5%$ on item $#3$",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_read_back_intact(title: str) -> None:
    original = paper(
        title=title,
        authors=("Pawe{\\l} Niedbalski", "Ludwig van Beethoven", "Joao Bachiega Jr"),
        abstract=title + " in the abstract too.",
        doi="10.1000/abc_def(12)<3>;x",
        journal_ref="J. Phys. A & B 50% (2024) 1-2",
    )
    text = to_bibtex([original, SEED[0]])
    entries = parse(text)
    assert len(entries) == 2  # a broken field would swallow or drop the next entry
    entry = entries[bibtex_keys([original])[0]]
    assert unescape(entry["title"], protected=True) == title
    assert unescape(entry["abstract"]) == title + " in the abstract too."
    assert names_from_field(entry["author"]) == ["Paweł Niedbalski", *original.authors[1:]]
    assert entry["doi"] == "10.1000/abc_def(12)<3>;x"
    assert unescape(entry["note"]) == "J. Phys. A & B 50% (2024) 1-2"
    assert entry["eprint"] == "2504.00001"
    assert entry["archiveprefix"] == "arXiv"
    assert entry["primaryclass"] == "cs.LG"
    assert entry["year"] == "2025"
    assert entries["khan2025oral"]["eprint"] == "2503.24354"


@needs_shared_data()
def test_the_hardest_papers_of_a_real_day_read_back_intact() -> None:
    """TeX in titles and names, DOIs and journal references from the 1,504-paper RSS day."""
    _, papers = parse_rss(FULL_DAY.read_bytes(), [])
    hard = [
        replace(p, abstract="")  # abstracts are long and covered above; this keeps it quick
        for p in papers
        if re.search(r"[\\${}&%#_~^]", f"{p.title}{p.journal_ref}")
        or any(set(a) & set("&%#_~^$") for a in p.authors)
        or p.doi
    ]
    assert len(hard) > 200
    keys = bibtex_keys(hard)
    entries = parse(to_bibtex(hard))
    assert len(entries) == len(hard)
    for key, original in zip(keys, hard, strict=True):
        entry = entries[key]
        title = unescape(entry["title"], protected=True)
        assert latex_to_text(title) == latex_to_text(original.title), key
        assert names_from_field(entry["author"]) == list(original.authors), key
        assert entry.get("doi") == original.doi
        if original.journal_ref:
            assert unescape(entry["note"]) == original.journal_ref
        assert entry["eprint"] == original.id
        assert entry["primaryclass"] == original.primary_category
        assert entry["year"] == str(original.published.year)


def test_entry_layout() -> None:
    entry = bibtex_entry(
        paper(
            title="A Plain Title",
            doi="10.1/x",
            journal_ref="Nature 1 (2025)",
            authors_truncated=True,
        ),
        "key",
    )
    assert entry == (
        "@misc{key,\n"
        "  title = {A Plain Title},\n"
        "  author = {Lovelace, Ada and others},\n"
        "  year = {2025},\n"
        "  eprint = {2504.00001},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.LG},\n"
        "  url = {https://arxiv.org/abs/2504.00001},\n"
        "  doi = {10.1/x},\n"
        "  note = {Nature 1 (2025)},\n"
        "  abstract = {An abstract.},\n"
        "}\n"
    )


def test_old_style_ids_keep_their_archive() -> None:
    old = paper(
        id="hep-th/9901001",
        title="A Plain Title",
        categories=("hep-th",),
        published=datetime(1999, 1, 5, tzinfo=UTC),
    )
    entry = parse(to_bibtex([old]))["lovelace1999plain"]
    assert entry["eprint"] == "hep-th/9901001"
    assert entry["primaryclass"] == "hep-th"
    assert entry["url"] == "https://arxiv.org/abs/hep-th/9901001"


def test_no_papers_no_entries() -> None:
    assert to_bibtex([]) == ""


# ---------------------------------------------------------------- Markdown and JSON


def test_markdown_export_reuses_the_digest_blocks() -> None:
    matches = [Match(p, ("Diffusion",)) for p in SEED[:3]]
    text = export_markdown("Starred *papers*", matches)
    assert text.startswith("# Starred \\*papers\\* — 3 papers\n\n")
    digest = digest_markdown(load_sample_day().date, matches)
    assert text.split("\n\n", 1)[1] == digest.split("\n\n", 1)[1]


def test_markdown_export_takes_papers_too() -> None:
    text = export_markdown("One", [SEED[1]])
    assert text.startswith("# One — 1 paper\n")
    assert "### [DMol: A Schedule-Driven Diffusion Model" in text
    assert "**Matched:**" not in text


def test_json_export_round_trips() -> None:
    items: list[Match | Paper] = [Match(SEED[0], ("Diffusion",)), SEED[2]]
    data = json.loads(export_json(items, title="Starred"))
    assert data["title"] == "Starred"
    assert data["count"] == 2
    assert [p["id"] for p in data["papers"]] == [SEED[0].id, SEED[2].id]
    assert data["papers"][0]["matched_keywords"] == ["Diffusion"]
    assert data["papers"][1]["matched_keywords"] == []
    assert data["papers"][0]["title"] == SEED[0].title
    assert data["papers"][0]["kind"] == Kind.REPLACE.value


def test_json_export_keeps_unicode_readable() -> None:
    text = export_json([paper(authors=("Rémy Noël",))])
    assert "Rémy Noël" in text


@pytest.mark.parametrize("blank", ["", "  ", "{}", "{ }"])
def test_an_author_without_a_readable_name_is_left_out(blank: str) -> None:
    first_blank = paper(authors=(blank, "Ada Lovelace"), title="Engines")
    only_blank = paper(number=2, authors=(blank,), title="Engines")
    entries = parse(to_bibtex([first_blank, only_blank]))
    assert entries["lovelace2025engines"]["author"] == "Lovelace, Ada"
    assert "author" not in entries["anon2025engines"]
