"""The book's own numbers, charts and credits, for the teaching documents.

Every number a lesson plan, a role card, a slide or the handout prints comes from here,
and here it comes from the chapters' recipe modules (``stpbook.chapters.<short>``) run
with their declared defaults, exactly as the static book runs them: no teaching
document computes a chapter result itself.

References are short strings, so the teaching data files (``lessons.yaml``,
``debate.yaml``) can name them:

- ``"plans_and_money.stf_deficits"``: the chapter's ``results.text.stf_deficits``, the
  formatted string its prose cites (``"£1.8bn"``);
- ``"plans_and_money.stf_chart"``: the chart the chapter draws with that function
  (without sliders, unless asked);
- ``"plans_and_money.live"``: the chart its live panel draws;
- ``"reconfigurations.payback(annual_saving_gbp_m=20)"``: the same number with some of
  the chapter's parameters changed (the chapter's own ``compute``, run again with those
  values), for a model answer that compares assumptions.

Sources are credited by author, outlet and date (:func:`credit`), never by a
bibliography key.
"""

from __future__ import annotations

import calendar
import importlib
import inspect
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .. import bibliography
from ..errors import BuildError
from ..layout import Layout
from ..parameters import defaults, short_name

REF = re.compile(r"^(?P<chapter>[a-z][a-z_]*)\.(?P<name>[A-Za-z_]\w*)$")
# A number named in running text: "{plans_and_money.gap_min}" (role cards, slides).
PLACEHOLDER = re.compile(r"\{([a-z][a-z_]*\.[A-Za-z_]\w*)\}")
# A reference with changed parameters: "reconfigurations.payback(annual_saving_gbp_m=20)".
VARIANT = re.compile(r"^\s*(?P<ref>[a-z][a-z_]*\.[A-Za-z_]\w*)\s*\((?P<args>[^()]*)\)\s*$")
EVAL = re.compile(r"\{eval\}`([^`]+)`")
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]*)`")
ROLE_REF = re.compile(r"\{(?:ref|numref|doc)\}`([^`<]*?)\s*(?:<([^`>]+)>)?`")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

# The five articles the book began from, credited as the book's prose credits them
# (who, where, when): the bibliography's fields alone would read awkwardly for these.
CREDITS = {
    "alderwick_kingsfund_stps_2016": "Hugh Alderwick, The King's Fund blog, November 2016",
    "sha_kingsfund_launch_2017": "a Socialist Health Association blogger reporting the "
    "King's Fund launch, February 2017",
    "ham_kingsfund_noise_signal_2016": "Chris Ham, The King's Fund blog, spring 2016",
    "sha_northeast_meeting_2017": "the Socialist Health Association's North East branch, "
    "meeting note, April 2017",
    "nhe_betts_interview_2017": "Clive Betts MP, interviewed by National Health Executive, "
    "March 2017",
    "equwell_stps_where_headed_2016": "the equwell blog, autumn 2016",
}
MONTHS = {name[:3].lower(): name for name in calendar.month_name[1:]}  # "jan": "January"


def _clean(name: str) -> str:
    """ "The King's Fund (blog)" -> "The King's Fund blog"; "(website)" is dropped."""
    name = re.sub(r"\s*\((website|web page)\)$", "", name.strip())
    return re.sub(r"\s*\(blog\)$", " blog", name)


def _outlet(entry: dict[str, str]) -> str:
    return _clean(
        entry.get("howpublished")
        or entry.get("institution")
        or entry.get("publisher")
        or entry.get("journal")
        or ""
    )


def credit_entry(entry: dict[str, str]) -> str:
    """Author, outlet, date for one bibliography entry: "British Medical Association,
    February 2017"; an outlet that repeats the author is given once."""
    month = entry.get("month", "")
    month = MONTHS.get(month[:3].lower(), month) if month else ""
    when = " ".join(v for v in (month, entry.get("year", "")) if v)
    author, outlet = _clean(entry.get("author", "")), _outlet(entry)
    parts = [author]
    if outlet and not (author and (outlet.startswith(author) or author.startswith(outlet))):
        parts.append(outlet)
    parts.append(when)
    return ", ".join(p for p in parts if p) or entry.get("title", "")


@dataclass
class Chapter:
    """One chapter's recipe module, run once with its declared defaults."""

    stem: str
    module: ModuleType
    inputs: Any
    values: dict[str, Any]
    results: Any
    variants: dict[tuple, Any] = field(default_factory=dict)

    @property
    def short(self) -> str:
        return short_name(self.stem)

    def variant(self, **overrides: Any) -> Any:
        """The chapter's results with some parameters changed (validated against its
        declaration), computed once per set of values."""
        from ..parameters import validate

        typed = validate(self.stem, overrides, self.inputs.layout)
        key = tuple(sorted((k, repr(v)) for k, v in typed.items()))
        if key not in self.variants:
            self.variants[key] = self.module.compute(self.inputs, **{**self.values, **typed})
        return self.variants[key]

    def text(self, name: str, **overrides: Any) -> str:
        results = self.variant(**overrides) if overrides else self.results
        try:
            return str(getattr(results.text, name))
        except AttributeError:
            raise BuildError(
                f"chapter {self.stem} has no number {name!r} in its results' "
                "text (stpbook.chapters."
                f"{self.short}): the teaching documents cite it"
            ) from None

    def chart(self, name: str, sliders: bool = False) -> Any:
        """The chart drawn by the recipe function ``name`` (``live``: the live panel's)."""
        if name == "live":
            return self.module.live(self.inputs)(**self.values)[1]
        function = getattr(self.module, name, None)
        if not callable(function):
            raise BuildError(
                f"chapter {self.stem} has no chart function {name!r} "
                f"(stpbook.chapters.{self.short}): the teaching documents use it"
            )
        if "sliders" in inspect.signature(function).parameters:
            return function(self.results, sliders=sliders)
        return function(self.results)


@dataclass
class Book:
    """The book's numbers, charts and credits for one layout, computed on first use."""

    layout: Layout
    _chapters: dict[str, Chapter] = field(default_factory=dict)
    _bib: dict[str, dict[str, str]] | None = None

    def chapter(self, short: str) -> Chapter:
        if short not in self._chapters:
            stem = next(
                (nb.stem for nb in self.layout.notebooks() if short_name(nb) == short), None
            )
            if stem is None:
                raise BuildError(
                    f"the teaching documents name a chapter {short!r} that is "
                    "not in the table of contents"
                )
            module = importlib.import_module(f"stpbook.chapters.{short}")
            values = defaults(stem, self.layout)
            inputs = module.inputs(self.layout)
            self._chapters[short] = Chapter(
                stem, module, inputs, values, module.compute(inputs, **values)
            )
        return self._chapters[short]

    def split(self, ref: str) -> tuple[Chapter, str]:
        match = REF.match(ref.strip())
        if not match:
            raise BuildError(f"{ref!r} is not a reference of the form chapter.name")
        return self.chapter(match["chapter"]), match["name"]

    def number(self, ref: str) -> str:
        """``"forward_view.needed"`` -> ``"2.8%"``; ``"reconfigurations.npv(
        annual_saving_gbp_m=20)"`` -> the chapter's ``npv`` with that saving."""
        match = VARIANT.match(ref)
        if match:
            chapter, name = self.split(match["ref"])
            return chapter.text(name, **_arguments(match["args"], ref))
        chapter, name = self.split(ref)
        return chapter.text(name)

    def chart(self, ref: str, sliders: bool = False) -> Any:
        chapter, name = self.split(ref)
        return chapter.chart(name, sliders)

    def page(self, short: str) -> str:
        """The chapter's page, relative to another page of chapters/ (``01_x.ipynb``)."""
        return f"{self.chapter(short).stem}.ipynb"

    # --- sources -----------------------------------------------------------------------
    def entries(self) -> dict[str, dict[str, str]]:
        if self._bib is None:
            self._bib = bibliography.entries(self.layout.bibliography)
        return self._bib

    def credit(self, key: str, start: bool = False) -> str:
        """Author, outlet, date of one source; ``start``: capitalised to open a
        sentence or a list item."""
        key = key.strip()
        if key in CREDITS:
            words = CREDITS[key]
        else:
            entry = self.entries().get(key)
            if entry is None:
                raise BuildError(f"source {key!r} is not in references.bib")
            words = credit_entry(entry)
        return words[:1].upper() + words[1:] if start else words

    def credits(self, keys: str | list[str], start: bool = False) -> str:
        """Several sources, separated by semicolons (``start``: capitalised)."""
        if isinstance(keys, str):
            keys = keys.split(",")
        words = "; ".join(self.credit(k) for k in keys if k.strip())
        return words[:1].upper() + words[1:] if start else words

    def url(self, key: str) -> str:
        return self.entries().get(key.strip(), {}).get("url", "")

    # --- prose from the chapters -------------------------------------------------------
    def plain(
        self, markdown: str, short: str | None = None, labels: dict[str, str] | None = None
    ) -> str:
        """A chapter's Markdown for a printed page: ``{eval}`` roles replaced by the
        chapter's numbers, citations by credits in brackets, cross-references and links
        by their words."""
        if short is not None:
            text = self.chapter(short).results.text

            def value(match: re.Match) -> str:
                try:
                    return str(eval(match.group(1), {"__builtins__": {}}, {"n": text}))
                except Exception as exc:  # noqa: BLE001 - named in the message
                    raise BuildError(
                        f"chapter {short}: cannot evaluate {match.group(1)!r} "
                        f"for a teaching document ({exc})"
                    ) from None

            markdown = EVAL.sub(value, markdown)
        markdown = CITE.sub(lambda m: f"({self.credits(m.group(1))})", markdown)

        def ref(match: re.Match) -> str:
            words, label = match.group(1).strip(), match.group(2)
            return words if label else (labels or {}).get(words, "another section")

        markdown = ROLE_REF.sub(ref, markdown)
        return LINK.sub(lambda m: m.group(1), markdown)


def _arguments(text: str, ref: str) -> dict[str, Any]:
    """ "a=20, b=0.5, c=E54000028" -> {"a": 20, "b": 0.5, "c": "E54000028"}."""
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        if not sep or not name.strip().isidentifier():
            raise BuildError(f"{ref!r}: write changed parameters as name=value, name=value")
        try:
            out[name.strip()] = int(value) if re.fullmatch(r"\s*-?\d+\s*", value) else float(value)
        except ValueError:
            out[name.strip()] = value.strip()
    return out


_BOOKS: dict[str, Book] = {}


def book(layout: Layout) -> Book:
    """The shared :class:`Book` of ``layout`` (one computation per process)."""
    key = str(layout.root.resolve())
    if key not in _BOOKS:
        _BOOKS[key] = Book(layout)
    return _BOOKS[key]
