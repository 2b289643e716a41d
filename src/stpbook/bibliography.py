"""The bibliography, ``references.bib``, read with pybtex in one place.

The data validator checks every ``source_id`` against :func:`keys`; the data appendix,
the handout and the teaching pages list sources with :func:`entries`, which gives each
entry's fields as plain text (braces and TeX escapes removed) plus its authors.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .errors import DataError

_TEX_ESCAPE = re.compile(r"\\(.)")


def _plain(text: str) -> str:
    return _TEX_ESCAPE.sub(r"\1", text.replace("{", "").replace("}", "")).strip()


@lru_cache(maxsize=4)
def _parse(path: str, stamp: tuple[int, int]) -> dict[str, dict[str, str]]:
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexError

    try:
        database = parse_file(path, bib_format="bibtex")
    except PybtexError as exc:
        raise DataError(f"{path}: not a valid BibTeX file ({exc})") from None
    out: dict[str, dict[str, str]] = {}
    for key, entry in database.entries.items():
        fields = {name.lower(): _plain(str(value)) for name, value in entry.fields.items()}
        people = entry.persons.get("author", [])
        if people:
            fields["author"] = " and ".join(
                _plain(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
                for p in people
            )
        out[key] = fields
    return out


def entries(path: Path) -> dict[str, dict[str, str]]:
    """``{key: {field: plain text}}`` for every entry of the BibTeX file at ``path``.

    Cached until the file changes. Raises DataError if the file is missing or invalid."""
    if not path.is_file():
        raise DataError(f"{path}: the bibliography is missing, so sources cannot be checked")
    st = path.stat()
    return _parse(str(path.resolve()), (st.st_mtime_ns, st.st_size))


def keys(path: Path) -> frozenset[str]:
    """The entry keys of the BibTeX file at ``path``."""
    return frozenset(entries(path))


def credit(entry: dict[str, str]) -> str:
    """How the book credits a source in a list: author, outlet, date, e.g.
    "Hugh Alderwick, The King's Fund, November 2016"."""
    when = " ".join(v for v in (entry.get("month", ""), entry.get("year", "")) if v)
    parts = [
        entry.get("author", ""),
        entry.get("howpublished", "") or entry.get("institution", "") or entry.get("publisher", ""),
        when,
    ]
    seen: list[str] = []
    for part in parts:  # an outlet that repeats the author ("Nuffield Trust (blog)") once
        if part and not any(part.startswith(s) or s.startswith(part) for s in seen):
            seen.append(part)
    return ", ".join(seen)
