"""Cached loaders: the only data_access module that knows about Streamlit.

- `engine(url)`: one SQLAlchemy engine per warehouse URL for the whole server (`st.cache_resource`).
- `warehouse_status()`: is the warehouse there and initialised? Returns its URL and data version
  (re-read every few seconds) or raises `WarehouseUnavailable` with a message that says what to do.
- `indicator_values(...)`: disclosed indicator values from the engine, cached per (warehouse,
  data version, period, as-of, filters, disaggregation, audience, thresholds, indicators). The
  data version changes with every import and rollback, so a new import shows at once and nothing
  is recomputed otherwise; the audience is part of the key because the engine applies its
  disclosure control before any value reaches a page (`st.cache_data` is shared by every user).
  The language is not: the cached frames are computed in English (`locales.using("en")`) and
  `indicator_values` / `indicator_series` hand them out with their text (name, display, note)
  in the session's language (`metrics.engine.localise`) — one cached copy for every language.
- Joint plan (`data_access.plan`): `plan_status(as_of, audience)` (activities with their status
  and latest signed figures), `plan_updates(audience)`, `plan_history(activity_id, audience)`,
  `workplan_xlsx(audience)`, each keyed on (warehouse, data version, audience, …). Writes
  (post, sign off, return) go to `data_access.plan` with `engine(url)`, inside `guarded`; every
  write bumps the data version, and `refresh()` drops the few-seconds reuse of the version so
  the author sees the change at once.

Every SQLAlchemy or OS error becomes `WarehouseUnavailable`; pages never see a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import polars as pl
import streamlit as st
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

import locales
from data_access import boundaries, indicators, plan, review, uploads, warehouse
from data_access.config import disclosure_thresholds, warehouse_url
from data_access.engine import WarehouseUnavailable, make_engine, safe_url
from locales import _
from metrics import disclosure
from metrics.engine import Request, localise
from metrics.periods import Period

_LOG = logging.getLogger(__name__)
T = TypeVar("T")

#: How long a read of the warehouse data version is reused (seconds).
DATA_VERSION_TTL = 5

INIT_HINT = locales.N_(
    "Run `hamkori init --demo` to create the demo warehouse, or set `HAMKORI_WAREHOUSE_URL` "
    "to the address of your warehouse."
)


@dataclass(frozen=True)
class WarehouseStatus:
    url: str
    data_version: int


class WarehouseProblem(WarehouseUnavailable):
    """`WarehouseUnavailable` with a separate hint on what to do, both in the language of the
    run that raised it (`st.cache_data` keeps no exception)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = _(INIT_HINT) if hint is None else hint


@st.cache_resource(show_spinner=False, on_release=lambda eng: eng.dispose())
def engine(url: str) -> Engine:
    """One engine (and connection pool) per warehouse URL, shared by all sessions."""
    return make_engine(url)


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file `url` points to when it does not exist (connecting would create it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return None if path.exists() else path


def _guarded(url: str, action: Callable[[], T]) -> T:
    """Run `action`, turning any database or OS error into a friendly `WarehouseProblem`."""
    try:
        return action()
    except WarehouseUnavailable:
        raise
    except ArgumentError as exc:
        raise WarehouseProblem(
            _("`HAMKORI_WAREHOUSE_URL` is not a database address Hamkori can use."),
            _("Check `HAMKORI_WAREHOUSE_URL` (for example `sqlite:///data/hamkori.sqlite` or "
              "`postgresql+psycopg://user@host/hamkori`), or unset it to use the embedded "
              "warehouse."),
        ) from exc
    except (SQLAlchemyError, OSError, ImportError) as exc:
        _LOG.warning("warehouse %s unavailable: %r", safe_url(url), exc)
        raise WarehouseProblem(
            _("The warehouse at `{url}` cannot be read ({error}).").format(
                url=safe_url(url), error=type(exc).__name__),
            _("Check `HAMKORI_WAREHOUSE_URL` and that the database server is running; "
              "if the file is damaged, restore it from a backup or run `hamkori init --demo`."),
        ) from exc


@st.cache_data(ttl=DATA_VERSION_TTL, show_spinner=False)
def _data_version(url: str) -> int:
    def read() -> int:
        try:
            make_url(url)
        except ValueError as exc:  # e.g. a port that is not a number: not ArgumentError
            raise ArgumentError(str(exc)) from None
        missing = _missing_sqlite_file(url)
        if missing is not None:
            raise WarehouseProblem(_("There is no warehouse at `{path}` yet.").format(
                path=missing))
        eng = engine(url)
        if not warehouse.is_initialised(eng):
            raise WarehouseProblem(_("The warehouse at `{url}` is not initialised.").format(
                url=safe_url(url)))
        with eng.connect() as connection:
            return warehouse.data_version(connection)

    return _guarded(url, read)


def refresh() -> None:
    """Forget the reused data version: the next read sees a write made in this session at once
    (other sessions see it within `DATA_VERSION_TTL` seconds)."""
    _data_version.clear()


def guarded(action: Callable[[], T]) -> T:
    """Run a write against the configured warehouse; database errors become `WarehouseProblem`
    (`data_access.plan` refusals — `PlanRefused`, `Conflict` — pass through unchanged)."""
    return _guarded(warehouse_url(), action)


def warehouse_status() -> WarehouseStatus:
    """The configured warehouse and its data version; raises `WarehouseProblem`."""
    url = warehouse_url()
    return WarehouseStatus(url, _data_version(url))


@st.cache_data(show_spinner=False, max_entries=256)
def _data_years(url: str, data_version: int) -> tuple[int, int] | None:
    def read() -> tuple[int, int] | None:
        with engine(url).connect() as connection:
            return indicators.data_years(connection)

    return _guarded(url, read)


def data_years() -> tuple[int, int] | None:
    """First and last year with data, or None for an empty warehouse."""
    status = warehouse_status()
    return _data_years(status.url, status.data_version)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def _analytics_frame(url: str, data_version: int, key: str, country: str) -> pl.DataFrame:
    """One analytics table as a Polars frame, read once per data version for every question
    and every session (frames are immutable: the engine never changes one in place). These are
    the precomputed aggregates, before any disclosure: they never reach a page as such, only
    through the engine, which applies the audience's disclosure control."""
    with engine(url).connect() as connection:
        return indicators.load_frame(connection, key, country)


def _frame_reader(url: str, data_version: int) -> indicators.FrameReader:
    def read(_connection: Connection, key: str, country: str) -> pl.DataFrame:
        # only the official tables are narrowed to a country: the others are kept once
        scoped = country if indicators.by_country(key) else ""
        return _analytics_frame(url, data_version, key, scoped)

    return read


@st.cache_data(show_spinner=False, max_entries=512)
def _indicator_values(url: str, data_version: int, period: str, as_of: date | None,
                      audience: str, filters: tuple[tuple[str, tuple[str, ...]], ...],
                      by: tuple[str, ...], codes: tuple[str, ...] | None, country: str,
                      thresholds: tuple[tuple[str, int | None], ...], compare: bool
                      ) -> pl.DataFrame:
    request = Request(Period.parse(period), audience, as_of=as_of, by=by, filters=dict(filters),
                      country=country, thresholds=dict(thresholds), compare=compare)

    def read() -> pl.DataFrame:
        with engine(url).connect() as connection, locales.using(locales.DEFAULT):
            return indicators.compute(connection, request, codes,
                                      reader=_frame_reader(url, data_version))

    return _guarded(url, read)


def indicator_values(period: Period, audience: str, *, region: str | None = None,
                     by: tuple[str, ...] = (), codes: tuple[str, ...] | None = None,
                     as_of: date | None = None, country: str = "TJK", compare: bool = True
                     ) -> pl.DataFrame:
    """Indicator values as `audience` may see them (disclosure already applied by the engine),
    their text in the current language."""
    status = warehouse_status()
    filters = (("region", (region,)),) if region else ()
    return localise(_indicator_values(status.url, status.data_version, period.label, as_of,
                                      audience, filters, tuple(by),
                                      tuple(codes) if codes else None, country, _thresholds(),
                                      compare))


# ------------------------------------------------------------------------------- joint plan
def _read_plan(url: str, reader: Callable[[Connection], T]) -> T:
    def read() -> T:
        with engine(url).connect() as connection:
            return reader(connection)

    return _guarded(url, read)


@st.cache_data(show_spinner=False, max_entries=128)
def _plan_status(url: str, data_version: int, audience: str, as_of: date) -> pl.DataFrame:
    def read(connection: Connection) -> pl.DataFrame:
        return plan.status(connection, audience, as_of)

    return _read_plan(url, read)


def plan_status(as_of: date, audience: str) -> pl.DataFrame:
    """The plan's activities with their status at `as_of` (only dual-signed updates count) and
    the latest signed indicator actual and funds; empty when there is no plan."""
    status = warehouse_status()
    return _plan_status(status.url, status.data_version, audience, as_of)


@st.cache_data(show_spinner=False, max_entries=128)
def _plan_updates(url: str, data_version: int, audience: str) -> pl.DataFrame:
    return _read_plan(url, lambda connection: plan.updates(connection, audience))


def plan_updates(audience: str) -> pl.DataFrame:
    """Current updates with `state` and `waiting_for`; no internal narrative for donors."""
    status = warehouse_status()
    return _plan_updates(status.url, status.data_version, audience)


@st.cache_data(show_spinner=False, max_entries=256)
def _plan_history(url: str, data_version: int, audience: str, activity_id: str
                  ) -> pl.DataFrame:
    return _read_plan(url, lambda connection: plan.history(connection, audience, activity_id))


def plan_history(activity_id: str, audience: str) -> pl.DataFrame:
    """Every version of every update of an activity (newest first), as `audience` may see it."""
    status = warehouse_status()
    return _plan_history(status.url, status.data_version, audience, activity_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _activity_versions(url: str, data_version: int, audience: str, activity_id: str
                       ) -> pl.DataFrame:
    return _read_plan(url, lambda connection: plan.activity_versions(connection, activity_id,
                                                                     audience))


def activity_versions(activity_id: str, audience: str) -> pl.DataFrame:
    """Every version of an activity with who imported it (staff for the agencies only), when,
    and what changed."""
    status = warehouse_status()
    return _activity_versions(status.url, status.data_version, audience, activity_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _workplan_xlsx(url: str, data_version: int, audience: str) -> bytes:
    return _read_plan(url, plan.export_workplan)


def workplan_xlsx(audience: str) -> bytes:
    """The XLSX workplan (activities + updates, internal narratives included): refused to
    donors with `plan.NotAllowed`, whatever the page shows."""
    if audience not in plan.INTERNAL_READERS:
        raise plan.NotAllowed(f"the {audience} audience cannot download the workplan "
                              "(it holds internal narratives)")
    status = warehouse_status()
    return _workplan_xlsx(status.url, status.data_version, audience)


# ------------------------------------------------------------------------------- dashboard pages
@st.cache_data(show_spinner=False, max_entries=512)
def _indicator_series(url: str, data_version: int, periods: tuple[str, ...], audience: str,
                      filters: tuple[tuple[str, tuple[str, ...]], ...],
                      codes: tuple[str, ...], country: str,
                      thresholds: tuple[tuple[str, int | None], ...]) -> pl.DataFrame:
    requests = [Request(Period.parse(p), audience, filters=dict(filters), country=country,
                        thresholds=dict(thresholds), compare=False) for p in periods]

    def read() -> pl.DataFrame:
        with engine(url).connect() as connection, locales.using(locales.DEFAULT):
            return indicators.compute_series(connection, requests, codes,
                                             reader=_frame_reader(url, data_version))

    return _guarded(url, read)


def indicator_series(periods: list[Period], audience: str, codes: tuple[str, ...], *,
                     region: str | None = None, country: str = "TJK") -> pl.DataFrame:
    """The indicators for each of `periods` (a trend), one frame with a `period` column, as
    `audience` may see them (with the disclosure control across periods); the analytics
    frames are read once for all periods."""
    status = warehouse_status()
    filters = (("region", (region,)),) if region else ()
    return localise(_indicator_series(status.url, status.data_version,
                                      tuple(p.label for p in periods), audience, filters,
                                      tuple(codes), country, _thresholds()))


def _thresholds() -> tuple[tuple[str, int | None], ...]:
    try:
        return tuple(sorted(disclosure_thresholds().items()))
    except ValueError as exc:  # a misconfigured server must not fall back to showing small counts
        raise WarehouseProblem(str(exc), _("Fix the setting and restart the dashboard.")) from exc


@st.cache_data(show_spinner=False, max_entries=16)
def _boundaries(url: str, data_version: int) -> pl.DataFrame:
    def read() -> pl.DataFrame:
        with engine(url).connect() as connection:
            return boundaries.load(connection)

    return _guarded(url, read)


def boundary_shapes() -> pl.DataFrame:
    """The imported region/district boundaries (empty when none was imported). Boundaries are
    public geography, the same for every audience."""
    status = warehouse_status()
    return _boundaries(status.url, status.data_version)


# ------------------------------------------------------------------------------- data page
@st.cache_data(show_spinner=False, max_entries=32)
def _import_history(url: str, data_version: int, audience: str) -> pl.DataFrame:
    return _guarded(url, lambda: uploads.history(engine(url), audience))


def import_history(audience: str) -> pl.DataFrame:
    """Import batches newest first: every dataset for the data manager, the datasets it may
    import for an agency (`data_access.uploads.history`)."""
    status = warehouse_status()
    return _import_history(status.url, status.data_version, audience)


@st.cache_data(show_spinner=False, max_entries=32)
def _dataset_freshness(url: str, data_version: int, audience: str) -> pl.DataFrame:
    return _guarded(url, lambda: uploads.freshness(engine(url), audience))


def dataset_freshness(audience: str) -> pl.DataFrame:
    """Per dataset the audience may import (all for the data manager): rows, last import and
    the period covered."""
    status = warehouse_status()
    return _dataset_freshness(status.url, status.data_version, audience)


# ------------------------------------------------------------------------------- UNDAF review
@st.cache_data(show_spinner=False, max_entries=32)
def _review_framework(url: str, data_version: int, audience: str) -> pl.DataFrame:
    return _read_plan(url, review.framework)


def review_framework(audience: str) -> pl.DataFrame:
    """The Cooperation Framework's current outcomes and outputs with their import batches
    (`data_access.review.framework`; the same for every audience, keyed on it like every
    loader)."""
    status = warehouse_status()
    return _review_framework(status.url, status.data_version, audience)


@st.cache_data(show_spinner=False, max_entries=32)
def _review_targets(url: str, data_version: int, audience: str,
                    thresholds: tuple[tuple[str, int | None], ...]) -> pl.DataFrame:
    return _read_plan(url, lambda connection: review.targets(connection, audience,
                                                             dict(thresholds)))


def review_targets(audience: str) -> pl.DataFrame:
    """The current indicator targets as `audience` may see them (no small count target, none
    of an indicator it does not see), with their import batches."""
    status = warehouse_status()
    return _review_targets(status.url, status.data_version, audience, _thresholds())


def audience_threshold(audience: str) -> int | None:
    """The audience's disclosure threshold as configured (None = exact counts)."""
    return disclosure.threshold_for(audience, dict(_thresholds()))


# ------------------------------------------------------------------------------- briefing
class BriefingSource:
    """The briefing deck's figures for the app (`briefing.content.Source`): the cached loaders
    above, each keyed by audience, so the deck on the briefing page is `hamkori brief`'s deck
    (which asks `briefing.content.WarehouseSource` the same questions)."""

    def thresholds(self) -> dict[str, int | None]:
        return dict(_thresholds())

    def values(self, period: Period, audience: str, codes, *, region: str | None = None,
               by=(), compare: bool = False) -> pl.DataFrame:
        return indicator_values(period, audience, region=region, by=tuple(by),
                                codes=tuple(codes), compare=compare)

    def series(self, periods, audience: str, codes, *, region: str | None = None
               ) -> pl.DataFrame:
        return indicator_series(list(periods), audience, tuple(codes), region=region)

    def plan_status(self, as_of: date, audience: str) -> pl.DataFrame:
        return plan_status(as_of, audience)

    def plan_updates(self, audience: str) -> pl.DataFrame:
        return plan_updates(audience)

    def boundaries(self) -> pl.DataFrame:
        return boundary_shapes()
