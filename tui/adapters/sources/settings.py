"""arXiv's addresses and the intervals between requests, as the environment sets them.

Read without the network clients (``web`` imports requests): the command line checks every
setting before the reader opens, and that check must not cost the start-up the clients'
import. See ``tui.adapters.sources.web`` for what each address and interval is.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

WEB_URL = "https://arxiv.org"
OAI_URL = "https://oaipmh.arxiv.org/oai"
_MAX_SETTING_SECONDS = 86400.0


def env_seconds(variable: str, default: float, *, positive: bool = False) -> float:
    """A number of seconds from the environment; ValueError with a one-line message if bad."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{variable} must be a number of seconds, not {raw!r}") from None
    if not 0 <= value <= _MAX_SETTING_SECONDS or (positive and value == 0):
        # "inf" would overflow the socket's and sleep's timers; "nan" reads as a bad answer.
        raise ValueError(
            f"{variable} must be a positive number of seconds up to "
            f"{_MAX_SETTING_SECONDS:g}, not {raw!r}"
        )
    return value


def web_url() -> str:
    """The base of arXiv's pages (``/list/…``, ``/catchup/…``), without a trailing slash."""
    return (os.environ.get("ARXIV_DAILY_WEB_URL", "").strip() or WEB_URL).rstrip("/")


def oai_url() -> str:
    """arXiv's OAI-PMH endpoint."""
    return os.environ.get("ARXIV_DAILY_OAI_URL", "").strip() or OAI_URL


ENDPOINTS = (
    "ARXIV_DAILY_API_URL",
    "ARXIV_DAILY_WEB_URL",
    "ARXIV_DAILY_OAI_URL",
    "ARXIV_DAILY_RSS_URL",
    "ARXIV_DAILY_PDF_URL",
)
SECONDS = (
    ("ARXIV_DAILY_API_MIN_INTERVAL", False),
    ("ARXIV_DAILY_WEB_MIN_INTERVAL", False),
    ("ARXIV_DAILY_OAI_MIN_INTERVAL", False),
    ("ARXIV_DAILY_API_BACKOFF", False),
    ("ARXIV_DAILY_API_TIMEOUT", True),
    ("ARXIV_DAILY_DEADLINE", True),
    ("ARXIV_DAILY_DAY_DEADLINE", True),
)
_PLACEHOLDERS = {"ARXIV_DAILY_RSS_URL": "{categories}", "ARXIV_DAILY_PDF_URL": "{id}"}


def check_settings() -> None:
    """Every arXiv address and interval set in the environment, checked before any request:
    ValueError with one line naming the variable (a garbage address is a setting to fix, not a
    network failure to retry)."""
    for variable in ENDPOINTS:
        raw = os.environ.get(variable, "").strip()
        if not raw:
            continue
        parts = urlsplit(raw.replace("{", "").replace("}", ""))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{variable} must be an http(s) address, not {raw!r}")
        placeholder = _PLACEHOLDERS.get(variable)
        if placeholder and placeholder not in raw:
            raise ValueError(f"{variable} has no {placeholder} placeholder: {raw!r}")
    for variable, positive in SECONDS:
        env_seconds(variable, 0.0, positive=positive)
