"""Progress updates on the Joint Plan of Action (DOMAIN §5): quarterly, with dual sign-off.

Every activity of `_joint_plan` that has started gets an update at the end of each quarter from its
start to its end or `today`, whichever comes first (an activity ending between quarter ends gets its
final update on its end date instead of the last quarter end). The lead agency's focal point posts
it (JOINT activities alternate between the agencies), which signs it for the poster's agency. The
other agency's focal point signs it some days later (never after `today`) or, for a few updates,
returns it with a `comment` saying why; the poster then posts a corrected update (the next
`update_no`) a few days after the return. Only updates signed by both agencies count.

Each activity follows a *profile* that decides where it stands at `today` under the status rules
of `metrics.joint_plan`:

- activities that have ended are `completed` (their last update reaches 100 % on or before their
  end), except (up to) two that ended in the last two years and are `overdue` (stopped at 60–90 %);
- among the ongoing activities: one is `off_track` (30–42 points behind the elapsed share of its
  timeframe), one `at_risk` (15–22 behind), two are `stale` — a *silent* one whose focal point
  stopped reporting two quarters ago, and a *disputed* one whose previous update was returned and
  whose correction and latest update still wait for the other agency —, one is on track with its
  previous update returned and corrected and its latest one still waiting for sign-off; the others
  are on track (within 4 points either side of schedule).

With the default `today` (2025-12-31) that makes three updates pending near today and two returned
in the last quarter, besides a few returned (and corrected) in earlier years. Another `today` keeps
the rules; profiles that need a recent update are simply not given when none is recent.

Funds mobilised are cumulative and rise towards the budget (under-funded activities are the late
ones), funds spent follow progress and never exceed what was mobilised; an activity with a
catalogue `indicator` reports an actual moving from its baseline towards its target. A minority of
updates are internal notes (`internal` = 'yes': partner capacity, late reports) that only the
agencies see. Focal points are pseudonymous role addresses (`focal.<area>@<agency>.example`).
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import polars as pl

from data_access.demo._common import _Calendar

AGENCIES = ("UNHCR", "UNICEF")
#: Days the other agency takes to sign, to return, and the poster to correct a returned update.
_SIGN_DAYS = (2, 29)
_RETURN_DAYS = (4, 15)
_CORRECT_DAYS = (3, 11)
#: Share of ordinary updates the other agency returns, and of updates that are internal notes.
_RETURN_SHARE = 0.03
_INTERNAL_SHARE = 0.08
_INTERNAL_SHARE_LATE = 0.3
#: Updates at most this many days before today count as recent (may still wait for sign-off).
_RECENT_DAYS = 30

_SLUG = {
    "education": "education", "health_nutrition": "health", "child_protection": "protection",
    "social_protection": "socialprotection", "birth_registration_nationality": "legalidentity",
    "advocacy": "advocacy", "preparedness": "preparedness", "information_sharing": "data",
    "resource_mobilisation": "partnerships",
}
#: Points behind schedule at today (or at the end, for overdue) per profile: uniform bounds.
_BEHIND = {
    "on_track": (-4.0, 4.0), "silent": (-4.0, 4.0), "disputed": (-2.0, 6.0),
    "corrected": (-8.0, -5.0), "at_risk": (15.0, 22.0), "off_track": (30.0, 42.0),
    "overdue": (10.0, 40.0),
}
_LATE = ("at_risk", "off_track", "overdue", "disputed")
_COUNT_UNITS = ("persons", "cases")

# ---- Texts --------------------------------------------------------------------------------------

#: Per area: narrative templates and the range of the number `{n}` they quote.
_NARRATIVES: dict[str, tuple[tuple[str, int, int], ...]] = {
    "education": (
        ("{n} refugee and asylum-seeking children received school kits and catch-up classes.", 40, 320),
        ("Teachers in Vahdat and Rudaki trained on inclusive classrooms; {n} children followed up.", 20, 150),
        ("Enrolment drive with district education departments reached {n} families.", 30, 200),
    ),
    "health_nutrition": (
        ("{n} refugee children vaccinated and growth-monitored at primary health care centres.", 60, 400),
        ("Health workers trained on referral of refugee families; {n} consultations recorded.", 80, 600),
        ("Psychosocial support sessions held for {n} caregivers and children.", 20, 180),
    ),
    "child_protection": (
        ("{n} children received case management and referral services.", 10, 90),
        ("Training on child-friendly procedures completed for {n} officials.", 8, 60),
        ("Community awareness sessions on child protection reached {n} parents.", 30, 250),
    ),
    "social_protection": (
        ("{n} refugee and stateless households received cash assistance this quarter.", 80, 900),
        ("Household vulnerability assessments completed for {n} families.", 40, 300),
    ),
    "birth_registration_nationality": (
        ("{n} birth certificates issued with civil registry offices.", 30, 400),
        ("Legal aid on nationality documentation provided to {n} persons.", 50, 700),
        ("Mobile registration teams visited {n} communities in the districts.", 3, 25),
    ),
    "advocacy": (
        ("Awareness event held with {n} participants, including refugee youth.", 40, 400),
        ("Joint statement and media briefing reached {n} journalists and partners.", 10, 60),
    ),
    "preparedness": (
        ("Contingency plan reviewed with the Committee of Emergency Situations; {n} partners took part.", 6, 30),
        ("Pre-positioned stocks checked: family kits for {n} households available.", 200, 2000),
    ),
    "information_sharing": (
        ("Quarterly figures exchanged under the data-sharing protocol; {n} indicators updated.", 8, 40),
        ("Joint data collection tools piloted with {n} enumerators.", 6, 30),
    ),
    "resource_mobilisation": (
        ("Joint briefing held with {n} donor representatives.", 4, 20),
        ("Joint proposal drafted and shared with {n} donors.", 2, 8),
    ),
}
_DELAYS = (
    "late transfer of funds to the implementing partner", "government approval of the work plan "
    "still pending", "winter access constraints in the districts", "staff turnover at the "
    "implementing partner", "procurement delays",
)
_INTERNAL = (
    "Internal: implementing partner short of qualified staff in Rudaki; recruitment under way.",
    "Internal: partner's financial report late for the second quarter running; spot check planned.",
    "Internal: counterpart ministry changed its focal point; work plan to be re-agreed.",
    "Internal: partner capacity assessment flags weak monitoring; joint visit planned next month.",
    "Internal: donor asked for an early result; discuss messaging before the next briefing.",
)
#: Why the other agency returns an update, and what the correction says: (kind, comment, fix).
_RETURNS = (
    ("spent", "Figures do not match the partner report: funds spent differ from the financial "
     "report.", "funds spent reconciled with the partner's financial report"),
    ("mobilised", "Funds mobilised include a pledge that has not been received yet.",
     "funds mobilised now count received contributions only"),
    ("privacy", "Narrative names a family; please remove identifying details.",
     "narrative revised, identifying details removed"),
    ("progress", "Progress jump is not explained by the narrative; please check the figure.",
     "progress corrected to the work actually completed in the quarter"),
    ("indicator", "Indicator actual differs from the ministry's figure; please check the source.",
     "indicator actual aligned with the ministry's figure"),
)
_SAFE_RETURNS = 3  # the first three leave progress alone (forced returns near today use them)


# ---- Dates and profiles -------------------------------------------------------------------------


def _update_dates(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """Quarter ends after `start` up to min(end, today); the end date itself once it has passed."""
    last = min(end, today)
    dates = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        month = 3 * quarter + 3
        day = dt.date(year, month, calendar.monthrange(year, month)[1])
        if day > last:
            break
        if day > start:
            dates.append(day)
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    if start < end <= today and (not dates or dates[-1] < end):
        if dates and (end - dates[-1]).days < 30:
            dates[-1] = end  # the final report replaces a quarter report a few weeks earlier
        else:
            dates.append(end)
    return dates


def _share(start: dt.date, end: dt.date, day: dt.date) -> float:
    """Elapsed share of the timeframe at `day` (0..1), as `metrics.joint_plan` computes it."""
    if day <= start:
        return 0.0
    duration = (end - start).days
    return 1.0 if duration <= 0 else min((day - start).days / duration, 1.0)


def _pick(rng: np.random.Generator, ids: list[str], n: int) -> list[str]:
    if not ids:
        return []
    return [ids[i] for i in sorted(rng.choice(len(ids), size=min(n, len(ids)), replace=False))]


def _profiles(rng: np.random.Generator, plan: list[dict], dates: dict[str, list[dt.date]],
              today: dt.date) -> dict[str, str]:
    """Where each started activity stands at today (see the module docstring)."""
    profile: dict[str, str] = {}
    ended = [a for a in plan if a["end"] < today and dates[a["activity_id"]]]
    recent = [a["activity_id"] for a in ended
              if (today - a["end"]).days <= 730 and len(dates[a["activity_id"]]) >= 2]
    overdue = set(_pick(rng, recent, min(2, (len(ended) + 1) // 3)))
    for a in ended:
        profile[a["activity_id"]] = "overdue" if a["activity_id"] in overdue else "completed"

    ongoing = [a for a in plan if a["start"] <= today <= a["end"]]

    def returnable(a: dict) -> bool:
        """The latest update is recent and the one before leaves room for a return and fix."""
        d = dates[a["activity_id"]]
        return (len(d) >= 3 and (today - d[-1]).days <= _RECENT_DAYS
                and (d[-1] - d[-2]).days >= 40)

    rules = (  # the most demanding first, so each finds a candidate when the plan allows
        ("corrected", lambda a: returnable(a) and (a["end"] - a["start"]).days >= 1000
         and (a["end"] - today).days >= 180),
        ("off_track", lambda a: _share(a["start"], a["end"], today) >= 0.5
         and len(dates[a["activity_id"]]) >= 3),
        ("at_risk", lambda a: _share(a["start"], a["end"], today) >= 0.35
         and len(dates[a["activity_id"]]) >= 2),
        ("disputed", returnable),
        ("silent", lambda a: (today - a["start"]).days >= 270),
    )
    for name, fits in rules:
        free = [a["activity_id"] for a in ongoing if a["activity_id"] not in profile and fits(a)]
        for activity_id in _pick(rng, free, 1):
            profile[activity_id] = name
    for a in ongoing:
        profile.setdefault(a["activity_id"], "on_track")
    return profile


# ---- Figures ------------------------------------------------------------------------------------


def _progress(rng: np.random.Generator, shares: np.ndarray, profile: str,
              share_today: float) -> np.ndarray:
    """Whole-percent progress per update, never decreasing."""
    if profile == "completed":
        done_at = rng.uniform(0.75, 1.0)  # share of the timeframe at which it reaches 100 %
        curve = rng.uniform(0.85, 1.2)
        raw = 100 * np.minimum(shares / done_at, 1.0) ** curve
        progress = np.where(raw >= 100, 100.0, np.floor(raw))
        progress[-1] = 100.0  # the final report closes the activity
        return np.maximum.accumulate(progress)
    behind = rng.uniform(*_BEHIND[profile])
    reference = 1.0 if profile == "overdue" else max(share_today, 1e-9)
    lag = behind * np.clip(shares / reference, 0.0, 1.0)
    noise = np.clip(rng.normal(0.0, 1.2, shares.size), -2.0, 2.0)
    noise[-1] = 0.0  # the latest update lands exactly where the profile says
    cap = np.where(shares >= 1.0, 100.0, 97.0)  # not finished before the end
    progress = np.clip(np.floor(100 * shares - lag + noise + 0.5), 0.0, cap)
    return np.maximum.accumulate(progress)


def _indicator(rng: np.random.Generator, activity: dict, progress: np.ndarray,
               counts: bool) -> list[float | None]:
    """Actuals moving from baseline towards target with progress (monotone in that direction)."""
    baseline, target = activity["baseline"], activity["target"]
    if activity["indicator"] is None or baseline is None or target is None:
        return [None] * progress.size
    span = target - baseline
    reach = (progress / 100) ** rng.uniform(0.9, 1.15) * rng.uniform(0.92, 1.03)
    values = baseline + span * reach + rng.normal(0.0, 0.015 * abs(span), progress.size)
    values = np.maximum.accumulate(values) if span >= 0 else np.minimum.accumulate(values)
    if counts:
        values = np.round(np.maximum(values, 0.0))
    else:
        values = np.round(np.clip(values, 0.0, 100.0), 1)
    return [float(v) for v in values]


def _funds(rng: np.random.Generator, budget: float | None, shares: np.ndarray,
           progress: np.ndarray, profile: str) -> tuple[list, list]:
    """Cumulative funds mobilised (towards the budget) and spent (following progress)."""
    if budget is None:
        return [None] * shares.size, [None] * shares.size
    funded = rng.uniform(0.55, 0.8) if profile in _LATE else rng.uniform(0.9, 1.05)
    mobilised = np.round(budget * funded * np.minimum(1.0, 0.3 + 0.8 * shares), -3)
    mobilised = np.maximum.accumulate(np.maximum(mobilised, 1000.0))
    spent = budget * funded * progress / 100 * rng.uniform(0.85, 1.0, shares.size)
    if profile == "completed":
        spent[-1] = mobilised[-1] * rng.uniform(0.96, 1.0)
    spent = np.maximum.accumulate(np.minimum(np.round(spent, -2), mobilised))
    return [float(v) for v in mobilised], [float(v) for v in spent]


def _status_note(progress: float, share: float, final_overdue: bool) -> str:
    if progress >= 100:
        return "Completed"
    if final_overdue:
        return "Not completed by the end date; extension requested"
    behind = 100 * share - progress
    if behind <= 10:
        return "On track"
    return "Some delays" if behind <= 25 else "Behind schedule"


def _narrative(rng: np.random.Generator, area: str, progress: float, share: float,
               final_overdue: bool) -> str:
    text, low, high = _NARRATIVES[area][rng.integers(len(_NARRATIVES[area]))]
    sentence = text.format(n=int(rng.integers(low, high + 1)))
    if progress >= 100:
        return sentence + " Activity completed; final report shared with the counterparts."
    delay = _DELAYS[rng.integers(len(_DELAYS))]
    if final_overdue:
        return sentence + f" Not completed by the end date ({delay}); extension under discussion."
    if 100 * share - progress > 10:
        return sentence + f" Implementation slowed by {delay}."
    return sentence


# ---- Rows ---------------------------------------------------------------------------------------


def _signed(row: dict, poster_agency: str, poster: str, action: str | None,
            signer: str | None, on: dt.date | None) -> dict:
    """Fill both agencies' sign-off columns: the poster's signed by posting, the other's given."""
    for agency in AGENCIES:
        key = agency.lower()
        if agency == poster_agency:
            row.update({f"{key}_signoff": "signed", f"{key}_by": poster, f"{key}_on": row["date"]})
        else:
            row.update({f"{key}_signoff": action, f"{key}_by": signer if action else None,
                        f"{key}_on": on if action else None})
    return row


def _activity_updates(rng: np.random.Generator, today: dt.date, activity: dict,
                      dates: list[dt.date], profile: str, counts: bool) -> list[dict]:
    start, end, area = activity["start"], activity["end"], activity["area"]
    share_today = _share(start, end, today)
    shares = np.array([_share(start, end, d) for d in dates])
    progress = _progress(rng, shares, profile, share_today)
    actual = _indicator(rng, activity, progress, counts)
    mobilised, spent = _funds(rng, activity["budget_usd"], shares, progress, profile)
    first_poster = int(rng.integers(2))
    if profile == "completed":  # reporting stops with the update that reaches 100 %
        last = int(np.argmax(progress >= 100)) + 1
    elif profile == "silent":  # the focal point stopped reporting two quarters ago
        last = sum(d <= today - dt.timedelta(days=150) for d in dates)
    else:
        last = len(dates)
    forced = last - 2 if profile in ("corrected", "disputed") else None

    rows: list[dict] = []
    for i in range(last):
        day = dates[i]
        if activity["lead"] in AGENCIES:
            agency = activity["lead"]
        else:
            agency = AGENCIES[(i + first_poster) % 2]
        other = AGENCIES[1 - AGENCIES.index(agency)]
        poster = f"focal.{_SLUG[area]}@{agency.lower()}.example"
        signer = f"focal.{_SLUG[area]}@{other.lower()}.example"
        final_overdue = profile == "overdue" and i == last - 1
        late = profile in _LATE and shares[i] >= 0.6 * max(shares[last - 1], 1e-9)
        internal = rng.random() < (_INTERNAL_SHARE_LATE if late else _INTERNAL_SHARE)
        narrative = _narrative(rng, area, progress[i], shares[i], final_overdue)
        row = {
            "activity_id": activity["activity_id"], "update_no": len(rows) + 1, "date": day,
            "progress": float(progress[i]),
            "status_note": _status_note(progress[i], shares[i], final_overdue),
            "indicator_actual": actual[i], "funds_mobilised_usd": mobilised[i],
            "funds_spent_usd": spent[i],
            "narrative": _INTERNAL[rng.integers(len(_INTERNAL))] if internal else narrative,
            "internal": "yes" if internal else "no", "posted_by": poster, "posted_agency": agency,
            "comment": None,
        }
        sign_day = min(day + dt.timedelta(days=int(rng.integers(*_SIGN_DAYS))), today)
        next_day = dates[i + 1] if i + 1 < len(dates) else None
        returnable = (i < last - 1 and next_day is not None and (next_day - day).days >= 40
                      and (today - day).days >= 60)
        returned = i == forced or (returnable and forced is None
                                   and rng.random() < _RETURN_SHARE)
        pending = profile in ("corrected", "disputed") and i == last - 1
        if not returned:
            rows.append(_signed(row, agency, poster, None if pending else "signed", signer,
                                sign_day))
            continue

        # The other agency returns the update; the poster corrects it a few days later.
        kinds = [k for k in _RETURNS[: None if i != forced else _SAFE_RETURNS]
                 if k[0] != "indicator" or actual[i] is not None]
        kind, reason, fix = kinds[rng.integers(len(kinds))]
        returned_on = day + dt.timedelta(days=int(rng.integers(*_RETURN_DAYS)))
        rows.append(_signed({**row, "comment": reason}, agency, poster, "returned", signer,
                            returned_on))
        fixed_day = returned_on + dt.timedelta(days=int(rng.integers(*_CORRECT_DAYS)))
        fixed = {**row, "update_no": len(rows) + 1, "date": fixed_day,
                 "comment": f"Corrects update {len(rows)}: {fix}."}
        prev = rows[-2] if len(rows) >= 2 else None
        _correct(rng, fixed, kind, prev, counts)
        fixed_sign = min(fixed_day + dt.timedelta(days=int(rng.integers(*_SIGN_DAYS))), today)
        rows.append(_signed(fixed, agency, poster, None if profile == "disputed" else "signed",
                            signer, fixed_sign))
    return rows


def _correct(rng: np.random.Generator, row: dict, kind: str, prev: dict | None,
             counts: bool) -> None:
    """Lower the figure the other agency questioned, never below the previous update's."""
    def floor(column: str) -> float:
        return (prev or {}).get(column) or 0.0

    if kind == "spent" and row["funds_spent_usd"] is not None:
        cut = round(row["funds_spent_usd"] * rng.uniform(0.85, 0.97), -2)
        row["funds_spent_usd"] = max(floor("funds_spent_usd"), cut)
    elif kind == "mobilised" and row["funds_mobilised_usd"] is not None:
        cut = round(row["funds_mobilised_usd"] * rng.uniform(0.85, 0.95), -3)
        row["funds_mobilised_usd"] = max(floor("funds_mobilised_usd"), row["funds_spent_usd"], cut)
    elif kind == "progress":
        row["progress"] = max(floor("progress"), row["progress"] - float(rng.integers(2, 6)))
    elif kind == "indicator" and row["indicator_actual"] is not None:
        before = (prev or {}).get("indicator_actual")
        before = row["indicator_actual"] if before is None else before
        value = before + 0.7 * (row["indicator_actual"] - before)
        row["indicator_actual"] = float(round(value)) if counts else round(value, 1)


def _joint_plan_updates(rng: np.random.Generator, cal: _Calendar,
                        plan: pl.DataFrame) -> pl.DataFrame:
    """Quarterly progress updates with dual sign-off for the activities of `plan`."""
    from metrics.catalogue import CATALOGUE  # imported late, like validation's catalogue check

    today = cal.today
    activities = plan.to_dicts()
    dates = {a["activity_id"]: _update_dates(a["start"], a["end"], today) for a in activities}
    profiles = _profiles(rng, activities, dates, today)
    rows: list[dict] = []
    for activity in activities:
        profile = profiles.get(activity["activity_id"])
        if profile is None or not dates[activity["activity_id"]]:
            continue  # not started yet, or no quarter has ended since it started
        spec = CATALOGUE.indicators.get(activity["indicator"] or "")
        counts = spec is not None and spec.unit in _COUNT_UNITS
        rows += _activity_updates(rng, today, activity, dates[activity["activity_id"]], profile,
                                  counts)
    text, day, number = pl.Utf8, pl.Date, pl.Float64
    schema = {
        "activity_id": text, "update_no": pl.Int64, "date": day, "progress": number,
        "status_note": text, "indicator_actual": number, "funds_mobilised_usd": number,
        "funds_spent_usd": number, "narrative": text, "internal": text, "posted_by": text,
        "posted_agency": text, "unhcr_signoff": text, "unhcr_by": text, "unhcr_on": day,
        "unicef_signoff": text, "unicef_by": text, "unicef_on": day, "comment": text,
    }
    return pl.DataFrame(rows, schema=schema)
