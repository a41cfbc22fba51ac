"""The Joint Plan of Action in the warehouse: activities, progress updates, dual sign-off.

Everything goes through the importer, so every action is an import batch (who, when, what) and
nothing is ever overwritten:

- `post_update`: the lead agency's focal point posts update n+1 of an activity. Posting signs
  for the poster's agency. Refused (`Conflict`) when someone else posted since the form was
  opened — the form's `seen_update_no` is the optimistic-concurrency token; a unique index on the
  current (activity, update) makes the race safe on PostgreSQL and SQLite alike.
- `sign_off` / `return_update`: the other agency signs the update, or returns it with a comment.
  The new version of the row supersedes the one signed; refused when that version is no longer
  current (`seen_batch` is the token).
- `updates` / `history` read updates as an audience may see them: donors receive the narrative
  and status note of signed, shared updates only, and never a return comment (removed here, in
  the data path, not hidden by a page).
- `linked_indicator_view`: what an audience may see of an activity's linked catalogue indicator
  (DOMAIN §1 audiences, §7 small counts).

Every post, sign-off and return is written to the audit log inside its own transaction (who, as
which audience, what), so a change and its audit line exist together or not at all; `mode` says
how the actor is known (`oidc` sign-in, `demo` switch, `cli` for scripts and tests).

Roles are checked here, server side: only `unhcr` and `unicef` act, each for its own agency, and
only on activities their agency leads (JOINT: both); donors and data managers cannot post or sign.

Refusals, sentences and figures are in the current language (`locales`); the audit log and the
import log stay in English. The frames keep codes (agencies, states, changed fields), which the
cached reads share between languages: `agency_name`, `person_label`, `state_label` and
`changes_text` say them in the current language where they are shown.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError

import locales
from data_access import analytics, audit, importer, schema
from data_access import datasets as ds
from locales import N_, _, pgettext
from metrics.catalogue import CATALOGUE, audience_title, indicator_name
from metrics.disclosure import is_small, scrub, threshold_for
from metrics.joint_plan import activity_status

UPDATES = "joint_plan_updates"
AGENCY_OF_ROLE = {"unhcr": "UNHCR", "unicef": "UNICEF"}
OTHER_AGENCY = {"UNHCR": "UNICEF", "UNICEF": "UNHCR"}
#: Audiences that may read internal narratives (DOMAIN §1: donors never see them).
INTERNAL_READERS = frozenset({"unhcr", "unicef", "admin"})
WORKPLAN_SHEETS = {"joint_plan": "activities", UPDATES: "updates"}
#: An update's `state`, as words of the current language (`state_label`).
STATES = {"signed": N_("signed"), "pending": N_("pending"), "returned": N_("returned")}


#: Lead and acting agencies (`lead`, `posted_agency`, `waiting_for`): codes in the data, names on
#: the screen (`agency_name`).
AGENCIES = {"UNHCR": N_("UNHCR"), "UNICEF": N_("UNICEF"), "JOINT": N_("Joint")}
#: Who acted, as audiences outside the agencies read it (`_agencies_for_people`).
AGENCY_STAFF = N_("agency staff")


def state_label(state: str | None) -> str:
    return _(STATES[state]) if state in STATES else (state or "")


def agency_name(code: str | None) -> str:
    """A lead or acting agency in the current language ('UNHCR' -> 'УВКБ ООН', 'JOINT' ->
    'Совместно'); a code we do not know as it is."""
    return _(AGENCIES[code]) if code in AGENCIES else (code or "")


def person_label(value: str | None) -> str | None:
    """Who acted, as the screen shows it: a name or address as it is; what the data path gave an
    audience outside the agencies instead (an agency code, `AGENCY_STAFF`) in the language."""
    if value == AGENCY_STAFF:
        return _(AGENCY_STAFF)
    return agency_name(value) if value in AGENCIES else value


class PlanRefused(Exception):
    """An action on the plan that cannot be done; the message says why and what to do."""


class NotAllowed(PlanRefused):
    """The audience may not do this (checked server side, whatever the page shows)."""


class Conflict(PlanRefused):
    """Someone else changed the activity since the form was opened; nothing was written."""


@dataclass(frozen=True)
class UpdateDraft:
    """What a focal point types into the update form."""

    date: date
    progress: float
    status_note: str | None = None
    indicator_actual: float | None = None
    funds_mobilised_usd: float | None = None
    funds_spent_usd: float | None = None
    narrative: str | None = None
    internal: bool = False


# ---------------------------------------------------------------------------------- reading
def activities(connection: Connection) -> pl.DataFrame:
    """The current activities of the plan, in id order."""
    return analytics.load(connection, "joint_plan").sort("activity_id")


def _current_updates(connection: Connection, activity_id: str | None = None) -> pl.DataFrame:
    table = schema.table_for(UPDATES)
    query = select(table).where(table.c.superseded_by.is_(None))
    if activity_id is not None:
        query = query.where(table.c.activity_id == activity_id)
    return _frame(connection, query)


def _frame(connection: Connection, query) -> pl.DataFrame:
    result = connection.execute(query)
    rows = [dict(r) for r in result.mappings()]
    schema_ = _update_schema()
    if not rows:
        return pl.DataFrame(schema=schema_)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.select(pl.col(name).cast(dtype, strict=False) if name in frame.columns
                        else pl.lit(None, dtype).alias(name) for name, dtype in schema_.items())


def _update_schema() -> dict[str, pl.DataType]:
    types = {ds.COUNT: pl.Int64, ds.NUMBER: pl.Float64, ds.PERCENT: pl.Float64,
             ds.DATE: pl.Date}
    columns = {"id": pl.Int64, "batch_id": pl.Int64, "superseded_by": pl.Int64}
    for column in ds.get(UPDATES).columns:
        columns[column.name] = types.get(column.kind, pl.String)
    return columns


def _with_state(frame: pl.DataFrame) -> pl.DataFrame:
    """`state`: signed (both agencies), returned (by either), or pending (waiting for one)."""
    signed = (pl.col("unhcr_signoff") == "signed") & (pl.col("unicef_signoff") == "signed")
    returned = (pl.col("unhcr_signoff") == "returned") | (pl.col("unicef_signoff") == "returned")
    waiting = (pl.when(pl.col("unhcr_signoff").is_null()).then(pl.lit("UNHCR"))
               .when(pl.col("unicef_signoff").is_null()).then(pl.lit("UNICEF")))
    return frame.with_columns(
        pl.when(signed.fill_null(False)).then(pl.lit("signed"))
        .when(returned.fill_null(False)).then(pl.lit("returned"))
        .otherwise(pl.lit("pending")).alias("state"),
        pl.when(~signed.fill_null(False) & ~returned.fill_null(False)).then(waiting)
        .alias("waiting_for"),
    )


#: Update texts only `INTERNAL_READERS` always read: the focal points' narrative and status note,
#: and the other agency's return comment.
WITHHELD_TEXTS = ("narrative", "status_note", "comment")


def _for_audience(frame: pl.DataFrame, audience: str) -> pl.DataFrame:
    """`frame` (with `state`: run `_with_state` first) as `audience` may read it.

    Audiences outside `INTERNAL_READERS` (donors) read the narrative and status note of a
    *signed*, *shared* (`internal` = "no") update only: a pending or returned update is not
    reported yet, and may be returned precisely because of what its text says. They never read
    a return comment. Withheld columns are rebuilt (`scrub`), so no byte of them travels."""
    if audience in INTERNAL_READERS:
        return frame
    if "state" not in frame.columns:
        raise ValueError("_for_audience needs the `state` column: call _with_state first")
    shared = ((pl.col("state") == "signed") & (pl.col("internal") == "no")).fill_null(False)
    withheld = frame.with_columns(
        pl.when(shared).then(pl.col("narrative")).otherwise(None).alias("narrative"),
        pl.when(shared).then(pl.col("status_note")).otherwise(None).alias("status_note"),
        pl.lit(None, frame.schema["comment"]).alias("comment"),
    )
    withheld = _agencies_for_people(withheld)
    return scrub(withheld, [c for c in (*WITHHELD_TEXTS, *PEOPLE_COLUMNS)
                            if c in withheld.columns])  # the withheld text must not travel


#: Columns naming a member of staff: audiences outside the agencies read the agency instead.
PEOPLE_COLUMNS = ("posted_by", "unhcr_by", "unicef_by", "changed_by")


def _agencies_for_people(frame: pl.DataFrame) -> pl.DataFrame:
    """Staff names and addresses replaced by their agency (who acted, not which person)."""
    agency = {"posted_by": pl.col("posted_agency") if "posted_agency" in frame.columns
              else pl.lit(AGENCY_STAFF),
              "unhcr_by": pl.lit("UNHCR"), "unicef_by": pl.lit("UNICEF"),
              "changed_by": pl.lit(AGENCY_STAFF)}
    return frame.with_columns(
        pl.when(pl.col(c).is_not_null()).then(agency[c]).otherwise(None).cast(pl.String).alias(c)
        for c in PEOPLE_COLUMNS if c in frame.columns)


def updates(connection: Connection, audience: str, activity_id: str | None = None
            ) -> pl.DataFrame:
    """Current updates with their `state` and `waiting_for`, as `audience` may see them."""
    frame = _with_state(_current_updates(connection, activity_id))
    return _for_audience(frame, audience).sort("activity_id", "update_no")


def history(connection: Connection, audience: str, activity_id: str) -> pl.DataFrame:
    """Every version of every update of an activity, with who changed it and when (newest first)."""
    table, batch = schema.table_for(UPDATES), schema.import_batch
    query = (select(table, batch.c.user_name.label("changed_by"),
                    batch.c.imported_at.label("changed_at"))
             .join(batch, table.c.batch_id == batch.c.id)
             .where(table.c.activity_id == activity_id))
    rows = [dict(r) for r in connection.execute(query).mappings()]
    if not rows:
        base = pl.DataFrame(schema=_update_schema()).with_columns(
            pl.lit(None, pl.String).alias("changed_by"),
            pl.lit(None, pl.Datetime("us", "UTC")).alias("changed_at"))
    else:
        base = pl.DataFrame(rows, infer_schema_length=None)
    frame = _for_audience(_with_state(base), audience)
    return frame.sort("update_no", "batch_id", descending=True)


#: How `activity_versions` sums up a version in English (`changed`; `changes_text` on screen).
CREATED = N_("created")
NO_CHANGE = N_("no change")


def activity_versions(connection: Connection, activity_id: str, audience: str = "admin"
                      ) -> pl.DataFrame:
    """Every version of an activity (a corrected workplan imported with --replace adds one),
    oldest first, with who imported it (for the agencies; `AGENCY_STAFF` for others), when,
    and which fields changed from the version before: `fields` (the workplan's column names;
    null for the first version) and `changed`, the same in English ("created", "end, target",
    "no change"); `changes_text` says it in the current language."""
    table, batch = schema.table_for("joint_plan"), schema.import_batch
    columns = ds.get("joint_plan").column_names
    rows = connection.execute(
        select(*(table.c[c] for c in columns), table.c.batch_id,
               batch.c.user_name.label("changed_by"), batch.c.imported_at.label("changed_at"))
        .join(batch, table.c.batch_id == batch.c.id)
        .where(table.c.activity_id == activity_id).order_by(table.c.batch_id)).mappings().all()
    fields, previous = [], None
    for row in rows:
        fields.append(None if previous is None else [c for c in columns if row[c] != previous[c]])
        previous = row
    if not rows:
        return pl.DataFrame(schema={"batch_id": pl.Int64, "changed_by": pl.String,
                                    "changed_at": pl.Datetime("us", "UTC"),
                                    "fields": pl.List(pl.String), "changed": pl.String})
    with locales.using(locales.DEFAULT):
        changed = [changes_text(f) for f in fields]
    versions = pl.DataFrame([dict(r) for r in rows], infer_schema_length=None).with_columns(
        pl.Series("fields", fields, pl.List(pl.String)), pl.Series("changed", changed, pl.String))
    if audience in INTERNAL_READERS:
        return versions
    return scrub(_agencies_for_people(versions), ["changed_by"])


def field_label(name: str) -> str:
    """A column of the workplan's activities as the version history names it, in the current
    language (English: the column's name in words, 'end', 'budget (USD)')."""
    labels = {
        "activity_id": pgettext("activity field", "activity"),
        "area": pgettext("activity field", "area"),
        "title": pgettext("activity field", "title"),
        "lead": pgettext("activity field", "lead agency"),
        "partners": pgettext("activity field", "partners"),
        "start": pgettext("activity field", "start"),
        "end": pgettext("activity field", "end"),
        "indicator": pgettext("activity field", "linked indicator"),
        "baseline": pgettext("activity field", "baseline"),
        "target": pgettext("activity field", "target"),
        "budget_usd": pgettext("activity field", "budget (USD)"),
        "undaf_outcome": pgettext("activity field", "UNDAF / UNSDCF outcome"),
        "sdg_target": pgettext("activity field", "SDG target"),
    }
    return labels.get(name, name)


def changes_text(fields: list[str] | None) -> str:
    """What a version of an activity changed, in the current language: 'created' (the first
    version, `fields` None), 'no change', or the fields changed ('end, target')."""
    if fields is None:
        return _(CREATED)
    return ", ".join(field_label(f) for f in fields) or _(NO_CHANGE)


def latest_update_no(connection: Connection, activity_id: str) -> int:
    """The highest current update number of an activity (0 before the first update)."""
    numbers = _current_updates(connection, activity_id).get_column("update_no")
    return int(numbers.max()) if numbers.len() else 0


# ---------------------------------------------------------------------------------- status
#: Update fields whose latest signed value is shown per activity (a signed update that leaves
#: a field empty does not erase the figure an earlier signed update gave).
LATEST_SIGNED_FIELDS = ("indicator_actual", "funds_mobilised_usd", "funds_spent_usd")


def _partners(connection: Connection) -> pl.DataFrame:
    """`partners` of the current activities (free text the analytics table does not keep)."""
    table = schema.table_for("joint_plan")
    rows = connection.execute(select(table.c.activity_id, table.c.partners)
                              .where(table.c.superseded_by.is_(None))).all()
    return pl.DataFrame([tuple(r) for r in rows], orient="row",
                        schema={"activity_id": pl.String, "partners": pl.String})


def signed_updates(updates: pl.DataFrame) -> pl.DataFrame:
    """The updates both agencies signed, in the shape `activity_status` reads; `signed_on` (the
    later signature) keeps a past date's status from counting updates signed after it."""
    signed_on = (pl.max_horizontal("unhcr_on", "unicef_on")
                 if {"unhcr_on", "unicef_on"} <= set(updates.columns) else pl.lit(None, pl.Date))
    return (updates.filter(pl.col("state") == "signed")
            .select("activity_id", "date", "progress", pl.lit(True).alias("signed_off"),
                    signed_on.alias("signed_on")))


def latest_signed_values(updates: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per activity, from the signed updates dated up to `as_of`: the number of the latest one
    (`last_signed_update`), the latest non-empty value of each of `LATEST_SIGNED_FIELDS`, and the
    date of the latest indicator actual (`actual_date`)."""
    counted = updates.filter(pl.col("state") == "signed", pl.col("date") <= as_of)
    order = ("date", "update_no")
    return counted.group_by("activity_id").agg(
        pl.col("update_no").sort_by(*order).last().alias("last_signed_update"),
        *(pl.col(field).sort_by(*order).drop_nulls().last().alias(field)
          for field in LATEST_SIGNED_FIELDS),
        pl.col("date").sort_by(*order).filter(
            pl.col("indicator_actual").sort_by(*order).is_not_null()).last().alias("actual_date"),
    )


def status_frame(activities: pl.DataFrame, updates: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Activities (id order) with `metrics.joint_plan.activity_status` at `as_of` and their
    latest signed figures (`latest_signed_values`)."""
    status = activity_status(activities, signed_updates(updates), as_of)
    latest = latest_signed_values(updates, as_of)
    return status.join(latest, on="activity_id", how="left", maintain_order="left")


def status(connection: Connection, audience: str, as_of: date) -> pl.DataFrame:
    """The plan's activities (with partners) and their status at `as_of`: only dual-signed
    updates count (DOMAIN §5); empty when there is no plan."""
    plan_activities = activities(connection).join(
        _partners(connection), on="activity_id", how="left", maintain_order="left")
    return status_frame(plan_activities, updates(connection, audience), as_of)


# ---------------------------------------------------------------------------------- indicator
NOT_IN_CATALOGUE = N_("not in the indicator catalogue")
#: The linked indicator's figures (keys of `linked_indicator_view`'s `values`).
FIGURE_LABELS = {"Baseline": N_("Baseline"), "Target": N_("Target"),
                 "Latest actual": N_("Latest actual")}


def figure_text(value: float | None, unit: str | None = None) -> str:
    """A figure as the plan pages show it, in the current language: '1,250', '87.5 %'
    ('1 250', '87,5 %' in Russian), '—' when there is none."""
    if value is None:
        return "—"
    rounded = float(f"{value:.1f}")
    digits = 0 if rounded.is_integer() else 1
    if unit == "percent":
        return locales.percent(rounded, digits)
    return locales.number(rounded, digits)


def _indicator_rule(code: str, audience: str, thresholds: Mapping[str, int | None] | None
                    ) -> tuple[str, str | None, bool, int | None]:
    """(name, unit, shared with `audience`, small-count threshold or None) of a linked code.

    A code the catalogue does not know (the workplan does not check it) is shown to every
    audience, with the small-count rule applied as if it were a count (fail safe)."""
    indicator = CATALOGUE.indicators.get(code)
    if indicator is None:
        return _(NOT_IN_CATALOGUE), None, True, threshold_for(audience, thresholds)
    threshold = (threshold_for(audience, thresholds) if indicator.disclosure == "count"
                 else None)
    return indicator_name(code), indicator.unit, audience in indicator.audiences, threshold


def indicator_figure(code: str, value: float | None, audience: str,
                     thresholds: Mapping[str, int | None] | None = None) -> str | None:
    """One value of the linked indicator `code` as `audience` may see it: None when the
    indicator is not shared with the audience, "<5" for a small count (DOMAIN §7)."""
    _, unit, shared, threshold = _indicator_rule(code, audience, thresholds)
    if not shared:
        return None
    return f"<{threshold}" if is_small(value, threshold) else figure_text(value, unit)


def linked_indicator_view(indicator_code: str | None, baseline: float | None,
                          target: float | None, actual: float | None, audience: str,
                          thresholds: Mapping[str, int | None] | None = None) -> dict:
    """What the activity page shows of the activity's linked catalogue indicator.

    Returns `code`, `name`, `unit`, `shown` (False: show `sentence` and no value), `sentence`
    (why nothing is shown, or None), `values` (label -> text: "Baseline", "Target",
    "Latest actual"; empty when not shown) and `note` (set when a small count is shown as
    "<threshold"). The rules:

    - an indicator whose catalogue `audiences` do not list `audience` shows no value at all
      (e.g. ASY.TPR to UNICEF): "This indicator is not shared with <audience title>";
    - an indicator with `disclosure = "count"` shows a value between 1 and threshold − 1 as
      "<threshold" for an audience with a threshold (`thresholds`, as in
      `data_access.config.disclosure_thresholds()`); baseline and target are counts too;
    - otherwise the values as they are ('—' when there is none).
    """
    view = {"code": indicator_code, "name": None, "unit": None, "shown": False,
            "sentence": None, "values": {}, "note": None}
    if not indicator_code:
        view["sentence"] = _("This activity is not linked to a catalogue indicator.")
        return view
    name, unit, shared, threshold = _indicator_rule(indicator_code, audience, thresholds)
    view.update(name=name, unit=unit)
    if not shared:
        view["sentence"] = _("This indicator is not shared with {audience}.").format(
            audience=audience_title(audience))
        return view
    raw = {"Baseline": baseline, "Target": target, "Latest actual": actual}
    view["shown"] = True
    view["values"] = {label: indicator_figure(indicator_code, value, audience, thresholds)
                      for label, value in raw.items()}
    if any(is_small(value, threshold) for value in raw.values()):
        view["note"] = _("Counts between 1 and {largest} are shown as <{threshold} "
                         "(disclosure control).").format(largest=threshold - 1,
                                                         threshold=threshold)
    return view


# ---------------------------------------------------------------------------------- rights
def agency_of(audience: str) -> str | None:
    return AGENCY_OF_ROLE.get(audience)


def can_post(audience: str, lead: str) -> bool:
    """The lead agency's focal points post (JOINT: both agencies)."""
    agency = agency_of(audience)
    return agency is not None and lead in (agency, "JOINT")


def can_sign(audience: str, update: dict) -> bool:
    """The agency that has not yet acted on a pending update signs it or returns it."""
    agency = agency_of(audience)
    return (agency is not None and update.get("state") == "pending"
            and update.get("waiting_for") == agency)


def _activity(connection: Connection, activity_id: str) -> dict:
    found = analytics.load(connection, "joint_plan", {"activity_id": activity_id})
    if found.is_empty():
        raise PlanRefused(_("there is no activity {activity}").format(activity=activity_id))
    return found.row(0, named=True)


# ---------------------------------------------------------------------------------- actions
def post_update(engine: Engine, activity_id: str, draft: UpdateDraft, *, audience: str,
                user: str, seen_update_no: int, mode: str = "cli") -> importer.ImportResult:
    """Post update `seen_update_no + 1`; refused with `Conflict` if someone posted meanwhile."""
    with engine.connect() as connection:
        activity = _activity(connection, activity_id)
    if not can_post(audience, activity["lead"]):
        raise NotAllowed(_("{audience} cannot post updates on {activity} (led by {lead})").format(
            audience=audience_title(audience), activity=activity_id,
            lead=agency_name(activity["lead"])))
    if draft.date < activity["start"]:
        raise PlanRefused(_("the update is dated {date}, before the activity starts "
                            "({start})").format(date=locales.day(draft.date),
                                                start=locales.day(activity["start"])))
    agency = agency_of(audience)
    number = seen_update_no + 1
    row = {
        "activity_id": activity_id, "update_no": number, "date": draft.date,
        "progress": draft.progress, "status_note": draft.status_note,
        "indicator_actual": draft.indicator_actual,
        "funds_mobilised_usd": draft.funds_mobilised_usd,
        "funds_spent_usd": draft.funds_spent_usd, "narrative": draft.narrative,
        "internal": "yes" if draft.internal else "no", "posted_by": user,
        "posted_agency": agency, "comment": None,
        **_signature(agency, "signed", user, draft.date),
        **_signature(OTHER_AGENCY[agency], None, None, None),
    }

    def still_latest(connection: Connection) -> None:
        latest = latest_update_no(connection, activity_id)
        if latest != seen_update_no:
            raise Conflict(
                _("{activity} received update {update} since you opened the form: your update "
                  "was not saved. Read the new update, then post yours again (what you typed is "
                  "kept).").format(activity=activity_id, update=latest))
        audit.record(connection, audit.Actor(user, audience, mode), "plan_post",
                     f"{activity_id} update {number}", f"progress {draft.progress:g} %")

    return _import(engine, _as_frame([row]), f"update {number} of {activity_id}",
                   _("update {update} of {activity}").format(update=number, activity=activity_id),
                   user, replace=False, precondition=still_latest)


def sign_off(engine: Engine, activity_id: str, update_no: int, *, audience: str, user: str,
             seen_batch: int, on: date | None = None, mode: str = "cli"
             ) -> importer.ImportResult:
    """The other agency signs update `update_no`: from now on it counts for reporting."""
    return _act(engine, activity_id, update_no, audience, user, seen_batch, "signed", None, on,
                mode)


def return_update(engine: Engine, activity_id: str, update_no: int, *, audience: str, user: str,
                  seen_batch: int, comment: str, on: date | None = None, mode: str = "cli"
                  ) -> importer.ImportResult:
    """The other agency returns the update with a comment; it never counts. The lead posts anew."""
    if not comment or not comment.strip():
        raise PlanRefused(_("say why the update is returned (a comment is required)"))
    return _act(engine, activity_id, update_no, audience, user, seen_batch, "returned",
                comment.strip(), on, mode)


def _act(engine: Engine, activity_id: str, update_no: int, audience: str, user: str,
         seen_batch: int, action: str, comment: str | None, on: date | None, mode: str = "cli"
         ) -> importer.ImportResult:
    agency = agency_of(audience)
    if agency is None:
        raise NotAllowed(_("{audience} cannot sign off joint-plan updates").format(
            audience=audience_title(audience)))
    with engine.connect() as connection:
        current = updates(connection, "admin", activity_id).filter(
            pl.col("update_no") == update_no)
    if current.is_empty():
        raise PlanRefused(_("{activity} has no update {update}").format(activity=activity_id,
                                                                         update=update_no))
    row = current.row(0, named=True)
    if row["batch_id"] != seen_batch:
        raise Conflict(_changed(activity_id, update_no))
    if not can_sign(audience, row):
        raise NotAllowed(_("update {update} of {activity} is not waiting for {agency} (it is "
                           "{state})").format(update=update_no, activity=activity_id,
                                              agency=agency_name(agency),
                                              state=state_label(row["state"])))
    day = on or date.today()
    new = {k: row[k] for k in ds.get(UPDATES).column_names}
    new.update(_signature(agency, action, user, max(day, row["date"])))
    if comment:
        new["comment"] = comment

    def unchanged(connection: Connection) -> None:
        table = schema.table_for(UPDATES)
        locked = connection.execute(  # FOR UPDATE: a concurrent signer waits, then sees the change
            select(table.c.batch_id).where(
                table.c.activity_id == activity_id, table.c.update_no == update_no,
                table.c.superseded_by.is_(None)).with_for_update()).scalars().all()
        if locked != [seen_batch]:
            raise Conflict(_changed(activity_id, update_no))
        audit.record(connection, audit.Actor(user, audience, mode),
                     "plan_sign" if action == "signed" else "plan_return",
                     f"{activity_id} update {update_no}", f"for {agency}")

    verb = "sign-off" if action == "signed" else "return"
    if action == "signed":
        shown = _("the sign-off of update {update} of {activity}")
    else:
        shown = _("the return of update {update} of {activity}")
    return _import(engine, _as_frame([new]), f"{verb} of update {update_no} of {activity_id}",
                   shown.format(update=update_no, activity=activity_id), user, replace=True,
                   precondition=unchanged)


def _changed(activity_id: str, update_no: int) -> str:
    return _("update {update} of {activity} was changed by someone else since you opened it: "
             "nothing was saved. Reload the activity and decide again.").format(
                 update=update_no, activity=activity_id)


def _signature(agency: str, action: str | None, user: str | None, day: date | None) -> dict:
    prefix = agency.lower()
    return {f"{prefix}_signoff": action, f"{prefix}_by": user, f"{prefix}_on": day}


def _as_frame(rows: list[dict]) -> pl.DataFrame:
    """Rows as the text an import file would hold (the importer validates them like a file)."""
    columns = ds.get(UPDATES).column_names
    return pl.DataFrame([[_text(r.get(c)) for c in columns] for r in rows],
                        schema=dict.fromkeys(columns, pl.String), orient="row")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if isinstance(value, date) else str(value)


def _import(engine: Engine, frame: pl.DataFrame, what: str, shown: str, user: str, *,
            replace: bool, precondition) -> importer.ImportResult:
    """Import one update row as batch `what` (the import log's English); `shown` says the same
    in the current language in a refusal."""
    try:
        return importer.import_frame(engine, UPDATES, frame, file_name=what, user=user,
                                     replace=replace, precondition=precondition)
    except importer.ImportRefused as exc:  # the importer names the batch: by its shown name
        raise PlanRefused(exc.report(10).replace(what, shown)) from exc
    except (IntegrityError, OperationalError) as exc:
        # the unique current-version index (or SQLite's writer lock) caught a simultaneous change
        raise Conflict(_("{what}: someone else changed this activity at the same moment; "
                         "nothing was saved. Reload and try again.").format(what=shown)) from exc


# ---------------------------------------------------------------------------------- workplan
def export_workplan(connection: Connection) -> bytes:
    """The plan as the XLSX workplan both agencies keep: sheet `activities`, sheet `updates`."""
    plan = schema.table_for("joint_plan")
    activity_rows = _plain(connection, plan, ds.get("joint_plan").column_names)
    update_rows = _plain(connection, schema.table_for(UPDATES), ds.get(UPDATES).column_names)
    buffer = io.BytesIO()
    # strings_to_formulas off: a narrative starting with "=" stays text, never a live formula
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False}) as workbook:
        for sheet, frame in (("activities", activity_rows), ("updates", update_rows)):
            frame.write_excel(workbook, worksheet=sheet, autofit=True)
    return buffer.getvalue()


def _plain(connection: Connection, table, columns: list[str]) -> pl.DataFrame:
    rows = connection.execute(select(*(table.c[c] for c in columns))
                              .where(table.c.superseded_by.is_(None))
                              .order_by(*(table.c[c] for c in columns[:2]))).all()
    if not rows:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    return pl.DataFrame([tuple(r) for r in rows], schema=columns, orient="row",
                        infer_schema_length=None)


def import_workplan(engine: Engine, source: Path | str | bytes, *, user: str,
                    file_name: str | None = None, replace: bool = False
                    ) -> list[importer.ImportResult]:
    """Import both sheets of a workplan in one transaction (activities first)."""
    return importer.import_workbook(engine, source, WORKPLAN_SHEETS, user=user,
                                    file_name=file_name, replace=replace)
