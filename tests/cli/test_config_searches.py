"""Saved searches in the settings: ``[searches]`` name = query. Read as profiles with a query,
checked (a query that cannot be read names its line), and written by the reader's Ctrl+S and
Delete keeping every other byte of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import (
    TEMPLATE,
    ConfigError,
    config_path,
    ensure_config_file,
    load_config,
    parse_config,
    remove_search,
    save_search,
    search_problem,
)
from tui.core.follow import KeywordProfile

PROFILE = '[profiles.Diffusion]\nkeywords = ["Diffusion"]\n'


def searches(text: str) -> list[tuple[str, str]]:
    return [(p.name, p.query) for p in parse_config(text).follow.profiles if p.query]


# ---------------------------------------------------------------- reading


def test_the_template_documents_searches_and_has_none() -> None:
    assert "[searches]\n# " in TEMPLATE
    assert searches(TEMPLATE) == []
    assert [p.name for p in parse_config(TEMPLATE).follow.profiles] == ["Diffusion"]


def test_a_file_without_searches_stays_valid() -> None:
    config = parse_config('categories = ["cs.LG"]\n' + PROFILE)
    assert config.follow.profiles == (KeywordProfile("Diffusion", ("Diffusion",)),)


def test_saved_searches_come_after_the_keyword_profiles_in_file_order() -> None:
    text = (
        "[searches]\n"
        "\"Unread diffusion\" = 'ti:diffusion -cat:astro-ph is:unread'\n"
        'hinton = "au:hinton"\n' + PROFILE
    )
    config = parse_config(text)
    assert [(p.name, p.keywords, p.query) for p in config.follow.profiles] == [
        ("Diffusion", ("Diffusion",), ""),
        ("Unread diffusion", (), "ti:diffusion -cat:astro-ph is:unread"),
        ("hinton", (), "au:hinton"),
    ]


def test_default_profile_may_name_a_saved_search() -> None:
    config = parse_config("default_profile = \"mine\"\n[searches]\nmine = 'ti:survey'\n")
    assert config.follow.default_profile == "mine"
    assert config.follow.profile("mine") == KeywordProfile("mine", (), (), query="ti:survey")


BAD = [
    pytest.param(
        "theme = 'nord'\n[searches]\nok = 'ti:x'\nbroken = 'au:wang OR'\n",
        4,
        "searches.broken: 'au:wang OR': OR needs a term after it",
        id="query-error",
    ),
    pytest.param(
        "[searches]\n\"my one\" = 'is:fresh'\n",
        2,
        "searches.\"my one\": 'is:fresh': is:fresh? is: takes",
        id="unknown-state",
    ),
    pytest.param("[searches]\nx = 3\n", 2, "searches.x must be a query string", id="not-a-string"),
    pytest.param("[searches]\nx = '  '\n", 2, "searches.x is empty", id="empty"),
    pytest.param("[searches.x]\nq = 'a'\n", 1, "searches.x must be a query string", id="table"),
    pytest.param("searches = 'ti:x'\n", 1, "searches must be a section: [searches]", id="flat"),
    pytest.param(
        "[searches]\n\"\u200b\" = 'au:li'\n",
        2,
        "a name is one line of printable characters",
        id="zero-width-name",
    ),
    pytest.param(
        "[searches]\n\"a\\tb\" = 'au:x'\n",
        2,
        "“a\\tb”: a name is one line of printable characters",
        id="tab-in-name",
    ),
    pytest.param(
        PROFILE + "[searches]\nDiffusion = 'ti:diffusion'\n",
        4,
        "searches.Diffusion: a keyword profile [profiles.Diffusion] has that name",
        id="profile-name",
    ),
    pytest.param(
        "default_profile = 'nope'\n[searches]\nmine = 'ti:x'\n",
        1,
        "names no profile (there are no [profiles.NAME] sections; saved searches: mine)",
        id="default-profile",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), BAD)
def test_a_bad_saved_search_is_one_line_naming_its_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text)
    message = str(raised.value)
    assert "\n" not in message
    assert f"line {line}:" in message, message
    assert problem in message


# ---------------------------------------------------------------- writing


@pytest.fixture
def settings() -> Path:
    return ensure_config_file()


def test_saving_then_removing_gives_the_template_back_byte_for_byte(settings: Path) -> None:
    save_search("Unread diffusion", 'ti:diffusion -cat:astro-ph "score matching" is:unread')
    save_search("hinton", "au:hinton")
    text = settings.read_text(encoding="utf-8")
    assert (
        "[searches]\n"
        "# \"Diffusion, unread\" = 'ti:diffusion -cat:astro-ph is:unread'\n"
        '"Unread diffusion" = \'ti:diffusion -cat:astro-ph "score matching" is:unread\'\n'
        "hinton = 'au:hinton'\n"
        "\n\n# Key overrides"
    ) in text
    assert searches(text) == [
        ("Unread diffusion", 'ti:diffusion -cat:astro-ph "score matching" is:unread'),
        ("hinton", "au:hinton"),
    ]
    remove_search("hinton")
    remove_search("Unread diffusion")
    assert settings.read_text(encoding="utf-8") == TEMPLATE


SHAPES = [
    pytest.param("", id="empty-file"),
    pytest.param('theme = "nord"', id="no-newline-at-end"),
    pytest.param('theme = "nord"\n\n[watch]\nauthors = []\n', id="no-searches-section"),
    pytest.param("[searches]\n", id="empty-section"),
    pytest.param("[searches]\nold = 'ti:x'  # mine\n\n# the pdf folder\n[pdf]\n", id="one-before"),
    pytest.param("[searches]\r\nold = 'ti:x'\r\n\r\n[pdf]\r\n", id="crlf"),
    pytest.param("[searches]\n# examples\n# a = 'b'\n\n# next\n[pdf]\n", id="only-comments"),
]


@pytest.mark.parametrize("text", SHAPES)
@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("plain", "ti:diffusion"),
        ("with spaces, and “quotes”", 'abs:"language model" -is:read'),
        ('say "hi"', "it's OR au:o'neil"),
        ("Łódź", "(ti:graph OR ti:gnn) -survey"),
    ],
)
def test_a_saved_search_written_then_removed_keeps_the_rest(
    settings: Path, text: str, name: str, query: str
) -> None:
    settings.write_bytes(text.encode("utf-8"))
    before = parse_config(text)
    save_search(name, query)
    written = settings.read_bytes().decode("utf-8")
    after = parse_config(written)
    assert after.follow.profile(name) == KeywordProfile(name, (), (), query=query)
    assert after.follow.profiles[: len(before.follow.profiles)] == before.follow.profiles
    if "\r\n" in text:
        assert "\n" not in written.replace("\r\n", "")
    remove_search(name)
    left = settings.read_bytes().decode("utf-8")
    assert parse_config(left).follow == before.follow
    if "[searches]" in text and text.endswith("\n"):
        assert left == text  # byte for byte


def test_saving_a_name_again_replaces_its_query_in_place(settings: Path) -> None:
    settings.write_text("[searches]\na = 'ti:x'  # mine\nb = 'ti:y'\n", encoding="utf-8")
    save_search("a", 'ti:"new one"')
    assert settings.read_text(encoding="utf-8") == (
        "[searches]\na = 'ti:\"new one\"'  # mine\nb = 'ti:y'\n"
    )
    save_search("a", 'ti:"new one"')  # the same: nothing to write
    assert searches(settings.read_text(encoding="utf-8")) == [("a", 'ti:"new one"'), ("b", "ti:y")]


def test_what_cannot_be_saved_says_why_and_leaves_the_file(settings: Path) -> None:
    original = settings.read_bytes()
    with pytest.raises(ValueError, match="OR needs a term after it"):
        save_search("x", "au:wang OR")
    with pytest.raises(ValueError, match="needs a name"):
        save_search("  ", "ti:x")
    with pytest.raises(ConfigError, match="a keyword profile is named 'Diffusion'"):
        save_search("Diffusion", "ti:diffusion")
    assert settings.read_bytes() == original
    assert search_problem("ok", "ti:x") is None
    assert search_problem("ok", "") == "the query is empty"


def test_searches_written_as_an_inline_table_are_left_to_the_user(settings: Path) -> None:
    text = "searches = { a = 'ti:x' }\n"
    settings.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="add it by hand"):
        save_search("b", "ti:y")
    with pytest.raises(ConfigError, match="edit it by hand"):
        remove_search("a")
    assert settings.read_text(encoding="utf-8") == text


def test_the_default_profile_saved_search_is_not_removed_under_it(settings: Path) -> None:
    text = "default_profile = 'a'\n[searches]\na = 'ti:x'\n"
    settings.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="default_profile is 'a': change that setting first"):
        remove_search("a")
    remove_search("not there")  # nothing to do
    assert settings.read_text(encoding="utf-8") == text


def test_the_reader_and_the_command_line_read_what_was_saved() -> None:
    save_search("mine", "cat:cs.CV")  # the file is created from the template first
    assert load_config(config_path()).follow.profile("mine") == KeywordProfile(
        "mine", (), (), query="cat:cs.CV"
    )
