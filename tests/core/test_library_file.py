"""Reading a user's library from BibTeX or CSL JSON: every place an arXiv id hides, titles made
plain, added dates, and hostile or malformed files refused with the right line."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from tui.core.library_file import (
    LibraryFileError,
    LibraryItem,
    parse_added,
    parse_library,
    read_library,
    recency_weights,
    summary,
)


def one(text: str) -> LibraryItem:
    items = read_library(text, name="lib.bib")
    assert len(items) == 1, items
    return items[0]


def error_of(text: str, name: str = "lib.bib") -> str:
    with pytest.raises(LibraryFileError) as caught:
        read_library(text, name=name)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{name} line ")
    return message


# ---------------------------------------------------------------- BibTeX ids


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("eprint = {2504.06312v2}, archivePrefix = {arXiv}", "2504.06312"),
        ("eprint = {2504.06312}, eprinttype = {arxiv}", "2504.06312"),
        ("eprint = {arXiv:2504.06312}, archiveprefix = {arXiv}", "2504.06312"),
        ("eprint = {2504.06312}", "2504.06312"),  # no prefix, but an id
        ("eprint = {hep-th/9901001v1}", "hep-th/9901001"),
        ("eprint = {math.GT/0309136}, archivePrefix = {arXiv}", "math/0309136"),
        ("arxiv = {2504.06312}", "2504.06312"),
        ("arxivid = {arXiv:1706.03762v5}", "1706.03762"),
        ("url = {https://arxiv.org/abs/2504.06312v1}", "2504.06312"),
        ("url = {http://arxiv.org/pdf/2504.06312v2.pdf}", "2504.06312"),
        ("url = {https://export.arxiv.org/abs/hep-th/9901001}", "hep-th/9901001"),
        ("howpublished = {\\url{https://arxiv.org/abs/0704.0001}}", "0704.0001"),
        ("note = {Available at https://arxiv.org/abs/2504.06312.}", "2504.06312"),
        ("doi = {10.48550/arXiv.2504.06312}", "2504.06312"),
        ("doi = {https://doi.org/10.48550/ARXIV.2504.06312}", "2504.06312"),
        ("journal = {arXiv preprint arXiv:2504.06312}", "2504.06312"),
        ("journal = {ArXiv}, note = {arXiv: hep-th/9901001}", "hep-th/9901001"),
        ("journal = {CoRR}, volume = {abs/2504.06312}", "2504.06312"),
    ],
)
def test_bibtex_id_sources(fields: str, expected: str) -> None:
    item = one(f"@article{{key, title = {{T}}, {fields}}}")
    assert item.arxiv_id == expected
    assert item.key == "key"


def test_an_eprint_of_another_archive_is_not_an_arxiv_id() -> None:
    item = one("@article{k, title={On HAL}, eprint={hal-01234567}, eprinttype={HAL}}")
    assert item.arxiv_id is None
    assert item.title == "On HAL"


def test_an_explicit_eprint_wins_over_a_url() -> None:
    item = one(
        "@misc{k, title={T}, url={https://arxiv.org/abs/2401.00001}, "
        "eprint={2504.06312}, archivePrefix={arXiv}}"
    )
    assert item.arxiv_id == "2504.06312"


@pytest.mark.parametrize(
    "fields",
    [
        "eprint = {2504.063}, archivePrefix = {arXiv}",
        "arxiv = {not-an-id}",
        "doi = {10.48550/arXiv.99}",
        "url = {https://arxiv.org/abs/123}",
        "journal = {arXiv preprint arXiv:2504.063}",
    ],
)
def test_a_malformed_arxiv_id_is_an_error_at_its_entry(fields: str) -> None:
    text = (
        f"@article{{good, title={{Fine}}, eprint={{2401.00001}}}}\n\n@article{{bad,\n {fields}}}\n"
    )
    message = error_of(text)
    assert message.startswith("lib.bib line 3: entry bad: not an arXiv id")


# ---------------------------------------------------------------- BibTeX titles, dates, syntax


def test_titles_lose_braces_and_accents_become_letters() -> None:
    item = one(r"@article{k, title = {{Caf\'e} {\"U}ber {BERT}: {$\alpha$}-Nets}}")
    assert item.title == "Café Über BERT: α-Nets"


def test_quoted_values_strings_and_concatenation() -> None:
    text = (
        '@string{pre = "Deep "}\n'
        "@preamble{ {\\newcommand{\\x}{y}} }\n"
        "@comment{ anything {nested} at all }\n"
        '@article(k, title = pre # "Learning" # { of } # "{Things}", eprint = {2504.06312},)\n'
    )
    item = one(text)
    assert item.title == "Deep Learning of Things"
    assert item.line == 4


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("timestamp = {2024-05-01}", datetime(2024, 5, 1, tzinfo=UTC)),
        ("timestamp = {2020.01.15}", datetime(2020, 1, 15, tzinfo=UTC)),
        (
            "added-at = {2019-01-21T16:45:33.000+0100}",
            datetime(2019, 1, 21, 15, 45, 33, tzinfo=UTC),
        ),
        ("date-added = {2019-01-21 16:45:33 +0100}", datetime(2019, 1, 21, 15, 45, 33, tzinfo=UTC)),
        ("urldate = {2023-11-02}", datetime(2023, 11, 2, tzinfo=UTC)),
        ("timestamp = {yesterday}", None),
        ("timestamp = {2024-13-45}", None),
    ],
)
def test_added_dates(field: str, expected: datetime | None) -> None:
    assert one(f"@article{{k, title={{T}}, {field}}}").added == expected


def test_parse_added_takes_zulu_time() -> None:
    assert parse_added("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_entries_without_id_keep_their_title_and_those_without_either_are_skipped() -> None:
    text = (
        "@article{a, title={With id}, eprint={2504.06312}}\n"
        "@book{b, title={Only a title}}\n"
        "@misc{c, year = 2020}\n"
        "@misc{d}\n"
    )
    read = parse_library(text, name="z.bib")
    assert [(i.arxiv_id, i.title, i.line) for i in read.items] == [
        ("2504.06312", "With id", 1),
        (None, "Only a title", 2),
    ]
    assert read.skipped == (3, 4)
    assert read.entries == 4
    assert summary(read, "z.bib") == (
        "2 papers from z.bib (1 with an arXiv id, 1 by title only; "
        "2 entries without arXiv id or title skipped (line 3, 4))"
    )


def test_duplicates_are_merged_keeping_the_first_line_and_the_newest_date() -> None:
    text = (
        "@article{a, title={Paper}, eprint={2504.06312v1}, timestamp={2023-01-01}}\n"
        "@article{b, title={Paper (again)}, url={https://arxiv.org/abs/2504.06312v3},"
        " timestamp={2024-01-01}}\n"
        "@book{c, title={PAPER}}\n"  # the same title, no id: the same paper
        "@book{d, title={Other}}\n"
        "@book{e, title={other}}\n"
    )
    read = parse_library(text, name="z.bib")
    assert [(i.arxiv_id, i.title, i.line) for i in read.items] == [
        ("2504.06312", "Paper", 1),
        (None, "Other", 4),
    ]
    assert read.items[0].added == datetime(2024, 1, 1, tzinfo=UTC)
    assert read.merged == 3
    assert summary(read, "z.bib").endswith("; 3 duplicates merged)")


def test_comments_and_free_text_between_entries() -> None:
    text = (
        "% This file was created with JabRef 5.1.\n"
        "% Encoding: UTF-8 {\n"
        "Write to me@example.org about it.\n"
        "@article{k, title={T}, eprint={2504.06312}}\n"
        "@Comment{jabref-meta: databaseType:bibtex;}\n"
        "@comment without braces is a comment too\n"
    )
    assert one(text).line == 4


# ---------------------------------------------------------------- malformed BibTeX


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("@article{ok, title={x}}\n@article{, title={x}}\n", 2, "has no key"),
        ("@article{title = {x}}\n", 1, "has no key"),
        ("\n\n@article{k,\n title = ,\n}\n", 4, "field title of k has no value"),
        ("@article{k,\n title = {x},\n year\n}\n", 3, "field year of k has no value"),
        ("@article{k, title={x}}\n\n@article{j,\n title = {y}\n", 3, "never closed"),
        ("@article{k,\n title = {x\n}\n", 1, "the entry starting here is never closed"),
        ('@article{k,\n title = "x {y}\n', 2, "the '\"' of field title of k is never closed"),
        ('@article{k,\n title = "x\n}\n', 3, "'}' in field title of k closes nothing"),
        ("@article{k, title={x}}}\n", 1, "'}' closes nothing"),
        ("@article{k,\n title = {x},\n@article{j, title={y}}\n", 1, "before the next one (line 3"),
        ("@article{k,\n title = {No close,\n}\n\n@article{j, title={y}}\n", 1, "(line 5;"),
        ("@article{k,\n title = {No close,\n\n@article{j, title={y}}}\n", 2, "next entry (line 4)"),
        ("@article{k,\n title = {x}\n year = 2020}\n", 3, "expected ',' or '}'"),
        ("@article k, title={x}}\n", 1, "is not followed by '{'"),
        ("just some text\n", 1, "no BibTeX entries"),
        ("", 1, "no BibTeX entries"),
    ],
)
def test_malformed_bibtex(text: str, line: int, says: str) -> None:
    message = error_of(text)
    assert message.startswith(f"lib.bib line {line}: "), message
    assert says in message, message


def test_unbalanced_braces_at_the_end_of_a_big_file_import_nothing() -> None:
    good = "".join(f"@misc{{k{i}, title={{T {i}}}, eprint={{2401.{i:05d}}}}}\n" for i in range(50))
    message = error_of(good + "@misc{last,\n title = {Open {brace}\n")
    assert message.startswith("lib.bib line 52: the '{' of field title of last is never closed")


# ---------------------------------------------------------------- hostile BibTeX


def test_crlf_and_bom() -> None:
    text = (
        "\ufeff% comment\r\n\r\n@article{k,\r\n  title = {Line\r\n  break},\r\n"
        "  eprint = {2504.06312}\r\n}\r\n"
    )
    item = one(text)
    assert (item.line, item.title, item.arxiv_id) == (3, "Line break", "2504.06312")
    message = error_of("\ufeff@article{a, title={x}}\r\n\r\n@article{, title={y}}\r\n")
    assert message.startswith("lib.bib line 3:")


def test_old_mac_line_ends() -> None:
    assert one("% x\r\r@article{k, title={T}, eprint={2504.06312}}").line == 3


def test_control_characters_never_reach_the_title() -> None:
    item = one("@article{k, title={Red \x1b[31malert\x00 \x9b2J here\x07}, eprint={2504.06312}}")
    assert item.title == "Red [31malert 2J here"
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in item.title)


def test_huge_nesting_is_read_quickly_without_recursion() -> None:
    depth = 100_000
    text = "@article{k, title={" + "{" * depth + "Deep" + "}" * depth + "}, eprint={2504.06312}}"
    started = time.perf_counter()
    item = one(text)
    assert item.title == "Deep"
    unbalanced = "@article{k, title={" + "{" * depth + "Deep" + "}" * (depth - 1) + "}"
    assert "never closed" in error_of(unbalanced)
    assert time.perf_counter() - started < 5


def test_ten_thousand_entries() -> None:
    text = "".join(
        f"@article{{k{i},\n  title = {{Paper {i}}},\n  eprint = {{2401.{i:05d}}},\n"
        f"  archivePrefix = {{arXiv}},\n  timestamp = {{2024-01-01}}\n}}\n"
        for i in range(10_000)
    )
    started = time.perf_counter()
    read = parse_library(text, name="big.bib")
    assert len(read.items) == 10_000
    assert read.items[-1] == LibraryItem(
        "2401.09999", "Paper 9999", datetime(2024, 1, 1, tzinfo=UTC), 1 + 9_999 * 6, "k9999"
    )
    assert time.perf_counter() - started < 10


def test_many_open_entries_fail_quickly() -> None:
    started = time.perf_counter()
    error_of("@article{" * 20_000)
    error_of("{" * 100_000)
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------- CSL JSON


def csl(*items: object) -> str:
    return json.dumps(list(items), indent=2)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"URL": "http://arxiv.org/abs/2504.06312v2"}, "2504.06312"),
        ({"DOI": "10.48550/arXiv.2504.06312"}, "2504.06312"),
        ({"number": "arXiv:2504.06312"}, "2504.06312"),
        ({"archive_location": "arXiv:hep-th/9901001"}, "hep-th/9901001"),
        ({"archive_location": "2504.06312"}, "2504.06312"),
        ({"note": "arXiv: 2504.06312 [cs.LG]"}, "2504.06312"),
        ({"note": "See https://arxiv.org/pdf/2504.06312"}, "2504.06312"),
        ({"URL": "https://example.org/paper", "number": 42}, None),
    ],
)
def test_csl_json_id_sources(fields: dict[str, object], expected: str | None) -> None:
    items = read_library(csl({"id": "x", "type": "article", "title": "T", **fields}), name="z.json")
    assert [(i.arxiv_id, i.title, i.key) for i in items] == [(expected, "T", "x")]


def test_a_zotero_csl_json_export() -> None:
    text = csl(
        {
            "id": "http://zotero.org/users/1/items/ABC",
            "type": "article",
            "title": "Attention <i>Is</i> All You Need",
            "URL": "http://arxiv.org/abs/1706.03762",
            "number": "arXiv:1706.03762",
            "DOI": "10.48550/arXiv.1706.03762",
            "accessed": {"date-parts": [["2024", 5, "1"]]},
            "issued": {"date-parts": [[2017, 6, 12]]},
        },
        {"id": 7, "type": "book", "title": "A Book", "issued": {"date-parts": [[2001]]}},
        {"id": "empty", "type": "book"},
        {"id": "raw", "title": "Raw date", "issued": {"raw": "2020-02-03"}},
    )
    read = parse_library(text, name="z.json")
    assert [(i.arxiv_id, i.title, i.added, i.line, i.key) for i in read.items] == [
        (
            "1706.03762",
            "Attention Is All You Need",
            datetime(2024, 5, 1, tzinfo=UTC),
            2,
            "http://zotero.org/users/1/items/ABC",
        ),
        (None, "A Book", datetime(2001, 1, 1, tzinfo=UTC), 28, "7"),
        (None, "Raw date", datetime(2020, 2, 3, tzinfo=UTC), 44, "raw"),
    ]
    assert read.skipped == (40,)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('[\n  {"title": "x",\n  }\n]', 3, "invalid JSON"),
        ('[{"title": "x"}', 1, "invalid JSON"),
        ('{"items": []}', 1, "expected a list of CSL JSON items"),
        ('[\n  {"title": "x"},\n  3\n]', 3, "item 2 is a number, not an object"),
        ('[\n  ["x"]\n]', 2, "item 1 is a list"),
        ('[\n  {\n    "id": 1,\n    "title": 12\n  }\n]', 4, "item 1: title is a number, not text"),
        ('[\n  {\n    "title": "t",\n    "URL": 2504.06312\n  }\n]', 4, "URL is a number"),
        (
            '[\n  {\n    "title": "t",\n    "DOI": null,\n    "note": [1]\n  }\n]',
            5,
            "note is a list",
        ),
        ('[\n  {"title": "t",\n   "URL": "https://arxiv.org/abs/1234"}\n]', 3, "not an arXiv id"),
        ('[\n  {"DOI": "10.48550/arXiv.2504.0"}\n]', 2, "not an arXiv id"),
        ("[]", 1, "no CSL JSON items"),
        ("[" * 100_000 + "]" * 100_000, 1, "nested too deeply"),
        ('["\x1b"]', 1, "invalid JSON"),
    ],
)
def test_malformed_csl_json(text: str, line: int, says: str) -> None:
    message = error_of(text, name="z.json")
    assert message.startswith(f"z.json line {line}: "), message
    assert says in message, message


def test_csl_json_with_bom_crlf_and_ten_thousand_items() -> None:
    items = [
        {"id": f"i{i}", "title": f"T {i}", "URL": f"https://arxiv.org/abs/2401.{i:05d}"}
        for i in range(10_000)
    ]
    text = "\ufeff" + json.dumps(items, indent=1).replace("\n", "\r\n")
    read = parse_library(text, name="z.json")
    assert len(read.items) == 10_000
    assert read.items[1].line == 7 and read.items[1].arxiv_id == "2401.00001"


def test_csl_json_control_characters_escaped_in_titles_are_dropped() -> None:
    item = read_library(csl({"title": "A\u001b[2J\u0000 title", "URL": "x"}), name="z.json")[0]
    assert item.title == "A[2J title"


# ---------------------------------------------------------------- weights


def test_recency_weights_as_zotero_arxiv_daily() -> None:
    day = [datetime(2024, 1, d, tzinfo=UTC) for d in range(1, 12)]
    weights = recency_weights(list(reversed(day)))  # newest first
    assert weights[0] == 1.0
    assert weights[9] == pytest.approx(0.5)  # rank 9: 1 / (1 + log10 10)
    assert weights == sorted(weights, reverse=True)


def test_recency_weights_ties_undated_and_no_dates() -> None:
    new, old = datetime(2024, 1, 2, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC)
    weights = recency_weights([old, new, None, new])
    assert weights[1] == weights[3] == 1.0
    assert weights[0] == pytest.approx(1 / (1 + 0.47712125))  # rank 2
    assert weights[2] == pytest.approx(1 / (1 + 0.60205999))  # after every dated one: rank 3
    assert recency_weights([None, None]) == [1.0, 1.0]
    assert recency_weights([]) == []


def test_recency_weights_of_ten_thousand_distinct_dates_are_quick() -> None:
    start = datetime(2000, 1, 1, tzinfo=UTC)
    added = [start.replace(year=2000 + i % 20, day=1 + i % 28, hour=i % 24) for i in range(10_000)]
    started = time.perf_counter()
    weights = recency_weights(added)
    assert time.perf_counter() - started < 1
    assert max(weights) == 1.0 and min(weights) > 0.2


@pytest.mark.parametrize(
    "text", ["2024-01-01T10:00+9900", "0001-01-01T00:00:00+0100", "9999-99-99", "2024-02-30"]
)
def test_impossible_dates_are_no_dates(text: str) -> None:
    assert parse_added(text) is None


def test_missing_fields_and_impossible_csl_dates() -> None:
    text = csl(
        {},
        {"title": "Huge year", "issued": {"date-parts": [[10**30, 1, 1]]}},
        {"title": "Bad parts", "issued": {"date-parts": [["soon"]]}, "accessed": "yesterday"},
        {"title": "Float", "issued": {"date-parts": [[2024.5]]}},
    )
    read = parse_library(text, name="z.json")
    assert [(i.title, i.added) for i in read.items] == [
        ("Huge year", None),
        ("Bad parts", None),
        ("Float", None),
    ]
    assert read.skipped == (2,)


def test_a_zotero_bibtex_export() -> None:
    text = (
        "\n@misc{vaswani_attention_2023,\n"
        "\ttitle = {Attention {Is} {All} {You} {Need}},\n"
        "\turl = {http://arxiv.org/abs/1706.03762},\n"
        "\tdoi = {10.48550/arXiv.1706.03762},\n"
        "\tabstract = {We reach 28.4 BLEU; 100\\% of it @home {in braces}.},\n"
        "\turldate = {2024-05-01},\n"
        "\tpublisher = {arXiv},\n"
        "\tauthor = {Vaswani, Ashish and Shazeer, Noam},\n"
        "\tmonth = aug,\n"
        "\tyear = {2023},\n"
        "\tnote = {arXiv:1706.03762 [cs]},\n"
        "\tfile = {arXiv Fulltext PDF:/home/me/Zotero/storage/X/Vaswani.pdf:application/pdf},\n"
        "}\n\n"
        "@article{smith_paper_2020,\n"
        "\ttitle = {A {Journal} {Paper} on {$\\beta$}-{Decay}},\n"
        "\tjournal = {Phys. Rev. D},\n"
        "\tdoi = {10.1103/PhysRevD.1.1},\n"
        "}\n"
    )
    read = parse_library(text, name="My Library.bib")
    assert [(i.arxiv_id, i.title, i.added, i.line) for i in read.items] == [
        ("1706.03762", "Attention Is All You Need", datetime(2024, 5, 1, tzinfo=UTC), 2),
        (None, "A Journal Paper on β-Decay", None, 16),
    ]
    assert summary(read, "My Library.bib") == (
        "2 papers from My Library.bib (1 with an arXiv id, 1 by title only)"
    )
