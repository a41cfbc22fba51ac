"""Joint Plan of Action: activity status and the LOU indicators (DOMAIN §4 `LOU.*`, §5).

Status is computed from the plan and the signed-off updates, never typed. The rules, in order of
precedence (the first that applies wins):

1. ``completed``   — the latest signed-off update dated on or before ``as_of`` reports 100 % (or more).
2. ``not_started`` — ``as_of`` is before the activity's ``start``.
3. ``overdue``     — ``as_of`` is after the activity's ``end`` and it is not completed.
4. ``stale``       — no signed-off update in the last ``STALE_DAYS`` (90) days: stale when
                     ``(as_of - (last_signed or start)).days > 90``. An activity that has never had a
                     signed-off update counts its silence from ``start``. 90 days exactly is not stale.
5. by how far the signed-off progress lags the *expected* progress (the elapsed share of the
   timeframe, in percentage points; ``behind = expected - progress``):
   ``on_track`` when ``behind <= 10``, ``at_risk`` when ``10 < behind <= 25``, ``off_track`` beyond 25.
   Being ahead of schedule (negative ``behind``) is on track.

Only updates signed off by *both* agencies count (dual sign-off, ``signed_off`` true); pending
updates (``signed_off`` false or null) and updates dated after ``as_of`` are ignored. An activity
without any counting update has progress 0.

Expected progress is ``elapsed days / duration days * 100``, clipped to 0..100: 0 on the day of
``start`` (and before), 100 on the day of ``end`` (and after). A one-day activity (``start ==
end``), or one whose ``end`` is before its ``start``, is expected to be at 100 from ``start`` on.

Decisions where the domain guide is silent:

- Several signed-off updates on the same (latest) date: the highest progress among them counts,
  so the result does not depend on row order.
- The ``stale`` column is a flag of its own: true for any started, not-completed activity whose last
  signed-off update is more than 90 days old — also when its status is ``overdue`` (an overdue
  activity nobody reports on is worth flagging). The ``stale`` *status* only appears where rules
  1–3 do not apply.
- Boundary comparisons on ``behind`` tolerate floating-point noise of ``1e-9`` points, so 10 and 25
  points behind land on ``on_track`` and ``at_risk`` even when computed from fractions.
- Columns of the activities frame named like a computed column (``progress``, ``last_signed``,
  ``expected``, ``behind``, ``status``, ``stale``) are replaced by the computed values.

LOU indicators (`plan_summary`): ``due`` counts activities due to be active in the reporting
period — started by ``as_of`` and not completed before ``period_start`` (an activity whose first
signed-off update reaching 100 % is dated before ``period_start`` has left the plan's active set);
``on_track_or_completed`` counts the due activities whose status at ``as_of`` is ``on_track`` or
``completed`` (numerator of ``LOU.ON_TRACK_PCT``, ``due`` its denominator); ``overdue`` counts the
activities past their end (``end < as_of``) and not completed (``LOU.OVERDUE``).
"""

from __future__ import annotations

from datetime import date

import polars as pl

STATUSES = ("completed", "not_started", "overdue", "stale", "on_track", "at_risk", "off_track")
ON_TRACK_POINTS = 10
AT_RISK_POINTS = 25
STALE_DAYS = 90
COMPLETE = 100.0

_EPSILON = 1e-9  # floating-point tolerance on the on-track / at-risk boundaries
_COMPUTED = ("progress", "last_signed", "expected", "behind", "status", "stale")
_UPDATE_SCHEMA = {"activity_id": pl.String, "date": pl.Date, "progress": pl.Float64,
                  "signed_off": pl.Boolean}
#: Columns of `activity_flags` that need signed-off progress to mean anything.
STATUS_FLAGS = ("due", "on_track_or_completed", "overdue")


def no_updates() -> pl.DataFrame:
    """An empty updates frame (a plan nobody has reported on yet)."""
    return pl.DataFrame(schema=_UPDATE_SCHEMA)


def expected_progress(start: date, end: date, as_of: date) -> float:
    """Elapsed share of the timeframe ``start``..``end`` at ``as_of``, in percent (0..100).

    0 up to and including ``start``; 100 from ``end`` on; ``start == end`` gives 100 once
    ``as_of >= start``. Same arithmetic as the vectorised expression used by `activity_status`.
    """
    if as_of < start:
        return 0.0
    duration = (end - start).days
    if duration <= 0:
        return 100.0
    return min(max((as_of - start).days * 100.0 / duration, 0.0), 100.0)


def _expected_expr(as_of: date) -> pl.Expr:
    duration = (pl.col("end") - pl.col("start")).dt.total_days()
    elapsed = (pl.lit(as_of, dtype=pl.Date) - pl.col("start")).dt.total_days()
    return (
        pl.when(elapsed < 0).then(pl.lit(0.0))
        .when(duration <= 0).then(pl.lit(100.0))
        .otherwise((elapsed * 100.0 / duration).clip(0.0, 100.0))
    )


def _signed_updates(updates: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The updates that count at ``as_of``: dual signed-off, dated on or before ``as_of`` and,
    when the frame says when the second signature came (``signed_on``), signed by then too — so
    a status read for a past date does not change when an old update is signed later."""
    signed_by_then = (pl.col("signed_on").is_null() | (pl.col("signed_on") <= as_of)
                      if "signed_on" in updates.columns else pl.lit(True))
    return (
        updates.filter(signed_by_then)
        .select(pl.col(name).cast(dtype) for name, dtype in _UPDATE_SCHEMA.items())
        .filter(
            pl.col("signed_off").fill_null(False),
            pl.col("date") <= as_of,
            pl.col("progress").is_not_null(),
        )
    )


def _latest_signed(signed: pl.DataFrame) -> pl.DataFrame:
    """Per activity: progress and date of the latest signed-off update (ties: highest progress)."""
    return (
        signed.sort("activity_id", "date", "progress")
        .group_by("activity_id")
        .agg(pl.col("progress").last(), pl.col("date").last().alias("last_signed"))
    )


def activity_status(activities: pl.DataFrame, updates: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """One row per activity (input order kept) with its status at ``as_of``.

    activities: ``activity_id`` (str), ``start`` (date), ``end`` (date); other columns pass through.
    updates: ``activity_id``, ``date`` (date), ``progress`` (0..100), ``signed_off`` (bool); may be
    empty. Adds ``progress`` (latest signed-off progress dated <= ``as_of``, 0.0 when none),
    ``last_signed`` (its date, or null), ``expected``, ``behind`` (= expected - progress),
    ``status`` (one of `STATUSES`) and ``stale`` (bool). See the module docstring for the rules.
    """
    latest = _latest_signed(_signed_updates(updates, as_of))
    base = activities.drop([c for c in _COMPUTED if c in activities.columns]).with_columns(
        pl.col("activity_id").cast(pl.String)
    )
    as_of_lit = pl.lit(as_of, dtype=pl.Date)
    completed = pl.col("progress") >= COMPLETE
    not_started = as_of_lit < pl.col("start")
    silent_days = (as_of_lit - pl.coalesce("last_signed", "start")).dt.total_days()
    stale = ~completed & ~not_started & (silent_days > STALE_DAYS)
    return (
        base.join(latest, on="activity_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("progress").fill_null(0.0),
            _expected_expr(as_of).alias("expected"),
        )
        .with_columns((pl.col("expected") - pl.col("progress")).alias("behind"))
        .with_columns(
            pl.when(completed).then(pl.lit("completed"))
            .when(not_started).then(pl.lit("not_started"))
            .when(as_of_lit > pl.col("end")).then(pl.lit("overdue"))
            .when(stale).then(pl.lit("stale"))
            .when(pl.col("behind") <= ON_TRACK_POINTS + _EPSILON).then(pl.lit("on_track"))
            .when(pl.col("behind") <= AT_RISK_POINTS + _EPSILON).then(pl.lit("at_risk"))
            .otherwise(pl.lit("off_track"))
            .alias("status"),
            stale.alias("stale"),
        )
    )


def activity_flags(activities: pl.DataFrame, updates: pl.DataFrame, period_start: date,
                   as_of: date) -> pl.DataFrame:
    """`activity_status` plus 0/1 columns per activity: ``due``, ``on_track_or_completed`` and
    ``overdue`` (the LOU indicators are their sums; see the module docstring), and ``active``
    (the timeframe overlaps ``period_start``..``as_of``: needs no updates)."""
    if period_start > as_of:
        raise ValueError(f"period_start {period_start} is after as_of {as_of}")
    first_completed = (
        _signed_updates(updates, as_of)
        .filter(pl.col("progress") >= COMPLETE)
        .group_by("activity_id")
        .agg(pl.col("date").min().alias("_first_completed"))
    )
    status = activity_status(activities, updates, as_of).join(
        first_completed, on="activity_id", how="left", maintain_order="left"
    )
    completed_before_period = (pl.col("_first_completed") < period_start).fill_null(False)
    due = (pl.col("start") <= as_of) & ~completed_before_period
    return status.with_columns(
        due.cast(pl.Int64).alias("due"),
        (due & pl.col("status").is_in(["on_track", "completed"])).cast(pl.Int64)
        .alias("on_track_or_completed"),
        ((pl.col("end") < as_of) & (pl.col("status") != "completed")).cast(pl.Int64)
        .alias("overdue"),
        ((pl.col("start") <= as_of) & (pl.col("end") >= period_start)).cast(pl.Int64)
        .alias("active"),
    ).drop("_first_completed")


def plan_summary(activities: pl.DataFrame, updates: pl.DataFrame, period_start: date,
                 as_of: date) -> dict:
    """LOU indicators for the period ``period_start``..``as_of``.

    Returns ``{"due": int, "on_track_or_completed": int, "overdue": int}``: ``LOU.ON_TRACK_PCT`` is
    ``on_track_or_completed / due`` (not available when ``due`` is 0), ``LOU.OVERDUE`` is
    ``overdue``. See the module docstring for the definitions.
    """
    flags = activity_flags(activities, updates, period_start, as_of)
    counts = flags.select(pl.col("due", "on_track_or_completed", "overdue").sum()).row(0, named=True)
    return {key: int(value) for key, value in counts.items()}
