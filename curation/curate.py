"""Make the *computed* tables of ``data/`` from the raw files, once, by hand.

    python curation/curate.py SOURCES            # rewrite the computed tables
    python curation/curate.py check SOURCES      # compare typed-in CSVs with raw files

``SOURCES`` is the folder of raw files listed in ``RAW`` below (public ONS lookups and
estimates, the House of Commons Library and Health Foundation spending series, the
Nuffield Trust's activity slides). The book never runs or imports this script: it reads
the committed ``data/``, and this folder is outside every cache key.

Two kinds of table live in ``data/``:

- *computed* tables (footprints and their populations, the boundaries, the national
  spending series, the activity assumptions, the July 2017 dashboard counts) are
  written by the functions below from the raw files;
- *typed-in* tables (financial gaps, reconfigurations, surveys, timeline, national facts
  and the rest) were entered by hand from the pages they cite, one row per observation
  with a ``source_id``: the committed CSV is their source, edited directly and kept
  honest by ``stpbook data validate``. ``check`` confirms that typed-in figures which
  also appear in a raw file agree with it.

``data/datapackage.json`` is likewise edited by hand; the tests check that it and the
files agree.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

RAW = {
    "ccg_stp": "Clinical_Commissioning_Group_to_STPs_April_2017_Lookup_in_England_V3.csv",
    "ccg_region": (
        "Clinical_Commissioning_Group_to_NHS_England_Region_Local_Office_and_"
        "NHS_England_Region_April_2017_Lookup_in_England_V3.csv"
    ),
    "lsoa": (
        "LSOA_2011_to_Clinical_Commissioning_Groups_to_Sustainability_and_"
        "Transformation_Partnerships_April_2017_Lookup_in_England.csv"
    ),
    "mye": "ukmidyearestimates2016_MYE2_All_England_LAD_all_ages.csv",
    "boundaries": (
        "Sustainability_and_Transformation_Partnerships_February_2017_Ultra_"
        "Generalised_Clipped_Boundaries_in_England.geojson"
    ),
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
    2017 LSOA lookup). For the STPs made of whole districts this is the exact ONS sum
    (``population_basis`` "exact"); for the rest the split districts' shares are the
    book's estimate ("apportioned"), rounded to the nearest person only because the
    other rows are whole numbers.
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
    split: set[str] = set()  # footprints holding part of a district that others share
    for (lad, stp), n in lsoa_count.items():
        pop[stp] += lad_pop[lad] * n / lad_total[lad]
        if n != lad_total[lad]:
            split.add(stp)
    geo = json.loads((sources / RAW["boundaries"]).read_text(encoding="utf-8"))
    props = {f["properties"]["stp17cd"]: f["properties"] for f in geo["features"]}

    by_stp: dict[str, dict] = {}
    for r in ccg_stp:
        stp = by_stp.setdefault(
            r["STP17CD"], {"stp17nm": r["STP17NM"], "ccgs": [], "regions": set()}
        )
        stp["ccgs"].append(r["CCG17CD"])
        stp["regions"].add(region[r["CCG17CD"]])
    rows = []
    for code in sorted(by_stp):
        stp = by_stp[code]
        if len(stp["regions"]) != 1:
            raise SystemExit(f"{code} spans more than one NHS England region: {stp['regions']}")
        ((nhser_cd, nhser_nm),) = stp["regions"]
        p = props[code]
        if p["stp17nm"] != stp["stp17nm"]:
            raise SystemExit(f"{code}: boundary name {p['stp17nm']!r} != lookup {stp['stp17nm']!r}")
        rows.append(
            {
                "stp17cd": code,
                "stp17nm": stp["stp17nm"],
                "nhser17cd": nhser_cd,
                "nhser17nm": nhser_nm,
                "population_mid2016": round(pop[code]),
                "population_basis": "apportioned" if code in split else "exact",
                "population_source_id": "ons_mye_2016",
                "n_ccgs": len(stp["ccgs"]),
                "ccg17_codes": ";".join(sorted(stp["ccgs"])),
                "area_km2": round(p["st_areashape"] / 1e6, 1),
                "centroid_lat": round(p["lat"], 5),
                "centroid_long": round(p["long"], 5),
                "source_id": "ons_lsoa_ccg_stp_lookup_2017",
            }
        )
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
            coords = [
                [r for r in (_round_ring(r) for r in poly) if len(r) >= 4]
                for poly in g["coordinates"]
            ]
            coords = [p for p in coords if p]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "stp17cd": f["properties"]["stp17cd"],
                    "stp17nm": f["properties"]["stp17nm"],
                },
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def nhse_budget(sources: Path) -> list[dict]:
    pesa = {
        int(r["fiscal_year_start"]): float(r["nhse_rdel_cash_gbp_bn"])
        for r in _read(sources, "pesa_nhse")
    }
    rows = []
    for r in _read(sources, "realcentre_budgets"):
        if r["budget_type"] != "nhse_rdel":
            continue
        start = int(r["fiscal_year_start"])
        cash_bn = float(r["cash_gbp_m"]) / 1000
        if r["status"] == "outturn" and abs(pesa.get(start, cash_bn) - cash_bn) > 0.0005:
            raise SystemExit(f"NHS England {start}: REAL Centre {cash_bn} != PESA {pesa[start]}")
        rows.append(
            {
                "fiscal_year_start": start,
                "financial_year": r["financial_year"],
                "cash_gbp_bn": round(cash_bn, 3),
                "real_gbp_bn_2025_26_prices": round(
                    float(r["real_gbp_m_2025_26_prices"]) / 1000, 3
                ),
                "deflator_to_2025_26": round(float(r["multiplier_to_2025_26_prices"]), 6),
                "status": r["status"],
                "source_id": "realcentre_budget_data_2025",
            }
        )
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
        rows.append(
            {
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
            }
        )
    return sorted(rows, key=lambda r: r["fiscal_year_start"])


def sr2015_plans(sources: Path) -> list[dict]:
    def num(v: str):
        return float(v) if v else None

    return [
        {
            "fiscal_year_start": _start(r["financial_year"]),
            "financial_year": r["financial_year"],
            "dh_resource_del_excl_depreciation_gbp_bn": num(
                r["dh_resource_del_excl_depreciation_gbp_bn"]
            ),
            "dh_capital_del_gbp_bn": num(r["dh_capital_del_gbp_bn"]),
            "dh_total_del_gbp_bn": num(r["dh_total_del_gbp_bn"]),
            "nhse_tdel_gbp_bn": num(r["nhs_england_tdel_gbp_bn"]),
            "nhse_real_growth_pct": num(r["nhs_england_real_growth_pct"]),
            "cumulative_real_increase_gbp_bn": num(
                r["cumulative_delivery_of_10bn_commitment_gbp_bn"]
            ),
            "source_id": "dh_sr2015",
        }
        for r in _read(sources, "sr2015")
    ]


def real_growth_by_government(sources: Path) -> list[dict]:
    keys = {
        "Thatcher & Major": "thatcher_major",
        "Blair & Brown": "blair_brown",
        "Coalition": "coalition",
        "Cameron & May": "cameron_may",
        "Johnson, Truss & Sunak": "johnson_truss_sunak",
        "Starmer": "starmer",
        "Long-run Pre-Covid": "long_run_pre_covid",
    }
    rows = []
    for r in _read(sources, "realcentre_growth"):
        start, end = r["start_financial_year"], r["end_financial_year"]
        rows.append(
            {
                "period_id": keys[r["period_label"]],
                "period_label": r["period_label"],
                "start_financial_year": start,
                "end_financial_year": end,
                "start_year": _start(start),
                "end_year": _start(end),
                "start_real_gbp_bn_2025_26_prices": float(
                    r["start_dhsc_tdel_real_gbp_bn_2025_26_prices"]
                )
                if r["start_dhsc_tdel_real_gbp_bn_2025_26_prices"]
                else None,
                "end_real_gbp_bn_2025_26_prices": float(
                    r["end_dhsc_tdel_real_gbp_bn_2025_26_prices"]
                )
                if r["end_dhsc_tdel_real_gbp_bn_2025_26_prices"]
                else None,
                "avg_annual_real_growth_pct": float(r["avg_annual_real_growth_pct"]),
                "status": "planned" if r["period_label"] == "Starmer" else "outturn",
                "source_id": "realcentre_growth_by_government_2025",
            }
        )
    return rows


def activity_assumptions(sources: Path) -> list[dict]:
    ids = {
        "Outpatients": "outpatients",
        "Elective inpatients": "elective_inpatients",
        "A&E attendances": "ae_attendances",
        "Non-elective inpatients": "non_elective_inpatients",
    }
    return [
        {
            "activity_id": ids[r["activity_area"]],
            "activity_area": r["activity_area"],
            "n_stps_assuming_reduction": int(r["n_stps_with_assumption"]),
            "min_reduction_pct": float(r["min_reduction_pct"]),
            "max_reduction_pct": float(r["max_reduction_pct"]),
            "mean_reduction_pct": float(r["average_reduction_by_2020_21_pct"]),
            "source_id": "nuffield_shifting_balance_slides_2017",
        }
        for r in _read(sources, "nuffield")
    ]


def dashboard_2017(sources: Path) -> list[dict]:
    ids = {
        "Outstanding": "outstanding",
        "Advanced": "advanced",
        "Making progress": "making_progress",
        "Needs most improvement": "needs_most_improvement",
    }
    return [
        {
            "rating": ids[r["overall_rating"]],
            "rating_label": r["overall_rating"],
            "n_stps": int(r["n_stps"]),
            "source_id": "healthcareleader_dashboard_2017",
        }
        for r in _read(sources, "dashboard")
    ]


def footprint_areas(sources: Path) -> list[dict]:
    """The CCGs and local authority districts of each footprint, by name, for the
    profiles and the index's search: one row per (footprint, area).

    CCGs (``CCG17CD``, ``CCG17NM``) come from the CCG-to-STP lookup; districts
    (``LAD17CD``, ``LAD17NM``) from the LSOA lookup, one row for every footprint holding
    at least one of the district's LSOAs, so a district split between footprints (17 of
    them) appears under each. Sorted by footprint, type, then name.
    """
    rows = [
        {
            "stp17cd": r["STP17CD"],
            "area_type": "ccg",
            "code": r["CCG17CD"],
            "name": r["CCG17NM"],
            "source_id": "ons_ccg_stp_lookup_2017",
        }
        for r in _read(sources, "ccg_stp")
    ]
    lads = {(r["STP17CD"], r["LAD17CD"]): r["LAD17NM"] for r in _read(sources, "lsoa")}
    rows += [
        {
            "stp17cd": stp,
            "area_type": "local_authority",
            "code": lad,
            "name": name,
            "source_id": "ons_lsoa_ccg_stp_lookup_2017",
        }
        for (stp, lad), name in lads.items()
    ]
    return sorted(rows, key=lambda r: (r["stp17cd"], r["area_type"], r["name"], r["code"]))


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


# --------------------------------------------------------------------------- checks


def check(sources: Path, data: Path) -> list[str]:
    """Typed-in figures that also appear in a raw file, compared with it."""
    problems = []
    stated = {(r["stp17cd"], float(r["figure"])) for r in _read(sources, "gaps") if r["stp17cd"]}
    for name, column in (
        ("financial_gaps", "gap_gbp_m"),
        ("gap_per_head_ippr", "gap_per_head_gbp"),
    ):
        with open(data / f"{name}.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if (row["stp17cd"], float(row[column])) not in stated:
                    problems.append(
                        f"data/{name}.csv {row['stp17cd']} {row[column]}: not in {RAW['gaps']}"
                    )
    raw = {r["financial_year"]: float(r["net_position_gbp_m"]) for r in _read(sources, "providers")}
    with open(data / "provider_finances.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            year = row["financial_year"]
            if year in raw and raw[year] != float(row["net_position_gbp_m"]):
                problems.append(
                    f"data/provider_finances.csv {year}: {row['net_position_gbp_m']} "
                    f"!= raw {raw[year]}"
                )
    return problems


COMPUTED = {
    "footprints.csv": footprints,
    "nhse_budget.csv": nhse_budget,
    "health_spending.csv": health_spending,
    "sr2015_plans.csv": sr2015_plans,
    "real_growth_by_government.csv": real_growth_by_government,
    "activity_assumptions.csv": activity_assumptions,
    "dashboard_2017.csv": dashboard_2017,
    "footprint_areas.csv": footprint_areas,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data = Path(__file__).resolve().parents[1] / "data"
    if len(args) == 2 and args[0] == "check":
        problems = check(Path(args[1]), data)
        print("\n".join(problems) or "typed-in figures agree with the raw files")
        return 1 if problems else 0
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    sources = Path(args[0])
    for file, make in COMPUTED.items():
        rows = make(sources)
        with open(data / file, newline="", encoding="utf-8") as fh:
            columns = next(csv.reader(fh))  # the committed header, which the descriptor describes
        extra = set().union(*(r.keys() for r in rows)) - set(columns)
        if extra:
            raise SystemExit(f"{file}: columns {extra} are not in the committed header")
        write_csv(data / file, rows, columns)
        print(f"wrote data/{file}: {len(rows)} rows")
    geo = boundaries(sources)
    (data / "footprint_boundaries.geojson").write_text(
        json.dumps(geo, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote data/footprint_boundaries.geojson: {len(geo['features'])} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
