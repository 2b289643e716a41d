"""Author-year citations that never point to two works.

sphinxcontrib-bibtex's ``author_year`` style labels a citation with the author (or
organisation) and the year, so "[Health Service Journal, 2019]" could mean any of six
articles. This extension gives works that would share a label the usual letter after
the year ("2019a", "2019b", ...), in the order they are listed in the bibliography
(author, year, then title), and shows the same year in the bibliography itself.

It registers two styles, used from ``_config.yml``::

    sphinx:
      extra_extensions:
        - stpbook.sphinx.citations
      config:
        bibtex_reference_style: stpbook_author_year   # the inline labels
        bibtex_default_style: stpbook                 # the list: pybtex "plain" + letters

The letters depend only on ``references.bib`` (all its entries, cited or not), so a
page has the same labels in a one-chapter preview and in the whole book.
:func:`labels` gives every entry's label outside Sphinx (tests, live pages).
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

REFERENCE_STYLE = "stpbook_author_year"
FORMATTING_STYLE = "stpbook"

# key -> letter ("" when the label is already unique); set when a build starts.
_LETTERS: dict[str, str] = {}


def _letter(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa"."""
    letters = string.ascii_lowercase
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = letters[rest] + out
    return out


@lru_cache(maxsize=1)
def _author_year() -> tuple[Any, Any, Any, Any]:
    """sphinxcontrib-bibtex's author_year style and its two label parts (made once: finding
    the name style's plugin reads the installed packages' entry points)."""
    from pybtex.backends.plaintext import Backend
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import year

    style = AuthorYearReferenceStyle()
    return style, style.person.author_or_editor_or_title(full=False), year, Backend()


def _base_label(entry: Any) -> str:
    """The label sphinxcontrib-bibtex's author_year style gives ``entry``, as text:
    "Alderwick, 2016", "Health Service Journal, 2019", "Knowles and others, 2019"."""
    style, who, year, text = _author_year()
    data = {"entry": entry, "style": style}
    return (
        f"{who.format_data(data).render(text)}{style.author_year_sep}"
        f"{year.format_data(data).render(text)}"
    )


def letters(entries: Mapping[str, Any]) -> dict[str, str]:
    """``{key: letter}`` for pybtex ``entries`` (``BibliographyData.entries``): "" for a
    unique label, else "a", "b", ... in the bibliography's order (pybtex's
    author-year-title sort, as the ``plain`` style lists them)."""
    import pybtex.plugin

    sort = pybtex.plugin.find_plugin("pybtex.style.sorting", "author_year_title")().sort
    groups: dict[str, list[str]] = defaultdict(list)
    for entry in sort(list(entries.values())):
        groups[_base_label(entry)].append(entry.key)
    out: dict[str, str] = {}
    for keys in groups.values():
        for i, key in enumerate(keys):
            out[key] = _letter(i) if len(keys) > 1 else ""
    return out


def labels_for(entries: Mapping[str, Any]) -> dict[str, str]:
    """``{key: label}`` with the letters: "Health Service Journal, 2019a"."""
    found = letters(entries)
    return {key: _base_label(entry) + found[key] for key, entry in entries.items()}


def labels(path: Path) -> dict[str, str]:
    """``{key: label}`` for the BibTeX file at ``path``, as the book shows them."""
    from pybtex.database import parse_file

    return labels_for(parse_file(str(path), bib_format="bibtex").entries)


# --- pybtex and sphinxcontrib-bibtex styles ------------------------------------------


def _year_node() -> Any:
    from pybtex.richtext import Text
    from pybtex.style.template import field as bib_field
    from pybtex.style.template import first_of, node, optional

    @node
    def year(children: Any, data: dict[str, Any]) -> Any:
        """The year with its letter ("2019b"); "n.d." without a year."""
        assert not children
        text = first_of[optional[bib_field("year")], "n.d."].format_data(data)
        return Text(text, _LETTERS.get(data["entry"].key, ""))

    return year


def _reference_style() -> type:
    from sphinxcontrib.bibtex.style.referencing import GroupReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearParentheticalReferenceStyle,
        BasicAuthorYearTextualReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import join, join2, post_text, pre_text, reference

    year = _year_node()

    @dataclass
    class Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
        def inner(self, role_name: str) -> Any:
            return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                pre_text,
                reference[
                    join(sep=self.author_year_sep)[
                        self.person.author_or_editor_or_title(full="s" in role_name), year
                    ]
                ],
                post_text,
            ]

    @dataclass
    class Textual(BasicAuthorYearTextualReferenceStyle):
        def inner(self, role_name: str) -> Any:
            return join(sep=self.text_reference_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name),
                join[
                    self.bracket.left,
                    join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                        pre_text, reference[year], post_text
                    ],
                    self.bracket.right,
                ],
            ]

    @dataclass
    class YearOnly(ExtraYearReferenceStyle):
        def inner(self, role_name: str) -> Any:
            return reference[year]

    @dataclass
    class AuthorYearLettered(AuthorYearReferenceStyle):
        """sphinxcontrib-bibtex's author_year style with "2019a"-style years."""

        def __post_init__(self) -> None:
            self.styles.extend(
                [
                    Parenthetical(
                        bracket=self.bracket_parenthetical,
                        person=self.person,
                        author_year_sep=self.author_year_sep,
                        pre_text_sep=self.pre_text_sep,
                        post_text_sep=self.post_text_sep,
                    ),
                    Textual(
                        bracket=self.bracket_textual,
                        person=self.person,
                        text_reference_sep=self.text_reference_sep,
                        pre_text_sep=self.pre_text_sep,
                        post_text_sep=self.post_text_sep,
                    ),
                    ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
                    ExtraLabelReferenceStyle(bracket=self.bracket_label),
                    YearOnly(bracket=self.bracket_year),
                    ExtraEmptyReferenceStyle(),
                ]
            )
            GroupReferenceStyle.__post_init__(self)

    return AuthorYearLettered


def _plain(text: str) -> str:
    return str(text).replace("{", "").replace("}", "").strip()


def _author_names(entry: Any) -> set[str]:
    """The author field as plain text, whole and name by name."""
    people = entry.persons.get("author", [])
    names = {
        _plain(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
        for p in people
    }
    return names | ({_plain(entry.fields["author"])} if "author" in entry.fields else set())


def _formatting_style() -> type:
    from pybtex.database import Entry
    from pybtex.style.formatting.plain import Style as Plain

    class Lettered(Plain):
        """pybtex's plain style, with the year's letter ("2019a") when one is needed, and
        without an outlet that only repeats the author ("Health Service Journal. Title.
        Health Service Journal, 2019" becomes "Health Service Journal. Title. 2019")."""

        def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
            fields = dict(entry.fields)
            letter = _LETTERS.get(entry.key, "")
            if letter and "year" in fields:
                fields["year"] = f"{fields['year']}{letter}"
            outlet = fields.get("howpublished")
            if outlet and _plain(outlet) in _author_names(entry):
                del fields["howpublished"]
            if fields != dict(entry.fields):
                copy = Entry(entry.type, fields=fields, persons=entry.persons)
                copy.key = entry.key
                entry = copy
            return super().format_entry(label, entry, bib_data=bib_data)

    return Lettered


def _bib_entries(app: Any) -> Mapping[str, Any]:
    """Every entry of the book's bibliography files, as sphinxcontrib-bibtex read them
    (read again with pybtex if its data is not there)."""
    try:
        return app.env.get_domain("cite").bibdata.data.entries
    except Exception:  # noqa: BLE001 - fall back to reading the files
        from pybtex.database import BibliographyData, parse_file

        out = BibliographyData()
        for name in app.config.bibtex_bibfiles or []:
            for key, entry in parse_file(str(Path(app.confdir) / name)).entries.items():
                out.add_entry(key, entry)
        return out.entries


def _set_letters(app: Any) -> None:
    _LETTERS.clear()
    _LETTERS.update(letters(_bib_entries(app)))


def register() -> None:
    """Make the two styles known to pybtex and sphinxcontrib-bibtex (idempotent)."""
    import pybtex.plugin
    from sphinxcontrib.bibtex.plugin import register_plugin

    # Neither call replaces a style already registered (a second build in one process).
    register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE, _reference_style())
    pybtex.plugin.register_plugin("pybtex.style.formatting", FORMATTING_STYLE, _formatting_style())


def setup(app: Any) -> dict[str, Any]:
    register()
    # After sphinxcontrib-bibtex has read the bibliography (its handler runs at the
    # default priority, 500), before any citation is formatted (env-updated).
    app.connect("builder-inited", _set_letters, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def duplicates(found: Mapping[str, str]) -> dict[str, list[str]]:
    """Labels shared by more than one key: ``{label: [keys]}`` (empty when all differ)."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, label in found.items():
        by_label[label].append(key)
    return {label: keys for label, keys in by_label.items() if len(keys) > 1}
