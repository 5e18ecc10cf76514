"""The key hints at the foot of the day's screen: Textual's Footer, held back until the first day
is painted.

At start-up the Footer builds and styles a widget per key as the bindings are first published
(~30 ms of a 5,000-paper day's way to the first paint at 120 columns). Held, it lets that pass
and shows nothing; ``release`` (once the day's rows are on screen, or after a short wait when
no day comes) shows the keys, as they are then.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyHints(Footer):
    """A Footer that shows its keys from ``release`` on."""

    held = True

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not self.held:
            super().bindings_changed(screen)

    def release(self) -> None:
        """Show the keys (again on every change of the bindings from now on)."""
        if self.held:
            self.held = False
            if self.is_attached:
                # From the footer's own queue, as a published signal would: its keys are then
                # made in its context (they bind to its reactives).
                self.call_next(super().bindings_changed, self.screen)
