from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from arxiv_double import ArxivDouble

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
RECORDED = SHARED_DATA / "arxiv-recorded"
SEED_DIGEST = SHARED_DATA / "seed-digest-2025-04-09.json"
DOUBLE_NOW = datetime(2025, 4, 9, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir; nothing touches the user's real files or arXiv."""
    data = tmp_path / "arxiv-daily-data"
    monkeypatch.setenv("ARXIV_DAILY_DATA_DIR", str(data))
    monkeypatch.setenv("ARXIV_DAILY_API_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("ARXIV_DAILY_RSS_URL", "http://127.0.0.1:9/rss/{categories}")
    monkeypatch.setenv("ARXIV_DAILY_PDF_URL", "http://127.0.0.1:9/pdf/{id}")
    monkeypatch.setenv("ARXIV_DAILY_WEB_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ARXIV_DAILY_OAI_URL", "http://127.0.0.1:9/oai")
    # arXiv's 15 s between page requests (3 s for OAI-PMH) would make every test wait; tests of
    # the spacing itself set their own.
    monkeypatch.setenv("ARXIV_DAILY_WEB_MIN_INTERVAL", "0.01")
    monkeypatch.setenv("ARXIV_DAILY_OAI_MIN_INTERVAL", "0.01")
    yield data


def needs_shared_data() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")


@pytest.fixture
def arxiv_double(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivDouble]:
    """A running loopback arXiv (API, pages, OAI-PMH); the app's addresses point at it, waits
    are tiny."""
    with ArxivDouble() as double:
        # The app tests' clock (test_app_helpers.FIXED_NOW): its newest listing is 2025-04-09.
        double.now = DOUBLE_NOW
        monkeypatch.setenv("ARXIV_DAILY_API_URL", double.url)
        monkeypatch.setenv("ARXIV_DAILY_RSS_URL", double.rss_url)
        monkeypatch.setenv("ARXIV_DAILY_WEB_URL", double.base_url)
        monkeypatch.setenv("ARXIV_DAILY_OAI_URL", double.base_url + "/oai")
        monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0.01")
        monkeypatch.setenv("ARXIV_DAILY_WEB_MIN_INTERVAL", "0.01")
        monkeypatch.setenv("ARXIV_DAILY_OAI_MIN_INTERVAL", "0.01")
        monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.01")
        monkeypatch.setenv("ARXIV_DAILY_API_TIMEOUT", "1")
        yield double
