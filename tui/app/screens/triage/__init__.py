"""The triage screen and the parts it owns."""

from tui.app.screens.triage.extras import TriageExtras
from tui.app.screens.triage.screen import TriageScreen
from tui.app.services.day_sources import DaySources

__all__ = ["DaySources", "TriageExtras", "TriageScreen"]
