"""The bibliography as readers meet it: one work per citation label, and entries that read
as sources (an author or organisation, a year, a note written for readers, an address on
the publisher's own site)."""

from __future__ import annotations

import re
import textwrap
from urllib.parse import urlparse

import pytest
from pybtex.database import parse_file, parse_string

from stpbook.sphinx import citations

from conftest import LAYOUT

BIB = LAYOUT.bibliography
ENTRIES = parse_file(str(BIB), bib_format="bibtex").entries

# Words that describe how the book was made, not the source.
INTERNAL = re.compile(
    r"\b(seed|stored|corpus|corpora|copy read|captured|text read|"
    r"versions? read|commit|mirror|the key|collected sources|as read)\b",
    re.I,
)
# Mirror, scraper and copy sites, and sources the review asked to replace.
COPY_HOSTS = (
    "diariodomt",
    "scribd.com",
    "docslib.org",
    "docplayer",
    "slidelegend",
    "paperzz",
    "newsbeep",
    "allcatsrgrey",
    "naru.org.uk",
    "ukpol.co.uk",
    "parallelparliament",
    "sendgrid.net",
    "wikipedia.org",
    "unionsafety",
    "vdocument",
    "dokumen.tips",
    "pdfslide",
    "fdocuments",
    "kipdf",
    "readkong",
    "careersdocbox",
    "financedocbox",
    "feeds.bbci.co.uk",
    "theyworkforyou",
)
# GitHub only for a publisher's own repository.
GITHUB_PUBLISHERS = ("github.com/REALCentreTHF/",)


def _bib(text: str):
    return parse_string(textwrap.dedent(text), "bibtex").entries


# ------------------------------------------------------------------------ labels


def test_no_two_works_share_a_label():
    labels = citations.labels(BIB)
    assert len(labels) == len(ENTRIES)
    assert citations.duplicates(labels) == {}


def test_a_unique_label_gets_no_letter():
    labels = citations.labels(BIB)
    assert labels["alderwick_kingsfund_stps_2016"] == "Alderwick, 2016"
    assert labels["ham_kingsfund_noise_signal_2016"] == "Ham, 2016"


def test_shared_author_years_are_lettered_in_list_order():
    entries = _bib("""
        @misc{b, author = {{Health Service Journal}}, title = {Beta}, year = {2019}}
        @misc{a, author = {{Health Service Journal}}, title = {Alpha}, year = {2019}}
        @misc{c, author = {{Health Service Journal}}, title = {Gamma}, year = {2019}}
        @misc{d, author = {{Health Service Journal}}, title = {Delta}, year = {2018}}
        @misc{e, author = {Hugh Alderwick}, title = {Epsilon}, year = {2019}}
    """)
    assert citations.labels_for(entries) == {
        "a": "Health Service Journal, 2019a",
        "b": "Health Service Journal, 2019b",
        "c": "Health Service Journal, 2019c",
        "d": "Health Service Journal, 2018",
        "e": "Alderwick, 2019",
    }


def test_letters_run_past_z():
    assert [citations._letter(i) for i in (0, 1, 25, 26, 27)] == ["a", "b", "z", "aa", "ab"]


def test_the_sha_launch_write_up_is_credited_to_its_unnamed_blogger():
    label = citations.labels(BIB)["sha_kingsfund_launch_2017"]
    assert "blogger" in label
    assert not label.startswith("Socialist Health Association")


# ------------------------------------------------------------- entries for readers


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_entry_reads_as_a_source(key):
    entry = ENTRIES[key]
    fields = entry.fields
    assert entry.persons.get("author"), f"{key}: no author or organisation"
    assert re.fullmatch(r"\d{4}", fields.get("year", "")), f"{key}: no year"
    assert entry.type == "misc", f"{key}: @{entry.type} prints a label such as 'Technical Report'"
    note = fields.get("note", "")
    assert not INTERNAL.search(note), f"{key}: note describes the book's making: {note!r}"
    if note:
        assert note[0] not in ";,.:" and note.rstrip().endswith((".", ")")), f"{key}: {note!r}"
    url = fields.get("url", "")
    where = urlparse(url).netloc + urlparse(url).path
    assert not any(host in where for host in COPY_HOSTS), f"{key}: copy site {url}"
    if "github.com" in where:
        assert url.startswith(tuple("https://" + g for g in GITHUB_PUBLISHERS)), url
    for person in entry.persons.get("author", []):
        name = str(person)
        assert not re.search(r"\d+:|\b(reporting|quoting|reproducing|summarising)\b", name), (
            f"{key}: author {name!r}"
        )


# ----------------------------------------------------------------- in a Sphinx build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A one-page Sphinx project citing real keys, with the book's bibliography."""
    from sphinx.application import Sphinx

    src = tmp_path_factory.mktemp("citations")
    (src / "references.bib").write_text(BIB.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "conf.py").write_text(
        textwrap.dedent(f"""
        extensions = ["sphinxcontrib.bibtex", "stpbook.sphinx.citations"]
        bibtex_bibfiles = ["references.bib"]
        bibtex_reference_style = "{citations.REFERENCE_STYLE}"
        bibtex_default_style = "{citations.FORMATTING_STYLE}"
    """),
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        textwrap.dedent("""
        Test
        ====

        One :cite:p:`hsj_trust_deficit_2019`, two :cite:p:`nhse_ccg_ics,nhse_icbs_in_england`,
        textual :cite:t:`alderwick_kingsfund_stps_2016`.

        .. bibliography::
           :all:
    """),
        encoding="utf-8",
    )
    out = src / "_build"
    app = Sphinx(
        str(src),
        str(src),
        str(out),
        str(out / ".doctrees"),
        "html",
        status=None,
        warning=None,
        freshenv=True,
        warningiserror=True,
    )
    app.build()
    return (out / "index.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    import html as html_lib

    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_inline_labels_carry_the_letter(built):
    labels = citations.labels(BIB)
    text = _text(built)
    assert labels["hsj_trust_deficit_2019"][-1].isalpha()
    for key in ("hsj_trust_deficit_2019", "nhse_ccg_ics", "nhse_icbs_in_england"):
        assert labels[key].replace(" ", "") in text.replace(" ", "")
    assert "Alderwick [ 2016 ]" in text or "Alderwick [2016]" in text


def test_the_list_shows_the_same_year_and_no_repeated_outlet(built):
    labels = citations.labels(BIB)
    year = labels["hsj_trust_deficit_2019"].rsplit(", ", 1)[1]
    text = _text(built)
    assert f"shortfall. {year}." in text
    assert "Health Service Journal. Trust deficit" in text
    assert "shortfall. Health Service Journal" not in text
