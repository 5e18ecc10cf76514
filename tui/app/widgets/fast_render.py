"""Every Textual internal the paper list leans on for speed, in one place.

Checked against Textual 8.2.8 (``.venv/bin/pip show textual``).

The paper list is a line widget (a ScrollView) over thousands of papers. Textual's public line
path is correct but, for this list, slow in two places, and this adapter takes a shortcut in
each; what it assumes about Textual is listed here.

1. Drawing (``render_lines``, ``pad``, ``plainly_styled``). ``Widget.render_lines`` hands every
   line it repaints to ``StylesCache.render_widget`` (``textual/_styles_cache.py``), which
   rebuilds it for borders, padding, outline, tint, hatch and opacity, so a row that merely moved
   (as rows below an expanded paper do) costs as much as a new one. For a widget with none of
   those, that path comes down to: ``render_line(y)``; extended to the content width with the
   "inner" style, ``Style(background=base_background + background)`` from
   ``background_colors``; each of ``get_line_filters()`` applied with ``background``; cropped
   to the crop's columns. ``render_lines`` here does just that over lines the list hands it
   already full-width (``pad`` adds the inner background under the scrollbar), so they are the
   cached strips themselves, and the crops, filtered and rendered forms Textual caches on a
   ``Strip`` (``textual/strip.py``) are reused from frame to frame. The general path also
   restyles hovered ``@click`` links when ``auto_links`` is on; the list's rows carry no links
   (titles and abstracts are literal text), so it has nothing to do there.
2. Resizing the scroll area (``set_virtual_size``). Assigning the ``virtual_size`` reactive lays
   out, and repaints, the whole screen. With a fixed height, nothing outside the widget depends
   on it, so it is set without its side effects (``set_reactive``), the widget repainted, and
   the scrollbars brought up to date with the private ``Widget._scroll_update``.

At each Textual upgrade, recheck:

- ``StylesCache.render_widget``, ``render`` and ``render_line`` still come down to the steps in
  1 for a plainly styled widget (a new style rule that draws inside a widget must be added to
  ``plainly_styled``), and the inner style is still ``base_background + background``;
- ``Widget.render_lines`` still ends in ``_styles_cache.render_widget`` with nothing before it;
- ``Widget._scroll_update(virtual_size)`` still exists and still only updates the scrollbars and
  clamps the scroll position, and ``virtual_size`` still needs no more than that when the
  widget's height is fixed;
- then run ``tests/app/test_fast_render.py`` (both paths draw the same segments) and
  ``tests/app/test_paper_list.py``, and update the version above.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

TEXTUAL_VERSION_CHECKED = "8.2.8"


class FastRender:
    """The shortcuts above, for one ScrollView that draws its own lines."""

    def __init__(self, widget: ScrollView) -> None:
        self._widget = widget

    def plainly_styled(self) -> bool:
        """Nothing for Textual's general line path to add: no border, padding, outline, tint,
        hatch, border title or partial opacity (otherwise the widget must take that path)."""
        widget = self._widget
        styles = widget.styles
        return (
            not widget.BLANK
            and not any(edge for edge, _color in styles.border)
            and not any(edge for edge, _color in styles.outline)
            and styles.padding == (0, 0, 0, 0)
            and not styles.tint.a
            and widget.opacity == 1.0
            and styles.text_opacity == 1.0
            and (not styles.has_rule("hatch") or styles.hatch == "none")
            and widget.border_title is None
            and widget.border_subtitle is None
        )

    def render_lines(self, crop: Region, line: Callable[[int], Strip]) -> list[Strip]:
        """The lines of ``crop`` as Textual's general path would draw them, for a plainly styled
        widget whose ``line(y)`` returns line ``y`` of its region, full-width (see ``pad``)."""
        widget = self._widget
        filters = widget.get_line_filters()
        background = widget.background_colors[1]
        strips = []
        for y in crop.line_range:
            strip = line(y)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        full = widget.size.width
        if crop.column_span != (0, full):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def pad(self, strip: Strip, full: int) -> Strip:
        """``strip`` made ``full`` cells wide with the background Textual's general path puts
        after a short line (under the scrollbar, whose column the line does not reach)."""
        missing = full - strip.cell_length
        if missing <= 0:
            return strip
        base_background, background = self._widget.background_colors
        style = Style(background=base_background + background).rich_style
        return Strip([*strip, Segment(" " * missing, style)], full)

    def set_virtual_size(self, size: Size) -> None:
        """Resize the scrollable area. With a fixed height, only this widget and its scrollbar
        repaint: assigning the reactive would lay out (and repaint) the whole screen."""
        widget = self._widget
        if size == widget.virtual_size:
            return
        height = widget.styles.height
        if height is None or height.is_auto:
            widget.virtual_size = size
        else:
            widget.set_reactive(ScrollView.virtual_size, size)
            widget.refresh()
        widget._scroll_update(size)
