"""Validate a whole file before anything is written.

`validate(dataset, raw)` takes the all-string frame of `readers.read_table` (or any frame with the
dataset's columns) and returns the typed rows and *every* problem found, one per row and column,
with the value and a reason a partner can fix the file from, in the current language (the data
page shows them as they are; the command line speaks English). Nothing here touches the warehouse.
All checks are vectorised Polars expressions, so a million-row file validates in seconds.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from data_access import datasets as ds
from data_access import reference as ref
from data_access.readers import ROW
from locales import _, ngettext

PROBLEM_SCHEMA = {"row": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
FIRST_YEAR = 1990
#: UNHCR's published statistics start with the 1951 Convention.
FIRST_OFFICIAL_YEAR = 1951


def last_year() -> int:
    return dt.date.today().year + 1


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def _fold(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all("’", "'").str.replace_all(r"\s+", " ")


def _lookup(expr: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    return _fold(expr).replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def _count(s: pl.Expr) -> pl.Expr:
    return s.str.replace(r"^(-?\d+)\.0+$", "$1").str.replace_all(r"[ \u00a0]", "").cast(
        pl.Int64, strict=False
    )


def _date(s: pl.Expr) -> pl.Expr:
    return pl.coalesce(
        s.str.to_date("%Y-%m-%d", strict=False),
        s.str.to_date("%d.%m.%Y", strict=False),
    )


def _month(s: pl.Expr) -> pl.Expr:
    return pl.when(s.str.contains(r"^\d{4}-\d{1,2}$")).then(
        (s + "-01").str.to_date("%Y-%m-%d", strict=False)
    ).when(s.str.contains(r"^\d{4}-\d{2}-01$")).then(s.str.to_date("%Y-%m-%d", strict=False))


def _school_year(s: pl.Expr) -> pl.Expr:
    first = s.str.extract(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", 1).cast(pl.Int64, strict=False)
    second = s.str.extract(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", 2).cast(pl.Int64, strict=False)
    ok = (second % 100) == ((first + 1) % 100)
    return pl.when(ok).then(
        first.cast(pl.Utf8) + "/" + ((first + 1) % 100).cast(pl.Utf8).str.zfill(2)
    )


def _region_lookup() -> dict[str, str]:
    lookup = {code.lower(): code for code in ref.REGIONS}
    for code, name in ref.REGIONS.items():
        lookup[name.lower()] = code
        lookup[name.split(" (")[0].lower()] = code
    return lookup


def _parse(column: ds.Column, s: pl.Expr) -> tuple[pl.Expr, str]:
    """The typed value (null where unparseable) and the reason given when it is."""
    kind = column.kind
    if kind == ds.COUNT:
        return _count(s), _("not a whole number")
    if kind in (ds.NUMBER, ds.PERCENT):
        return s.str.replace_all(r"[ \u00a0]", "").cast(pl.Float64, strict=False), _("not a number")
    if kind == ds.DATE:
        return _date(s), _("not a date (write YYYY-MM-DD)")
    if kind == ds.MONTH:
        return _month(s), _("not a month (write YYYY-MM)")
    if kind == ds.YEAR:
        return s.str.replace(r"^(\d{4})\.0+$", "$1").cast(pl.Int64, strict=False), _("not a year")
    if kind == ds.SCHOOL_YEAR:
        return _school_year(s), _("not a school year (write YYYY/YY, e.g. 2024/25)")
    if kind == ds.CODE:
        codes = list(column.codes())
        mapping = {c.lower(): c for c in codes}
        shown = ", ".join(codes)
        return _lookup(s, mapping), _("unknown code (expected one of: {codes})").format(
            codes=shown)
    if kind == ds.COUNTRY:
        mapping = {c.lower(): c for c in ref.countries()}
        return _lookup(s, mapping), _("unknown country code (use ISO 3166-1 alpha-3, UKN, STA)")
    if kind == ds.ISO3:
        up = s.str.to_uppercase()
        return pl.when(up.str.contains(r"^[A-Z]{3}$")).then(up), _("not a three-letter code")
    if kind == ds.REGION:
        return _lookup(s, _region_lookup()), _("unknown region (use TJ-DU, TJ-SU, TJ-KT, TJ-GB, TJ-RA)")
    if kind == ds.DISTRICT:
        return _lookup(s, ref.district_lookup()), _("unknown district (not in the gazetteer)")
    if kind == ds.IDENT:
        return pl.when(s.str.contains(r"^\S{1,64}$")).then(s), _("not an identifier (no spaces, at most 64 characters)")
    if kind == ds.TEXT:
        return pl.when(s.str.len_chars() <= 2000).then(s), _("text longer than 2,000 characters")
    if kind == ds.GEOJSON:
        shape = r'^\{"type":"(Multi)?Polygon","coordinates":\[.*\]\}$'
        return (pl.when(s.str.contains(shape) & (s.str.len_bytes() <= 5_000_000)).then(s),
                _("not a GeoJSON Polygon or MultiPolygon (at most 5 MB)"))
    raise ValueError(f"unknown column kind {kind!r}")


def _range_check(column: ds.Column, value: pl.Expr, first: int = FIRST_YEAR
                 ) -> tuple[pl.Expr, str] | None:
    """A second, value-level check once the value parsed: (is bad, reason) or None."""
    kind = column.kind
    last = last_year()
    if kind in (ds.COUNT, ds.NUMBER):
        return value < 0, _("negative count") if kind == ds.COUNT else _("negative amount")
    if kind == ds.PERCENT:
        return (value < 0) | (value > 100), _("percentage outside 0–100")
    if kind in (ds.DATE, ds.MONTH):
        year = value.dt.year()
        return (year < first) | (year > last), _("date outside {first}–{last}").format(
            first=first, last=last)
    if kind == ds.YEAR:
        return (value < first) | (value > last), _("year outside {first}–{last}").format(
            first=first, last=last)
    if kind == ds.SCHOOL_YEAR:
        year = value.str.slice(0, 4).cast(pl.Int64)
        return (year < first) | (year > last), _("school year outside {first}–{last}").format(
            first=first, last=last)
    return None


def _problems(frame: pl.DataFrame, mask: pl.Expr, column: str, value: pl.Expr,
              reason: pl.Expr | str) -> pl.DataFrame:
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    return frame.filter(mask).select(
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        value.cast(pl.Utf8).alias("value"),
        reason_expr.cast(pl.Utf8).alias("reason"),
    )


def validate(dataset: ds.Dataset, raw: pl.DataFrame,
             missing_columns: list[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed rows (dataset columns, in order, plus ROW) and every problem found."""
    if ROW not in raw.columns:
        raw = raw.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    raw = raw.with_columns(
        pl.col(c.name).cast(pl.Utf8).str.strip_chars() if c.name in raw.columns
        else pl.lit(None, dtype=pl.Utf8).alias(c.name)
        for c in dataset.columns
    )
    found: list[pl.DataFrame] = [
        pl.DataFrame({"row": [None], "column": [name], "value": [None],
                      "reason": [_("missing required column")]}, schema=PROBLEM_SCHEMA)
        for name in (missing_columns or [])
    ]
    parsed = {}
    for column in dataset.columns:
        source = pl.col(column.name)
        value, reason = _parse(column, source)
        parsed[column.name] = value
        if column.name in (missing_columns or []):
            continue
        present = source.is_not_null() & (source != "")
        if column.required:
            found.append(_problems(raw, ~present, column.name, source,
                                   _("missing value (required)")))
        found.append(_problems(raw, present & value.is_null(), column.name, source, reason))
    typed = raw.select(pl.col(ROW), *(expr.alias(name) for name, expr in parsed.items()))
    for column in dataset.columns:
        first = FIRST_OFFICIAL_YEAR if dataset.official else FIRST_YEAR
        check = _range_check(column, pl.col(column.name), first)
        if check is not None:
            mask, reason = check
            found.append(_problems(typed.with_columns(raw.select(pl.col(column.name).alias("_src"))),
                                   mask.fill_null(False), column.name, pl.col("_src"), reason))
    for name in dataset.checks:
        found.extend(CHECKS[name](typed))
    found.append(_duplicates(dataset, typed))
    problems = pl.concat([f.cast(PROBLEM_SCHEMA) for f in found], how="vertical")
    problems = problems.unique(maintain_order=True).sort(["row", "column"], nulls_last=False)
    return typed, problems


def _duplicates(dataset: ds.Dataset, typed: pl.DataFrame) -> pl.DataFrame:
    grain = list(dataset.grain)
    # Rows whose required key columns did not parse are already reported; don't pair them up.
    required = [g for g in grain if dataset.column(g).required]
    typed = typed.filter(pl.all_horizontal(pl.col(required).is_not_null()))
    first_row = pl.col(ROW).min().over(grain, order_by=None)
    dupes = typed.filter(pl.struct(grain).is_duplicated()).with_columns(first=first_row)
    dupes = dupes.filter(pl.col(ROW) != pl.col("first"))
    key = pl.concat_str([pl.col(g).cast(pl.Utf8).fill_null("") for g in grain], separator=" | ")
    return _problems(dupes, pl.lit(True), ", ".join(grain), key,
                     pl.format(_("duplicate of row {} (same {})"), pl.col("first"),
                               pl.lit(", ".join(grain))))


# ---- Cross-column checks ------------------------------------------------------------------------


def _district_in_region(typed: pl.DataFrame) -> list[pl.DataFrame]:
    region_of = {name: region for name, (region, _ru) in ref.DISTRICTS.items()}
    actual = pl.col("district").replace_strict(region_of, default=None, return_dtype=pl.Utf8)
    mask = pl.col("district").is_not_null() & pl.col("region").is_not_null() & (actual != pl.col("region"))
    return [_problems(typed, mask, "district", pl.col("district"),
                      pl.format(_("district {} is in region {}, not {}"), pl.col("district"), actual,
                                pl.col("region")))]


def _regions_known(typed: pl.DataFrame) -> list[pl.DataFrame]:
    """A region boundary (ADM1) must be one of the five regions of DOMAIN §2."""
    mask = (pl.col("level") == "ADM1") & pl.col("region").is_null() & pl.col("code").is_not_null()
    return [_problems(typed, mask, "code", pl.col("name"),
                      _("region not recognised (expected one of TJ-DU, TJ-SU, TJ-KT, TJ-GB, "
                        "TJ-RA, as shapeISO or by name)"))]


def _resettlement_dates(typed: pl.DataFrame) -> list[pl.DataFrame]:
    s, d, dep, dec = pl.col("submitted"), pl.col("decided"), pl.col("departed"), pl.col("decision")
    return [
        _problems(typed, (d < s).fill_null(False), "decided", d, _("decision dated before the submission")),
        _problems(typed, (dep < s).fill_null(False), "departed", dep, _("departure before its submission")),
        _problems(typed, (dep < d).fill_null(False), "departed", dep, _("departure before the decision")),
        _problems(typed, dep.is_not_null() & (dec != "accepted").fill_null(True), "departed", dep,
                  pl.format(_("departure recorded but the decision is '{}', not 'accepted'"), dec)),
        _problems(typed, dec.is_in(["accepted", "rejected", "withdrawn"]) & d.is_null(), "decided", d,
                  pl.format(_("decision '{}' needs its date in 'decided'"), dec)),
    ]


def _resolution_dates(typed: pl.DataFrame) -> list[pl.DataFrame]:
    status, resolved, identified = pl.col("status"), pl.col("resolved"), pl.col("identified")
    is_resolution = status.is_in(["confirmed", "acquired"])
    return [
        _problems(typed, is_resolution & resolved.is_null(), "resolved", resolved,
                  pl.format(_("a resolution ('{}') without a date in 'resolved'"), status)),
        _problems(typed, (resolved < identified).fill_null(False), "resolved", resolved,
                  _("resolved before it was identified")),
        _problems(typed, resolved.is_not_null() & status.is_in(["identified", "in_progress"]),
                  "resolved", resolved,
                  pl.format(_("a 'resolved' date on a case whose status is '{}'"), status)),
    ]


def _enrolment_bounds(typed: pl.DataFrame) -> list[pl.DataFrame]:
    of_age = pl.col("enrolled_of_age")
    return [
        _problems(typed, (of_age > pl.col("school_age")).fill_null(False), "enrolled_of_age", of_age,
                  pl.format(_("enrolled_of_age above school_age ({})"), pl.col("school_age"))),
        _problems(typed, (of_age > pl.col("enrolled")).fill_null(False), "enrolled_of_age", of_age,
                  pl.format(_("enrolled_of_age above enrolled ({})"), pl.col("enrolled"))),
    ]


def _registered_bounds(typed: pl.DataFrame) -> list[pl.DataFrame]:
    reg = pl.col("registered")
    return [_problems(typed, (reg > pl.col("children_under5")).fill_null(False), "registered", reg,
                      pl.format(_("registered above children_under5 ({})"), pl.col("children_under5")))]


def _start_before_end(typed: pl.DataFrame) -> list[pl.DataFrame]:
    return [_problems(typed, (pl.col("end") < pl.col("start")).fill_null(False), "end", pl.col("end"),
                      pl.format(_("end before start ({})"), pl.col("start")))]


def _framework_years(typed: pl.DataFrame) -> list[pl.DataFrame]:
    codes = typed.get_column("code").drop_nulls().to_list()
    parent = pl.col("parent")
    return [
        _problems(typed, (pl.col("end_year") < pl.col("start_year")).fill_null(False), "end_year",
                  pl.col("end_year"), _("end_year before start_year")),
        _problems(typed, parent.is_not_null() & ~parent.is_in(codes), "parent", parent,
                  _("parent code not found among the file's codes")),
        _problems(typed, (pl.col("level") == "outcome") & parent.is_not_null(), "parent", parent,
                  _("an outcome has no parent")),
    ]


def _signoffs(typed: pl.DataFrame) -> list[pl.DataFrame]:
    """Dual sign-off (DOMAIN §5): posting signs for the poster's agency; a sign-off names who and when."""
    found = []
    for agency in ("unhcr", "unicef"):
        action, by, on = (pl.col(f"{agency}_{c}") for c in ("signoff", "by", "on"))
        found += [
            _problems(typed, action.is_not_null() & (by.is_null() | on.is_null()), f"{agency}_by",
                      action, pl.format(_("'{{}}' by {agency} needs {prefix}_by and {prefix}_on")
                                        .format(agency=agency.upper(), prefix=agency), action)),
            _problems(typed, action.is_null() & (by.is_not_null() | on.is_not_null()),
                      f"{agency}_signoff", by,
                      _("{prefix}_by or {prefix}_on without a sign-off").format(prefix=agency)),
            _problems(typed, (on < pl.col("date")).fill_null(False), f"{agency}_on", on,
                      _("signed before the update's date")),
        ]
        own = pl.col("posted_agency") == agency.upper()
        found.append(_problems(typed, (own & (action != "signed").fill_null(True)).fill_null(False),
                               f"{agency}_signoff", action,
                               _("the posting agency's own sign-off must be 'signed'")))
    return found


def _known_indicator(typed: pl.DataFrame) -> list[pl.DataFrame]:
    from metrics.catalogue import CATALOGUE

    code = pl.col("indicator")
    return [_problems(typed, code.is_not_null() & ~code.is_in(list(CATALOGUE.indicators)),
                      "indicator", code,
                      _("not an indicator code of the catalogue (see docs/indicators.md)"))]


CHECKS = {
    "signoffs": _signoffs,
    "known_indicator": _known_indicator,
    "district_in_region": _district_in_region,
    "regions_known": _regions_known,
    "resettlement_dates": _resettlement_dates,
    "resolution_dates": _resolution_dates,
    "enrolment_bounds": _enrolment_bounds,
    "registered_bounds": _registered_bounds,
    "start_before_end": _start_before_end,
    "framework_years": _framework_years,
}


def format_problems(problems: pl.DataFrame, limit: int | None = None) -> str:
    """Human-readable lines: 'row 7, column persons, value "-3": negative count'."""
    lines = []
    for row, column, value, reason in problems.head(limit or problems.height).iter_rows():
        where = _("header") if row is None else _("row {row}").format(row=row)
        if value is None:
            line = _("{where}, column {column}: {reason}")
        else:
            line = _('{where}, column {column}, value "{value}": {reason}')
        lines.append(line.format(where=where, column=column, value=value, reason=reason))
    if limit and problems.height > limit:
        more = problems.height - limit
        lines.append(ngettext("… and {count} more problem", "… and {count} more problems",
                              more).format(count=more))
    return "\n".join(lines)
