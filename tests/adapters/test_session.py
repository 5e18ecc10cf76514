import json
from datetime import date
from pathlib import Path

from tui import paths
from tui.adapters.session import Session, load_session, save_session, session_path

FULL = Session(
    day=date(2025, 4, 9),
    categories_off=("cs.CV", "cs.AI"),
    profile="Diffusion",
    search="difusion transformer",
    paper_id="2504.05741",
    starred_only=True,
)


def test_round_trip_in_the_state_dir(isolated_dirs: Path) -> None:
    save_session(FULL)
    assert session_path() == paths.state_dir() / "session.json"
    assert session_path().is_relative_to(isolated_dirs)
    assert load_session() == FULL


def test_defaults_round_trip() -> None:
    save_session(Session())
    assert load_session() == Session()


def test_no_file_means_no_session() -> None:
    assert load_session() is None


def test_saving_again_replaces_the_session_without_leftovers() -> None:
    save_session(FULL)
    save_session(Session(search="lora"))
    assert load_session() == Session(search="lora")
    assert [p.name for p in session_path().parent.iterdir()] == ["session.json"]


def test_the_file_is_readable_json() -> None:
    save_session(FULL)
    data = json.loads(session_path().read_text(encoding="utf-8"))
    assert data["day"] == "2025-04-09"
    assert data["categories_off"] == ["cs.CV", "cs.AI"]
    assert data["version"] == 1


def test_unknown_keys_are_ignored_missing_ones_default() -> None:
    session_path().parent.mkdir(parents=True)
    session_path().write_text('{"search": "lora", "theme": "new-in-v2"}', encoding="utf-8")
    assert load_session() == Session(search="lora")


def test_a_corrupt_file_is_set_aside_with_a_notice() -> None:
    for bad in (
        b'{"day": "2025-04-',
        b"[1, 2]",
        b'{"day": "yesterday"}',
        b'{"search": 5}',
        b"\xff",
    ):
        save_session(FULL)
        session_path().write_bytes(bad)
        notices: list[str] = []
        assert load_session(notices=notices) is None
        assert len(notices) == 1 and "moved aside" in notices[0]
        assert not session_path().exists()
        aside = sorted(session_path().parent.glob("session.json.corrupt-*"))
        assert aside and aside[-1].read_bytes() == bad
    # The next save starts afresh.
    save_session(FULL)
    assert load_session() == FULL


def test_a_path_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "s.json"
    save_session(FULL, path)
    assert load_session(path) == FULL
    assert not session_path().exists()
