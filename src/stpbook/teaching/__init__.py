"""Teaching with the book: lesson plans, the debate kit, slides, handouts, offline pack.

- ``lessons.yaml`` / :mod:`.lessons`: the three lesson plans (the lesson plans page, the
  slide decks and the timing test all read them);
- ``debate.yaml`` / :mod:`.debate`: the motion, the six roles and their evidence (the
  debate kit page and the printable role cards);
- :mod:`.numbers`: every number, chart and credit the teaching documents print, from
  the chapters' recipe modules at their defaults;
- :mod:`.sections`: the chapters' labelled sections (links, reading times, questions);
- :mod:`.slides`: a self-contained HTML slide deck per session, charts drawn offline;
- :mod:`.handout`: the student handout; :mod:`.printing`: PDF printing (Chromium),
  dates and zips that give the same bytes for the same inputs;
- :mod:`.pages`: the generated teaching pages (``stpbook teaching``);
- :mod:`.site`: :func:`build` the teaching files into ``_build/teaching`` and
  :func:`publish` them into a built book with the offline pack.

The build pipeline calls ``publish(layout, html_folder)`` after each successful HTML
build of the default book (see ``site.publish``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..layout import Layout


def build(layout: Layout, log: Any = None, force: bool = False) -> dict:
    """Write the teaching files into ``layout.teaching`` (skipped when nothing changed)."""
    from .site import build as _build

    return _build(layout, log or (lambda _: None), force)


GUIDE = "80_seminar_guide"  # the page the teaching files hang from


def in_book(layout: Layout) -> bool:
    """True when the book's table of contents has the seminar guide: a book without
    it (a fixture book, a fork with only the chapters) has no teaching files to make."""
    return any(GUIDE in stems for _, stems in layout.parts())


def publish(
    layout: Layout, html_folder: Path, log: Any = None, pack_folder: Path | None = None
) -> Path:
    """Build the teaching files if needed and publish them, with the offline pack, into
    ``html_folder/_static/teaching``. Call it after each successful HTML build; a preview
    or variant book passes its own ``pack_folder`` for the pack."""
    from .site import publish as _publish

    return _publish(layout, Path(html_folder), log or (lambda _: None), pack_folder)


__all__ = ["build", "in_book", "publish"]
