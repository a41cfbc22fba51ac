"""The import templates of DOMAIN §3 as data.

Each `Dataset` names its warehouse table, its columns (with the kind of value each holds), its
grain (the columns that identify one row: duplicates are refused) and its partition (the columns
that say which part of the warehouse a file speaks for: a file whose partitions are already in the
warehouse overlaps it and is refused unless `--replace` is given).

Validation (`validation.py`), the schema (`schema.py`) and the importer all read these
definitions, so a column is declared exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from data_access import reference as ref
from locales import N_, _

# Kinds of value. Parsing and error messages for each live in validation.py.
COUNT = "count"  # non-negative integer
NUMBER = "number"  # non-negative decimal (USD amounts, baselines, targets)
PERCENT = "percent"  # number 0–100
DATE = "date"  # YYYY-MM-DD (or DD.MM.YYYY)
MONTH = "month"  # YYYY-MM, stored as the first day of the month
YEAR = "year"  # four-digit year
SCHOOL_YEAR = "school_year"  # YYYY/YY, consecutive years
CODE = "code"  # one of a fixed set, matched case-insensitively
COUNTRY = "country"  # ISO 3166-1 alpha-3 (plus UKN, STA)
ISO3 = "iso3"  # any three-letter code (official statistics use UNHCR's own)
REGION = "region"  # ISO 3166-2:TJ
DISTRICT = "district"  # gazetteer name, English or Cyrillic
TEXT = "text"  # free text
IDENT = "ident"  # identifier: no spaces, at most 64 characters
GEOJSON = "geojson"  # a GeoJSON Polygon or MultiPolygon geometry (boundaries)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True
    codes: Callable[[], Iterable[str]] | None = None
    #: Other header spellings accepted on import (e.g. Refugee Data Finder's human-readable ones).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str
    title: str
    columns: tuple[Column, ...]
    grain: tuple[str, ...]
    partition: tuple[str, ...]
    official: bool = False
    #: Names of cross-column checks in validation.py that apply to this dataset.
    checks: tuple[str, ...] = field(default_factory=tuple)
    #: Roles that may upload this dataset on the data page (DOMAIN §1: each agency its own data,
    #: the data manager everything). Empty: not uploadable in the app (the command line only).
    import_roles: tuple[str, ...] = ("admin",)
    #: First and last column telling the period a file covers (the data page's freshness).
    covers: tuple[str, str] | None = None

    @property
    def display_title(self) -> str:
        """The title in the current language."""
        return _(self.title)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _codes(*values: str) -> Callable[[], Iterable[str]]:
    return lambda: values


POP_TYPE = Column("population_type", CODE, codes=lambda: ref.POPULATION_TYPES)
SEX = Column("sex", CODE, codes=lambda: ref.SEXES)
AGE = Column("age_group", CODE, codes=lambda: ref.AGE_GROUPS)
AREA_CODES = lambda: ref.JOINT_PLAN_AREAS  # noqa: E731
AGENCY_CODES = _codes("UNHCR", "UNICEF", "JOINT")

# Who may upload (role codes of DOMAIN §1; enforced in data_access.uploads).
UNHCR_DATA = ("unhcr", "admin")  # UNHCR's operational data and the official statistics
SHARED_DATA = ("unhcr", "unicef", "admin")  # education, birth registration, statelessness
DATA_MANAGER = ("admin",)  # the plan, funding, targets and the Cooperation Framework
#: Joint-plan updates are posted and signed on the activity page (rights by agency, dual
#: sign-off): an upload would bypass both, so the app offers none (`hamkori workplan import`).
NOBODY: tuple[str, ...] = ()


DATASETS: dict[str, Dataset] = {}


def _add(ds: Dataset) -> Dataset:
    DATASETS[ds.name] = ds
    return ds


_add(
    Dataset(
        "population", "population", N_("Population (stock at a date)"),
        (
            Column("date", DATE), POP_TYPE, Column("origin", COUNTRY), Column("region", REGION),
            Column("district", DISTRICT, required=False), SEX, AGE, Column("persons", COUNT),
        ),
        grain=("date", "population_type", "origin", "region", "district", "sex", "age_group"),
        partition=("date",),
        import_roles=UNHCR_DATA,
        covers=("date", "date"),
        checks=("district_in_region",),
    )
)
_add(
    Dataset(
        "asylum", "asylum", N_("Asylum applications and decisions (flow per month)"),
        (
            Column("month", MONTH), Column("origin", COUNTRY), Column("applied", COUNT),
            Column("recognized", COUNT), Column("complementary", COUNT),
            Column("rejected", COUNT), Column("closed", COUNT),
        ),
        grain=("month", "origin"),
        partition=("month",),
        import_roles=UNHCR_DATA,
        covers=("month", "month"),
    )
)
_add(
    Dataset(
        "solutions", "solutions", N_("Durable solutions (flow per month)"),
        (
            Column("month", MONTH),
            Column("solution", CODE, codes=_codes("voluntary_return", "naturalisation")),
            Column("origin", COUNTRY), Column("destination", COUNTRY),
            Column("region", REGION, required=False), SEX, AGE, Column("persons", COUNT),
        ),
        grain=("month", "solution", "origin", "destination", "region", "sex", "age_group"),
        partition=("month",),
        import_roles=UNHCR_DATA,
        covers=("month", "month"),
    )
)
_add(
    Dataset(
        "resettlement", "resettlement", N_("Resettlement cases"),
        (
            Column("case_id", IDENT), Column("persons", COUNT), Column("origin", COUNTRY),
            Column("destination", COUNTRY),
            Column("category", CODE, codes=lambda: ref.RESETTLEMENT_CATEGORIES),
            Column("priority", CODE, codes=_codes("emergency", "urgent", "normal")),
            Column("submitted", DATE),
            Column("decision", CODE, codes=_codes("pending", "accepted", "rejected", "withdrawn")),
            Column("decided", DATE, required=False), Column("departed", DATE, required=False),
        ),
        grain=("case_id",),
        partition=("case_id",),
        import_roles=UNHCR_DATA,
        covers=("submitted", "submitted"),
        checks=("resettlement_dates",),
    )
)
_add(
    Dataset(
        "education", "education", N_("Education enrolment (per school year)"),
        (
            Column("school_year", SCHOOL_YEAR), Column("region", REGION), POP_TYPE,
            Column(
                "level", CODE,
                codes=_codes("preschool", "primary", "lower_secondary", "upper_secondary", "tertiary"),
            ),
            SEX, Column("school_age", COUNT), Column("enrolled", COUNT),
            Column("enrolled_of_age", COUNT), Column("dafi_scholars", COUNT, required=False),
        ),
        grain=("school_year", "region", "population_type", "level", "sex"),
        partition=("school_year",),
        import_roles=SHARED_DATA,
        covers=("school_year", "school_year"),
        checks=("enrolment_bounds",),
    )
)
_add(
    Dataset(
        "statelessness", "statelessness", N_("Statelessness cases"),
        (
            Column("case_id", IDENT), Column("region", REGION), Column("district", DISTRICT),
            SEX, AGE, Column("identified", DATE),
            Column(
                "status", CODE,
                codes=_codes("identified", "in_progress", "confirmed", "acquired", "closed"),
            ),
            Column("resolved", DATE, required=False),
        ),
        grain=("case_id",),
        partition=("case_id",),
        import_roles=SHARED_DATA,
        covers=("identified", "identified"),
        checks=("district_in_region", "resolution_dates"),
    )
)
_add(
    Dataset(
        "birth_registration", "birth_registration", N_("Birth registration of children under five"),
        (
            Column("date", DATE), Column("region", REGION),
            Column("district", DISTRICT, required=False), POP_TYPE, SEX,
            Column("children_under5", COUNT), Column("registered", COUNT),
        ),
        grain=("date", "region", "district", "population_type", "sex"),
        partition=("date",),
        import_roles=SHARED_DATA,
        covers=("date", "date"),
        checks=("district_in_region", "registered_bounds"),
    )
)
_add(
    Dataset(
        "joint_plan", "joint_plan", N_("Joint Plan of Action activities"),
        (
            Column("activity_id", IDENT), Column("area", CODE, codes=AREA_CODES),
            Column("title", TEXT), Column("lead", CODE, codes=AGENCY_CODES),
            Column("partners", TEXT, required=False), Column("start", DATE), Column("end", DATE),
            Column("indicator", TEXT, required=False), Column("baseline", NUMBER, required=False),
            Column("target", NUMBER, required=False), Column("budget_usd", NUMBER, required=False),
            Column("undaf_outcome", TEXT, required=False),
            Column("sdg_target", TEXT, required=False),
        ),
        grain=("activity_id",),
        partition=("activity_id",),
        import_roles=DATA_MANAGER,
        covers=("start", "end"),
        checks=("start_before_end",),
    )
)
_SIGNOFF = _codes("signed", "returned")
_add(
    Dataset(
        "joint_plan_updates", "joint_plan_updates", N_("Joint Plan of Action progress updates"),
        (
            Column("activity_id", IDENT), Column("update_no", COUNT), Column("date", DATE),
            Column("progress", PERCENT), Column("status_note", TEXT, required=False),
            Column("indicator_actual", NUMBER, required=False),
            Column("funds_mobilised_usd", NUMBER, required=False),
            Column("funds_spent_usd", NUMBER, required=False),
            Column("narrative", TEXT, required=False),
            Column("internal", CODE, codes=_codes("yes", "no")),
            Column("posted_by", TEXT), Column("posted_agency", CODE, codes=_codes("UNHCR", "UNICEF")),
            Column("unhcr_signoff", CODE, required=False, codes=_SIGNOFF),
            Column("unhcr_by", TEXT, required=False), Column("unhcr_on", DATE, required=False),
            Column("unicef_signoff", CODE, required=False, codes=_SIGNOFF),
            Column("unicef_by", TEXT, required=False), Column("unicef_on", DATE, required=False),
            Column("comment", TEXT, required=False),
        ),
        grain=("activity_id", "update_no"),
        partition=("activity_id", "update_no"),
        import_roles=NOBODY,
        covers=("date", "date"),
        checks=("signoffs",),
    )
)
_add(
    Dataset(
        "funding", "funding", N_("Funding per donor and year"),
        (
            Column("year", YEAR), Column("donor", TEXT), Column("agency", CODE, codes=AGENCY_CODES),
            Column("area", CODE, required=False, codes=AREA_CODES),
            Column("pledged_usd", NUMBER), Column("received_usd", NUMBER),
        ),
        grain=("year", "donor", "agency", "area"),
        partition=("year",),
        import_roles=DATA_MANAGER,
        covers=("year", "year"),
    )
)
_add(
    Dataset(
        "targets", "targets", N_("Indicator targets per year"),
        (
            Column("indicator", TEXT), Column("year", YEAR),
            Column("baseline", NUMBER, required=False), Column("target", NUMBER),
            Column("undaf_outcome", TEXT, required=False),
        ),
        grain=("indicator", "year"),
        partition=("indicator", "year"),
        import_roles=DATA_MANAGER,
        covers=("year", "year"),
        checks=("known_indicator",),
    )
)
_add(
    Dataset(
        "framework", "framework", N_("Cooperation Framework outcomes and outputs"),
        (
            Column("code", IDENT), Column("level", CODE, codes=_codes("outcome", "output")),
            Column("parent", IDENT, required=False), Column("title", TEXT),
            Column("start_year", YEAR), Column("end_year", YEAR),
        ),
        grain=("code",),
        partition=("code",),
        import_roles=DATA_MANAGER,
        covers=("start_year", "end_year"),
        checks=("framework_years",),
    )
)

_add(
    Dataset(
        # Administrative boundaries for the maps, read from a GeoJSON file (ADM1 or ADM2, e.g.
        # geoBoundaries'): one row per region or district (readers.read_geojson). `code` is the
        # ISO 3166-2:TJ code of a region or the gazetteer name of a district (the file's own
        # name where the gazetteer has none); `region` is filled where it is known.
        "boundaries", "boundaries", "Administrative boundaries (GeoJSON, for the maps)",
        (
            Column("level", CODE, codes=_codes("ADM1", "ADM2")), Column("code", TEXT),
            Column("name", TEXT), Column("region", REGION, required=False),
            Column("geometry", GEOJSON),
        ),
        grain=("level", "code"),
        partition=("level",),
        import_roles=NOBODY,  # GeoJSON, not a table: `hamkori import boundaries FILE.geojson`
        checks=("regions_known",),
    )
)

# ---- Official statistics (UNHCR Refugee Population Statistics Database) -------------------------
# Column layout of the `refugees` package / population statistics API; aliases are the headers of
# a Refugee Data Finder download.

_COUNTRY_PAIR = (
    Column("year", YEAR, aliases=("Year",)),
    Column("coo_name", TEXT, required=False, aliases=("Country of origin",)),
    Column("coo", ISO3, required=False, aliases=("Country of origin (UNHCR code)",)),
    Column("coo_iso", ISO3, aliases=("Country of origin (ISO)", "Country of origin ISO")),
    Column("coa_name", TEXT, required=False, aliases=("Country of asylum",)),
    Column("coa", ISO3, required=False, aliases=("Country of asylum (UNHCR code)",)),
    Column("coa_iso", ISO3, aliases=("Country of asylum (ISO)", "Country of asylum ISO")),
)


def _n(name: str, *aliases: str) -> Column:
    """An official count column: empty means 'not reported' (null), not zero."""
    return Column(name, COUNT, required=False, aliases=aliases)


_add(
    Dataset(
        "unhcr-population", "off_population", N_("UNHCR population statistics (end-year stock)"),
        _COUNTRY_PAIR + (
            _n("refugees", "Refugees under UNHCR's mandate", "Refugees"),
            _n("asylum_seekers", "Asylum-seekers", "Asylum seekers"),
            _n("returned_refugees", "Returned refugees"),
            _n("idps", "IDPs of concern to UNHCR", "IDPs"),
            _n("returned_idps", "Returned IDPss", "Returned IDPs"),
            _n("stateless", "Stateless persons", "Stateless"),
            _n("ooc", "Others of concern", "Others of concern to UNHCR"),
            _n("oip", "Other people in need of international protection",
               "Venezuelans displaced abroad"),
            _n("hst", "Host Community", "Host community"),
        ),
        grain=("year", "coo_iso", "coa_iso"),
        partition=("year", "coa_iso"),
        import_roles=UNHCR_DATA,
        covers=("year", "year"),
        official=True,
    )
)
_add(
    Dataset(
        "unhcr-solutions", "off_solutions", N_("UNHCR durable solutions (per year)"),
        _COUNTRY_PAIR + (
            _n("returned_refugees", "Returned refugees"),
            _n("resettlement", "Resettlement arrivals", "Resettlement"),
            _n("naturalisation", "Naturalisation", "Naturalization"),
            _n("returned_idps", "Returned IDPs", "Returned IDPss"),
        ),
        grain=("year", "coo_iso", "coa_iso"),
        partition=("year", "coa_iso"),
        import_roles=UNHCR_DATA,
        covers=("year", "year"),
        official=True,
    )
)
_add(
    Dataset(
        "unhcr-asylum-applications", "off_asylum_applications",
        N_("UNHCR asylum applications (per year)"),
        _COUNTRY_PAIR + (
            Column("procedure_type", TEXT, aliases=("Authority", "Procedure type")),
            Column("app_type", TEXT, aliases=("Application type",)),
            Column("dec_level", TEXT, aliases=("Decision level", "Stage of procedure")),
            Column("app_pc", TEXT, aliases=("Cases / Persons", "Application data type")),
            _n("applied", "Number of applications", "Applications", "Applied"),
        ),
        grain=("year", "coo_iso", "coa_iso", "procedure_type", "app_type", "dec_level", "app_pc"),
        partition=("year", "coa_iso"),
        import_roles=UNHCR_DATA,
        covers=("year", "year"),
        official=True,
    )
)
_add(
    Dataset(
        "unhcr-asylum-decisions", "off_asylum_decisions", N_("UNHCR asylum decisions (per year)"),
        _COUNTRY_PAIR + (
            Column("procedure_type", TEXT, aliases=("Authority", "Procedure type")),
            Column("dec_level", TEXT, aliases=("Decision level", "Stage of procedure")),
            Column("dec_pc", TEXT, aliases=("Cases / Persons", "Decision data type")),
            _n("dec_recognized", "Recognized decisions", "Recognised decisions"),
            _n("dec_other", "Complementary protection", "Other decisions"),
            _n("dec_rejected", "Rejected decisions"),
            _n("dec_closed", "Otherwise closed", "Closed decisions"),
            _n("dec_total", "Total decisions"),
        ),
        grain=("year", "coo_iso", "coa_iso", "procedure_type", "dec_level", "dec_pc"),
        partition=("year", "coa_iso"),
        import_roles=UNHCR_DATA,
        covers=("year", "year"),
        official=True,
    )
)

_DEMOGRAPHIC_BANDS = (("0_4", "0 - 4"), ("5_11", "5 - 11"), ("12_17", "12 - 17"),
                      ("18_59", "18 - 59"), ("60", "60 and over"), ("other", "Unknown"))
_add(
    Dataset(
        "unhcr-demographics", "off_demographics",
        N_("UNHCR demographic and sub-national data (end-year stock)"),
        _COUNTRY_PAIR + (
            Column("pop_type", TEXT, aliases=("Population type",)),
            Column("location", TEXT, required=False, aliases=("Location", "Location name")),
            Column("loc_type", TEXT, required=False, aliases=("Urban/Rural", "Location type")),
            Column("acc_type", TEXT, required=False, aliases=("Accommodation type",)),
            *(
                _n(f"{sex[0]}_{band}", f"{sex} {label}", f"{sex} {label.replace(' - ', '-')}")
                for sex in ("female", "male")
                for band, label in _DEMOGRAPHIC_BANDS
            ),
            _n("f_total", "Female total", "Total female"),
            _n("m_total", "Male total", "Total male"),
            _n("total", "Total"),
        ),
        grain=("year", "coo_iso", "coa_iso", "pop_type", "location", "loc_type", "acc_type"),
        partition=("year", "coa_iso"),
        import_roles=UNHCR_DATA,
        covers=("year", "year"),
        official=True,
    )
)


def get(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise KeyError(f"unknown dataset {name!r}; known datasets: {known}") from None
