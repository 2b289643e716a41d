"""The data layer: invariants of data/, the validator's refusals, the bibliography and
the standard Frictionless validator."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from stpbook import data
from stpbook.errors import DataError

from conftest import LAYOUT

FIXTURES = Path(__file__).parent / "fixtures" / "data"
TABLES = [r["name"] for r in data.resources() if r["path"].endswith(".csv")]


# --------------------------------------------------------------------------- package


def test_whole_package_validates_with_only_the_known_notice():
    errors, notices = data.check()
    assert errors == []
    assert any("114%" in n and "surveys.csv" in n for n in notices)


@pytest.mark.parametrize("name", TABLES)
def test_every_resource_loads(name):
    frame = data.load(name)
    assert len(frame) > 0
    assert "source_id" in frame.columns


def test_every_source_id_resolves_in_references_bib():
    keys = set(
        re.findall(r"^@\w+\{([^,]+),", (LAYOUT.root / "references.bib").read_text(), re.MULTILINE)
    )
    used = set()
    for name in TABLES:
        used |= set(data.load(name)["source_id"])
    assert used - keys == set()
    for seed in [
        "alderwick_kingsfund_stps_2016",
        "sha_kingsfund_launch_2017",
        "ham_kingsfund_noise_signal_2016",
        "sha_northeast_meeting_2017",
        "equwell_stps_where_headed_2016",
    ]:
        assert seed in keys


def test_bibliography_parses_and_formats():
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    bib = parse_file(str(LAYOUT.root / "references.bib"))
    style = find_plugin("pybtex.style.formatting", "plain")()
    assert len(list(style.format_entries(bib.entries.values()))) == len(bib.entries)


def test_frictionless_accepts_the_package():
    # jsonschema imports rfc3987_syntax if installed, which compiles ~40 grammars on
    # import (10 s here); Data Package profiles do not use its "iri" format, so skip it.
    blocked = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None
    try:
        import frictionless

        report = frictionless.validate(str(LAYOUT.data / "datapackage.json"))
    finally:
        if blocked:
            sys.modules.pop("rfc3987_syntax", None)
    assert report.valid, report.flatten(["type", "message"])[:5]


@pytest.mark.parametrize("folder", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_frictionless_and_the_book_agree_on_every_bad_fixture(folder, tmp_path):
    """Both validators refuse each bad fixture (the book's names file, line and column)."""
    import json

    sys.modules.setdefault("rfc3987_syntax", None)
    import frictionless

    bad = next((FIXTURES / folder).glob("*.csv"))
    package = json.loads((LAYOUT.data / "datapackage.json").read_text())
    res = next(r for r in package["resources"] if r["path"] == bad.name)
    for name in ("footprints.csv", bad.name):
        (tmp_path / name).write_bytes((LAYOUT.data / name).read_bytes())
    (tmp_path / bad.name).write_bytes(bad.read_bytes())
    single = {"name": "probe", "resources": [res]}
    (tmp_path / "datapackage.json").write_text(json.dumps(single))
    ours, _ = data.check(bad)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    if folder in ("unknown_footprint", "unknown_source", "shares_over_100"):
        # checks Frictionless cannot express here (keys into another package's
        # resource, the bibliography, the book's own share rule): only the book refuses
        assert ours
    else:
        assert ours and not report.valid, (ours, report.flatten(["type"]))


def test_resources_listing():
    listing = {r["name"]: r for r in data.resources()}
    assert listing["footprints"]["rows"] == 44
    assert listing["footprint_boundaries"]["rows"] == 44
    for r in listing.values():
        assert r["description"] and r["sources"] and r["path"].startswith("data/")


# --------------------------------------------------------------------------- invariants


def test_footprints():
    fp = data.load("footprints")
    assert len(fp) == 44 and fp["stp17cd"].is_unique
    assert sorted(fp["stp17cd"]) == [f"E540000{n:02d}" for n in range(5, 49)]
    assert fp["population_mid2016"].sum() == pytest.approx(55.27e6, rel=0.001)
    small = fp.loc[fp["population_mid2016"].idxmin()]
    large = fp.loc[fp["population_mid2016"].idxmax()]
    assert small["stp17nm"] == "West, North and East Cumbria"
    assert small["population_mid2016"] == pytest.approx(0.32e6, rel=0.02)
    assert large["stp17nm"] == "Greater Manchester"
    assert large["population_mid2016"] == pytest.approx(2.8e6, rel=0.02)
    assert fp["nhser17nm"].value_counts().to_dict() == {
        "Midlands and East of England": 17,
        "South of England": 13,
        "North of England": 9,
        "London": 5,
    }
    assert fp["n_ccgs"].sum() == 207
    assert (fp["ccg17_codes"].str.count(";") + 1).tolist() == fp["n_ccgs"].tolist()


def test_boundaries_match_footprints():
    geo = data.load_boundaries()
    codes = [f["properties"]["stp17cd"] for f in geo["features"]]
    assert sorted(codes) == sorted(data.load("footprints")["stp17cd"])
    assert all(set(f["properties"]) == {"stp17cd", "stp17nm"} for f in geo["features"])
    assert (LAYOUT.data / "footprint_boundaries.geojson").stat().st_size < 400_000


def test_financial_gaps():
    gaps = data.load("financial_gaps")
    head = gaps[gaps["is_headline"]].set_index("stp17cd")
    assert head.index.is_unique and len(head) == 19
    bsol = head.loc["E54000017"]
    assert (bsol["gap_gbp_m"], bsol["social_care_gbp_m"]) == (712, 130)
    assert bsol["scope"] == "nhs_and_social_care"
    doubtful = gaps[gaps["reliability"] == "doubtful"].set_index("stp17cd")["gap_gbp_m"]
    assert doubtful.to_dict() == {"E54000035": 102, "E54000010": 286}
    assert head.loc["E54000028", "gap_gbp_m"] == 876
    per_head = data.load("gap_per_head_ippr").set_index("stp17cd")["gap_per_head_gbp"]
    assert per_head.to_dict() == {"E54000045": 216.15, "E54000035": 768.5}


def test_fyfv_assumptions_for_chapter_one():
    fyfv = data.load("fyfv_assumptions").set_index("key")
    expected = {
        "gap_2020_21_gbp_bn": 30,
        "efficiency_share_gbp_bn": 22,
        "funding_share_gbp_bn": 8,
        "demand_growth": 0.04,
        "efficiency_rate": 0.025,
        "historic_efficiency": 0.015,
        "long_run_real_growth": 0.037,
        "decade_2010s_real_growth": 0.01,
        "base_budget_2013_14_gbp_bn": 93.696,
        "base_year_start": 2013,
        "horizon_year_start": 2020,
    }
    for key, value in expected.items():
        assert fyfv.loc[key, "value"] == pytest.approx(value), key
    assert (fyfv.loc["efficiency_rate", "low"], fyfv.loc["efficiency_rate", "high"]) == (0.02, 0.03)
    budget = data.load("nhse_budget").set_index("financial_year")
    assert budget.loc["2013/14", "cash_gbp_bn"] == fyfv.loc["base_budget_2013_14_gbp_bn", "value"]
    # Rates are fractions: nothing in the table looks like a percentage.
    rates = fyfv[fyfv["unit"] == "fraction a year"]
    assert (rates[["value", "low", "high"]].fillna(0).abs() < 1).all().all()


def test_national_series():
    spending = data.load("health_spending")
    assert spending["fiscal_year_start"].is_unique
    assert spending["fiscal_year_start"].tolist() == list(range(1979, 2020))
    assert spending.set_index("financial_year").loc["2019/20", "status"] == "planned"
    providers = data.load("provider_finances").set_index("financial_year")
    assert providers.loc["2015/16", "net_position_gbp_m"] == -2450
    assert providers.index.tolist() == [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2020)]
    sr = data.load("sr2015_plans").set_index("financial_year")
    assert sr.loc["2020/21", "nhse_tdel_gbp_bn"] == 119.9
    growth = data.load("real_growth_by_government").set_index("period_id")
    assert growth.loc["coalition", "avg_annual_real_growth_pct"] == 1.03


def test_national_facts_chapters_use():
    facts = data.load("national_facts").set_index("key")["value"]
    assert facts["vanguard_sites"] == 50
    assert facts["bma_stp_capital_estimate_gbp_bn"] == 9.53
    assert facts["bma_stp_capital_footprints_responding"] == 37
    assert facts["bma_stp_capital_estimate_as_reported_gbp_bn"] == 10
    assert facts["spring_budget_stp_capital_gbp_m"] == 325
    assert facts["spring_budget_social_care_gbp_bn"] == 2
    assert facts["stf_2016_17_gbp_bn"] == 2.1
    assert facts["stf_provider_sustainability_2016_17_gbp_bn"] == 1.8


def test_dashboard():
    bands = data.load("dashboard_2017").set_index("rating")["n_stps"]
    assert bands.to_dict() == {
        "outstanding": 5,
        "advanced": 20,
        "making_progress": 14,
        "needs_most_improvement": 5,
    }
    named = data.load("dashboard_2017_ratings")["rating"].value_counts()
    for rating, n in named.items():
        assert n <= bands[rating]
    assert named["outstanding"] == 5 and named["needs_most_improvement"] == 5


def test_timeline_dates():
    tl = data.load("timeline")
    dates = set(tl.loc[tl["date_precision"] == "day", "date"].dt.strftime("%Y-%m-%d"))
    for d in [
        "2014-10-23",
        "2015-12-22",
        "2016-03-15",
        "2016-06-30",
        "2016-10-21",
        "2017-03-08",
        "2017-03-31",
        "2017-07-21",
        "2021-04-01",
        "2022-04-28",
        "2022-07-01",
        "2017-02-21",
        "2017-04-10",
        "2017-02-22",
    ]:
        assert d in dates, d
    assert tl["date"].is_monotonic_increasing


def test_reconfigurations_include_the_seed_facts():
    rc = data.load("reconfigurations").set_index("item_id")
    assert (
        rc.loc["swl_acute_sites_4", "figure_before"],
        rc.loc["swl_acute_sites_4", "figure_after"],
    ) == (5, 4)
    assert rc.loc["swl_acute_sites_3", "figure_after"] == 3
    assert rc.loc["ddthrw_acute_medicine", "stp17cd"] == "E54000045"
    assert (rc["kind"] == "community_hub").sum() == 2
    assert rc["stp17cd"].notna().all()


def test_activity_assumptions():
    act = data.load("activity_assumptions").set_index("activity_id")
    assert len(act) == 4
    assert act.loc["ae_attendances", "mean_reduction_pct"] == 17
    assert (
        (act["min_reduction_pct"] <= act["mean_reduction_pct"])
        & (act["mean_reduction_pct"] <= act["max_reduction_pct"])
    ).all()


def test_survey_shares_over_100_are_reported_not_hidden():
    surveys = data.load("surveys")
    blogged = surveys[surveys["survey_id"] == "hsj_ccg_barometer_2016_10_as_blogged"]
    assert blogged.set_index("response")["share_pct"].to_dict() == {
        "low": 66,
        "medium": 47,
        "high": 1,
    }
    assert blogged["share_pct"].sum() == 114
    notice = next(n for n in surveys.attrs["notices"] if "114%" in n)
    assert "surveys.csv" in notice and "hsj_ccg_barometer_2016_10_as_blogged" in notice
    assert "Level of confidence" in notice
    pa = surveys[surveys["survey_id"] == "pa_ccg_barometer_2016_10"]
    assert pa["share_pct"].tolist() == [65]


# --------------------------------------------------------------------------- refusals

BAD = [
    # folder, resource, line, column, words the message must contain
    ("malformed", "financial_gaps", 3, "source_id", "extra value"),
    ("missing_column", "provider_finances", 1, "net_position_gbp_m", "missing column"),
    ("wrong_type", "nhse_budget", 3, "cash_gbp_bn", "expected a number"),
    ("out_of_range", "activity_assumptions", 3, "max_reduction_pct", "above the maximum 100"),
    ("duplicate_key", "dashboard_2017_ratings", 4, "stp17cd", "duplicate"),
    ("unknown_footprint", "reconfigurations", 3, "stp17cd", "unknown footprint code 'E54000049'"),
    ("unknown_source", "timeline", 3, "source_id", "unknown source_id 'made_up_source_2099'"),
    ("shares_over_100", "surveys", 2, "share_pct", "add up to 120%"),
    ("required_empty", "footprints", 2, "population_mid2016", "a value is required"),
]


@pytest.mark.parametrize("folder,name,line,column,words", BAD, ids=[b[0] for b in BAD])
def test_bad_data_is_refused_with_file_row_and_column(folder, name, line, column, words):
    path = FIXTURES / folder / f"{name}.csv"
    with pytest.raises(DataError) as info:
        data.load(name, path=path)
    message = str(info.value)
    assert f"{folder}/{name}.csv" in message
    assert f"line {line}" in message
    assert f"column '{column}'" in message
    assert words in message
    errors, _ = data.check(path)
    assert errors and any(words in e for e in errors)


def test_check_matches_a_file_by_name_and_refuses_unknown_names(tmp_path):
    good = tmp_path / "surveys.csv"
    good.write_bytes((LAYOUT.data / "surveys.csv").read_bytes())
    errors, notices = data.check(good)
    assert errors == [] and any("114%" in n for n in notices)
    stray = tmp_path / "not_a_resource.csv"
    stray.write_text("a,b\n1,2\n")
    errors, _ = data.check(stray)
    assert errors and "no resource has this file name" in errors[0]


def test_unknown_resource_name():
    with pytest.raises(DataError, match="no resource named 'nope'"):
        data.load("nope")


def test_load_records_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("STPBOOK_TRACE_READS", "1")
    monkeypatch.chdir(tmp_path)
    data.load("financial_gaps")
    reads = (tmp_path / ".stpbook-reads").read_text().splitlines()
    assert str((LAYOUT.data / "financial_gaps.csv").resolve()) in reads
    assert str((LAYOUT.data / "footprints.csv").resolve()) in reads
