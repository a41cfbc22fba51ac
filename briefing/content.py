"""The briefing's content: which slides a deck has and what each says (`build_deck`).

One message per slide — a headline figure, one chart, one sentence, its sources — for a
reporting year and an audience, in a language. Every number comes from the indicator engine for
that audience (DOMAIN §7 disclosure control already applied: counts of 1 … threshold − 1 arrive
as "<5", complementary cells and rates on small bases withheld), every chart from the dashboard's
figure builders (`pages/_figures.py`, `pages/_plan_figures.py`: they never draw a withheld cell),
every joint-plan narrative from `data_access.plan`, which gives an audience outside the agencies
only the signed, shared ones and agencies instead of staff names.

Where the figures come from is a `Source`: the same questions asked of the app's cache
(`data_access.cache.BriefingSource`, for the briefing page) or straight of a warehouse
connection (`WarehouseSource(engine)`, for `hamkori brief`), so the page and the files show the
same deck.

Slides (keys): `title`, `people`, `where`, `children`, `asylum`, `solutions`, `education`,
`statelessness`, `plan`, `funding`, `what-changed`, then the joint-plan report for the annual
review, one slide per area with activities in the year (`plan-area-<area code>`). A slide whose
indicators the audience may not see is left out (UNICEF: no asylum, no durable solutions);
`funding` only when funding data exist for the year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import plotly.graph_objects as go
import polars as pl
from sqlalchemy import Connection, Engine

import locales
from briefing.model import Deck, Slide
from data_access import boundaries, indicators, plan
from data_access import reference as ref
from data_access.config import disclosure_thresholds
from locales import N_, _
from metrics import changes
from metrics.catalogue import CATALOGUE, audience_title, indicator_name
from metrics.disclosure import threshold_for
from metrics.engine import NO_DATA, OK, RESULT_SCHEMA, SUPPRESSED, TOTAL, Request, format_value
from metrics.periods import SCHOOL_YEAR, YEAR, Period
from pages import _figures as fig
from pages import _plan_figures as plan_fig

BRANDING = N_("UNHCR · UNICEF — Tajikistan")
#: How many years a trend slide looks back (the overview's sparklines do the same).
TREND_YEARS = 7
#: At most this many activities listed on a joint-plan report slide.
ACTIVITIES_PER_SLIDE = 6
#: The sentences of the "what changed" slide: largest changes, then targets.
CHANGES, TARGETS = 5, 3

#: The indicators compared on the "what changed" slide (those the audience may see).
CHANGE_CODES = (
    "POP.POC", "POP.REF", "POP.ASY", "POP.STA", "POP.CHILDREN_PCT", "ASY.APPLIED", "ASY.RRR",
    "SOL.RETURNS", "SOL.NATURALISED", "RST.SUBMITTED", "RST.DEPARTED", "EDU.GER_PRIMARY",
    "EDU.GER_SECONDARY", "EDU.NER", "EDU.GPI", "EDU.OUT_OF_SCHOOL", "STA.IDENTIFIED",
    "STA.RESOLVED_PERIOD", "STA.RESOLUTION_PCT", "BRN.U5_REGISTERED_PCT", "LOU.ON_TRACK_PCT",
    "FUND.RECEIVED_PCT",
)
#: Every indicator a slide reads for the reporting year (the headline figures and sentences).
YEAR_CODES = (*CHANGE_CODES, "POP.FEMALE_PCT", "ASY.DECIDED", "ASY.TPR", "STA.RESOLVED",
              "LOU.ACTIVE")
EDUCATION_CODES = ("EDU.NER", "EDU.GER_PRIMARY", "EDU.GER_SECONDARY", "EDU.GPI",
                   "EDU.OUT_OF_SCHOOL")

#: Datasets whose as-of date is the period's end whatever the data (plan status, annual funds).
UNDATED = ("joint_plan", "funding")
#: How a slide names where its figures come from (per dataset of the catalogue).
SOURCE_NAMES = {
    "population": N_("Population of concern (UNHCR registration)"),
    "asylum": N_("Asylum applications and decisions"),
    "solutions": N_("Voluntary repatriation and naturalisation"),
    "resettlement": N_("Resettlement cases"),
    "education": N_("School enrolment of children of concern"),
    "statelessness": N_("Statelessness cases of the joint project"),
    "birth_registration": N_("Birth registration of children under five"),
    "joint_plan": N_("UNHCR–UNICEF Joint Plan of Action, dual-signed updates"),
    "funding": N_("Funding pledged and received"),
}


# ------------------------------------------------------------------------------------ sources
class Source(Protocol):
    """Where a deck's figures come from. Every frame is the indicator engine's (or the plan
    reader's) answer *for the audience asked*: disclosure control is applied before a value
    reaches the deck. Frames' text (indicator names, display values) is in the current
    language."""

    def thresholds(self) -> Mapping[str, int | None]:
        """The small-count threshold of each audience (DOMAIN §7), as the server applies it."""
        ...

    def values(self, period: Period, audience: str, codes: Sequence[str], *,
               region: str | None = None, by: Sequence[str] = (), compare: bool = False
               ) -> pl.DataFrame:
        """`metrics.engine.evaluate` for one period (`hamkori report`'s rows)."""
        ...

    def series(self, periods: Sequence[Period], audience: str, codes: Sequence[str], *,
               region: str | None = None) -> pl.DataFrame:
        """A trend: the total rows for each period, guarded across periods."""
        ...

    def plan_status(self, as_of: date, audience: str) -> pl.DataFrame:
        """`data_access.plan.status`: the activities and their status at `as_of`."""
        ...

    def plan_updates(self, audience: str) -> pl.DataFrame:
        """`data_access.plan.updates`: the current updates as the audience may read them."""
        ...

    def boundaries(self) -> pl.DataFrame:
        """The imported region boundaries (empty when none: the map draws circles)."""
        ...


class WarehouseSource:
    """A `Source` reading a warehouse through `engine` (the command line): one connection per
    question, each analytics frame read once for the whole deck. `thresholds` defaults to the
    server's setting (`HAMKORI_DISCLOSURE_THRESHOLDS`)."""

    def __init__(self, engine: Engine, thresholds: Mapping[str, int | None] | None = None
                 ) -> None:
        self.engine = engine
        self._thresholds = dict(disclosure_thresholds() if thresholds is None else thresholds)
        self._frames: dict[tuple[str, str], pl.DataFrame] = {}

    def _read(self, connection: Connection, key: str, country: str) -> pl.DataFrame:
        scoped = country if indicators.by_country(key) else ""
        if (key, scoped) not in self._frames:
            self._frames[(key, scoped)] = indicators.load_frame(connection, key, country)
        return self._frames[(key, scoped)]

    def _request(self, period: Period, audience: str, region: str | None,
                 by: Sequence[str] = (), compare: bool = False) -> Request:
        return Request(period, audience, by=tuple(by),
                       filters={"region": (region,)} if region else {},
                       thresholds=self._thresholds, compare=compare)

    def thresholds(self) -> Mapping[str, int | None]:
        return dict(self._thresholds)

    def values(self, period: Period, audience: str, codes: Sequence[str], *,
               region: str | None = None, by: Sequence[str] = (), compare: bool = False
               ) -> pl.DataFrame:
        with self.engine.connect() as connection:
            return indicators.compute(connection, self._request(period, audience, region, by,
                                                                compare),
                                      list(codes), reader=self._read)

    def series(self, periods: Sequence[Period], audience: str, codes: Sequence[str], *,
               region: str | None = None) -> pl.DataFrame:
        with self.engine.connect() as connection:
            return indicators.compute_series(
                connection, [self._request(p, audience, region) for p in periods], list(codes),
                reader=self._read)

    def plan_status(self, as_of: date, audience: str) -> pl.DataFrame:
        with self.engine.connect() as connection:
            return plan.status(connection, audience, as_of)

    def plan_updates(self, audience: str) -> pl.DataFrame:
        with self.engine.connect() as connection:
            return plan.updates(connection, audience)

    def boundaries(self) -> pl.DataFrame:
        with self.engine.connect() as connection:
            return boundaries.load(connection)


# ------------------------------------------------------------------------------------ helpers
def shown(row: Mapping | None) -> str:
    """A value as a slide shows it: the engine's display text ("<5" for a small count), "not
    shown" for any other withheld value (a complementary cell, a rate on a small base — never
    the engine's bare word "suppressed"), "—" when there is no data."""
    if row is None or row["status"] == NO_DATA:
        return "—"
    if row["status"] == SUPPRESSED and not str(row["display"] or "").startswith("<"):
        return _("not shown")
    return row["display"]


def withheld(rows: Sequence[Mapping | None]) -> bool:
    """Whether any of `rows` is withheld by disclosure control (as opposed to missing)."""
    return any(row is not None and row["status"] == SUPPRESSED for row in rows)


def has_value(row: Mapping | None) -> bool:
    return row is not None and row["status"] == OK and row["value"] is not None


def disclosure_note(threshold: int | None) -> str | None:
    """What an audience with a threshold is told about small numbers (None: exact counts)."""
    if threshold is None:
        return None
    return _("Counts below {threshold} people are shown as <{threshold}; other cells are "
             "withheld where a small one could be recovered from a total.").format(
        threshold=threshold)


def source_names(codes: Sequence[str]) -> tuple[str, ...]:
    """The sources of `codes`' figures, in the current language, each once."""
    datasets = dict.fromkeys(CATALOGUE.source_of(CATALOGUE.indicator(code)).dataset
                             for code in codes)
    return tuple(_(SOURCE_NAMES.get(dataset, dataset)) for dataset in datasets)


def _school_year(year: int) -> Period:
    return Period(SCHOOL_YEAR, year)


# ------------------------------------------------------------------------------------ the deck
@dataclass
class _Briefing:
    """One deck being built: the questions asked once, the slides made from the answers."""

    source: Source
    audience: str
    year: int
    region: str | None
    previous_year: int
    today: date
    visible: frozenset[str] = field(init=False)
    threshold: int | None = field(init=False)
    period: Period = field(init=False)
    current: pl.DataFrame = field(init=False)  # the year's values of YEAR_CODES
    rows: dict[str, dict] = field(init=False)  # … by indicator

    def __post_init__(self) -> None:
        self.visible = frozenset(i.code for i in CATALOGUE.for_audience(self.audience))
        self.threshold = threshold_for(self.audience, self.source.thresholds())
        self.period = Period(YEAR, self.year)
        self.current = self.values(YEAR_CODES)
        self.rows = {row["indicator"]: row for row in self.current.iter_rows(named=True)}

    # --------------------------------------------------------------- questions
    def codes(self, codes: Sequence[str]) -> list[str]:
        return [code for code in codes if code in self.visible]

    def values(self, codes: Sequence[str], *, period: Period | None = None,
               by: Sequence[str] = (), region: str | None | bool = True) -> pl.DataFrame:
        chosen = self.region if region is True else (region or None)
        shown_codes = self.codes(codes)
        if not shown_codes:  # asked for nothing: never "every indicator" by default
            return pl.DataFrame(schema={**RESULT_SCHEMA, **dict.fromkeys(by, pl.String)})
        return self.source.values(period or self.period, self.audience, shown_codes,
                                  region=chosen, by=by)

    def trend(self, codes: Sequence[str], periods: Sequence[Period]) -> pl.DataFrame:
        """The series of `codes` over `periods`; a national one in a regional deck named so
        (the chart's legend and hover text)."""
        shown_codes = self.codes(codes)
        if not shown_codes:
            return pl.DataFrame(schema=RESULT_SCHEMA)
        series = self.source.series(periods, self.audience, shown_codes, region=self.region)
        names = self.national_names(shown_codes)
        if names and not series.is_empty():
            series = series.with_columns(
                pl.col("indicator").replace_strict(names, default=pl.col("name"),
                                                   return_dtype=pl.String).alias("name"))
        return series

    def years(self) -> list[Period]:
        return [Period(YEAR, y) for y in range(self.year - TREND_YEARS + 1, self.year + 1)]

    def row(self, code: str) -> dict | None:
        return self.rows.get(code) if code in self.visible else None

    # --------------------------------------------------------------- national figures
    def national(self, code: str) -> bool:
        """Whether `code` stays national in this deck: a regional deck, and a source without a
        region (asylum, resettlement, the joint plan, funding — the engine's "national
        figure" note)."""
        if self.region is None or code not in CATALOGUE.indicators:
            return False
        return "region" not in CATALOGUE.source_of(CATALOGUE.indicator(code)).dimensions

    def labelled(self, code: str, text: str) -> str:
        """`text` (a headline's label, an indicator's name) marked "(national)" when `code`'s
        figure is national in a regional deck: the donor reads which figures are the
        region's."""
        return _("{label} (national)").format(label=text) if self.national(code) else text

    def nationally(self, sentence: str | None, *codes: str) -> str | None:
        """A sentence on national figures, said to be national in a regional deck."""
        if sentence is None or not any(self.national(code) for code in codes):
            return sentence
        return _("National figures, no regional breakdown: {sentence}").format(
            sentence=sentence)

    def national_names(self, codes: Sequence[str]) -> dict[str, str]:
        """code -> its name marked "(national)", for the national ones among `codes`."""
        return {code: self.labelled(code, indicator_name(code)) for code in codes
                if self.national(code)}

    @property
    def as_of(self) -> date | None:
        """The data's as-of date: the latest of the figures' own dates (the plan and funding
        are read at the period's end by definition, so they do not say how fresh data are)."""
        days = [row["as_of"] for code, row in self.rows.items()
                if row["status"] == OK and row["as_of"] is not None
                and CATALOGUE.source_of(CATALOGUE.indicator(code)).dataset not in UNDATED]
        return max(days) if days else None

    # --------------------------------------------------------------- slides
    def slide(self, key: str, title: str, codes: Sequence[str], *, headline: str | None = None,
              headline_label: str | None = None, sentence: str | None = None,
              figure: go.Figure | None = None, bullets: Sequence[str] = ()) -> Slide:
        note = fig.withheld_note(figure) if figure is not None else None
        if figure is not None and fig.is_empty(figure):  # every cell missing or withheld
            figure = None
        return Slide(key=key, title=title, headline=headline, headline_label=headline_label,
                     sentence=sentence, figure=figure, bullets=tuple(bullets),
                     sources=source_names(self.codes(codes)), note=note)

    def title_slide(self, deck_title: str, period: str, as_of: str) -> Slide:
        bullets = [_("Reporting period: {period}").format(period=period),
                   _("Data as of {date}").format(date=as_of),
                   _("Prepared for: {audience}").format(audience=audience_title(self.audience))]
        if self.region is not None:
            bullets.append(_("Figures marked (national) are Tajikistan's: their source has no "
                             "regional breakdown."))
        if self.threshold is None:
            bullets.append(_("Exact counts: for UNHCR and UNICEF only, not for circulation."))
        return Slide(key="title", title=deck_title,
                     sentence=_("Joint results of UNHCR and UNICEF for refugees, asylum-seekers, "
                                "stateless persons and the children among them."),
                     bullets=tuple(bullets), note=disclosure_note(self.threshold))

    def people(self) -> Slide:
        total = self.row("POP.POC")
        by_type = self.values(["POP.POC"], by=["population_type"])
        figure = fig.bars(by_type, "population_type", title=_("By population type"),
                          unit="persons", names=lambda code: ref.label(ref.POPULATION_TYPES, code))
        return self.slide(
            "people", _("People we serve"), ["POP.POC"], headline=shown(total),
            headline_label=self._stock_label(total),
            sentence=self._people_sentence(total), figure=figure,
            bullets=self._listed(["POP.REF", "POP.ASY", "POP.STA", "POP.FEMALE_PCT"]))

    def _stock_label(self, total: Mapping | None) -> str:
        """'persons of concern at the end of 2025' — or, when the data's own date is earlier
        (the current year before its first snapshot: the engine carries the latest one
        forward), 'persons of concern on 31 December 2025'."""
        as_of = total.get("as_of") if total is not None and has_value(total) else None
        if isinstance(as_of, date) and as_of < date(self.year, 12, 31):
            return _("persons of concern on {date}").format(date=locales.date(as_of, "long"))
        return _("persons of concern at the end of {year}").format(year=self.year)

    def _people_sentence(self, total: dict | None) -> str:
        if not has_value(total):
            return self._no_data("population", [total])
        by_origin = self.values(["POP.POC"], by=["origin"])
        origins = [row for row in by_origin.iter_rows(named=True)  # countries, not "stateless"
                   if row["origin"] not in (TOTAL, *ref.SPECIAL_COUNTRIES) and has_value(row)]
        if not origins or not total["value"]:
            return _("{total} refugees, asylum-seekers, stateless and other persons of concern."
                     ).format(total=shown(total))
        largest = max(origins, key=lambda row: row["value"])
        share = format_value(largest["value"] / total["value"] * 100, "percent", OK)
        return _("{share} of them come from {country}.").format(
            share=share, country=ref.country_name(largest["origin"]))

    def _listed(self, codes: Sequence[str]) -> list[str]:
        """'Refugees: 8,730' lines for the shown indicators among `codes`."""
        return [_("{name}: {value}").format(
            name=self.labelled(code, self.rows[code]["name"]), value=shown(self.rows[code]))
            for code in self.codes(codes) if code in self.rows
            and self.rows[code]["status"] in (OK, SUPPRESSED)]

    def where(self) -> Slide:
        by_region = self.values(["POP.POC"], by=["region"], region=False)
        figure = fig.region_map(by_region, self.source.boundaries(),
                                title=_("Persons of concern by region"), unit="persons")
        regions = sorted((row for row in by_region.iter_rows(named=True)
                          if row["region"] != TOTAL and has_value(row)),
                         key=lambda row: -row["value"])
        if not regions:  # the map would only name the regions
            return self.slide("where", _("Where they live"), ["POP.POC"],
                              sentence=self._no_data("population", by_region.to_dicts()))
        first, others = regions[0], regions[1:3]
        if len(others) == 2:
            sentence = _("{second} follows with {second_value}, then {third} with "
                         "{third_value}.").format(
                second=ref.region_name(others[0]["region"]), second_value=shown(others[0]),
                third=ref.region_name(others[1]["region"]), third_value=shown(others[1]))
        elif others:
            sentence = _("{second} follows with {second_value}.").format(
                second=ref.region_name(others[0]["region"]), second_value=shown(others[0]))
        else:  # the other regions are empty or withheld: nothing more may be said
            sentence = None
        return self.slide("where", _("Where they live"), ["POP.POC"], headline=shown(first),
                          headline_label=_("in {region}").format(
                              region=ref.region_name(first["region"])),
                          sentence=sentence, figure=figure)

    def children(self) -> Slide:
        share = self.row("POP.CHILDREN_PCT")
        pyramid = self.values(["POP.POC"], by=["sex", "age_group"])
        figure = fig.pyramid(pyramid, title=_("Persons of concern by age and sex"))
        births = self.row("BRN.U5_REGISTERED_PCT")
        if has_value(births):
            sentence = _("{births} of children under five have their birth registered.").format(
                births=shown(births))
        elif has_value(share):
            sentence = None  # the headline says it
        else:
            sentence = self._no_data("population", [share, births])
        return self.slide("children", _("Children"),
                          ["POP.CHILDREN_PCT", "BRN.U5_REGISTERED_PCT", "EDU.OUT_OF_SCHOOL"],
                          headline=shown(share),
                          headline_label=_("of persons of concern are children under 18"),
                          sentence=sentence, figure=figure,
                          bullets=self._listed(["EDU.OUT_OF_SCHOOL"]))

    def asylum(self) -> Slide | None:
        if "ASY.APPLIED" not in self.visible:
            return None
        applied, rate = self.row("ASY.APPLIED"), self.row("ASY.RRR")
        months = [Period.parse(f"{self.year}-{month:02d}") for month in range(1, 13)]
        figure = fig.trend(self.trend(["ASY.APPLIED", "ASY.DECIDED"], months),
                           title=self.labelled("ASY.APPLIED",
                                               _("Applications and decisions per month")),
                           unit="persons")
        if has_value(rate):
            sentence = self.nationally(_(
                "{rate} of the substantive decisions recognised refugee status.").format(
                rate=shown(rate)), "ASY.RRR")
        elif has_value(applied):
            sentence = self.nationally(_("{applied} people applied for asylum in {year}.").format(
                applied=shown(applied), year=self.year), "ASY.APPLIED")
        else:
            sentence = self._no_data("asylum", [applied, rate])
        return self.slide("asylum", _("Asylum"), ["ASY.APPLIED"], headline=shown(applied),
                          headline_label=self.labelled(
                              "ASY.APPLIED", _("new asylum applications in {year}").format(
                                  year=self.year)),
                          sentence=sentence, figure=figure,
                          bullets=self._listed(["ASY.DECIDED", "ASY.RRR", "ASY.TPR"]))

    def solutions(self) -> Slide | None:
        if "SOL.RETURNS" not in self.visible:
            return None
        returns = self.row("SOL.RETURNS")
        codes = ["SOL.RETURNS", "RST.DEPARTED", "SOL.NATURALISED"]
        figure = fig.trend(self.trend(codes, self.years()), title=_("Durable solutions per year"),
                           unit="persons")
        submitted, departed = self.row("RST.SUBMITTED"), self.row("RST.DEPARTED")
        if has_value(submitted) and has_value(departed):
            sentence = self.nationally(
                _("{submitted} refugees were submitted for resettlement and {departed} "
                  "departed to a new country.").format(submitted=shown(submitted),
                                                       departed=shown(departed)),
                "RST.SUBMITTED")
        elif has_value(returns):
            sentence = _("{returns} refugees returned home voluntarily in {year}.").format(
                returns=shown(returns), year=self.year)
        else:
            sentence = self._no_data("solutions", [returns, submitted, departed])
        return self.slide("solutions", _("Durable solutions"), [*codes, "RST.SUBMITTED"],
                          headline=shown(returns),
                          headline_label=self.labelled(
                              "SOL.RETURNS", _("refugees returned home voluntarily in {year}")
                              .format(year=self.year)),
                          sentence=sentence, figure=figure,
                          bullets=self._listed(["RST.SUBMITTED", "RST.DEPARTED",
                                                "SOL.NATURALISED"]))

    def education(self) -> Slide:
        school_year = _school_year(self.year)
        values = self.values(EDUCATION_CODES, period=school_year)
        rows = {row["indicator"]: row for row in values.iter_rows(named=True)}
        net, parity = rows.get("EDU.NER"), rows.get("EDU.GPI")
        ner = self.values(["EDU.NER"], period=school_year, by=["level", "sex"])
        figure = fig.grouped_bars(ner, "level", "sex", title=_("Net enrolment rate"),
                                  unit="percent", names=lambda code: ref.label(ref.EDUCATION_LEVELS, code),
                                  series_names={k: _(v) for k, v in ref.CHILD_SEXES.items()},
                                  colours=fig.SEX_COLOURS, category_order=tuple(ref.EDUCATION_LEVELS))
        if has_value(parity):
            sentence = _("Gender parity index of enrolment: {parity} (school year "
                         "{school_year}).").format(parity=shown(parity),
                                                   school_year=school_year.label)
        elif has_value(net):
            sentence = _("Net enrolment in the school year {school_year}.").format(
                school_year=school_year.label)
        else:
            sentence = self._no_data("education", list(rows.values()))
        listed = [_("{name}: {value}").format(name=rows[code]["name"], value=shown(rows[code]))
                  for code in ("EDU.GER_PRIMARY", "EDU.GER_SECONDARY", "EDU.OUT_OF_SCHOOL")
                  if code in rows and rows[code]["status"] in (OK, SUPPRESSED)]
        return self.slide("education", _("Education"), ["EDU.NER"], headline=shown(net),
                          headline_label=_("of children of concern of school age are enrolled "
                                           "at their level (net enrolment)"),
                          sentence=sentence, figure=figure, bullets=listed)

    def statelessness(self) -> Slide:
        identified, resolved = self.row("STA.IDENTIFIED"), self.row("STA.RESOLVED_PERIOD")
        figure = fig.trend(self.trend(["STA.IDENTIFIED", "STA.RESOLVED"], self.years()),
                           title=_("Identified and resolved (cumulative, end of year)"),
                           unit="persons")
        rate = self.row("STA.RESOLUTION_PCT")
        if has_value(rate):
            sentence = _("{rate} of them have had their nationality confirmed or acquired it."
                         ).format(rate=shown(rate))
        elif has_value(identified):
            sentence = None  # the headline says it
        else:
            sentence = self._no_data("statelessness", [identified, rate])
        bullets = [_("Resolved in {year}: {value}").format(year=self.year, value=shown(resolved))
                   ] if resolved is not None and resolved["status"] in (OK, SUPPRESSED) else []
        return self.slide("statelessness", _("Statelessness"),
                          ["STA.IDENTIFIED", "STA.RESOLVED"], headline=shown(identified),
                          headline_label=_("persons at risk of statelessness identified"),
                          sentence=sentence, figure=figure, bullets=bullets)

    # --------------------------------------------------------------- joint plan
    @property
    def plan_as_of(self) -> date:
        return plan_fig.as_of_for(self.year, self.today)

    def plan_frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The plan's activities with the `LOU.ON_TRACK_PCT` flags, and the updates (as the
        audience may read them)."""
        status = self.source.plan_status(self.plan_as_of, self.audience)
        updates = self.source.plan_updates(self.audience)
        return plan_fig.with_lou_flags(status, updates, self.plan_as_of), updates

    def joint_plan(self, status: pl.DataFrame) -> Slide:
        share = self.row("LOU.ON_TRACK_PCT")
        if status.is_empty():
            return self.slide("plan", _("Joint Plan of Action"), ["LOU.ON_TRACK_PCT"],
                              sentence=_("No joint-plan activities yet."))
        totals = plan_fig.plan_totals(status)
        figure = plan_fig.area_progress_figure(plan_fig.area_progress(status))
        # the dashboard's template, not whichever default Plotly has in this process (Streamlit
        # sets its own when imported): the page and `hamkori brief` draw the same chart
        figure.update_layout(template=fig.TEMPLATE)
        active = self.row("LOU.ACTIVE")
        if totals["due"] is None:
            sentence = _("No update has been signed off by both agencies yet: status cannot be "
                         "computed.")
        elif has_value(active):
            sentence = self.nationally(_(
                "{active} activities of the plan were under way in {year}; progress counts only "
                "updates both agencies signed off.").format(active=shown(active), year=self.year),
                "LOU.ACTIVE")
        else:
            sentence = None
        overdue = plan_fig.overdue_activities(status, self.plan_as_of)
        bullets = [_("Overdue: {activity}").format(
            activity=plan_fig.activity_label(row["activity_id"], row["title"]))
            for row in overdue.head(ACTIVITIES_PER_SLIDE).iter_rows(named=True)]
        return self.slide("plan", _("Joint Plan of Action"), ["LOU.ON_TRACK_PCT"],
                          headline=shown(share),
                          headline_label=self.labelled(
                              "LOU.ON_TRACK_PCT",
                              _("of the joint-plan activities due in {year} are on track or "
                                "completed").format(year=self.year)),
                          sentence=sentence, figure=figure,
                          bullets=bullets)

    def funding(self) -> Slide | None:
        received = self.row("FUND.RECEIVED_PCT")
        if not has_value(received):
            return None
        by_agency = self.values(["FUND.RECEIVED_PCT"], by=["agency"], region=False)
        figure = fig.bars(by_agency, "agency", title=_("Funding received by agency"),
                          unit="percent", names=plan.agency_name)
        return self.slide("funding", _("Funding"), ["FUND.RECEIVED_PCT"], headline=shown(received),
                          headline_label=self.labelled(
                              "FUND.RECEIVED_PCT", _("of the funds pledged for {year} received")
                              .format(year=self.year)),
                          sentence=self.nationally(
                              _("Funds received against pledges for {year}, by agency.").format(
                                  year=self.year), "FUND.RECEIVED_PCT"), figure=figure)

    def what_changed(self) -> Slide:
        codes = self.codes(CHANGE_CODES)
        earlier = self.values(codes, period=Period(YEAR, self.previous_year))
        # a national figure in a regional deck is named so, as on its slide
        found = changes.what_changed(self.current.filter(pl.col("indicator").is_in(codes)),
                                     earlier, threshold=self.threshold, limit=CHANGES,
                                     targets=TARGETS, labels=self.national_names(codes))
        sentence = None if found else _(
            "No change large enough to report since {year}.").format(year=self.previous_year)
        told = list(dict.fromkeys(change.indicator for change in found)) or codes
        return self.slide("what-changed", _("What changed since {year}").format(
            year=self.previous_year), told, sentence=sentence,
            bullets=[change.sentence for change in found])

    def plan_report(self, status: pl.DataFrame, updates: pl.DataFrame) -> list[Slide]:
        """The joint-plan report for the annual review: per area with activities in the year,
        its progress and the narrative of each activity's latest signed update of the year
        (internal ones only for UNHCR, UNICEF and the data manager)."""
        start = date(self.year, 1, 1)
        active = status.filter(pl.col("start") <= self.plan_as_of, pl.col("end") >= start)
        if active.is_empty():
            return []
        areas = plan_fig.area_progress(active)
        latest = self._narratives(updates, start)
        slides = []
        for area in areas.filter(pl.col("activities") > 0).iter_rows(named=True):
            code = area["area"]
            rows = active.filter(pl.col("area") == code).sort("activity_id")
            bullets = [self._activity_line(row, latest.get(row["activity_id"]))
                       for row in rows.head(ACTIVITIES_PER_SLIDE).iter_rows(named=True)]
            if rows.height > ACTIVITIES_PER_SLIDE:
                bullets.append(_("Further activities of this area are in the workplan."))
            progress = area["mean_progress"]
            sentence = (_("Mean signed progress of the started activities: {progress}.").format(
                progress=format_value(progress, "percent", OK)) if progress is not None
                else _("No activity of this area had started by {date}.").format(
                    date=locales.date(self.plan_as_of, "long")))
            on_track = area["on_track_pct"]
            slides.append(Slide(
                key=f"plan-area-{code}",
                title=_("Joint-plan report: {area}").format(area=ref.label(ref.JOINT_PLAN_AREAS,
                                                                            code)),
                headline=None if on_track is None else format_value(on_track, "percent", OK),
                headline_label=None if on_track is None else self.labelled(
                    "LOU.ON_TRACK_PCT", _("of the activities due are on track or completed")),
                sentence=sentence, bullets=tuple(bullets),
                sources=source_names(["LOU.ON_TRACK_PCT"])))
        return slides

    def _narratives(self, updates: pl.DataFrame, start: date) -> dict[str, dict]:
        """activity -> its latest signed update of the year that has a narrative."""
        signed = updates.filter(pl.col("state") == "signed", pl.col("date") >= start,
                                pl.col("date") <= self.plan_as_of,
                                pl.col("narrative").is_not_null())
        if self.audience not in plan.INTERNAL_READERS:  # `plan.updates` already withholds them
            signed = signed.filter(pl.col("internal") == "no")
        latest = signed.sort("date", "update_no").group_by("activity_id").agg(pl.all().last())
        return {row["activity_id"]: row for row in latest.iter_rows(named=True)}

    def _activity_line(self, activity: Mapping, update: Mapping | None) -> str:
        label = plan_fig.activity_label(activity["activity_id"], activity["title"])
        status = _(plan_fig.STATUS_LABELS.get(activity["status"], activity["status"]))
        progress = format_value(activity["progress"] or 0.0, "percent", OK)
        if update is None:
            return _("{activity}: {status}, {progress} signed progress; no signed narrative "
                     "this year.").format(activity=label, status=status, progress=progress)
        narrative = update["narrative"].strip()
        if update.get("internal") == "yes":
            narrative = _("(internal) {narrative}").format(narrative=narrative)
        return _("{activity}: {status}, {progress} signed progress. {narrative}").format(
            activity=label, status=status, progress=progress, narrative=narrative)

    def _no_data(self, dataset: str, rows: Sequence[Mapping | None] = ()) -> str:
        """Why a slide has no figure to tell: withheld to protect small numbers (some of
        `rows` are, for this audience) — or not there yet."""
        source = _(SOURCE_NAMES.get(dataset, dataset))
        if withheld(rows):
            return _("Figures for {year} are withheld to protect small numbers: {source}."
                     ).format(year=self.year, source=source)
        return _("No figures for {year} yet: {source}.").format(year=self.year, source=source)


def has_figures(values: pl.DataFrame) -> bool:
    """Whether a year's headline values (`YEAR_CODES`) hold any figure worth a deck: a value
    shown or withheld; nothing but zeros (e.g. no joint-plan activity running) is no figure.
    `hamkori brief` and the briefing page refuse a deck without one."""
    status, value = pl.col("status"), pl.col("value")
    return not values.filter((status == SUPPRESSED)
                             | ((status == OK) & value.is_not_null() & (value != 0))).is_empty()


def year_values(source: Source, audience: str, year: int, region: str | None = None
                ) -> pl.DataFrame:
    """The year's headline values for `audience` (`has_figures` reads them)."""
    visible = {i.code for i in CATALOGUE.for_audience(audience)}
    return source.values(Period(YEAR, year), audience,
                         [code for code in YEAR_CODES if code in visible], region=region)


def deck_title(audience: str, year: int, region: str | None) -> str:
    place = _("Tajikistan") if region is None else _("{region}, Tajikistan").format(
        region=ref.region_name(region))
    if audience == "donor":
        return _("Donor briefing — {place}, {year}").format(place=place, year=year)
    return _("UNHCR–UNICEF briefing — {place}, {year}").format(place=place, year=year)


def build_deck(source: Source, *, audience: str, year: int, language: str = "en",
               region: str | None = None, previous_year: int | None = None,
               today: date | None = None) -> Deck:
    """The briefing deck of `year` for `audience`, in `language` (whatever the caller's
    language): every figure disclosure-controlled for that audience by the engine. `region`
    narrows the figures to one region (the map and the plan stay national);
    `previous_year` is what "what changed" compares with (default: the year before);
    `today` dates the joint plan's status of a year not yet over (default: today)."""
    with locales.using(language) as chosen:
        briefing = _Briefing(source, audience, year, region,
                             previous_year if previous_year is not None else year - 1,
                             today or date.today())
        status, updates = briefing.plan_frames()
        as_of = briefing.as_of
        as_of_text = locales.date(as_of, "long") if as_of else "—"
        title = deck_title(audience, year, region)
        period = str(year)
        slides = [
            briefing.title_slide(title, period, as_of_text),
            briefing.people(), briefing.where(), briefing.children(), briefing.asylum(),
            briefing.solutions(), briefing.education(), briefing.statelessness(),
            briefing.joint_plan(status), briefing.funding(), briefing.what_changed(),
            *briefing.plan_report(status, updates),
        ]
        return Deck(title=title, period=period, audience=audience, language=chosen,
                    as_of=as_of_text, branding=_(BRANDING),
                    slides=tuple(slide for slide in slides if slide is not None))
