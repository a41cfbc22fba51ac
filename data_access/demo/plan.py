"""Planning in the demo: the example framework, the Joint Plan of Action, funding, targets.

`_targets` takes its baselines from the other generated frames (the year before the
example framework starts), so it runs last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access.demo._common import _Calendar

# ---- Example Cooperation Framework --------------------------------------------------------------

_FRAMEWORK = (
    ("EX-OC1", "outcome", None,
     "Example — Outcome 1: Inclusive, quality education for all children, including refugee "
     "and stateless children"),
    ("EX-OP1.1", "output", "EX-OC1",
     "Example — Output 1.1: Refugee and asylum-seeking children enrolled and learning in "
     "national schools"),
    ("EX-OP1.2", "output", "EX-OC1",
     "Example — Output 1.2: Refugee youth access tertiary education (DAFI scholarships)"),
    ("EX-OC2", "outcome", None,
     "Example — Outcome 2: Every child has a legal identity: birth registration and the right "
     "to a nationality"),
    ("EX-OP2.1", "output", "EX-OC2",
     "Example — Output 2.1: Civil registry offices register every birth, whatever the "
     "parents' status"),
    ("EX-OP2.2", "output", "EX-OC2",
     "Example — Output 2.2: Persons at risk of statelessness identified and their nationality "
     "confirmed or granted"),
    ("EX-OC3", "outcome", None,
     "Example — Outcome 3: Refugees, asylum-seekers and stateless persons are protected and use "
     "health, child protection and social protection services"),
    ("EX-OP3.1", "output", "EX-OC3",
     "Example — Output 3.1: Fair and efficient asylum procedures and access to durable solutions"),
    ("EX-OC4", "outcome", None,
     "Example — Outcome 4: The UN plans, mobilises resources and reports jointly"),
)


def _framework_years(cal: _Calendar) -> tuple[int, int]:
    """A five-year example framework ending in today's year (2021–2025 by default)."""
    return cal.today.year - 4, cal.today.year


def _framework(cal: _Calendar) -> pl.DataFrame:
    """A clearly labelled EXAMPLE framework: the office loads its real one over it."""
    start, end = _framework_years(cal)
    return pl.DataFrame(
        [(code, level, parent, title, start, end) for code, level, parent, title in _FRAMEWORK],
        schema=["code", "level", "parent", "title", "start_year", "end_year"], orient="row",
    )


# ---- Joint Plan of Action (one row per activity) ------------------------------------------------

_AREA_OUTCOME = {
    "education": "EX-OC1", "birth_registration_nationality": "EX-OC2",
    "health_nutrition": "EX-OC3", "child_protection": "EX-OC3", "social_protection": "EX-OC3",
    "preparedness": "EX-OC3", "advocacy": "EX-OC4", "information_sharing": "EX-OC4",
    "resource_mobilisation": "EX-OC4",
}
_AREA_PREFIX = {
    "education": "EDU", "health_nutrition": "HNU", "child_protection": "CPR",
    "social_protection": "SPR", "birth_registration_nationality": "BRN", "advocacy": "ADV",
    "preparedness": "PRP", "information_sharing": "INF", "resource_mobilisation": "RES",
}
_MOES = "Ministry of Education and Science"
_MOH = "Ministry of Health and Social Protection of Population"
_MOJ = "Ministry of Justice (civil registry offices)"
_MS = "Migration Service of the Ministry of Internal Affairs"
_CES = "Committee of Emergency Situations and Civil Defence"


@dataclass(frozen=True)
class _Activity:
    area: str
    title: str
    lead: str
    partners: str | None
    start: str
    end: str
    indicator: str | None = None
    baseline: float | None = None
    target: float | None = None
    budget: int = 100_000
    sdg: str | None = None


#: The Joint Plan of Action signed with the LOU on 31 May 2017 and renewed since (demo content).
ACTIVITIES: tuple[_Activity, ...] = (
    _Activity("education", "Enrolment of refugee children in national schools: school kits, "
              "uniforms and Tajik-language catch-up classes", "UNHCR",
              f"{_MOES}; Refugee Children and Vulnerable Citizens (RCVC)", "2017-06-01",
              "2019-12-31", "EDU.GER_PRIMARY", 78, 90, 180_000, "4.1"),
    _Activity("education", "Accelerated learning for out-of-school refugee and asylum-seeking "
              "children in Vahdat and Rudaki", "JOINT", _MOES, "2020-09-01", "2023-06-30",
              "EDU.OUT_OF_SCHOOL", 420, 150, 240_000, "4.1"),
    _Activity("education", "Community-based preschool groups for refugee and host-community "
              "children", "UNICEF", f"{_MOES}; local hukumats", "2021-01-01", "2024-12-31",
              None, None, None, 210_000, "4.2"),
    _Activity("education", "DAFI tertiary scholarships and university access for refugee youth",
              "UNHCR", "German Government (DAFI); Tajik National University", "2017-09-01",
              "2026-08-31", "EDU.DAFI", 20, 45, 520_000, "4.3"),
    _Activity("education", "Inclusion of refugee learners in the national Education Management "
              "Information System (EMIS)", "JOINT", _MOES, "2023-03-01", "2026-06-30",
              "EDU.GER_SECONDARY", 62, 75, 150_000, "4.1"),
    _Activity("health_nutrition", "Routine immunisation and primary health care for refugee and "
              "stateless children on the same terms as nationals", "UNICEF", _MOH, "2017-06-01",
              "2020-12-31", None, None, None, 160_000, "3.8"),
    _Activity("health_nutrition", "COVID-19 response: risk communication, hygiene kits and "
              "vaccine access for refugees", "JOINT", _MOH, "2020-04-01", "2021-12-31", None,
              None, None, 230_000, "3.8"),
    _Activity("health_nutrition", "Nutrition screening and micronutrient supplements for refugee "
              "children under five and pregnant women in Vahdat", "UNICEF", _MOH, "2021-03-01",
              "2023-12-31", None, None, None, 140_000, "2.2"),
    _Activity("health_nutrition", "Mental health and psychosocial support for newly arrived "
              "Afghan families", "JOINT", f"{_MOH}; Rights and Prosperity", "2022-01-01",
              "2025-06-30", None, None, None, 190_000, "3.4"),
    _Activity("child_protection", "Best-interests procedures for unaccompanied and separated "
              "refugee children", "UNHCR", "Commission on the Rights of the Child; RCVC",
              "2017-06-01", "2019-12-31", None, None, None, 90_000, "16.2"),
    _Activity("child_protection", "Child protection case management and referral for refugee "
              "and stateless children", "UNICEF",
              "Commission on the Rights of the Child; Rights and Prosperity", "2019-01-01",
              "2022-12-31", None, None, None, 260_000, "16.2"),
    _Activity("child_protection", "Child-friendly asylum procedures: training of Migration "
              "Service and border officials", "JOINT", f"{_MS}; Border Forces", "2021-06-01",
              "2024-12-31", "ASY.TPR", 88, 95, 120_000, "16.3"),
    _Activity("child_protection", "Prevention of gender-based violence and child marriage in "
              "refugee communities", "JOINT", "Committee on Women and Family Affairs",
              "2023-01-01", "2026-06-30", None, None, None, 175_000, "5.3"),
    _Activity("social_protection", "Vulnerable refugee households in the national targeted "
              "social assistance programme", "UNICEF", _MOH, "2018-01-01", "2021-12-31", None,
              None, None, 300_000, "1.3"),
    _Activity("social_protection", "Winter cash assistance for refugee and stateless families "
              "with children", "UNHCR", "Consortium Initiatives", "2019-10-01", "2025-03-31",
              None, None, None, 640_000, "1.3"),
    _Activity("social_protection", "Shock-responsive cash transfers reaching refugee and "
              "host-community families", "JOINT", _MOH, "2024-01-01", "2026-12-31", None, None,
              None, 450_000, "1.3"),
    _Activity("birth_registration_nationality", "Mobile birth registration campaigns with civil "
              "registry offices in districts hosting refugees", "JOINT", _MOJ, "2017-06-01",
              "2020-12-31", "BRN.U5_REGISTERED_PCT", 68, 85, 200_000, "16.9"),
    _Activity("birth_registration_nationality", "Legal aid to identify and resolve statelessness "
              "cases (follow-up of the joint pilot project)", "UNHCR",
              f"{_MS}; Rights and Prosperity", "2017-06-01", "2021-12-31", "STA.RESOLVED", 9000,
              18000, 380_000, "16.9"),
    _Activity("birth_registration_nationality", "Implementation of the 2019 amnesty law: "
              "documentation and passports for stateless persons", "UNHCR", _MS, "2019-06-01",
              "2021-06-30", "STA.RESOLUTION_PCT", 45, 75, 260_000, "16.9"),
    _Activity("birth_registration_nationality", "Birth registration at maternity wards for "
              "children of refugees and asylum-seekers", "UNICEF", f"{_MOJ}; {_MOH}",
              "2023-01-01", "2026-06-30", "BRN.U5_REGISTERED_PCT", 84, 95, 170_000, "16.9"),
    _Activity("birth_registration_nationality", "Safeguards against childhood statelessness in "
              "the Nationality Law and accession to the statelessness conventions", "JOINT",
              "Ministry of Foreign Affairs; Office of the Ombudsman", "2022-01-01", "2026-12-31",
              None, None, None, 80_000, "16.9"),
    _Activity("advocacy", "Joint awareness events for World Refugee Day and Universal "
              "Children's Day", "JOINT", "Media partners; refugee community leaders",
              "2017-06-01", "2026-12-31", None, None, None, 60_000, "10.7"),
    _Activity("advocacy", "Parliamentary round table on refugee children's access to services",
              "JOINT", "Majlisi Oli (Parliament)", "2019-03-01", "2019-12-31", None, None, None,
              25_000, "10.7"),
    _Activity("advocacy", "#IBelong campaign events with the Ombudsman's office on ending "
              "statelessness", "UNHCR", "Office of the Ombudsman", "2018-01-01", "2024-11-30",
              None, None, None, 70_000, "16.9"),
    _Activity("preparedness", "Inter-agency contingency plan for a refugee influx from "
              "Afghanistan with child-sensitive standards", "JOINT", f"{_CES}; REACT",
              "2017-09-01", "2018-12-31", None, None, None, 110_000, "13.1"),
    _Activity("preparedness", "Contingency plan update and pre-positioned family kits after "
              "August 2021", "JOINT", f"{_CES}; REACT", "2021-08-15", "2022-12-31", None, None,
              None, 580_000, "13.1"),
    _Activity("preparedness", "Joint risk assessment and simulation exercise at border crossing "
              "points", "JOINT", f"{_CES}; Border Forces", "2023-04-01", "2025-12-31", None, None,
              None, 140_000, "13.1"),
    _Activity("information_sharing", "Joint data collection methodology and sex- and "
              "age-disaggregated data-sharing protocol", "JOINT", "Agency on Statistics",
              "2017-06-01", "2018-06-30", None, None, None, 40_000, "17.18"),
    _Activity("information_sharing", "Multi-sector needs assessment of refugee children and "
              "families", "JOINT", "REACH; Agency on Statistics", "2022-02-01", "2022-12-31",
              None, None, None, 95_000, "17.18"),
    _Activity("information_sharing", "Hamkori joint reporting dashboard and shared indicator "
              "warehouse", "JOINT", None, "2024-06-01", "2026-06-30", "LOU.ON_TRACK_PCT", 60, 85,
              85_000, "17.18"),
    _Activity("resource_mobilisation", "Joint proposal to the European Union for refugee "
              "children's education and protection", "JOINT", None, "2018-01-01", "2019-06-30",
              None, None, None, 15_000, "17.3"),
    _Activity("resource_mobilisation", "Joint appeal for the Afghanistan situation (Regional "
              "Refugee Response Plan)", "JOINT", None, "2021-09-01", "2023-12-31",
              "FUND.RECEIVED_PCT", 0, 80, 30_000, "17.3"),
    _Activity("resource_mobilisation", "Joint donor briefings and pooled-fund proposals for "
              "2025–2026", "UNICEF", None, "2025-01-01", "2026-12-31", "FUND.RECEIVED_PCT", 55,
              85, 20_000, "17.3"),
)


def _joint_plan(rng: np.random.Generator, cal: _Calendar) -> pl.DataFrame:
    """The activities of `ACTIVITIES`, with seed-varied budgets, none ending after next year."""
    fw_start, _fw_end = _framework_years(cal)
    limit = dt.date(cal.last_year, 12, 31)
    numbers: dict[str, int] = {}
    rows = []
    for activity in ACTIVITIES:
        start = dt.date.fromisoformat(activity.start)
        end = min(dt.date.fromisoformat(activity.end), limit)
        if start > limit:
            continue
        numbers[activity.area] = numbers.get(activity.area, 0) + 1
        rows.append({
            "activity_id": f"JPA-{_AREA_PREFIX[activity.area]}-{numbers[activity.area]:02d}",
            "area": activity.area, "title": activity.title, "lead": activity.lead,
            "partners": activity.partners, "start": start, "end": end,
            "indicator": activity.indicator, "baseline": activity.baseline,
            "target": activity.target,
            "budget_usd": float(round(activity.budget * rng.uniform(0.85, 1.15), -3)),
            # Activities of the framework's years cite its outcome; earlier ones the old UNDAF.
            "undaf_outcome": _AREA_OUTCOME[activity.area] if end.year >= fw_start else None,
            "sdg_target": activity.sdg,
        })
    schema = {"activity_id": pl.Utf8, "area": pl.Utf8, "title": pl.Utf8, "lead": pl.Utf8,
              "partners": pl.Utf8, "start": pl.Date, "end": pl.Date, "indicator": pl.Utf8,
              "baseline": pl.Float64, "target": pl.Float64, "budget_usd": pl.Float64,
              "undaf_outcome": pl.Utf8, "sdg_target": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


# ---- Funding (per donor and year) ---------------------------------------------------------------

#: donor, agency, area (None = unearmarked), typical yearly pledge (USD), first and last year.
_GRANTS: tuple[tuple[str, str, str | None, int, int, int | None], ...] = (
    ("European Union", "UNHCR", None, 600_000, 2019, None),
    ("European Union", "UNICEF", "education", 450_000, 2019, None),
    ("European Union", "JOINT", "preparedness", 800_000, 2022, None),
    ("Japan", "UNHCR", None, 350_000, 2019, None),
    ("Japan", "UNICEF", "health_nutrition", 500_000, 2020, None),
    ("Germany", "UNHCR", "education", 250_000, 2019, None),
    ("Germany", "UNICEF", "child_protection", 400_000, 2021, None),
    ("United States", "UNHCR", None, 900_000, 2019, None),
    ("United States", "UNICEF", "social_protection", 300_000, 2019, 2024),
    ("CERF", "UNHCR", "preparedness", 1_200_000, 2021, 2021),
    ("CERF", "UNICEF", "preparedness", 800_000, 2021, 2022),
    ("Switzerland", "JOINT", "birth_registration_nationality", 200_000, 2019, None),
    ("Private donors", "UNHCR", None, 60_000, 2019, None),
    ("Private donors", "UNICEF", None, 90_000, 2019, None),
)


def _funding(rng: np.random.Generator, cal: _Calendar) -> pl.DataFrame:
    """Pledges and receipts per donor, agency and year; the current year is still coming in."""
    rows = []
    for donor, agency, area, typical, first, last in _GRANTS:
        for year in range(first, min(last or cal.today.year, cal.today.year) + 1):
            surge = 1.5 if year in (2021, 2022) and agency == "UNHCR" else 1.0
            pledged = round(typical * surge * rng.lognormal(0, 0.15), -3)
            if year == cal.today.year:
                received_share = rng.uniform(0.2, 0.5) if donor == "United States" \
                    else rng.uniform(0.5, 0.9)
            else:
                received_share = rng.uniform(0.88, 1.0)
            rows.append({"year": year, "donor": donor, "agency": agency, "area": area,
                         "pledged_usd": float(pledged),
                         "received_usd": float(round(pledged * received_share, -2))})
    schema = {"year": pl.Int64, "donor": pl.Utf8, "agency": pl.Utf8, "area": pl.Utf8,
              "pledged_usd": pl.Float64, "received_usd": pl.Float64}
    return pl.DataFrame(rows, schema=schema).sort("year", "donor", "agency")


# ---- Targets (per indicator and year) -----------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    indicator: str
    outcome: str
    goal: Callable[[float], float]  # baseline -> end-of-framework target
    decimals: int = 1


_TARGETS: tuple[_Target, ...] = (
    _Target("EDU.GER_PRIMARY", "EX-OC1", lambda b: max(95.0, b + 2)),
    _Target("EDU.GER_SECONDARY", "EX-OC1", lambda b: max(75.0, b + 5)),
    _Target("EDU.GPI", "EX-OC1", lambda b: 1.0, 2),
    _Target("EDU.DAFI", "EX-OC1", lambda b: max(b + 15, 45.0), 0),
    _Target("BRN.U5_REGISTERED_PCT", "EX-OC2", lambda b: max(95.0, b + 2)),
    _Target("STA.RESOLVED", "EX-OC2", lambda b: round(b * 1.25, -2), 0),
    _Target("STA.RESOLUTION_PCT", "EX-OC2", lambda b: max(85.0, b + 5)),
    _Target("ASY.TPR", "EX-OC3", lambda b: max(95.0, b)),
    _Target("SOL.NATURALISED", "EX-OC3", lambda b: 50.0, 0),
    _Target("LOU.ON_TRACK_PCT", "EX-OC4", lambda b: 80.0),
    _Target("FUND.RECEIVED_PCT", "EX-OC4", lambda b: max(95.0, b)),
)


def _targets(cal: _Calendar, frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Yearly targets over the example framework, rising in steps from the demo's own baseline.

    The baseline is the demo's value in the year before the framework starts; the target rises
    linearly to the end-of-framework goal (rates 0–100, EDU.GPI a ratio, counts as counts).
    """
    start, end = _framework_years(cal)
    baselines = _baselines(frames, start - 1)
    rows = []
    for spec in _TARGETS:
        baseline = baselines[spec.indicator]
        goal = spec.goal(baseline)
        for year in range(start, end + 1):
            step = (year - start + 1) / (end - start + 1)
            rows.append({"indicator": spec.indicator, "year": year,
                         "baseline": round(baseline, spec.decimals),
                         "target": round(baseline + (goal - baseline) * step, spec.decimals),
                         "undaf_outcome": spec.outcome})
    schema = {"indicator": pl.Utf8, "year": pl.Int64, "baseline": pl.Float64,
              "target": pl.Float64, "undaf_outcome": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def _baselines(frames: dict[str, pl.DataFrame], year: int) -> dict[str, float]:
    """Catalogue indicators computed from the demo frames for one calendar year (or its end)."""
    as_of = dt.date(year, 12, 31)
    edu = frames["education"].filter(pl.col("school_year").str.starts_with(str(year)))

    def ger(levels: list[str], sex: str | None = None) -> float:
        rows = edu.filter(pl.col("level").is_in(levels))
        if sex:
            rows = rows.filter(pl.col("sex") == sex)
        return _ratio(rows.get_column("enrolled").sum(), rows.get_column("school_age").sum())

    secondary = ["lower_secondary", "upper_secondary"]
    brn = frames["birth_registration"].filter(pl.col("date") == as_of)
    sta = frames["statelessness"]
    identified = sta.filter(pl.col("identified") <= as_of).height
    resolved = sta.filter(pl.col("status").is_in(["confirmed", "acquired"]),
                          pl.col("resolved") <= as_of).height
    asy = frames["asylum"].filter(pl.col("month").dt.year() == year)
    protected = asy.get_column("recognized").sum() + asy.get_column("complementary").sum()
    fund = frames["funding"].filter(pl.col("year") == year)
    naturalised = frames["solutions"].filter(pl.col("solution") == "naturalisation",
                                             pl.col("month").dt.year() == year)
    return {
        "EDU.GER_PRIMARY": 100 * ger(["primary"]),
        "EDU.GER_SECONDARY": 100 * ger(secondary),
        "EDU.GPI": _ratio(ger(secondary, "F"), ger(secondary, "M")),
        "EDU.DAFI": float(edu.get_column("dafi_scholars").sum()),
        "BRN.U5_REGISTERED_PCT": 100 * _ratio(brn.get_column("registered").sum(),
                                              brn.get_column("children_under5").sum()),
        "STA.RESOLVED": float(resolved),
        "STA.RESOLUTION_PCT": 100 * _ratio(resolved, identified),
        "ASY.TPR": 100 * _ratio(protected, protected + asy.get_column("rejected").sum()),
        "SOL.NATURALISED": float(naturalised.get_column("persons").sum()),
        "LOU.ON_TRACK_PCT": 60.0,
        "FUND.RECEIVED_PCT": 100 * _ratio(fund.get_column("received_usd").sum(),
                                          fund.get_column("pledged_usd").sum()),
    }


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else 0.0
