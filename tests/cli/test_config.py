import errno
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from factories import paper

from tui.config import (
    TEMPLATE,
    Config,
    ConfigError,
    add_watch_author,
    config_path,
    default_config,
    default_pdf_folder,
    ensure_config_file,
    load_config,
    parse_config,
    remove_watch_author,
)
from tui.core.filters import matched_keywords
from tui.core.follow import DEFAULT_FOLLOW, Follow, KeywordProfile


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(text: str, tmp_path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    return caught.value


# ---------------------------------------------------------------- where it lives, first run


def test_config_path_is_under_the_data_dir_given_by_hand(isolated_dirs: Path) -> None:
    assert config_path() == isolated_dirs / "config" / "config.toml"


def test_config_dir_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CONFIG_DIR", str(tmp_path / "elsewhere"))
    assert config_path() == tmp_path / "elsewhere" / "config.toml"
    load_config()
    assert (tmp_path / "elsewhere" / "config.toml").is_file()


def test_first_run_writes_the_commented_template_which_says_the_defaults() -> None:
    assert not config_path().exists()
    config = load_config()
    text = config_path().read_text(encoding="utf-8")
    assert text == TEMPLATE
    assert sum(line.startswith("#") for line in text.splitlines()) >= 25
    assert config == default_config()
    assert config.path == config_path()


def test_template_documents_every_setting() -> None:
    for setting in (
        "categories =",
        "# default_profile =",
        "theme =",
        "expand_marks_read =",
        "compact_list = false",
        "[profiles.Diffusion]",
        "keywords =",
        "exclude =",
        "[keys]",
        "[watch]",
        "authors =",
        "phrases =",
        "[pdf]",
        "# folder =",
    ):
        assert setting in TEMPLATE, setting


def test_action_ids_the_template_names_are_the_apps() -> None:
    from tui.app.commands import LIBRARY_COMMANDS, TRIAGE_COMMANDS

    commands = (*TRIAGE_COMMANDS, *LIBRARY_COMMANDS)
    bindable = {command.ACTION for command in commands if command.OWN_BINDING}
    listing = TEMPLATE[TEMPLATE.index("does):") + 6 : TEMPLATE.index(". Default: no overrides")]
    listed = {name.strip(" #\n") for name in listing.split(",")}
    examples = set(
        re.findall(
            r"^# (\w+) = ", TEMPLATE[TEMPLATE.index("[keys]") : TEMPLATE.index("[watch]")], re.M
        )
    )
    assert examples <= listed
    assert {"toggle_star", "next_day", "quit", "clear"} <= listed
    assert listed <= bindable, listed - bindable
    assert bindable <= listed, bindable - listed


def test_defaults_are_the_follow_defaults_and_the_documented_values() -> None:
    config = default_config()
    assert config.follow == DEFAULT_FOLLOW
    assert config.follow.categories == ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
    assert config.follow.profiles == (KeywordProfile("Diffusion", ("Diffusion", "DDPM", "DDIM")),)
    assert (config.theme, config.expand_marks_read, dict(config.keys)) == ("textual-dark", True, {})
    assert (config.watch_authors, config.watch_phrases) == ((), ())
    assert config.compact_list is False


def test_compact_list_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("compact_list = true\n", encoding="utf-8")
    assert load_config(path).compact_list is True
    path.write_text('compact_list = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be true or false"):
        load_config(path)


def test_pdf_folder_default(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_config().pdf_folder == isolated_dirs / "pdfs"
    monkeypatch.delenv("ARXIV_DAILY_DATA_DIR")
    monkeypatch.setenv("HOME", "/home/reader")
    assert default_pdf_folder() == Path("/home/reader/Papers/arxiv")
    assert parse_config(TEMPLATE).pdf_folder == Path("/home/reader/Papers/arxiv")


def test_an_existing_file_is_never_replaced() -> None:
    path = ensure_config_file()
    path.write_text('theme = "nord"\n', encoding="utf-8")
    assert ensure_config_file() == path
    assert load_config().theme == "nord"


def test_without_create_a_missing_file_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "config.toml"
    config = load_config(path, create=False)
    assert config == default_config()
    assert config.path is None
    assert not path.exists()


# ---------------------------------------------------------------- each setting


FULL = """\
categories = ["stat.ml", "cs.LG", "CS.lg"]
default_profile = "LLM"
theme = "nord"
expand_marks_read = false

[profiles.Diffusion]
keywords = ["Diffusion"]
exclude = ["graph diffusion", "diffusion   MRI"]

[profiles."Language models"]
keywords = ["LLM", "language model"]

[profiles.LLM]
keywords = ["LLM"]

[keys]
toggle_star = "x"
next_day = "right_square_bracket , l"
quit = ["ctrl+q", "q"]

[watch]
authors = ["Yann LeCun", "Fei-Fei Li"]
phrases = ["flow matching"]

[pdf]
folder = "~/Library/arxiv"
"""


def test_every_setting_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = load_config(write(tmp_path, FULL))
    assert config.follow.categories == ("stat.ML", "cs.LG")
    assert [p.name for p in config.follow.profiles] == ["Diffusion", "Language models", "LLM"]
    assert config.follow.profile("Diffusion") == KeywordProfile(
        "Diffusion", ("Diffusion",), ("graph diffusion", "diffusion MRI")
    )
    assert config.follow.profile("Language models") == KeywordProfile(
        "Language models", ("LLM", "language model")
    )
    assert config.follow.default_profile == "LLM"
    assert config.theme == "nord"
    assert config.expand_marks_read is False
    assert dict(config.keys) == {
        "toggle_star": "x",
        "next_day": "right_square_bracket,l",
        "quit": "ctrl+q,q",
    }
    assert config.watch_authors == ("Yann LeCun", "Fei-Fei Li")
    assert config.watch_phrases == ("flow matching",)
    assert config.pdf_folder == tmp_path / "home" / "Library" / "arxiv"
    assert config.path == tmp_path / "config.toml"


def test_left_out_settings_take_defaults_but_profiles_are_what_the_file_has(
    tmp_path: Path,
) -> None:
    config = load_config(write(tmp_path, 'theme = "gruvbox"\n'))
    assert config == Config(follow=Follow(DEFAULT_FOLLOW.categories), theme="gruvbox")
    assert config.follow.profiles == ()


def test_categories_may_be_one_comma_separated_string(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'categories = "hep-th, cs.lg"\n'))
    assert config.follow.categories == ("hep-th", "cs.LG")


def test_an_empty_default_profile_means_none(tmp_path: Path) -> None:
    text = 'default_profile = ""\n[profiles.A]\nkeywords = ["a"]\n'
    assert load_config(write(tmp_path, text)).follow.default_profile is None


def test_exclusions_from_the_file_veto_keywords(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    profile = config.follow.profile("Diffusion")
    assert profile is not None
    graph_only = paper(title="Graph Diffusion for node classification")
    both = paper(title="Graph diffusion meets diffusion models")
    mri = paper(title="Fast Diffusion\nMRI reconstruction")
    plain = paper(title="A latent diffusion sampler")
    assert matched_keywords(graph_only, profile.keywords, profile.exclude) == ()
    assert matched_keywords(both, profile.keywords, profile.exclude) == ("Diffusion",)
    assert matched_keywords(mri, profile.keywords, profile.exclude) == ()
    assert matched_keywords(plain, profile.keywords, profile.exclude) == ("Diffusion",)


# ---------------------------------------------------------------- errors name the line


ERRORS = [
    pytest.param(
        'theme = "nord"\n\ncategories = ["cs.LG",, "cs.CV"]\n',
        3,
        "invalid TOML: ",
        id="syntax",
    ),
    pytest.param('theme = "nord"\ntheme = "dracula"\n', 2, "invalid TOML: ", id="duplicate-key"),
    pytest.param('theme = "nord\n', 1, "invalid TOML: ", id="open-string"),
    pytest.param("[watch]\nauthors = [\n", 2, "invalid TOML: ", id="at-end"),
    pytest.param(
        '# my settings\n\ncategories = ["cs.LG", "cs.XX"]\n',
        3,
        "unknown arXiv category: cs.XX (did you mean cs.SY?)",
        id="category",
    ),
    pytest.param(
        'categories = [\n  "cs.LG",\n  # typo below\n  "cs.lgg",\n]\n',
        4,
        "unknown arXiv category: cs.lgg (did you mean cs.LG?)",
        id="category-in-long-list",
    ),
    pytest.param("categories = []\n", 1, "at least one", id="no-category"),
    pytest.param("categories = 5\n", 1, "categories must be a list", id="category-type"),
    pytest.param(
        '\n\n\n[profiles.Diffusion]\nexclude = []\n\nkeywords = "Diffusion"\n',
        7,
        "profiles.Diffusion.keywords must be a list of strings",
        id="keywords-type",
    ),
    pytest.param(
        '[profiles.Diffusion]\nkeywords = [\n  "DDPM",\n  3,\n]\n',
        4,
        "profiles.Diffusion.keywords must be a list of strings",
        id="keyword-item-type",
    ),
    pytest.param(
        '[profiles.A]\nkeywords = ["a"]\n[profiles.B]\nexclude = ["b"]\n',
        3,
        "profiles.B has no keywords",
        id="no-keywords",
    ),
    pytest.param(
        '[profiles."Big models"]\nkeywords = []\n',
        2,
        'profiles."Big models".keywords is empty',
        id="empty-keywords",
    ),
    pytest.param(
        '[profiles.A]\nkeywords = ["a"]\nexcludes = ["b"]\n',
        3,
        "unknown setting profiles.A.excludes (did you mean exclude?)",
        id="profile-typo",
    ),
    pytest.param(
        'profiles = { A = { keywords = ["a"] }, B = { keywords = "b" } }\n',
        1,
        "profiles.B.keywords must be a list of strings",
        id="inline-profiles",
    ),
    pytest.param(
        'theme = "nord"\ncolour = "red"\n',
        2,
        "unknown setting colour",
        id="unknown-setting",
    ),
    pytest.param(
        'theme = "nord"\n\n[whatch]\nauthors = []\n',
        3,
        "unknown section [whatch] (did you mean watch?)",
        id="unknown-section",
    ),
    pytest.param("[watch]\nauthor = []\n", 2, "did you mean authors?", id="watch-typo"),
    pytest.param(
        'default_profile = "LLM"\n[profiles.Diffusion]\nkeywords = ["Diffusion"]\n',
        1,
        "default_profile 'LLM' names no profile (profiles: Diffusion)",
        id="default-profile",
    ),
    pytest.param(
        'default_profile = "LLM"\n', 1, "(there are no [profiles.NAME] sections)", id="no-profiles"
    ),
    pytest.param('\nexpand_marks_read = "yes"\n', 2, "must be true or false", id="bool"),
    pytest.param("theme = 3\n", 1, "theme must be a non-empty string", id="theme"),
    pytest.param('[keys]\nquit = "ctlr+q"\n', 2, "'ctlr' is not a modifier", id="modifier"),
    pytest.param('[keys]\nquit = "ctrl q"\n', 2, "is not a key name", id="key-space"),
    pytest.param('[keys]\nquit = "x,,y"\n', 2, "keys.quit must be a key name", id="key-empty"),
    pytest.param('[keys]\n"star!" = "x"\n', 2, "is not an action id", id="action-id"),
    pytest.param("[keys]\nquit = 1\n", 2, "keys.quit must be a key name", id="key-type"),
    pytest.param("keys = 1\n", 1, "keys must be a section", id="keys-type"),
    pytest.param('[pdf]\nfolder = "Papers"\n', 2, "must be absolute", id="pdf-relative"),
    pytest.param(
        '[pdf]\nfolder = "~nosuchuser-ad/Papers"\n',
        2,
        "pdf.folder: no home folder for '~nosuchuser-ad'",
        id="pdf-unknown-user",
    ),
    pytest.param("[watch]\nphrases = [\"a\", ' ']\n", 2, "empty string", id="blank-phrase"),
    pytest.param('watch = "Yann"\n', 1, "watch must be a section", id="watch-type"),
    pytest.param(
        '# theme = "x"\nwatch.phrases = ["""\ntheme = 1\n"""]\n\ntheme = 5\n',
        6,
        "theme must be a non-empty string",
        id="locator-skips-strings",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), ERRORS)
def test_errors_name_the_file_and_line(text: str, line: int, problem: str, tmp_path: Path) -> None:
    error = error_of(text, tmp_path)
    message = str(error)
    assert message.startswith(f"{tmp_path / 'config.toml'} line {line}: "), message
    assert problem in message
    assert "\n" not in message
    assert "Traceback" not in message
    assert (error.line, error.path) == (line, tmp_path / "config.toml")
    assert error.__suppress_context__ or error.__cause__ is None


def test_syntax_errors_keep_tomllib_reason_and_column(tmp_path: Path) -> None:
    text = 'theme = "nord"\n\ncategories = ["cs.LG",, "cs.CV"]\n'
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    message = str(error_of(text, tmp_path))
    assert re.search(r"line 3: invalid TOML: Invalid value \(column \d+\)$", message), message


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'theme = "nord"\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"config\.toml line 2: not UTF-8 text$"):
        load_config(path)


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbftheme = "nord"\n')
    assert load_config(path).theme == "nord"


def test_an_unreadable_file_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(ConfigError, match=r"config\.toml: cannot read: "):
        load_config(tmp_path / "config.toml")


# ---------------------------------------------------------------- add_watch_author


def comment_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_watching_an_author_keeps_comments_and_settings_and_is_idempotent() -> None:
    path = ensure_config_file()
    before = load_config()
    add_watch_author("Yann LeCun")
    text = path.read_text(encoding="utf-8")
    assert comment_lines(text) == comment_lines(TEMPLATE)
    assert 'authors = ["Yann LeCun"]' in text
    after = load_config()
    assert after.watch_authors == ("Yann LeCun",)
    assert after == Config(
        follow=before.follow,
        keys=before.keys,
        theme=before.theme,
        expand_marks_read=before.expand_marks_read,
        watch_authors=("Yann LeCun",),
        watch_phrases=before.watch_phrases,
        pdf_folder=before.pdf_folder,
    )
    add_watch_author("Fei-Fei Li")
    add_watch_author("yann  lecun")  # the same author, spelled loosely
    add_watch_author("Fei-Fei Li")
    assert load_config().watch_authors == ("Yann LeCun", "Fei-Fei Li")
    assert comment_lines(path.read_text(encoding="utf-8")) == comment_lines(TEMPLATE)


def test_watching_creates_the_file_when_missing() -> None:
    add_watch_author("Ada Lovelace")
    assert config_path().is_file()
    assert load_config().watch_authors == ("Ada Lovelace",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[watch]\nauthors = [\n    "A. One",  # first\n    # more below\n]\nphrases = []\n',
            '[watch]\nauthors = [\n    "A. One",  # first\n    # more below\n    "New Name",\n]\n'
            "phrases = []\n",
            id="long-list",
        ),
        pytest.param(
            '[watch]\nauthors = [\n  "A. One"  # no comma\n]\n',
            '[watch]\nauthors = [\n  "A. One",  # no comma\n  "New Name",\n]\n',
            id="long-list-without-trailing-comma",
        ),
        pytest.param(
            '[watch]\nauthors = [\n  "A. One",\n  "B. Two"]\n',
            '[watch]\nauthors = [\n  "A. One",\n  "B. Two", "New Name"]\n',
            id="bracket-after-item",
        ),
        pytest.param(
            '[watch]\nauthors = ["A. One", ]  # mine\n',
            '[watch]\nauthors = ["A. One", "New Name", ]  # mine\n',
            id="short-list",
        ),
        pytest.param(
            "[watch]\nauthors = [\n]\n",
            '[watch]\nauthors = [\n    "New Name",\n]\n',
            id="empty-long-list",
        ),
        pytest.param(
            '# watch list\n[watch]\nphrases = ["x"]\n\n[pdf]\n',
            '# watch list\n[watch]\nauthors = ["New Name"]\nphrases = ["x"]\n\n[pdf]\n',
            id="no-authors-key",
        ),
        pytest.param(
            'theme = "nord"  # no newline at end',
            'theme = "nord"  # no newline at end\n\n[watch]\nauthors = ["New Name"]\n',
            id="no-watch-section",
        ),
        pytest.param(
            'watch = { authors = ["A. One"] }\n',
            'watch = { authors = ["A. One", "New Name"] }\n',
            id="inline-table",
        ),
        pytest.param(
            'theme = "nord"\r\n[watch]\r\nauthors = [\r\n  "A. One",\r\n]\r\n',
            'theme = "nord"\r\n[watch]\r\nauthors = [\r\n  "A. One",\r\n  "New Name",\r\n]\r\n',
            id="crlf",
        ),
    ],
)
def test_watch_author_edits_in_place(text: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode())
    add_watch_author("New Name", path)
    assert path.read_bytes().decode() == expected


def test_awkward_names_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, "[watch]\nauthors = []\n")
    for name in ('Jean "JJ" O\'Neil', "Back\\slash", "Łukasz Kaiser"):
        add_watch_author(name, path)
    assert load_config(path).watch_authors == ('Jean "JJ" O\'Neil', "Back\\slash", "Łukasz Kaiser")


def test_watch_author_leaves_a_broken_file_alone(tmp_path: Path) -> None:
    text = 'theme = "nord"\ncategories = ["cs.XX"]\n'
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"line 2: unknown arXiv category"):
        add_watch_author("Ada Lovelace", path)
    assert path.read_text(encoding="utf-8") == text


def test_watch_author_refuses_an_edit_it_cannot_make_safely(tmp_path: Path) -> None:
    text = "watch = {}\n"
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match="add it by hand"):
        add_watch_author("Ada Lovelace", path)
    assert path.read_text(encoding="utf-8") == text


def test_a_blank_author_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="blank"):
        add_watch_author("   ", write(tmp_path, ""))


def test_watch_author_keeps_the_file_mode(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    path.chmod(0o600)
    add_watch_author("Ada Lovelace", path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name != "config.toml"]


def test_watch_author_writes_through_a_symlink(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = write(dotfiles, "[watch]\nauthors = []\n")
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    add_watch_author("Ada Lovelace", link)
    assert link.is_symlink()
    assert load_config(real).watch_authors == ("Ada Lovelace",)


def test_a_config_dir_that_cannot_be_made_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-dir").write_text("")
    with pytest.raises(ConfigError, match=r"config\.toml: cannot create: "):
        load_config(tmp_path / "not-a-dir" / "config.toml")


def test_a_full_disk_when_creating_the_file_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_written(self: Path, text: str, encoding: str | None = None) -> int:
        with self.open("w", encoding=encoding) as handle:
            handle.write(text[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_written)
    with pytest.raises(ConfigError, match="cannot create: No space left on device"):
        ensure_config_file(tmp_path / "config.toml")
    assert list(tmp_path.iterdir()) == []


def test_a_settings_folder_that_cannot_be_searched_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "locked" / "config.toml"
    real_exists = Path.exists

    def locked(self: Path, *args: object, **kwargs: object) -> bool:
        if self == target:  # what stat() says under a folder without search permission
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_exists(self)

    monkeypatch.setattr(Path, "exists", locked)
    with pytest.raises(ConfigError, match=r"config.toml: cannot read: Permission denied$"):
        load_config(target)


# ---------------------------------------------------------------- remove_watch_author


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[watch]\nauthors = [\n    "A. One",  # first\n    "B. Two",  # second\n'
            '    "C. Three",\n]\nphrases = []\n',
            '[watch]\nauthors = [\n    "A. One",  # first\n    "C. Three",\n]\nphrases = []\n',
            id="long-list-middle",
        ),
        pytest.param(
            '[watch]\nauthors = [\n  "A. One",\n  "B. Two"  # last\n]\n',
            '[watch]\nauthors = [\n  "A. One"\n]\n',
            id="long-list-last",
        ),
        pytest.param(
            '[watch]\nauthors = ["B. Two", "A. One", ]  # mine\n',
            '[watch]\nauthors = ["A. One", ]  # mine\n',
            id="short-list-first",
        ),
        pytest.param(
            '[watch]\nauthors = ["A. One", "B. Two"]\n',
            '[watch]\nauthors = ["A. One"]\n',
            id="short-list-last",
        ),
        pytest.param(
            "[watch]\nauthors = [\n  'B. Two',  # the only one\n]\n",
            "[watch]\nauthors = []\n",
            id="only-one-literal-string",
        ),
        pytest.param(
            '[watch]\nauthors = ["b.  two", "A. One", "B. Two"]\n',
            '[watch]\nauthors = ["A. One"]\n',
            id="written-twice",
        ),
        pytest.param(
            '[watch]\nauthors = ["B. Two", "b. two", "A. One"]\n',
            '[watch]\nauthors = ["A. One"]\n',
            id="written-twice-side-by-side",
        ),
        pytest.param(
            '[watch]\nauthors = [\n  "A. One",\n  "B. Two",\n  "b.  two",  # again\n]\n',
            '[watch]\nauthors = [\n  "A. One"\n]\n',
            id="written-twice-at-the-end",
        ),
        pytest.param(
            'watch = { authors = ["A. One", "B. Two"] }\n',
            'watch = { authors = ["A. One"] }\n',
            id="inline-table",
        ),
        pytest.param(
            '[watch]\r\nauthors = [\r\n  "B. Two",\r\n  "A. One",\r\n]\r\n',
            '[watch]\r\nauthors = [\r\n  "A. One",\r\n]\r\n',
            id="crlf",
        ),
    ],
)
def test_unwatching_edits_in_place(text: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode())
    remove_watch_author("B. Two", path)
    assert path.read_bytes().decode() == expected


def test_unwatching_keeps_comments_and_the_other_settings() -> None:
    path = ensure_config_file()
    for name in ("Yann LeCun", "Fei-Fei Li", "Ada Lovelace"):
        add_watch_author(name)
    before = load_config()
    remove_watch_author("fei-fei  li")  # as written, case and spacing aside
    assert load_config() == replace(before, watch_authors=("Yann LeCun", "Ada Lovelace"))
    assert comment_lines(path.read_text(encoding="utf-8")) == comment_lines(TEMPLATE)
    unchanged = path.read_bytes()
    remove_watch_author("Someone Else")  # not watched: nothing to do
    assert path.read_bytes() == unchanged


def test_unwatching_leaves_a_broken_file_alone(tmp_path: Path) -> None:
    broken = 'theme = "nord"\ncategories = ["cs.XX"]\n[watch]\nauthors = ["B. Two"]\n'
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError, match=r"line 2: unknown arXiv category"):
        remove_watch_author("B. Two", path)
    assert path.read_text(encoding="utf-8") == broken


def test_kill_rules_are_read_and_a_bad_one_names_its_line() -> None:
    config = parse_config(
        '[rules]\nhide = ["ti:survey", "cat:astro-ph -cat:cs"]\nread = ["is:replace"]\n'
    )
    assert config.rules_hide == ("ti:survey", "cat:astro-ph -cat:cs")
    assert config.rules_read == ("is:replace",)
    assert parse_config(TEMPLATE).rules_hide == ()
    bad = '[rules]\nhide = [\n  "ti:survey",\n  "xx:spam",\n]\n'
    with pytest.raises(ConfigError) as refused:
        parse_config(bad)
    assert str(refused.value) == (
        "config.toml line 4: rules.hide: 'xx:spam': no field xx: "
        "(the fields: au:, ti:, abs:, co:, cat:, id:, is:, tag:)"
    )
