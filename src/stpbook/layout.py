"""Where a book's folders are: the one owner of the book's layout.

A *book root* is a folder holding ``_config.yml`` and ``_toc.yml`` (and, beside them,
``chapters/``, ``data/`` and ``scenarios/``). :func:`find_root` says which one the
running code belongs to, by this rule, first match wins:

1. ``STPBOOK_ROOT``, if set (it must be a book root, or the call is refused);
2. the working directory or one of its parents (a notebook opened in JupyterLab runs in
   ``chapters/``; a kernel started by the pipeline runs inside the book's ``_build``);
3. the root recorded when the package was installed into this environment
   (``<prefix>/share/stpbook/book-root``, written by ``stpbook setup``; this is how a
   normal, non-editable install such as Binder's finds its checkout);
4. the checkout that holds this package's source (an editable install).

Everything else asks a :class:`Layout` for a path; no other module spells ``_build``.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import LayoutError

ROOT_ENV = "STPBOOK_ROOT"
MARKERS = ("_config.yml", "_toc.yml")
RECORDED = Path("share") / "stpbook" / "book-root"
# A scenario or run name becomes a folder name: letters, digits, '-', '_' and '.', not
# starting with '.', at most 64 characters.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def is_book(folder: Path) -> bool:
    """True if ``folder`` holds a book's ``_config.yml`` and ``_toc.yml``."""
    return all((folder / marker).is_file() for marker in MARKERS)


def recorded_root_file(prefix: Path | None = None) -> Path:
    """Where ``stpbook setup`` records the book root for this Python environment."""
    return Path(prefix or sys.prefix) / RECORDED


def _candidates(start: Path | None) -> list[tuple[str, Path | None]]:
    here = Path(start or Path.cwd()).resolve()
    found: list[tuple[str, Path | None]] = [
        (
            f"the working directory {here} and its parents",
            next((p for p in (here, *here.parents) if is_book(p)), None),
        )
    ]
    record = recorded_root_file()
    recorded = Path(record.read_text(encoding="utf-8").strip()) if record.is_file() else None
    found.append((f"the root recorded at install ({record})", recorded))
    source = Path(__file__).resolve().parents[2]
    found.append((f"the checkout holding the package ({source})", source))
    return found


def find_root(start: Path | None = None) -> Path:
    """The book root the running code belongs to (see the module's rule)."""
    override = os.environ.get(ROOT_ENV)
    if override:
        root = Path(override).expanduser().resolve()
        if not is_book(root):
            raise LayoutError(
                f"{ROOT_ENV}={override} is not a book folder: expected "
                f"{' and '.join(MARKERS)} there"
            )
        return root
    looked = []
    for where, folder in _candidates(start):
        if folder is not None and is_book(folder):
            return folder.resolve()
        looked.append(where)
    raise LayoutError(
        "no STP book found: looked for a folder with "
        f"{' and '.join(MARKERS)} in {'; '.join(looked)}. Set {ROOT_ENV} to "
        "the book's folder, or run from inside it."
    )


@dataclass(frozen=True)
class Layout:
    """The folders of one book. ``Layout.find()`` for the current one; ``Layout(root)``
    for a given one (tests, benchmarks and variant books pass it down)."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Layout:
        return cls(find_root(start))

    # --- sources ---------------------------------------------------------------------
    @property
    def chapters(self) -> Path:
        return self.root / "chapters"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def scenarios(self) -> Path:
        return self.root / "scenarios"

    @property
    def static(self) -> Path:
        return self.root / "_static"

    @property
    def bibliography(self) -> Path:
        return self.root / "references.bib"

    @property
    def toc_file(self) -> Path:
        return self.root / "_toc.yml"

    @property
    def config_file(self) -> Path:
        return self.root / "_config.yml"

    @property
    def requirements(self) -> Path:
        return self.root / "requirements.txt"

    @property
    def default_scenario(self) -> Path:
        return self.scenarios / "default.yaml"

    # --- outputs ---------------------------------------------------------------------
    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def cache(self) -> Path:
        """The content-addressed store of executed notebooks, shared by every book."""
        return self.build / "cache"

    @property
    def declared_cache(self) -> Path:
        return self.cache / "declared"

    @property
    def work(self) -> Path:
        """Where kernels run (one temporary folder each)."""
        return self.build / "work"

    @property
    def failed(self) -> Path:
        return self.build / "failed"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def screenshots(self) -> Path:
        return self.build / "screenshots"

    @property
    def teaching(self) -> Path:
        """Handouts, role cards, slides and the offline pack."""
        return self.build / "teaching"

    @property
    def compare(self) -> Path:
        return self.build / "compare"

    def output(self, scenario: str | None = None) -> Path:
        """The output folder of the default book (``scenario`` None) or of a variant
        book: ``executed/``, ``site/``, ``html/`` live under it."""
        if scenario is None:
            return self.build
        return self.inside(
            self.build / "scenarios" / safe_name(scenario, "scenario name"), self.build
        )

    def preview(self, name: str) -> Path:
        """The output folder of a one-chapter preview (``stpbook preview``)."""
        return self.inside(self.build / "preview" / safe_name(name, "preview name"), self.build)

    def html(self, scenario: str | None = None) -> Path:
        return self.output(scenario) / "html"

    def run_folder(self, name: str) -> Path:
        return self.inside(self.runs / safe_name(name, "run name"), self.runs)

    def inside(self, path: Path, folder: Path | None = None) -> Path:
        """``path`` resolved, refused unless it lies inside ``folder`` (default: the
        book's ``_build``). Every path the pipeline writes or removes goes through here."""
        folder = (folder or self.build).resolve()
        resolved = path.resolve()
        if resolved != folder and folder not in resolved.parents:
            raise LayoutError(f"refusing to write {path}: it lies outside {folder}")
        return resolved

    # --- the table of contents ---------------------------------------------------------
    def parts(self) -> list[tuple[str, list[str]]]:
        """The book's parts in reading order: (caption, [file stems]). The root page
        is a part of its own with caption ''."""
        import yaml

        toc = yaml.safe_load(self.toc_file.read_text(encoding="utf-8")) or {}
        out: list[tuple[str, list[str]]] = [("", [Path(str(toc.get("root", ""))).name])]
        for part in toc.get("parts", []) or []:
            files = [
                Path(str(entry["file"])).name
                for entry in part.get("chapters", [])
                if isinstance(entry, dict) and "file" in entry
            ]
            out.append((str(part.get("caption", "")), files))
        if "chapters" in toc:  # a book without parts
            out.append(("", [Path(str(e["file"])).name for e in toc["chapters"]]))
        return out

    def profile_notebook(self) -> Path | None:
        """The notebook run once per footprint (``stpbook.profiles.notebook`` in
        ``_config.yml``), or None."""
        import yaml

        if not self.config_file.is_file():
            return None
        config = yaml.safe_load(self.config_file.read_text(encoding="utf-8")) or {}
        notebook = ((config.get("stpbook") or {}).get("profiles") or {}).get("notebook")
        return self.root / notebook if notebook and (self.root / notebook).is_file() else None

    def notebooks(self, part: str | None = None) -> list[Path]:
        """The executable pages (notebooks) listed in the table of contents, in reading
        order; with ``part``, only those under that caption."""
        found = []
        for caption, stems in self.parts():
            if part is not None and caption != part:
                continue
            found += [
                self.chapters / f"{stem}.ipynb"
                for stem in stems
                if (self.chapters / f"{stem}.ipynb").exists()
            ]
        return found


def safe_name(name: str, what: str) -> str:
    """``name`` if it is a safe folder name (see ``SLUG``), else refused."""
    if not isinstance(name, str) or not SLUG.fullmatch(name):
        shown = repr(name)[:80]
        raise LayoutError(
            f"{what} {shown} is not allowed: use 1-64 letters, digits, '-', '_' "
            "or '.', starting with a letter or digit"
        )
    return name


def current() -> Layout:
    """The layout of the book the running code belongs to (see ``find_root``)."""
    return Layout.find()
