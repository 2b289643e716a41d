"""The build pipeline: papermill in parallel through a content-hash cache, then a
staged Jupyter Book build.

- ``execute``: running notebooks with papermill (one worker per core) as ``Job``\\s;
- ``cache``: what a chapter's key hashes, and the store of executed notebooks;
- ``site``: assembling the Sphinx source, building it, swapping the HTML in;
- ``book``: ``make_book``, the whole book under a scenario;
- ``runs``: ``run_one``, a single chapter into ``runs/<name>/``;
- ``lock`` and ``files``: one build at a time; writes that are whole or absent.
"""

from .book import BookSummary, make_book, plan
from .execute import ChapterResult, Job, execute_chapters, execute_notebook, strip_volatile
from .runs import run_one

__all__ = [
    "BookSummary",
    "ChapterResult",
    "Job",
    "execute_chapters",
    "execute_notebook",
    "make_book",
    "plan",
    "run_one",
    "strip_volatile",
]
