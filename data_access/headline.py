"""Headline figures of the Home page: a handful of warehouse totals for one year and region.

Pure data access (SQLAlchemy Core, bind parameters only, no streamlit). Only current rows count
(`superseded_by IS NULL`). Each figure carries its value, the date its data is "as of" and the
dataset it comes from, so a page can always say where a number comes from.

Missing data is `None`, never 0. The rule per figure:

- population stocks (`POP.*`): the latest snapshot `date` <= 31 Dec of the year (within the
  region, when one is given). No snapshot -> `None`. At a snapshot, a population type without rows
  is a real 0 (the file for that date covers the country).
- flows (`SOL.RETURNS`): `None` when the `solutions` dataset has no row in the year (and region);
  otherwise the sum, which may be a real 0 (rows exist, none of them returns).
- case lists (`RST.SUBMITTED`, `STA.*`, `LOU.ACTIVITIES`): `None` when no case/activity falls in
  the filter; `STA.RESOLVED` is a real 0 when cases were identified but none resolved.

"As of" = the period end, or earlier when the data stops earlier: the snapshot date for stocks,
the end of the last month with data for flows, the date of the latest import for case lists.

Disclosure control (DOMAIN §7) for metric tiles lives here too (`disclose`), so the cached
loaders apply it before any value reaches a page.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Connection, Table, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from data_access import datasets as ds
from data_access import reference as ref
from data_access import schema

#: Disclosure threshold per audience (DOMAIN §7): a count 1..threshold-1 is not shown.
#: Audiences not listed (unhcr, admin) see exact counts.
DEFAULT_DISCLOSURE_THRESHOLD = 5
DISCLOSURE_THRESHOLDS: dict[str, int] = {
    "donor": DEFAULT_DISCLOSURE_THRESHOLD,
    "unicef": DEFAULT_DISCLOSURE_THRESHOLD,
}

RESOLVED_STATUSES = ("confirmed", "acquired")


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline number. `value is None` means "no data" unless `suppressed_below` is set."""

    code: str
    label: str
    dataset: str
    value: int | None
    as_of: date | None
    #: The figure is national even when a region is selected (the dataset has no region).
    national_only: bool = False
    #: A count of people (subject to disclosure control), not of activities.
    counts_people: bool = True
    #: Set by `disclose`: the true count is 1..suppressed_below-1 and must be shown as "<N".
    suppressed_below: int | None = None

    @property
    def source(self) -> str:
        return ds.DATASETS[self.dataset].title

    @property
    def has_data(self) -> bool:
        return self.value is not None or self.suppressed_below is not None


#: Codes in display order, with their labels and source datasets.
FIGURES: dict[str, tuple[str, str]] = {
    "POP.POC": ("Persons of concern", "population"),
    "POP.REF": ("Refugees", "population"),
    "POP.ASY": ("Asylum-seekers", "population"),
    "STA.IDENTIFIED": ("At risk of statelessness identified (cumulative)", "statelessness"),
    "STA.RESOLVED": ("Statelessness resolved (cumulative)", "statelessness"),
    "SOL.RETURNS": ("Voluntary returns in the year (persons)", "solutions"),
    "RST.SUBMITTED": ("Resettlement submissions in the year (persons)", "resettlement"),
    "LOU.ACTIVITIES": ("Joint-plan activities active in the year", "joint_plan"),
}
#: Figures that count things, not people: disclosure control does not apply.
NOT_PEOPLE = frozenset({"LOU.ACTIVITIES"})


def _figure(code: str, value: int | None, as_of: date | None, *, national_only: bool = False
            ) -> HeadlineFigure:
    label, dataset = FIGURES[code]
    if value is None or as_of is None:
        value, as_of = None, None
    return HeadlineFigure(code, label, dataset, value, as_of, national_only,
                          counts_people=code not in NOT_PEOPLE)


def _current(table: Table) -> ColumnElement[bool]:
    return table.c.superseded_by.is_(None)


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _latest_import(connection: Connection, table: Table, *where: ColumnElement[bool]) -> date | None:
    """Date of the latest import batch that contributed current rows matching `where`."""
    batch = schema.import_batch
    stmt = (
        select(func.max(batch.c.imported_at))
        .select_from(table.join(batch, table.c.batch_id == batch.c.id))
        .where(_current(table), *where)
    )
    return _as_date(connection.execute(stmt).scalar())


def _population(connection: Connection, period_end: date, region: str | None
                ) -> dict[str, HeadlineFigure]:
    pop = schema.table_for("population")
    where = [_current(pop), pop.c.date <= period_end]
    if region:
        where.append(pop.c.region == region)
    snapshot = _as_date(connection.execute(select(func.max(pop.c.date)).where(*where)).scalar())
    by_type: dict[str, int] = {}
    if snapshot is not None:
        rows = connection.execute(
            select(pop.c.population_type, func.sum(pop.c.persons))
            .where(*where, pop.c.date == snapshot)
            .group_by(pop.c.population_type)
        )
        by_type = {code: int(total or 0) for code, total in rows}
    poc = sum(by_type.get(code, 0) for code in ref.PERSONS_OF_CONCERN)
    return {
        "POP.POC": _figure("POP.POC", poc, snapshot),
        "POP.REF": _figure("POP.REF", by_type.get("REF", 0), snapshot),
        "POP.ASY": _figure("POP.ASY", by_type.get("ASY", 0), snapshot),
    }


def _statelessness(connection: Connection, period_end: date, region: str | None
                   ) -> dict[str, HeadlineFigure]:
    sta = schema.table_for("statelessness")
    where = [sta.c.identified <= period_end]
    if region:
        where.append(sta.c.region == region)
    resolved_case = case(
        (and_(sta.c.status.in_(RESOLVED_STATUSES), sta.c.resolved.is_not(None),
              sta.c.resolved <= period_end), 1),
        else_=0,
    )
    identified, resolved = connection.execute(
        select(func.count(), func.sum(resolved_case)).where(_current(sta), *where)
    ).one()
    as_of = None
    if identified:
        imported = _latest_import(connection, sta, *where)
        as_of = min(period_end, imported) if imported else period_end
    return {
        "STA.IDENTIFIED": _figure("STA.IDENTIFIED", int(identified) or None, as_of),
        "STA.RESOLVED": _figure("STA.RESOLVED", int(resolved or 0), as_of),
    }


def _returns(connection: Connection, period_start: date, period_end: date, region: str | None
             ) -> HeadlineFigure:
    sol = schema.table_for("solutions")
    where = [_current(sol), sol.c.month >= period_start, sol.c.month <= period_end]
    if region:
        where.append(sol.c.region == region)
    returns = case((sol.c.solution == "voluntary_return", sol.c.persons), else_=0)
    rows, last_month, total = connection.execute(
        select(func.count(), func.max(sol.c.month), func.sum(returns)).where(*where)
    ).one()
    if not rows:
        return _figure("SOL.RETURNS", None, None)
    return _figure("SOL.RETURNS", int(total or 0), min(period_end, _month_end(_as_date(last_month))))


def _resettlement(connection: Connection, period_start: date, period_end: date,
                  region: str | None) -> HeadlineFigure:
    rst = schema.table_for("resettlement")
    where = [rst.c.submitted >= period_start, rst.c.submitted <= period_end]
    cases, persons = connection.execute(
        select(func.count(), func.sum(rst.c.persons)).where(_current(rst), *where)
    ).one()
    if not cases:
        return _figure("RST.SUBMITTED", None, None, national_only=bool(region))
    imported = _latest_import(connection, rst, *where)
    as_of = min(period_end, imported) if imported else period_end
    return _figure("RST.SUBMITTED", int(persons or 0), as_of, national_only=bool(region))


def _joint_plan(connection: Connection, period_start: date, period_end: date,
                region: str | None) -> HeadlineFigure:
    plan = schema.table_for("joint_plan")
    where = [plan.c.start <= period_end, plan.c.end >= period_start]
    activities = connection.execute(
        select(func.count()).where(_current(plan), *where)
    ).scalar_one()
    if not activities:
        return _figure("LOU.ACTIVITIES", None, None, national_only=bool(region))
    imported = _latest_import(connection, plan, *where)
    as_of = min(period_end, imported) if imported else period_end
    return _figure("LOU.ACTIVITIES", int(activities), as_of, national_only=bool(region))


def headline_figures(connection: Connection, year: int, region: str | None = None
                     ) -> dict[str, HeadlineFigure]:
    """The Home page figures for calendar `year`, in `FIGURES` order.

    `region` is an ISO 3166-2:TJ code or None for the whole country. Resettlement cases and
    joint-plan activities have no region: with a region selected they stay national and say so
    (`national_only`).
    """
    if region is not None and region not in ref.REGIONS:
        raise ValueError(f"unknown region code {region!r}")
    period_start, period_end = date(year, 1, 1), date(year, 12, 31)
    figures: dict[str, HeadlineFigure] = {}
    figures |= _population(connection, period_end, region)
    figures |= _statelessness(connection, period_end, region)
    figures["SOL.RETURNS"] = _returns(connection, period_start, period_end, region)
    figures["RST.SUBMITTED"] = _resettlement(connection, period_start, period_end, region)
    figures["LOU.ACTIVITIES"] = _joint_plan(connection, period_start, period_end, region)
    return {code: figures[code] for code in FIGURES}


def data_years(connection: Connection) -> tuple[int, int] | None:
    """First and last calendar year with current data in the datasets the headline reads.

    Joint-plan activity dates are plans (they run into the future), so they do not count.
    """
    columns = [
        (schema.table_for("population"), "date"),
        (schema.table_for("solutions"), "month"),
        (schema.table_for("resettlement"), "submitted"),
        (schema.table_for("statelessness"), "identified"),
    ]
    dates: list[date] = []
    for table, column in columns:
        first, last = connection.execute(
            select(func.min(table.c[column]), func.max(table.c[column])).where(_current(table))
        ).one()
        dates += [d for d in (_as_date(first), _as_date(last)) if d is not None]
    if not dates:
        return None
    return min(dates).year, max(dates).year


# ---- Disclosure control (DOMAIN §7) ---------------------------------------------------------------


def disclosure_threshold(audience: str) -> int | None:
    """The small-cell threshold for `audience`, or None when it sees exact counts."""
    return DISCLOSURE_THRESHOLDS.get(audience)


def is_small_count(value: int | None, audience: str) -> bool:
    """True when `value` is a count of people 1..threshold-1 that `audience` must not see."""
    threshold = disclosure_threshold(audience)
    return threshold is not None and value is not None and 1 <= value < threshold


def disclose(figures: Mapping[str, HeadlineFigure], audience: str) -> dict[str, HeadlineFigure]:
    """Figures as `audience` may see them: small counts of people lose their value ("<N").

    National headline totals are rarely small; the rule is applied anyway so no tile can skip it.
    Primary suppression only: complementary suppression (DOMAIN §7) belongs to the fuller
    disclosure engine (with a region selected, a suppressed asylum-seeker tile is still bounded
    by persons of concern minus refugees).
    """
    threshold = disclosure_threshold(audience)
    return {
        code: replace(figure, value=None, suppressed_below=threshold)
        if figure.counts_people and is_small_count(figure.value, audience) else figure
        for code, figure in figures.items()
    }


def display_value(figure: HeadlineFigure) -> str | None:
    """The text of a metric tile: "8,600", "<5", or None when there is no data."""
    if figure.suppressed_below is not None:
        return f"<{figure.suppressed_below}"
    if figure.value is None:
        return None
    return f"{figure.value:,}"
