"""Replacements of an older listing day from arXiv's OAI-PMH (arXivRaw: every version's date).

The API cannot be asked for replacements by date any more (``lastUpdatedDate`` became v1's
``submittedDate`` in November 2025). OAI-PMH's arXivRaw records list each version with its
submission time, selected by ``datestamp``: the day of the record's last change. Records changed
from the window's first day to the listing's date are read, and a version v2+ submitted within
the listing's window is a replacement of that listing. A paper revised again since then has a
later datestamp and is not seen: such days stay labelled reconstructed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from tui.adapters.sources.oai import (
    OaiError,
    list_records_url,
    parse_records,
    resume_url,
    sets_for,
    versions_in_window,
)
from tui.adapters.sources.settings import oai_url
from tui.adapters.sources.web import (
    FetchError,
    FetchProgress,
    PoliteClient,
    ProgressCallback,
    WebPolicy,
    xml_controls_dropped,
)
from tui.core.calendar import Listing
from tui.core.paper import Kind, Paper

MAX_PAGES = 200
"""Pages of one set followed at most."""


class OaiSource:
    def __init__(self, base_url: str | None = None, policy: WebPolicy | None = None) -> None:
        self.base_url = base_url or oai_url()
        self.client = PoliteClient("arXiv's OAI-PMH", policy or WebPolicy.from_env("OAI", 3.0))

    def replacements(
        self,
        listing: Listing,
        categories: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Paper]:
        """Papers of the followed categories with a version v2+ submitted in ``listing``'s
        window, as that version (kind REPLACE)."""
        followed = set(categories)
        start, end = listing.window_start, listing.window_end
        found: dict[str, Paper] = {}
        for set_spec in sets_for(categories):
            url = list_records_url(
                self.base_url, start=start.date(), until=listing.date, set_spec=set_spec
            )
            seen: set[str] = set()
            for _ in range(MAX_PAGES):
                answer = self.client.get(url, cancel=cancel, progress=progress)
                if answer.status != 200:
                    raise FetchError(f"arXiv's OAI-PMH answered HTTP {answer.status}")
                try:
                    page = parse_records(xml_controls_dropped(answer.body))
                except OaiError as error:
                    raise FetchError(str(error)) from None
                fresh = [r for r in page.records if r.id not in seen]
                seen.update(r.id for r in page.records)
                for record in fresh:
                    if record.deleted or followed.isdisjoint(record.categories):
                        continue
                    later = [v for v in versions_in_window(record, start, end) if v.number > 1]
                    if later:
                        found[record.id] = record.to_paper(later[-1].number, Kind.REPLACE)
                if progress is not None:
                    progress(
                        FetchProgress(
                            self.client.requests_made,
                            len(found),
                            None,
                            f"read {len(seen):,} records from arXiv's OAI-PMH",
                        )
                    )
                if not page.token:
                    break
                if not fresh:
                    raise FetchError("arXiv's OAI-PMH sent the same records again")
                url = resume_url(self.base_url, page.token)
            else:
                raise FetchError(f"arXiv's OAI-PMH went on past {MAX_PAGES} pages")
        return list(found.values())
