"""Make ``data/`` from the raw material, by hand, once: ``python -m stpbook.curate SOURCES``.

``SOURCES`` is the folder of raw files described in ``data/README.md`` (for the
project's authors, ``/work/shared/sources``). The book never runs this module: it
reads the committed ``data/``. The module exists so that every committed number can be
traced to the file or the page it came from:

- tables that are *computed* from raw files (footprints and their populations, the
  boundaries, the national spending series) are read and transformed here;
- tables that were *typed in* from pages (financial gaps, reconfigurations, surveys,
  timeline, national facts) are written out below as Python literals, one row per
  observation, each with the ``source_id`` of its entry in ``references.bib``. Where a
  raw file holds the same figure, ``_check_against`` confirms the two agree, so a
  typing slip fails loudly here rather than in a chapter.

``data/datapackage.json`` is written from ``SCHEMAS`` at the end, so the descriptor and
the files cannot drift apart.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .paths import data_dir

RAW = {
    "ccg_stp": "Clinical_Commissioning_Group_to_STPs_April_2017_Lookup_in_England_V3.csv",
    "ccg_region": ("Clinical_Commissioning_Group_to_NHS_England_Region_Local_Office_and_"
                   "NHS_England_Region_April_2017_Lookup_in_England_V3.csv"),
    "lsoa": ("LSOA_2011_to_Clinical_Commissioning_Groups_to_Sustainability_and_"
             "Transformation_Partnerships_April_2017_Lookup_in_England.csv"),
    "mye": "ukmidyearestimates2016_MYE2_All_England_LAD_all_ages.csv",
    "boundaries": ("Sustainability_and_Transformation_Partnerships_February_2017_Ultra_"
                   "Generalised_Clipped_Boundaries_in_England.geojson"),
    "hocl": "hocl_health_expenditure_england_1979_2019.csv",
    "realcentre_budgets": "realcentre_dhsc_nhse_budgets_2013_2028.csv",
    "realcentre_growth": "realcentre_real_growth_by_government.csv",
    "pesa_nhse": "nhse_rdel_pesa_2013_2025.csv",
    "sr2015": "sr2015_health_spending_plans.csv",
    "nuffield": "nuffield_stp_activity_reduction_assumptions_2017.csv",
    "providers": "provider_sector_net_position_2012_2018_compiled.csv",
    "gaps": "stp_financial_gaps_from_pages.csv",
    "dashboard": "stp_progress_dashboard_july2017_summary.csv",
    "facts": "national_context_facts.csv",
}

COORD_DECIMALS = 4  # about 11 m at England's latitude: far finer than the ~500 m generalisation


def _read(sources: Path, key: str) -> list[dict[str, str]]:
    with open(sources / RAW[key], newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def financial_year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _start(fy: str) -> int:
    return int(fy[:4])


# --------------------------------------------------------------------------- computed


def footprints(sources: Path) -> list[dict]:
    """The 44 footprints with region, CCGs, area, centroid and a mid-2016 population.

    Population: each local authority district's ONS mid-2016 estimate is shared among
    the STPs its LSOAs fall in, in proportion to the number of its LSOAs in each (April
    2017 LSOA lookup). For the 24 STPs made of whole districts this is the exact ONS
    sum; for the rest only the split districts' shares are approximate.
    """
    ccg_stp = _read(sources, "ccg_stp")
    region = {r["CCG17CD"]: (r["NHSER17CD"], r["NHSER17NM"]) for r in _read(sources, "ccg_region")}
    lad_pop = {r["lad16cd"]: int(r["population_mid2016_all_ages"]) for r in _read(sources, "mye")}
    lsoa_count: Counter = Counter()
    lad_total: Counter = Counter()
    for r in _read(sources, "lsoa"):
        lsoa_count[(r["LAD17CD"], r["STP17CD"])] += 1
        lad_total[r["LAD17CD"]] += 1
    missing = set(lad_total) - set(lad_pop)
    if missing:
        raise SystemExit(f"LADs in the LSOA lookup with no mid-2016 population: {missing}")
    pop: defaultdict = defaultdict(float)
    for (lad, stp), n in lsoa_count.items():
        pop[stp] += lad_pop[lad] * n / lad_total[lad]
    geo = json.loads((sources / RAW["boundaries"]).read_text(encoding="utf-8"))
    props = {f["properties"]["stp17cd"]: f["properties"] for f in geo["features"]}

    by_stp: dict[str, dict] = {}
    for r in ccg_stp:
        stp = by_stp.setdefault(r["STP17CD"], {"stp17nm": r["STP17NM"], "ccgs": [], "regions": set()})
        stp["ccgs"].append(r["CCG17CD"])
        stp["regions"].add(region[r["CCG17CD"]])
    rows = []
    for code in sorted(by_stp):
        stp = by_stp[code]
        if len(stp["regions"]) != 1:
            raise SystemExit(f"{code} spans more than one NHS England region: {stp['regions']}")
        (nhser_cd, nhser_nm), = stp["regions"]
        p = props[code]
        if p["stp17nm"] != stp["stp17nm"]:
            raise SystemExit(f"{code}: boundary name {p['stp17nm']!r} != lookup {stp['stp17nm']!r}")
        rows.append({
            "stp17cd": code,
            "stp17nm": stp["stp17nm"],
            "nhser17cd": nhser_cd,
            "nhser17nm": nhser_nm,
            "population_mid2016": round(pop[code]),
            "n_ccgs": len(stp["ccgs"]),
            "ccg17_codes": ";".join(sorted(stp["ccgs"])),
            "area_km2": round(p["st_areashape"] / 1e6, 1),
            "centroid_lat": round(p["lat"], 5),
            "centroid_long": round(p["long"], 5),
            "source_id": "ons_lsoa_ccg_stp_lookup_2017",
        })
    return rows


def _round_ring(ring: list) -> list:
    out: list = []
    for x, y in ring:
        pt = [round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)]
        if not out or pt != out[-1]:
            out.append(pt)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def boundaries(sources: Path) -> dict:
    """The ONS ultra-generalised boundaries, properties cut to code and name."""
    geo = json.loads((sources / RAW["boundaries"]).read_text(encoding="utf-8"))
    features = []
    for f in sorted(geo["features"], key=lambda f: f["properties"]["stp17cd"]):
        g = f["geometry"]
        if g["type"] == "Polygon":
            coords = [r for r in (_round_ring(r) for r in g["coordinates"]) if len(r) >= 4]
        else:
            coords = [[r for r in (_round_ring(r) for r in poly) if len(r) >= 4]
                      for poly in g["coordinates"]]
            coords = [p for p in coords if p]
        features.append({"type": "Feature",
                         "properties": {"stp17cd": f["properties"]["stp17cd"],
                                        "stp17nm": f["properties"]["stp17nm"]},
                         "geometry": {"type": g["type"], "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


def nhse_budget(sources: Path) -> list[dict]:
    pesa = {int(r["fiscal_year_start"]): float(r["nhse_rdel_cash_gbp_bn"])
            for r in _read(sources, "pesa_nhse")}
    rows = []
    for r in _read(sources, "realcentre_budgets"):
        if r["budget_type"] != "nhse_rdel":
            continue
        start = int(r["fiscal_year_start"])
        cash_bn = float(r["cash_gbp_m"]) / 1000
        if r["status"] == "outturn" and abs(pesa.get(start, cash_bn) - cash_bn) > 0.0005:
            raise SystemExit(f"NHS England {start}: REAL Centre {cash_bn} != PESA {pesa[start]}")
        rows.append({
            "fiscal_year_start": start,
            "financial_year": r["financial_year"],
            "cash_gbp_bn": round(cash_bn, 3),
            "real_gbp_bn_2025_26_prices": round(float(r["real_gbp_m_2025_26_prices"]) / 1000, 3),
            "deflator_to_2025_26": round(float(r["multiplier_to_2025_26_prices"]), 6),
            "status": r["status"],
            "source_id": "realcentre_budget_data_2025",
        })
    return sorted(rows, key=lambda r: r["fiscal_year_start"])


def health_spending(sources: Path) -> list[dict]:
    """One row a year: where the Library table gives a year twice (a change of
    accounting basis), keep the later basis, which is the one the following years'
    real change is measured against."""
    keep: dict[str, dict] = {}
    for r in _read(sources, "hocl"):
        keep[r["financial_year"]] = r  # later rows (newer basis) replace earlier ones
    rows = []
    for fy, r in keep.items():
        rows.append({
            "fiscal_year_start": _start(fy),
            "financial_year": fy,
            "cash_gbp_bn": float(r["cash_gbp_bn"]),
            "real_gbp_bn_2018_19_prices": float(r["real_gbp_bn_2018_19_prices"]),
            "real_change_pct": float(r["real_change_pct"]) if r["real_change_pct"] else None,
            "accounting_basis": {
                "cash/resource basis as published (pre-1999/00)": "pre_resource_accounting",
                "Stage 1 resource basis": "resource_stage_1",
                "Stage 2 resource basis": "resource_stage_2",
            }[r["accounting_basis"]],
            "status": r["status"],
            "source_id": "hocl_cbp0724_table2",
        })
    return sorted(rows, key=lambda r: r["fiscal_year_start"])


def sr2015_plans(sources: Path) -> list[dict]:
    def num(v: str):
        return float(v) if v else None

    return [{
        "fiscal_year_start": _start(r["financial_year"]),
        "financial_year": r["financial_year"],
        "dh_resource_del_excl_depreciation_gbp_bn": num(r["dh_resource_del_excl_depreciation_gbp_bn"]),
        "dh_capital_del_gbp_bn": num(r["dh_capital_del_gbp_bn"]),
        "dh_total_del_gbp_bn": num(r["dh_total_del_gbp_bn"]),
        "nhse_tdel_gbp_bn": num(r["nhs_england_tdel_gbp_bn"]),
        "nhse_real_growth_pct": num(r["nhs_england_real_growth_pct"]),
        "cumulative_real_increase_gbp_bn": num(r["cumulative_delivery_of_10bn_commitment_gbp_bn"]),
        "source_id": "dh_sr2015",
    } for r in _read(sources, "sr2015")]


def real_growth_by_government(sources: Path) -> list[dict]:
    keys = {"Thatcher & Major": "thatcher_major", "Blair & Brown": "blair_brown",
            "Coalition": "coalition", "Cameron & May": "cameron_may",
            "Johnson, Truss & Sunak": "johnson_truss_sunak", "Starmer": "starmer",
            "Long-run Pre-Covid": "long_run_pre_covid"}
    rows = []
    for r in _read(sources, "realcentre_growth"):
        start, end = r["start_financial_year"], r["end_financial_year"]
        rows.append({
            "period_id": keys[r["period_label"]],
            "period_label": r["period_label"],
            "start_financial_year": start,
            "end_financial_year": end,
            "start_year": _start(start),
            "end_year": _start(end),
            "start_real_gbp_bn_2025_26_prices": float(r["start_dhsc_tdel_real_gbp_bn_2025_26_prices"])
            if r["start_dhsc_tdel_real_gbp_bn_2025_26_prices"] else None,
            "end_real_gbp_bn_2025_26_prices": float(r["end_dhsc_tdel_real_gbp_bn_2025_26_prices"])
            if r["end_dhsc_tdel_real_gbp_bn_2025_26_prices"] else None,
            "avg_annual_real_growth_pct": float(r["avg_annual_real_growth_pct"]),
            "status": "planned" if r["period_label"] == "Starmer" else "outturn",
            "source_id": "realcentre_growth_by_government_2025",
        })
    return rows


def activity_assumptions(sources: Path) -> list[dict]:
    ids = {"Outpatients": "outpatients", "Elective inpatients": "elective_inpatients",
           "A&E attendances": "ae_attendances", "Non-elective inpatients": "non_elective_inpatients"}
    return [{
        "activity_id": ids[r["activity_area"]],
        "activity_area": r["activity_area"],
        "n_stps_assuming_reduction": int(r["n_stps_with_assumption"]),
        "min_reduction_pct": float(r["min_reduction_pct"]),
        "max_reduction_pct": float(r["max_reduction_pct"]),
        "mean_reduction_pct": float(r["average_reduction_by_2020_21_pct"]),
        "source_id": "nuffield_shifting_balance_slides_2017",
    } for r in _read(sources, "nuffield")]


PROVIDER_ROWS = [
    # financial_year, net GBP m, basis note (own words), source_id
    ("2012/13", 600, "Aggregate surplus, given only as 'nearly' GBP 600m: approximate.",
     "kingsfund_trusts_deficit"),
    ("2013/14", -107, "First net overspend of the sector; a Monitor-based press report gives -115.",
     "kingsfund_trusts_deficit"),
    ("2014/15", -822, ("Monitor and TDA year-end figures (foundation trusts -349, NHS trusts -473); "
     "the NAO later restated the year as -859."), "cnci_trust_deficits_2015"),
    ("2015/16", -2450, ("NHS Improvement year-end position, matched by the NAO; the Nuffield Trust "
     "put the underlying deficit near -3,700."), "hf_provider_deficit_2016"),
    ("2016/17", -791, ("After GBP 1.8bn of Sustainability and Transformation Fund support to "
     "providers: not comparable with earlier years without adding it back."),
     "kingsfund_trusts_deficit"),
    ("2017/18", -960, ("Year-end aggregate overspend (plans had aimed at about -623), again after "
     "STF support."), "kingsfund_ltp_explained_2019"),
]


def provider_finances(sources: Path) -> list[dict]:
    raw = {r["financial_year"]: float(r["net_position_gbp_m"]) for r in _read(sources, "providers")}
    rows = []
    for fy, value, note, sid in PROVIDER_ROWS:
        if raw[fy] != value:
            raise SystemExit(f"provider_finances {fy}: {value} != raw {raw[fy]}")
        rows.append({"fiscal_year_start": _start(fy), "financial_year": fy,
                     "net_position_gbp_m": value, "basis_note": note, "source_id": sid})
    return rows


def dashboard_2017(sources: Path) -> list[dict]:
    ids = {"Outstanding": "outstanding", "Advanced": "advanced",
           "Making progress": "making_progress", "Needs most improvement": "needs_most_improvement"}
    return [{"rating": ids[r["overall_rating"]], "rating_label": r["overall_rating"],
             "n_stps": int(r["n_stps"]), "source_id": "healthcareleader_dashboard_2017"}
            for r in _read(sources, "dashboard")]


# --------------------------------------------------------------------------- typed in

# Financial gaps: (stp17cd, gap GBP m, scope, social care GBP m, plan_version,
#                  reliability, is_headline, note, source_id)
GAPS = [
    ("E54000005", 1070, "unclear", None, "submitted_2016_10", "reported", True,
     "Plan savings of GBP 983m were stated alongside it.", "nhsfunding_stp05"),
    ("E54000017", 712, "nhs_and_social_care", 130, "submitted_2016_10", "reported", True,
     ("Includes a GBP 130m adult social care deficit (King's Fund blog); published early "
     "by the council."), "seed_kingsfund_where_next_2016"),
    ("E54000028", 876, "nhs_only", None, "submitted_2016_10", "reported", True,
     ("Described by the King's Fund as the combined NHS deficit if nothing changes; the "
     "local press gives the same figure."), "nhsfunding_stp28"),
    ("E54000029", 578, "unclear", None, "submitted_2016_10", "reported", True, "",
     "nhsfunding_stp29"),
    ("E54000030", 854, "unclear", None, "submitted_2016_10", "reported", True,
     "The STP's own site rounds it to almost GBP 1bn.", "nhsfunding_stp30"),
    ("E54000031", 726, "unclear", None, "submitted_2016_10", "reported", True, "",
     "nhsfunding_stp31"),
    ("E54000046", 641, "unclear", None, "submitted_2016_10", "reported", True, "",
     "nhsfunding_stp01"),
    ("E54000048", 572, "unclear", None, "submitted_2016_10", "reported", True, "",
     "nhsfunding_stp04"),
    ("E54000009", 571, "unclear", None, "submitted_2016_10", "reported", True, "",
     "nhsfunding_stp09"),
    ("E54000006", 420, "unclear", None, "submitted_2016_10", "reported", True,
     "Quoted by a local MP after publication (Dec 2016).", "maskell_hcv_2016"),
    ("E54000010", 286, "unclear", None, "submitted_2016_10", "doubtful", True,
     "The page's wording is garbled ('more GBP 286 million'); read as a lower bound.",
     "nhsfunding_stp10"),
    ("E54000015", 399, "nhs_only", None, "submitted_2016_10", "reported", True,
     "Called an NHS funding gap; Healthwatch rounds it to GBP 400m.", "elr_ccg_llr_stp_2016"),
    ("E54000032", 485, "unclear", None, "other", "reported", True,
     "Stated by a trust on 13 Oct 2016, a week before final submission.",
     "medway_kent_stp_2016"),
    ("E54000036", 277, "unclear", None, "draft_2016_09", "reported", True,
     "From the draft Strategic Outline Case (Sep 2016), not the final plan.",
     "thirtyeight_degrees_cornwall_2016"),
    ("E54000041", 229, "unclear", None, "submitted_2016_10", "reported", True,
     "Annual gap by 2020/21, including GBP 20m on specialised services.",
     "bournemouth_dorset_stp"),
    ("E54000033", 864, "nhs_only", None, "submitted_2016_10", "reported", True,
     "For NHS organisations; GBP 530m of savings planned.", "sussexexpress_bma_2017"),
    ("E54000042", 577, "unclear", None, "submitted_2016_10", "reported", True,
     "The same figure appears on NHS Funding and a CCG page.", "actionhampshire_hiow_stp"),
    ("E54000022", 415, "nhs_and_social_care", 99, "submitted_2016_10", "reported", True,
     "About GBP 316m health and GBP 99m social care; revised down from the June draft.",
     "nsft_norfolk_stp"),
    ("E54000022", 545, "unclear", None, "draft_2016_06", "reported", False,
     "June draft, superseded by the October figure.", "edp_norfolk_draft_2016"),
    ("E54000035", 102, "unclear", None, "other", "doubtful", True,
     ("Conflicts with IPPR, which ranks Surrey Heartlands highest per head (GBP 768.50, "
     "roughly GBP 650m): probably a partial or residual figure. Do not treat as a "
     "do-nothing gap."), "nhsfunding_stp35"),
]

# IPPR per-head deficits: only the two ends of its ranking are readable.
GAP_PER_HEAD = [
    ("E54000045", 216.15, "lowest", "ippr_kill_or_cure_2017"),
    ("E54000035", 768.50, "highest", "ippr_kill_or_cure_2017"),
]

# Capital asked for in plans: (stp17cd, GBP m, low, high, scope, note, source_id)
CAPITAL = [
    ("E54000033", 491.5, None, None, "all_capital", "BMA analysis of the plan.",
     "sussexexpress_bma_2017"),
    ("E54000048", 264, None, None, "all_capital", "", "nhsfunding_stp04"),
    ("E54000046", 76.6, None, None, "all_capital", "BMA figure (Mar 2017).", "nhsfunding_stp01"),
    ("E54000042", 194, None, None, "all_capital",
     "National bodies told the STP its demand was unlikely to be met (31 Oct 2016 letter).",
     "hsj_hiow_capital_2016"),
    ("E54000029", 550, 500, 600, "all_capital", "Midpoint of the stated GBP 500-600m.",
     "nhsfunding_stp29"),
    ("E54000031", 80, None, None, "digital_only", "At least GBP 80m, for the digital roadmap.",
     "digitalhealth_swl_2016"),
    ("E54000028", 180, None, None, "digital_only", "Digital projects alone.",
     "digitalhealth_stps_digital_2016"),
]

# Reconfigurations: (item_id, stp17cd, site_or_service, kind, before, after, reduction,
#                    unit, status, note, source_id)
RECONFIG = [
    ("swl_acute_sites_4", "E54000031",
     "Acute hospital sites (St George's, Kingston, Croydon, St Helier, Epsom)",
     "acute_site_reduction", 5, 4, 1, "acute sites", "proposal",
     "The plan's lead option; a cut to three was also modelled.", "digitalhealth_swl_2016"),
    ("swl_acute_sites_3", "E54000031", "Acute hospital sites (alternative)",
     "acute_site_reduction", 5, 3, 2, "acute sites", "option_modelled",
     "The King's Fund blog reports a cut from five to 'four or three'.",
     "seed_kingsfund_where_next_2016"),
    ("ddthrw_acute_medicine", "E54000045",
     "Acute medical services consolidated; A&E closed at one major hospital",
     "ae_closure_or_downgrade", None, None, 1, "A&E departments", "proposal",
     "The blog does not name the hospital.", "seed_kingsfund_where_next_2016"),
    ("ne_primary_care_hubs_north", "E54000046",
     "Primary care hubs: social care and clinical staff around groups of GP practices",
     "community_hub", None, None, None, "hubs", "discussed",
     "Described for the North East as a whole at a Socialist Health Association meeting.",
     "seed_sha_northeast_betts_2017"),
    ("ne_primary_care_hubs_south", "E54000045",
     "Primary care hubs: social care and clinical staff around groups of GP practices",
     "community_hub", None, None, None, "hubs", "discussed",
     "Described for the North East as a whole at a Socialist Health Association meeting.",
     "seed_sha_northeast_betts_2017"),
    ("nwl_major_hospitals", "E54000027", "Major hospitals", "acute_site_reduction", 9, 5, 4,
     "hospitals", "proposal", "Opposed by Hammersmith and Fulham and Ealing councils.",
     "pa_guernsey_kingsfund_2017"),
    ("llr_acute_sites", "E54000015", "Acute hospital sites", "acute_site_reduction", 3, 2, 1,
     "sites", "proposal", "", "pa_guernsey_kingsfund_2017"),
    ("llr_acute_beds", "E54000015", "Acute beds, Leicester hospitals", "bed_reduction",
     1940, 1697, 243, "beds", "proposal", "A 12% cut in the draft plan (Nov 2016).",
     "elr_ccg_llr_stp_2016"),
    ("llr_community_beds", "E54000015", "Community hospital beds (incl. stroke and rehab)",
     "bed_reduction", 233, 195, 38, "beds", "proposal", "A 16% cut in the draft plan.",
     "elr_ccg_llr_stp_2016"),
    ("dorset_beds", "E54000041", "Hospital beds", "bed_reduction", 1810, 1570, 240, "beds",
     "proposal", "With an aim to cut emergency admissions by a quarter.",
     "pa_guernsey_kingsfund_2017"),
    ("dorset_poole_ae", "E54000041", "Poole Hospital A&E", "ae_closure_or_downgrade",
     None, None, 1, "A&E departments", "active_plan",
     "Royal Bournemouth to be the major emergency site.", "inews_24_ae_2017"),
    ("notts_nuh_beds", "E54000014", "Beds at Nottingham University Hospitals", "bed_reduction",
     None, None, 200, "beds", "proposal", "A further 20 at Sherwood Forest Hospitals.",
     "pa_guernsey_kingsfund_2017"),
    ("derbyshire_acute_beds", "E54000012", "Acute beds", "bed_reduction", None, None, 400,
     "beds", "proposal", "", "pa_guernsey_kingsfund_2017"),
    ("hiow_acute_beds", "E54000042", "Acute beds", "bed_reduction", None, None, 300, "beds",
     "proposal", "About 9% of acute capacity.", "nhsfunding_stp42"),
    ("bob_community_hospitals", "E54000044", "Community hospitals replaced by community hubs",
     "community_hospital_reduction", 9, 4, 5, "sites", "proposal",
     "Nine community hospitals to four hubs.", "nhsfunding_stp44"),
    ("bob_horton_beds", "E54000044", "Horton General Hospital acute beds", "bed_reduction",
     None, None, 110, "beds", "proposal", "With a reduced service at the hospital.",
     "nhsfunding_stp44"),
    ("devon_beds", "E54000037", "Acute and community hospital beds", "bed_reduction",
     None, None, 590, "beds", "possible", "About one bed in six, over five years.",
     "nhsfunding_stp37"),
    ("staffs_ae_departments", "E54000010", "A&E departments in the county",
     "ae_closure_or_downgrade", 3, 2, 1, "A&E departments", "proposal",
     "Plus a new urgent care centre; Stafford most likely.", "staffordshire_cc_stp"),
    ("wyh_huddersfield_ae", "E54000005", "Huddersfield Royal Infirmary A&E",
     "ae_closure_or_downgrade", None, None, 1, "A&E departments", "proposal",
     "Services consolidated at Calderdale Royal Hospital.", "nhsfunding_stp05"),
    ("wyh_dewsbury_ae", "E54000005", "Dewsbury and District Hospital A&E",
     "ae_closure_or_downgrade", None, None, 1, "A&E departments", "active_plan", "",
     "inews_24_ae_2017"),
    ("nel_king_george_ae", "E54000029", "King George Hospital A&E (to urgent care centre)",
     "ae_closure_or_downgrade", None, None, 1, "A&E departments", "agreed",
     "Downgrade planned for summer 2019.", "nhsfunding_stp29"),
    ("nwl_ealing_ae", "E54000027", "Ealing Hospital A&E", "ae_closure_or_downgrade",
     None, None, 1, "A&E departments", "active_plan", "", "inews_24_ae_2017"),
    ("hw_alexandra_ae", "E54000019", "Alexandra Hospital, Redditch, A&E",
     "ae_closure_or_downgrade", None, None, 1, "A&E departments", "active_plan", "",
     "inews_24_ae_2017"),
    ("bc_midland_metropolitan", "E54000016",
     "City Hospital and Sandwell General A&Es, replaced by Midland Metropolitan",
     "service_consolidation", 2, 1, 1, "A&E departments", "agreed",
     "City Hospital lies in Birmingham but its trust is in the Black Country footprint.",
     "inews_24_ae_2017"),
    ("cw_george_eliot_ae", "E54000018", "George Eliot Hospital, Nuneaton, A&E",
     "ae_closure_or_downgrade", None, None, 1, "A&E departments", "no_firm_proposal", "",
     "inews_24_ae_2017"),
    ("staffs_burton_stafford_ae", "E54000010", ("Queen's Hospital Burton or County Hospital "
     "Stafford A&E"), "ae_closure_or_downgrade", None, None, None, "A&E departments",
     "no_firm_proposal", "Both listed as contenders.", "inews_24_ae_2017"),
    ("mse_broomfield_southend_ae", "E54000026", "Broomfield (Chelmsford) and Southend A&Es",
     "ae_closure_or_downgrade", None, None, None, "A&E departments", "no_firm_proposal",
     "Both listed as contenders.", "inews_24_ae_2017"),
    ("bob_horton_ae", "E54000044", "Horton General Hospital A&E", "ae_closure_or_downgrade",
     None, None, 1, "A&E departments", "no_firm_proposal", "", "inews_24_ae_2017"),
    ("mkbl_mk_bedford_ae", "E54000024", "Milton Keynes and Bedford A&Es",
     "ae_closure_or_downgrade", None, None, None, "A&E departments", "no_firm_proposal",
     "Both listed as contenders.", "inews_24_ae_2017"),
    ("swl_epsom_sthelier_kingston_ae", "E54000031", "Epsom, St Helier and Kingston A&Es",
     "ae_closure_or_downgrade", None, None, None, "A&E departments", "no_firm_proposal",
     ("Contenders; Epsom lies in Surrey Heartlands but its trust is in South West London. "
     "The stored list stops after Kingston."), "inews_24_ae_2017"),
    ("sel_orthopaedic_centres", "E54000030", "Elective orthopaedic surgery centres",
     "service_consolidation", 8, 3, 5, "centres", "proposal",
     "First proposed as eight to two.", "nhsfunding_stp30"),
]

# Surveys: (survey_id, question, response, share_pct, n_respondents, n_choosing,
#           as_reported_by, flag, note, source_id)
Q_IMPACT = "Confidence that the STP will have its planned impact on finance and performance in 2017/18"
Q_SEED = "Level of confidence that the plans will have the desired impact"
Q_AGREE = "Confidence that the area can produce and agree a strong STP"
SURVEYS = [
    ("hsj_ccg_barometer_2016_10_as_blogged", Q_SEED, "low", 66, 99, None,
     "equwell blog (seed 004)", "sum_exceeds_100_as_reported",
     ("As printed: the three shares add to 114%. The survey's own counts (next survey) "
     "suggest 66% is low plus very low and 47 the count, not share, of 'low'."),
     "seed_stps_where_headed_2016"),
    ("hsj_ccg_barometer_2016_10_as_blogged", Q_SEED, "medium", 47, 99, None,
     "equwell blog (seed 004)", "sum_exceeds_100_as_reported", "", "seed_stps_where_headed_2016"),
    ("hsj_ccg_barometer_2016_10_as_blogged", Q_SEED, "high", 1, 99, None,
     "equwell blog (seed 004)", "sum_exceeds_100_as_reported", "", "seed_stps_where_headed_2016"),
    ("hsj_ccg_barometer_2016_10", Q_IMPACT, "very high", 0.0, 99, 0, "HSJ",
     "share_from_counts", "Shares computed here from the published counts.",
     "hsj_ccg_confidence_2016"),
    ("hsj_ccg_barometer_2016_10", Q_IMPACT, "high", 1.0, 99, 1, "HSJ", "share_from_counts", "",
     "hsj_ccg_confidence_2016"),
    ("hsj_ccg_barometer_2016_10", Q_IMPACT, "moderate", 33.3, 99, 33, "HSJ",
     "share_from_counts", "", "hsj_ccg_confidence_2016"),
    ("hsj_ccg_barometer_2016_10", Q_IMPACT, "low", 47.5, 99, 47, "HSJ", "share_from_counts",
     "", "hsj_ccg_confidence_2016"),
    ("hsj_ccg_barometer_2016_10", Q_IMPACT, "very low", 18.2, 99, 18, "HSJ",
     "share_from_counts", "", "hsj_ccg_confidence_2016"),
    ("pa_ccg_barometer_2016_10", Q_IMPACT, "low or very low", 65, 99, None,
     "PA Consulting (survey partner)", "combined_categories",
     "Same survey as HSJ's, two categories combined.", "pa_consulting_ccg_stp_2016"),
    ("hsj_ccg_barometer_2016_10_barriers", ("Political opposition is a significant barrier to "
     "delivering the STP"), "yes", 60, 99, None, "HSJ", None,
     "One of several barriers asked about separately.", "hsj_stp_priorities_2016"),
    ("hsj_ccg_barometer_2016_10_barriers", ("Organisational priorities trumping whole-system "
     "plans are a significant barrier"), "yes", 61, 99, None, "HSJ", None, "",
     "hsj_stp_priorities_2016"),
    ("hsj_ccg_barometer_2016_02", Q_AGREE, "very high", 4, 54, None, "HSJ", None,
     "Earlier barometer (Jan-Feb 2016), before the plans were written.",
     "hsj_ccg_barometer_feb2016"),
    ("hsj_ccg_barometer_2016_02", Q_AGREE, "high", 58, 54, None, "HSJ", None, "",
     "hsj_ccg_barometer_feb2016"),
    ("hsj_ccg_barometer_2016_02", Q_AGREE, "low", 35, 54, None, "HSJ", None, "",
     "hsj_ccg_barometer_feb2016"),
    ("hsj_ccg_barometer_2016_02", Q_AGREE, "very low", 2, 54, None, "HSJ", None, "",
     "hsj_ccg_barometer_feb2016"),
]

DASHBOARD_RATINGS = [
    ("E54000041", "outstanding", "publicfinance_dashboard_2017"),
    ("E54000045", "outstanding", "publicfinance_dashboard_2017"),
    ("E54000034", "outstanding", "publicfinance_dashboard_2017"),
    ("E54000024", "outstanding", "publicfinance_dashboard_2017"),
    ("E54000009", "outstanding", "publicfinance_dashboard_2017"),
    ("E54000006", "needs_most_improvement", "nhe_dashboard_2017"),
    ("E54000010", "needs_most_improvement", "nhe_dashboard_2017"),
    ("E54000020", "needs_most_improvement", "nhe_dashboard_2017"),
    ("E54000039", "needs_most_improvement", "nhe_dashboard_2017"),
    ("E54000033", "needs_most_improvement", "sussex_stp_dashboard_2017"),
    ("E54000035", "advanced", "surrey_heartlands_advanced_2017"),
    ("E54000005", "making_progress", "wyh_blog_dashboard_2017"),
]

# Timeline: (date, precision, event, category, source_id)
TIMELINE = [
    ("2012-03-27", "day", "Health and Social Care Act 2012 receives Royal Assent",
     "legislation", "legislation_hsca_2012"),
    ("2014-10-23", "day", "NHS England and partners publish the Five Year Forward View",
     "policy", "hf_navigator_fyfv"),
    ("2015-11-25", "day", "Spending Review 2015 sets the Department of Health's settlement",
     "funding", "dh_sr2015"),
    ("2015-12-22", "day", "Shared planning guidance 2016/17-2020/21 asks every area for an STP",
     "policy", "nhse_planning_guidance_2015"),
    ("2016-01-29", "day", "Deadline for areas to propose their STP footprints", "deadline",
     "nhse_stp_faqs"),
    ("2016-03-15", "day", "NHS England publishes the 44 STP footprints", "policy",
     "hf_navigator_stps"),
    ("2016-01-01", "year", ("Chris Ham's King's Fund blog on contract negotiations and STPs "
     "(seed 002)"), "commentary", "seed_kingsfund_noise_signal_2016"),
    ("2016-06-30", "day", "Draft STPs due", "deadline", "nhse_stp_support_2016"),
    ("2016-10-21", "day", "Final STPs submitted to NHS England", "deadline",
     "calderdale999_deadline_2016"),
    ("2016-11-01", "month", ("King's Fund blog: where the STPs stand and what comes next "
     "(seed 000)"), "commentary", "seed_kingsfund_where_next_2016"),
    ("2016-01-01", "year", "Blog post asking where the STPs are headed (seed 004)",
     "commentary", "seed_stps_where_headed_2016"),
    ("2016-11-14", "day", "King's Fund report on how STPs were developed in four areas",
     "publication", "nhsfunding_kingsfund_stp_report_2016"),
    ("2016-12-23", "day", "Deadline to sign two-year NHS contracts for 2017/18-2018/19",
     "deadline", "calderdale999_deadline_2016"),
    ("2017-02-06", "day", "HSJ analysis: 24 A&E departments could close or be downgraded",
     "publication", "hsj_24_ae_2017"),
    ("2017-02-14", "day", "BMA estimates the STPs' capital needs at GBP 9.53bn",
     "publication", "bma_stp_capital_2017"),
    ("2017-02-21", "day", "King's Fund launches its report on delivering the STPs",
     "publication", "seed_sha_stp_2017"),
    ("2017-02-22", "day", ("Socialist Health Association post on the King's Fund launch "
     "(seed 001)"), "commentary", "seed_sha_stp_2017"),
    ("2017-03-08", "day", ("Spring Budget: GBP 2bn for adult social care over three years and "
     "GBP 325m of STP capital"), "funding", "pharmaceutical_journal_budget_2017"),
    ("2017-03-31", "day", ("Next Steps on the Five Year Forward View: plans become "
     "partnerships"), "policy", "mapmedtech_next_steps_2017"),
    ("2017-04-10", "day", "Socialist Health Association North East meeting on STPs (seed 003)",
     "commentary", "seed_sha_northeast_betts_2017"),
    ("2017-06-19", "day", "First eight accountable care systems named", "policy",
     "nhsfunding_first_acs_2017"),
    ("2017-07-21", "day", "First STP progress dashboard rates all 44 footprints", "policy",
     "nhse_board_dashboard_2017"),
    ("2017-11-22", "day", "Autumn Budget 2017 promises GBP 2.6bn of STP capital by 2022/23",
     "funding", "healthcareleader_budget_2017_stp"),
    ("2018-02-02", "day", "Accountable care systems renamed integrated care systems",
     "policy", "nhsfunding_acs_rebrand_2018"),
    ("2021-04-01", "day", "All 42 areas become integrated care systems", "policy",
     "healthcareleader_final_icss_2021"),
    ("2022-04-28", "day", "Health and Care Act 2022 receives Royal Assent", "legislation",
     "themj_hca_2022"),
    ("2022-07-01", "day", "Integrated care boards become statutory; CCGs abolished",
     "legislation", "nhse_ccg_ics"),
]

# FYFV assumptions: (key, value, low, high, unit, description, source_id)
FYFV = [
    ("gap_2020_21_gbp_bn", 30, None, None, "GBP bn a year",
     ("Gap between resources and need by 2020/21 if demand grew, funding stayed flat in real "
     "terms and no extra efficiency was made."), "fyfv_2014"),
    ("efficiency_share_gbp_bn", 22, None, None, "GBP bn a year",
     "Part of the gap the Forward View said the NHS could close itself through efficiency.",
     "hf_navigator_fyfv"),
    ("funding_share_gbp_bn", 8, None, None, "GBP bn a year",
     "Extra real-terms funding still needed by 2020/21 after 2-3% a year of efficiency.",
     "fullfact_black_hole_2015"),
    ("demand_growth", 0.04, None, None, "fraction a year",
     ("Growth in the cost of meeting demand in the projection: the average real growth of "
     "health spending since 1950/51, as used by the IFS calculation behind the GBP 30bn."),
     "conversation_30bn_2015"),
    ("efficiency_rate", 0.025, 0.02, 0.03, "fraction a year",
     "Net annual efficiency the Forward View's scenario asked for (2-3%).",
     "hoc_health_committee_integrated_care_2018"),
    ("historic_efficiency", 0.015, None, None, "fraction a year",
     "Efficiency the NHS actually achieved, 2004/05 to 2011/12.", "fullfact_black_hole_2015"),
    ("long_run_real_growth", 0.037, None, None, "fraction a year",
     "Average real growth of UK public health spending over the NHS's history.",
     "hf_long_term_plan_2019"),
    ("decade_2010s_real_growth", 0.01, None, None, "fraction a year",
     "Approximate real growth of health spending in the decade to 2020.",
     "fullfact_lowest_settlement"),
    ("base_budget_2013_14_gbp_bn", 93.696, None, None, "GBP bn, cash",
     ("NHS England's revenue budget (RDEL) in 2013/14, its first year: the base of the "
     "projection to 2020/21."), "realcentre_budget_data_2025"),
    ("base_year_start", 2013, None, None, "year",
     "Start year of the projection's base financial year (2013/14).", "fyfv_2014"),
    ("horizon_year_start", 2020, None, None, "year",
     "Start year of the projection's final financial year (2020/21).", "fyfv_2014"),
    ("gov_extra_funding_2015_16_gbp_bn", 2, None, None, "GBP bn",
     ("Extra funding the government gave in 2015/16, the first step towards GBP 8bn a year "
     "by 2020/21."), "chpi_fyfv_numbers_2017"),
]

# National facts: (key, value, unit, period, description, source_id)
FACTS = [
    # Forward View and planning guidance
    ("vanguard_sites", 50, "sites", "2015-2016",
     "New care model vanguards testing the Forward View's models.", "kingsfund_fyfv_progress_2016"),
    ("planning_guidance_funding_gbp_bn", 560, "GBP bn", "2016/17-2020/21",
     "NHS funding said to back the 2015 planning guidance over five years.",
     "nhse_planning_guidance_2015"),
    ("stf_2016_17_gbp_bn", 2.1, "GBP bn", "2016/17",
     "Sustainability and Transformation Fund in its first year.", "nhse_planning_guidance_2015"),
    ("stf_2017_18_gbp_bn", 2.9, "GBP bn", "2017/18", "Sustainability and Transformation Fund.",
     "pharmatimes_bma_capital_2017"),
    ("stf_2020_21_gbp_bn", 3.4, "GBP bn", "2020/21", "Sustainability and Transformation Fund.",
     "nhse_planning_guidance_2015"),
    ("stf_provider_sustainability_2016_17_gbp_bn", 1.8, "GBP bn", "2016/17",
     "Part of the STF set aside to support providers in deficit.", "kingsfund_stf_blog_2016"),
    ("must_dos_2016_17", 9, "count", "2016/17", "National 'must dos' for every area.",
     "nhse_planning_guidance_2015"),
    ("stp_footprints_2016", 44, "footprints", "2016", "STP footprints covering England.",
     "hf_navigator_stps"),
    ("ccgs_2016", 209, "CCGs", "2016", "Clinical commissioning groups in England.",
     "hsj_stp_priorities_2016"),
    ("footprint_population_mean_m", 1.2, "million people", "2016",
     "Average footprint population as published.", "kingsfund_stps_explained"),
    ("footprint_population_min_m", 0.3, "million people", "2016",
     "Smallest footprint population as published.", "kingsfund_stps_explained"),
    ("footprint_population_max_m", 2.8, "million people", "2016",
     "Largest footprint population as published.", "kingsfund_stps_explained"),
    ("ippr_stp_deficits_total_gbp_bn", 24, "GBP bn (over)", "2020/21",
     "IPPR's total of the do-nothing deficits of all 44 plans: more than this.",
     "ippr_press_release_2017"),
    # Spending
    ("sr2015_nhse_real_increase_claim_gbp_bn", 10, "GBP bn a year, real", "2014/15-2020/21",
     "Government's headline real increase for NHS England.", "dh_sr2015"),
    ("sr2015_efficiency_requirement_gbp_bn", 22, "GBP bn a year", "2020/21",
     "Efficiencies the Spending Review expected within the NHS.", "dh_sr2015"),
    ("sr2015_dh_capital_gbp_bn", 4.8, "GBP bn a year, cash", "2016/17-2020/21",
     "Department of Health capital budget, flat in cash.", "dh_sr2015"),
    ("sr2015_real_increase_whole_dh_gbp_bn", 4.5, "GBP bn, real", "2015/16-2020/21",
     "Real increase on the usual whole-department definition.", "kf_nt_hf_sr2015"),
    ("sr2015_funded_by_other_dh_cuts_gbp_bn", 3.5, "GBP bn (just under)", "2015/16-2020/21",
     "Part of NHS England's extra GBP 8bn paid for by cuts elsewhere in the department.",
     "nuffield_sr2015_blog_2015"),
    ("dh_budget_2015_16_gbp_bn", 116.4, "GBP bn, cash", "2015/16",
     "Whole Department of Health budget.", "kf_nt_hf_sr2015"),
    ("nhse_budget_2015_16_gbp_bn", 101.3, "GBP bn, cash", "2015/16",
     "NHS England's budget: what the Spending Review called NHS spending.", "kf_nt_hf_sr2015"),
    ("real_growth_2015_2020_parliament_pct", 1.1, "% a year", "2015/16-2020/21",
     "Average real growth in health spending this parliament (Nov 2016 estimate).",
     "kingsfund_autumn_statement_2016"),
    ("real_growth_long_run_ifs_pct", 3.7, "% a year", "1949/50-2014/15",
     "Average real growth of UK health spending.", "ifs_health_spending"),
    ("real_growth_coalition_hf_pct", 1.1, "% a year", "2009/10-2014/15",
     "Average real growth under the Coalition (UK health spending).", "hf_long_term_plan_2019"),
    ("real_growth_cameron_may_hf_pct", 2.3, "% a year", "2014/15-2018/19",
     "Average real growth under Cameron and May (UK health spending).", "hf_long_term_plan_2019"),
    ("real_growth_blair_brown_hf_pct", 6.0, "% a year", "1996/97-2009/10",
     "Average real growth under Blair and Brown (UK health spending).", "hf_long_term_plan_2019"),
    ("real_growth_since_2009_kf_pct", 1.0, "% a year (approx.)", "2009/10-2018/19",
     "Approximate real growth since 2009/10.", "kingsfund_ltp_explained_2019"),
    ("ltp_settlement_real_growth_pct", 3.4, "% a year", "2019/20-2023/24",
     "June 2018 settlement for NHS England's budget.", "kingsfund_ltp_explained_2019"),
    ("ltp_settlement_increase_gbp_bn", 20.5, "GBP bn, real", "2019/20-2023/24",
     "Increase in NHS England's budget over the settlement.", "kingsfund_ltp_explained_2019"),
    # Provider finances
    ("provider_deficit_2015_16_gbp_m", 2450, "GBP m", "2015/16",
     "Provider sector deficit at year end.", "hf_provider_deficit_2016"),
    ("provider_underlying_deficit_2015_16_gbp_m", 3700, "GBP m", "2015/16",
     "Underlying provider deficit estimated by the Nuffield Trust.", "nuffield_feeling_crunch_2016"),
    ("commissioner_provider_deficit_2015_16_gbp_m", 1850, "GBP m", "2015/16",
     "Combined commissioner and provider deficit (NAO).", "nao_financial_sustainability_2016"),
    ("trusts_in_deficit_2015_16", 157, "trusts", "2015/16",
     "NHS trusts and foundation trusts in deficit.", "fullfact_trusts_deficit_2016"),
    ("trusts_total_2015_16", 240, "trusts", "2015/16",
     "NHS trusts and foundation trusts in England.", "fullfact_trusts_deficit_2016"),
    ("provider_deficit_target_2016_17_gbp_m", 250, "GBP m", "2016/17",
     "Target for the sector's deficit.", "fullfact_trusts_deficit_2016"),
    ("capital_to_revenue_2016_17_gbp_bn", 1.2, "GBP bn", "2016/17",
     "Capital budget moved to day-to-day spending (about a quarter).", "bma_stp_capital_2017"),
    ("stf_spent_on_deficits_gbp_bn", 1.8, "GBP bn", "2016/17 or 2017/18",
     ("STF money spent on deficits rather than transformation, out of GBP 2.1bn; the "
     "source's 'this year' is ambiguous."), "chpi_fyfv_numbers_2017"),
    # Spring Budget and capital
    ("spring_budget_social_care_gbp_bn", 2, "GBP bn over three years", "2017/18-2019/20",
     "Extra adult social care grant in England.", "csj_budget_2017"),
    ("spring_budget_social_care_2017_18_gbp_bn", 1, "GBP bn", "2017/18",
     "First-year part of the social care grant.", "csj_budget_2017"),
    ("spring_budget_stp_capital_gbp_m", 325, "GBP m over three years", "2017/18-2019/20",
     "Capital for the STPs with the strongest case.", "ccg_alert_spring_budget_2017"),
    ("spring_budget_ae_capital_gbp_m", 100, "GBP m", "2017/18",
     "Capital for A&E departments.", "ccg_alert_spring_budget_2017"),
    ("bma_stp_capital_estimate_gbp_bn", 9.53, "GBP bn", "to 2020/21",
     "STP capital needs found by BMA freedom-of-information requests.", "bma_stp_capital_2017"),
    ("bma_stp_capital_footprints_responding", 37, "footprints of 44", "2017",
     "Footprints whose responses the BMA total covers.", "bma_stp_capital_2017"),
    ("bma_stp_capital_estimate_as_reported_gbp_bn", 10, "GBP bn (estimated)", "to 2020/21",
     "The BMA figure as rounded in the National Health Executive interview.",
     "seed_sha_northeast_betts_2017"),
    ("footprints_capital_500m_plus", 6, "footprints", "2017",
     "Footprints quoting capital needs of GBP 500m or more.", "guardian_bma_capital_2017"),
    ("autumn_budget_2017_stp_capital_gbp_bn", 2.6, "GBP bn", "2018/19-2022/23",
     "Capital for STPs announced in the Autumn Budget 2017.", "healthcareleader_budget_2017_stp"),
    # Reconfiguration and out-of-hospital evidence
    ("ncat_reviews_synthesised", 108, "reviews", "2007-2012",
     "Clinical advisory team reviews behind the King's Fund reconfiguration study.",
     "commissioning_elf_reconfiguration"),
    ("monitor_reconfiguration_gain_low_gbp_bn", 2.4, "GBP bn", "by 2021",
     "Low end of Monitor's claimed productivity gain, questioned by the Nuffield Trust.",
     "nuffield_reconfiguration_fact_fiction_2015"),
    ("monitor_reconfiguration_gain_high_gbp_bn", 4, "GBP bn", "by 2021",
     "High end of the same claim.", "nuffield_reconfiguration_fact_fiction_2015"),
    ("type1_eds", 175, "departments (circa)", "2017", "Type 1 adult emergency departments.",
     "hsj_24_ae_2017"),
    ("eds_at_risk", 24, "departments", "2017-2021",
     "Emergency departments that plans could close or downgrade.", "hsj_24_ae_2017"),
    ("eds_at_risk_share_pct", 15, "% of departments (about)", "2017-2021",
     "The same, as a share of all.", "hsj_24_ae_2017"),
    ("hospitals_marked_for_closure", 19, "hospitals", "2017",
     "Hospitals marked for closure in plans, five of them major acute.", "inews_19_hospitals_2017"),
    ("plans_with_closures_share_pct", 44, "% of plans", "2017",
     "Plans including hospital closures or other major service changes.", "ippr_press_release_2017"),
    ("keogh_ae_departments", 185, "departments (circa)", "2013",
     "A&E departments when the 2013 urgent care review reported.", "hsj_keogh_analysis_2017"),
    ("keogh_major_centres_low", 40, "departments", "2013",
     "Low end of major emergency centres envisaged.", "hsj_keogh_analysis_2017"),
    ("keogh_major_centres_high", 70, "departments", "2013",
     "High end of major emergency centres envisaged.", "hsj_keogh_analysis_2017"),
    ("ed_attendances_2017_18_m", 23.8, "million attendances", "2017/18",
     "Emergency department attendances in England.", "nihr_closed_evidence"),
    ("ed_closure_ambulance_increase_pct", 14, "%", "2007-2014",
     "Rise in ambulance call-outs after five ED closures, relative to comparison areas.",
     "nihr_closed_evidence"),
    ("ed_closure_mortality_change_pct", 2.5, "% change in deaths a month", "2007-2014",
     "Estimated change in deaths after ED closures (95% CI -5.2 to 10.2): no reliable change.",
     "knowles_emj_2019"),
    ("out_of_hospital_initiatives_reviewed", 27, "initiatives", "2017",
     "Initiatives to move care out of hospital reviewed by the Nuffield Trust.",
     "nuffield_shifting_balance_2017"),
    ("stp_max_activity_reduction_pct", 30, "%", "by 2020/21",
     "Largest cut in some hospital activity targeted by a plan.", "nuffield_shifting_balance_2017"),
    ("bcf_pooled_2015_16_gbp_bn", 5.3, "GBP bn", "2015/16", "Better Care Fund pooled budget.",
     "pac_integrating_hsc_2017"),
    ("bcf_emergency_admissions_change", 87000, "admissions", "2015/16",
     "Rise in emergency admissions against 2014/15, where the fund planned a fall.",
     "pac_integrating_hsc_2017"),
    ("bcf_planned_savings_missed_gbp_m", 511, "GBP m", "2015/16",
     "First-year savings the Better Care Fund planned and did not achieve.",
     "publicfinance_bcf_2017"),
    ("new_care_models_savings_ambition_gbp_m", 900, "GBP m", "2020/21",
     "Government ambition for savings from new care models.",
     "hoc_health_committee_integrated_care_2018"),
    ("next_steps_beds_freed_low", 2000, "beds", "2017/18-2018/19",
     "Low end of hospital beds to be freed by faster discharge.", "alamac_next_steps_2017"),
    ("next_steps_beds_freed_high", 3000, "beds", "2017/18-2018/19",
     "High end of the same.", "alamac_next_steps_2017"),
    # Social care and carers
    ("la_social_services_real_cut_pct", 9, "% real cut", "2009/10-2014/15",
     "Cut in local authority spending on social services.", "bmj_social_care_2016"),
    ("over65s_publicly_funded_care_fall_pct", 26, "% (at least)", "c.2010-2016",
     "Fall in people over 65 getting publicly funded social care.",
     "kingsfund_autumn_statement_2016"),
    ("social_care_gap_kf_nt_hf_gbp_bn", 1.9, "GBP bn", "2017/18",
     "Funding gap for publicly funded adult social care.", "kingsfund_autumn_statement_2016"),
    ("social_care_gap_hf_stps_gbp_bn", 2, "GBP bn (at least)", "2017/18",
     "Adult social care gap from the Health Foundation's analysis of STPs.",
     "hf_social_care_gap_2017"),
    ("social_care_gap_adass_gbp_bn", 1.4, "GBP bn (over)", "2016/17", "ADASS estimate.",
     "publicfinance_social_care_gap_2017"),
    ("social_care_gap_lga_adass_2015_gbp_bn", 2.9, "GBP bn", "by 2019/20",
     "LGA and ADASS Spending Review estimate.", "communitycare_lga_2015"),
    ("social_care_gap_lga_2018_gbp_bn", 2.2, "GBP bn", "by 2020", "LGA estimate (2018).",
     "lga_asc_2018"),
    ("social_care_gap_chpi_gbp_bn", 3.5, "GBP bn", "by 2020/21", "CHPI estimate.",
     "chpi_fyfv_numbers_2017"),
    ("publicly_funded_asc_2015_16_gbp_bn", 16.1, "GBP bn", "2015/16",
     "Publicly funded adult social care in England.", "publicfinance_social_care_gap_2017"),
    ("council_social_care_spend_2015_16_gbp_bn", 16.97, "GBP bn", "2015/16",
     "Council spending on social care, 1.5% below 2005/06 in real terms.",
     "clg_committee_asc_2017"),
    ("unpaid_care_value_gbp_bn", 132, "GBP bn a year", "2015",
     "Value of care by unpaid carers in the UK (Valuing Carers 2015).",
     "telegraph_argus_carers_2015"),
    # What followed
    ("first_acss_2017", 8, "systems", "Jun 2017", "First accountable care systems named.",
     "nhsfunding_first_acs_2017"),
    ("first_acss_funding_gbp_m", 450, "GBP m (up to)", "2017",
     "Transformation funding the first ACSs were to control.", "nhsfunding_first_acs_2017"),
    ("icss_2018", 14, "systems", "2018", "Integrated care systems designated by 2018.",
     "respiratory_futures_ics"),
    ("footprints_c2019", 42, "footprints", "c.2019", "Footprints after mergers.",
     "nhs_providers_stps_icss"),
    ("icss_2021", 42, "systems", "2021-04-01", "Integrated care systems covering England.",
     "healthcareleader_final_icss_2021"),
]


def _check_against(sources: Path) -> None:
    """Typed-in figures that also appear in a raw file must agree with it."""
    raw = _read(sources, "gaps")
    stated = {(r["stp17cd"], float(r["figure"])) for r in raw if r["stp17cd"]}
    for code, gap, *_ in GAPS:
        if (code, float(gap)) not in stated:
            raise SystemExit(f"financial gap {code} {gap} not in {RAW['gaps']}")
    for code, per_head, *_ in GAP_PER_HEAD:
        if (code, per_head) not in stated:
            raise SystemExit(f"per-head gap {code} {per_head} not in {RAW['gaps']}")
    facts = [r["value"] for r in _read(sources, "facts")]
    for key, value, *_ in FACTS:
        text = f"{value:g}" if isinstance(value, float) else str(value)
        if not any(text in v or text.replace(".0", "") in v for v in facts):
            print(f"note: national fact {key}={value} is not verbatim in {RAW['facts']}")


def _rows(spec: list, columns: list[str]) -> list[dict]:
    return [dict(zip(columns, row, strict=True)) for row in spec]


def tables(sources: Path) -> dict[str, list[dict]]:
    gaps = _rows(GAPS, ["stp17cd", "gap_gbp_m", "scope", "social_care_gbp_m", "plan_version",
                        "reliability", "is_headline", "note", "source_id"])
    for g in gaps:
        g["fiscal_year_start"] = 2020
        g["financial_year"] = "2020/21"
    return {
        "footprints": footprints(sources),
        "financial_gaps": gaps,
        "gap_per_head_ippr": _rows(GAP_PER_HEAD, ["stp17cd", "gap_per_head_gbp",
                                                  "position_in_ranking", "source_id"]),
        "capital_requests": _rows(CAPITAL, ["stp17cd", "capital_gbp_m", "capital_low_gbp_m",
                                            "capital_high_gbp_m", "scope", "note", "source_id"]),
        "nhse_budget": nhse_budget(sources),
        "health_spending": health_spending(sources),
        "sr2015_plans": sr2015_plans(sources),
        "real_growth_by_government": real_growth_by_government(sources),
        "fyfv_assumptions": _rows(FYFV, ["key", "value", "low", "high", "unit", "description",
                                         "source_id"]),
        "national_facts": _rows(FACTS, ["key", "value", "unit", "period", "description",
                                        "source_id"]),
        "provider_finances": provider_finances(sources),
        "reconfigurations": _rows(RECONFIG, ["item_id", "stp17cd", "site_or_service", "kind",
                                             "figure_before", "figure_after", "reduction",
                                             "unit", "status", "note", "source_id"]),
        "surveys": _rows(SURVEYS, ["survey_id", "question", "response", "share_pct",
                                   "n_respondents", "n_choosing", "as_reported_by", "flag",
                                   "note", "source_id"]),
        "dashboard_2017": dashboard_2017(sources),
        "dashboard_2017_ratings": _rows(DASHBOARD_RATINGS, ["stp17cd", "rating", "source_id"]),
        "timeline": sorted(_rows(TIMELINE, ["date", "date_precision", "event", "category",
                                            "source_id"]), key=lambda r: r["date"]),
        "activity_assumptions": activity_assumptions(sources),
    }


# --------------------------------------------------------------------------- descriptor

FY_PATTERN = r"^\d{4}/\d{2}$"
STP_PATTERN = r"^E54\d{6}$"  # any STP code; membership is checked by the foreign key
COLLECTED = "Collected 2026-11-23 from stored copies; no live page was checked."


def F(name: str, type_: str, description: str, required: bool = True, **constraints) -> dict:
    field = {"name": name, "type": type_, "description": description}
    if type_ == "date":
        field["format"] = "default"
    cons = {"required": True} if required else {}
    cons.update(constraints)
    if cons:
        field["constraints"] = cons
    return field


def SOURCE() -> dict:
    return F("source_id", "string", "Key of the row's source in references.bib.",
             pattern=r"^[a-z][a-z0-9_]*$")


def STP(required: bool = True, unique: bool = False) -> dict:
    extra = {"unique": True} if unique else {}
    return F("stp17cd", "string", "ONS STP code (April 2017), a footprint in footprints.csv.",
             required, pattern=STP_PATTERN, **extra)


def FY() -> list[dict]:
    return [F("fiscal_year_start", "integer", "Start year of the financial year.",
              minimum=1979, maximum=2030),
            F("financial_year", "string", "Financial year, April to March, as '2016/17'.",
              pattern=FY_PATTERN)]


FK_STP = [{"fields": ["stp17cd"], "reference": {"resource": "footprints", "fields": ["stp17cd"]}}]


def _src(title: str, url: str) -> dict:
    return {"title": title, "path": url}


S_ONS_LOOKUPS = _src("ONS CCG, STP, region and LSOA lookups, April 2017 (mirror jtrim-ons/"
                     "ons-lookups)", "https://github.com/jtrim-ons/ons-lookups")
S_ONS_MYE = _src("ONS mid-2016 population estimates, MYE2 (copy in ericyang-almaeconomics/"
                 "social_care_datahub)", "https://github.com/ericyang-almaeconomics/social_care_datahub")
S_ONS_BOUNDS = _src("ONS STP (February 2017) ultra-generalised clipped boundaries (copy in "
                    "livmathscee/NHS_winter_pressures)", "https://github.com/livmathscee/NHS_winter_pressures")
S_REAL = _src("Health Foundation REAL Centre, health care funding page data",
              "https://github.com/REALCentreTHF/health_funding_page")
S_HOCL = _src("House of Commons Library CBP0724, NHS funding and expenditure, table 2",
              "https://researchbriefings.files.parliament.uk/documents/SN00724/"
              "CBP0724-expenditure-tables.xlsx")
S_SR2015 = _src("Department of Health, settlement at the Spending Review 2015 (copy at NARU)",
                "https://naru.org.uk/press-release-department-of-healths-settlement-at-the-"
                "spending-review-2015-2/")
S_PAGES = _src("Plans, local press and campaign pages, one source a row (see references.bib)",
               "references.bib")
S_BIB = _src("One source a row: see source_id in references.bib", "references.bib")


def package_descriptor() -> dict:
    """The Frictionless Data Package descriptor for ``data/``."""
    r = []

    def res(name, title, description, fields, sources, primary_key=None, fks=None, **extra):
        schema = {"fields": fields}
        if primary_key:
            schema["primaryKey"] = primary_key
        if fks:
            schema["foreignKeys"] = fks
        r.append({"name": name, "type": "table", "path": f"{name}.csv", "scheme": "file",
                  "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                  "title": title, "description": description, "sources": sources,
                  "schema": schema, **extra})

    res("footprints", "The 44 STP footprints",
        "One row per footprint as coded by ONS in April 2017, with its NHS England region "
        "(through its CCGs and the CCG-to-region lookup), its CCGs, area and centroid. "
        "population_mid2016 is computed by this book, not published: each local authority "
        "district's ONS mid-2016 population is shared among the footprints its LSOAs fall in, "
        "in proportion to the number of its LSOAs in each (April 2017 LSOA lookup). It is "
        "exact for the 24 footprints made of whole districts; where 17 districts are split "
        "the share is approximate (probably within a few per cent).",
        [F("stp17cd", "string", "ONS STP code (April 2017).", unique=True, pattern=STP_PATTERN),
         F("stp17nm", "string", "ONS STP name (short form; plans often use longer names)."),
         F("nhser17cd", "string", "ONS code of the NHS England region (2017).",
           enum=["E40000001", "E40000002", "E40000003", "E40000004"]),
         F("nhser17nm", "string", "NHS England region name (2017).",
           enum=["North of England", "Midlands and East of England", "London",
                 "South of England"]),
         F("population_mid2016", "integer", "Resident population, mid-2016, people; "
           "modelled by apportioning LAD estimates (see description).",
           minimum=250000, maximum=3500000),
         F("n_ccgs", "integer", "Number of CCGs (April 2017) in the footprint.",
           minimum=1, maximum=20),
         F("ccg17_codes", "string", "ONS codes of its CCGs (E38...), separated by ';'.",
           pattern=r"^E38\d{6}(;E38\d{6})*$"),
         F("area_km2", "number", "Area, km2 (ONS full-resolution boundary).",
           minimum=100, maximum=20000),
         F("centroid_lat", "number", "Centroid latitude, degrees (WGS84).",
           minimum=49.8, maximum=55.9),
         F("centroid_long", "number", "Centroid longitude, degrees (WGS84).",
           minimum=-6.5, maximum=1.8),
         SOURCE()],
        [S_ONS_LOOKUPS, S_ONS_MYE, S_ONS_BOUNDS], primary_key=["stp17cd"])

    res("financial_gaps", "Published 'do nothing' gaps by 2020/21",
        "The financial gap each plan said its area would face by 2020/21 if nothing changed, "
        "for the footprints where a figure was found published (19 of 44). Plans differ in "
        "what they count (NHS only, or NHS and social care) and in version; two figures are "
        "flagged doubtful. No figure is modelled or filled in for the other footprints. "
        "is_headline marks the one figure per footprint to chart.",
        [STP(), *FY(),
         F("gap_gbp_m", "number", "Gap by 2020/21 if nothing changes, GBP m a year, cash.",
           minimum=0, maximum=3000),
         F("scope", "string", "What the gap covers.",
           enum=["nhs_only", "nhs_and_social_care", "unclear"]),
         F("social_care_gbp_m", "number", "Social care part of the gap, GBP m, where stated.",
           required=False, minimum=0, maximum=1000),
         F("plan_version", "string", "Which version of the plan the figure comes from.",
           enum=["draft_2016_06", "draft_2016_09", "submitted_2016_10", "other"]),
         F("reliability", "string", "'doubtful' where the figure conflicts with other sources "
           "or its wording is unclear.", enum=["reported", "doubtful"]),
         F("is_headline", "boolean", "True for the one figure per footprint to chart."),
         F("note", "string", "Caveats, in the book's words.", required=False),
         SOURCE()],
        [S_PAGES], primary_key=["stp17cd", "plan_version"], fks=FK_STP)

    res("gap_per_head_ippr", "IPPR's lowest and highest deficit per head",
        "IPPR ranked all 44 plans by do-nothing deficit per head (January 2017); only the two "
        "ends of the ranking are readable in the stored copy.",
        [STP(unique=True),
         F("gap_per_head_gbp", "number", "Deficit by 2020/21 per resident, GBP per head.",
           minimum=0, maximum=2000),
         F("position_in_ranking", "string", "End of IPPR's ranking.", enum=["lowest", "highest"]),
         SOURCE()],
        [_src("IPPR, STPs: kill or cure? (Jan 2017)", "https://www.ippr.org/articles/stps-kill-or-cure")],
        primary_key=["stp17cd"], fks=FK_STP)

    res("capital_requests", "Capital the plans asked for",
        "Capital sums named in or reported from individual plans, 2016-2021. Some cover digital "
        "projects only. Not comparable with revenue gaps.",
        [STP(),
         F("capital_gbp_m", "number", "Capital requested, GBP m, cash (midpoint where a range).",
           minimum=0, maximum=5000),
         F("capital_low_gbp_m", "number", "Low end of a stated range, GBP m.", required=False,
           minimum=0),
         F("capital_high_gbp_m", "number", "High end of a stated range, GBP m.", required=False,
           minimum=0),
         F("scope", "string", "What the capital is for.", enum=["all_capital", "digital_only"]),
         F("note", "string", "Caveats.", required=False), SOURCE()],
        [S_PAGES], primary_key=["stp17cd", "scope"], fks=FK_STP)

    res("nhse_budget", "NHS England's revenue budget, 2013/14 to 2028/29",
        "NHS England's resource DEL (day-to-day budget) in cash and in 2025/26 prices, outturn "
        "to 2023/24 and planned after (Autumn Budget 2025). From 2019/20 it includes the "
        "pension-contribution transfer; 2020/21-2021/22 include Covid money.",
        [*FY(),
         F("cash_gbp_bn", "number", "Budget, GBP bn, cash.", minimum=0, maximum=500),
         F("real_gbp_bn_2025_26_prices", "number", "Budget, GBP bn at 2025/26 prices.",
           minimum=0, maximum=500),
         F("deflator_to_2025_26", "number", "GDP deflator multiplier to 2025/26 prices "
           "(OBR, Nov 2025): real = cash x multiplier.", minimum=0.5, maximum=2),
         F("status", "string", "Outturn or plan.", enum=["outturn", "planned"]), SOURCE()],
        [S_REAL], primary_key=["fiscal_year_start"])

    res("health_spending", "Health spending in England, 1979/80 to 2019/20",
        "Department of Health (and Social Care) spending in England from the House of Commons "
        "Library's table 2, in cash and 2018/19 prices, with the real change on the year "
        "before. The table changes accounting basis twice (1999/00, 2002/03) and gives those "
        "years twice; only the later basis is kept, so each year appears once. 2019/20 is a "
        "plan. The 2003/04 jump is partly a classification change.",
        [*FY(),
         F("cash_gbp_bn", "number", "Spending, GBP bn, cash.", minimum=0, maximum=500),
         F("real_gbp_bn_2018_19_prices", "number", "Spending, GBP bn at 2018/19 prices.",
           minimum=0, maximum=500),
         F("real_change_pct", "number", "Real change on the previous year, %; empty where the "
           "basis changes.", required=False, minimum=-20, maximum=20),
         F("accounting_basis", "string", "Accounting basis of the year's figure.",
           enum=["pre_resource_accounting", "resource_stage_1", "resource_stage_2"]),
         F("status", "string", "Outturn or plan.", enum=["outturn", "planned"]), SOURCE()],
        [S_HOCL, S_REAL], primary_key=["fiscal_year_start"])

    res("sr2015_plans", "Spending Review 2015 plans for health",
        "The November 2015 plans: Department of Health budgets 2015/16-2020/21 and NHS "
        "England's budget 2014/15-2020/21, all GBP bn cash, with NHS England's planned real "
        "growth and the cumulative real increase the government counted towards its GBP 10bn.",
        [*FY(),
         F("dh_resource_del_excl_depreciation_gbp_bn", "number", "DH resource DEL excluding "
           "depreciation, GBP bn cash.", required=False, minimum=0),
         F("dh_capital_del_gbp_bn", "number", "DH capital DEL, GBP bn cash.", required=False,
           minimum=0),
         F("dh_total_del_gbp_bn", "number", "DH total DEL, GBP bn cash.", required=False, minimum=0),
         F("nhse_tdel_gbp_bn", "number", "NHS England total DEL, GBP bn cash.", minimum=0),
         F("nhse_real_growth_pct", "number", "NHS England real growth on the year before, %.",
           required=False, minimum=-10, maximum=10),
         F("cumulative_real_increase_gbp_bn", "number", "Real increase since 2014/15 counted "
           "towards the GBP 10bn, GBP bn.", required=False, minimum=0, maximum=10),
         SOURCE()],
        [S_SR2015], primary_key=["fiscal_year_start"])

    res("real_growth_by_government", "Real growth in health spending by government",
        "Average annual real growth of DHSC total spending in England for each government since "
        "1979 (Starmer's is planned), and the long-run pre-Covid rate. Real values in 2025/26 "
        "prices.",
        [F("period_id", "string", "Identifier of the period.", unique=True,
           pattern=r"^[a-z_]+$"),
         F("period_label", "string", "Government or period."),
         F("start_financial_year", "string", "First year.", pattern=FY_PATTERN),
         F("end_financial_year", "string", "Last year.", pattern=FY_PATTERN),
         F("start_year", "integer", "Start year of start_financial_year.", minimum=1979,
           maximum=2030),
         F("end_year", "integer", "Start year of end_financial_year.", minimum=1979, maximum=2030),
         F("start_real_gbp_bn_2025_26_prices", "number", "DHSC TDEL, GBP bn at 2025/26 prices.",
           required=False, minimum=0),
         F("end_real_gbp_bn_2025_26_prices", "number", "DHSC TDEL, GBP bn at 2025/26 prices.",
           required=False, minimum=0),
         F("avg_annual_real_growth_pct", "number", "Average real growth, % a year.",
           minimum=-5, maximum=15),
         F("status", "string", "Outturn or plan.", enum=["outturn", "planned"]), SOURCE()],
        [S_REAL], primary_key=["period_id"])

    res("fyfv_assumptions", "The Five Year Forward View's arithmetic",
        "One row per named assumption behind the Forward View's GBP 30bn gap and how it was to "
        "be closed. Rates are fractions a year (0.04 = 4%), not percentages; low and high give "
        "a published range where there is one.",
        [F("key", "string", "Name of the assumption.", unique=True, pattern=r"^[a-z0-9_]+$"),
         F("value", "number", "Value, in unit."),
         F("low", "number", "Low end of the published range.", required=False),
         F("high", "number", "High end of the published range.", required=False),
         F("unit", "string", "Unit of value, low and high."),
         F("description", "string", "What the number is, in the book's words."), SOURCE()],
        [S_BIB], primary_key=["key"])

    res("national_facts", "National figures cited in the chapters",
        "Single national numbers the chapters use: planning guidance and the STF, the Spending "
        "Review, provider deficits, the Spring Budget, capital, reconfiguration and "
        "out-of-hospital evidence, social care, and what followed the plans. Percentages here "
        "are in % (the unit says so). Ranges are split into keys ending `_low` and `_high`.",
        [F("key", "string", "Name of the fact.", unique=True, pattern=r"^[a-z0-9_]+$"),
         F("value", "number", "Value, in unit."),
         F("unit", "string", "Unit of value."),
         F("period", "string", "Year or period the value refers to."),
         F("description", "string", "What the number is, in the book's words."), SOURCE()],
        [S_BIB], primary_key=["key"])

    res("provider_finances", "NHS providers' net position, 2012/13 to 2017/18",
        "Aggregate surplus (+) or deficit (-) of NHS trusts and foundation trusts. Compiled from "
        "several sources whose bases differ (see basis_note): not an official series.",
        [*FY(),
         F("net_position_gbp_m", "number", "Net surplus (+) or deficit (-), GBP m, cash.",
           minimum=-10000, maximum=5000),
         F("basis_note", "string", "Basis of the figure and alternatives."), SOURCE()],
        [S_BIB], primary_key=["fiscal_year_start"])

    res("reconfigurations", "Service changes proposed in the plans",
        "Named reductions of hospital sites, beds, A&E departments and community hospitals, "
        "consolidations and new hubs, as proposed in 2016-2017 (plans, not outcomes). "
        "figure_before and figure_after are in unit where the source gives them; reduction is "
        "the number of units cut where known. Sites are placed by their trust's footprint.",
        [F("item_id", "string", "Identifier of the proposal.", unique=True,
           pattern=r"^[a-z0-9_]+$"),
         STP(),
         F("site_or_service", "string", "Sites or service affected."),
         F("kind", "string", "Kind of change.",
           enum=["acute_site_reduction", "bed_reduction", "ae_closure_or_downgrade",
                 "community_hospital_reduction", "service_consolidation", "community_hub"]),
         F("figure_before", "number", "Number before, in unit.", required=False, minimum=0),
         F("figure_after", "number", "Number after, in unit.", required=False, minimum=0),
         F("reduction", "number", "Units removed, where known.", required=False, minimum=0),
         F("unit", "string", "What is counted (beds, sites, A&E departments...)."),
         F("status", "string", "How firm the proposal was.",
           enum=["proposal", "option_modelled", "active_plan", "agreed", "possible",
                 "no_firm_proposal", "discussed"]),
         F("note", "string", "Caveats.", required=False), SOURCE()],
        [S_PAGES], primary_key=["item_id"], fks=FK_STP)

    res("surveys", "Surveys of NHS leaders' confidence in the plans",
        "Shares of respondents choosing each answer, one row per answer, kept exactly as "
        "reported. The blog's report of the October 2016 HSJ survey (66% low, 47% medium, 1% "
        "high) adds up to 114%: it is kept as printed and flagged, beside the survey's own "
        "counts and PA Consulting's figure. Validation reports any question whose shares add "
        "to more than 100%; only rows flagged sum_exceeds_100_as_reported may do so.",
        [F("survey_id", "string", "Identifier of the survey as reported by one source.",
           pattern=r"^[a-z0-9_]+$"),
         F("question", "string", "The question, paraphrased."),
         F("response", "string", "The answer category."),
         F("share_pct", "number", "Share of respondents giving the answer, %.", minimum=0,
           maximum=100),
         F("n_respondents", "integer", "Respondents to the survey.", minimum=1),
         F("n_choosing", "integer", "Respondents giving the answer, where published.",
           required=False, minimum=0),
         F("as_reported_by", "string", "Who reported the figure."),
         F("flag", "string", "Known problem or treatment of the row.", required=False,
           enum=["sum_exceeds_100_as_reported", "share_from_counts", "combined_categories"]),
         F("note", "string", "Caveats.", required=False), SOURCE()],
        [S_BIB], primary_key=["survey_id", "question", "response"],
        **{"stpbook:shareSums": {"groupBy": ["survey_id", "question"], "field": "share_pct",
                                 "max": 100, "tolerance": 0.5, "knownFlagField": "flag",
                                 "knownFlagValue": "sum_exceeds_100_as_reported"}})

    res("dashboard_2017", "STP progress dashboard, July 2017: bands",
        "How many of the 44 footprints NHS England's first progress dashboard (21 July 2017) "
        "put in each overall rating band.",
        [F("rating", "string", "Overall rating band.", unique=True,
           enum=["outstanding", "advanced", "making_progress", "needs_most_improvement"]),
         F("rating_label", "string", "The band as published."),
         F("n_stps", "integer", "Footprints in the band.", minimum=0, maximum=44), SOURCE()],
        [_src("Healthcare Leader, 21 Jul 2017", "http://healthcareleadernews.com/article/"
              "nhs-england-announces-best-and-worst-performing-nhs-reform-plans")],
        primary_key=["rating"])

    res("dashboard_2017_ratings", "STP progress dashboard, July 2017: named ratings",
        "The overall ratings of the footprints that sources name: all five outstanding and all "
        "five needing most improvement, and two others. The remaining 32 (19 advanced, 13 "
        "making progress) were not found and are not guessed.",
        [STP(unique=True),
         F("rating", "string", "Overall rating band.",
           enum=["outstanding", "advanced", "making_progress", "needs_most_improvement"]),
         SOURCE()],
        [S_BIB], primary_key=["stp17cd"], fks=FK_STP)

    res("timeline", "Timeline, 2012-2022",
        "Dated events from the 2012 Act to statutory integrated care systems, including the "
        "seed articles. date_precision says whether the day, month or only year is known; "
        "a month or year date is given as its first day.",
        [F("date", "date", "Date of the event (ISO 8601)."),
         F("date_precision", "string", "How much of the date is known.",
           enum=["day", "month", "year"]),
         F("event", "string", "What happened, in the book's words.", unique=True),
         F("category", "string", "Kind of event.",
           enum=["policy", "deadline", "funding", "publication", "legislation", "commentary"]),
         SOURCE()],
        [S_BIB], primary_key=["event"])

    res("activity_assumptions", "Hospital activity cuts assumed in the plans",
        "For four kinds of hospital activity, how many plans assumed a cut by 2020/21 and the "
        "smallest, largest and average cut assumed (Nuffield Trust, March 2017). Read from a "
        "slide: check against the report before quoting precisely.",
        [F("activity_id", "string", "Identifier.", unique=True, pattern=r"^[a-z_]+$"),
         F("activity_area", "string", "Kind of activity."),
         F("n_stps_assuming_reduction", "integer", "Plans assuming a cut.", minimum=0,
           maximum=44),
         F("min_reduction_pct", "number", "Smallest cut assumed, %.", minimum=0, maximum=100),
         F("max_reduction_pct", "number", "Largest cut assumed, %.", minimum=0, maximum=100),
         F("mean_reduction_pct", "number", "Average cut assumed, %.", minimum=0, maximum=100),
         SOURCE()],
        [_src("Nuffield Trust, Shifting the balance of care: great expectations (slides, Mar "
              "2017)", "https://www.slideshare.net/slideshow/shifting-the-balance-of-care-great-"
              "expectations/73101175")],
        primary_key=["activity_id"])

    r.append({"name": "footprint_boundaries", "type": "file", "path": "footprint_boundaries.geojson",
              "scheme": "file", "format": "geojson", "mediatype": "application/geo+json",
              "encoding": "utf-8", "title": "Footprint boundaries (GeoJSON)",
              "description": "ONS ultra-generalised clipped boundaries of the 44 footprints "
              "(about 500 m generalisation: for maps, not for point-in-polygon work near edges), "
              "WGS84, coordinates rounded to 4 decimals, properties stp17cd and stp17nm only.",
              "sources": [S_ONS_BOUNDS]})
    return {
        "name": "stp-book-data",
        "title": "Data of the STP book",
        "description": "Curated data behind the book on England's Sustainability and "
        "Transformation Plans. Money in GBP millions unless a column name says `_bn`; financial years "
        "as '2016/17'. " + COLLECTED,
        "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0 (ONS and "
                      "government data); page figures are facts cited to their sources",
                      "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/"
                      "version/3/"}],
        "resources": r,
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(columns)
        for row in rows:
            out.writerow([_cell(row.get(c)) for c in columns])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m stpbook.curate SOURCES_DIR", file=sys.stderr)
        return 2
    sources = Path(args[0])
    _check_against(sources)
    out = data_dir()
    out.mkdir(exist_ok=True)
    descriptor = package_descriptor()
    for name, rows in tables(sources).items():
        res = next(r for r in descriptor["resources"] if r["name"] == name)
        columns = [f["name"] for f in res["schema"]["fields"]]
        extra = set().union(*(r.keys() for r in rows)) - set(columns)
        if extra:
            raise SystemExit(f"{name}: columns {extra} are not in its schema")
        write_csv(out / res["path"], rows, columns)
        print(f"wrote {res['path']}: {len(rows)} rows")
    geo = boundaries(sources)
    (out / "footprint_boundaries.geojson").write_text(
        json.dumps(geo, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote footprint_boundaries.geojson: {len(geo['features'])} features")
    (out / "datapackage.json").write_text(
        json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("wrote datapackage.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
