"""The audit log: who did what, when, as which audience (table `audit_log`).

Recorded by the data path, not by the screen: `data_access.uploads` (imports, refused uploads,
rollbacks), `data_access.plan` (joint-plan posts, sign-offs, returns), the `hamkori` command
(imports and rollbacks from the command line) and the app through `pages._context.audit_event`
(sign-ins, refused sign-ins and pages, page views, exports). Append-only: nothing here updates or
deletes a row. One short transaction per event; the detail is a plain sentence, never a secret
or a token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import polars as pl
from sqlalchemy import Connection, Engine, func, insert, select

from data_access import schema
from locales import N_

_LOG = logging.getLogger(__name__)

#: Actions and what they mean (the audit page's filter and legend).
ACTIONS: dict[str, str] = {
    "sign_in": N_("signed in"),
    "sign_in_refused": N_("signed in without a role: shown 'no access'"),
    "sign_out": N_("signed out"),
    "page_refused": N_("asked for a page the role may not open"),
    "view": N_("opened a page"),
    "import": N_("imported a file"),
    "import_refused": N_("upload refused (nothing written)"),
    "rollback": N_("rolled an import back"),
    "plan_post": N_("posted a joint-plan update"),
    "plan_sign": N_("signed a joint-plan update off"),
    "plan_return": N_("returned a joint-plan update"),
    "export": N_("downloaded an export"),
    "refused": N_("an action the role may not take"),
}
MODES = ("oidc", "demo", "cli")

COLUMNS = ["id", "at", "user_name", "audience", "mode", "action", "target", "detail"]


@dataclass(frozen=True)
class Actor:
    """Who acts: the name recorded (e-mail when signed in), the audience (role) and how the
    identity is known (`oidc` sign-in, `demo` switch — not verified —, or `cli`)."""

    user: str
    audience: str | None
    mode: str = "oidc"


def _cut(text: str | None, size: int) -> str | None:
    return None if text is None else str(text)[:size]


def record(engine: Engine | Connection, actor: Actor, action: str, target: str | None = None,
           detail: str | None = None, *, at: datetime | None = None) -> None:
    """Append one event (inside `engine`'s own short transaction, or the caller's connection)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor.mode not in MODES:
        raise ValueError(f"unknown audit mode {actor.mode!r}")
    values = {
        "at": at or datetime.now(UTC), "user_name": _cut(actor.user or "unknown", 255),
        "audience": actor.audience, "mode": actor.mode, "action": action,
        "target": _cut(target, 255), "detail": _cut(detail, 4000),
    }
    if isinstance(engine, Connection):
        engine.execute(insert(schema.audit_log).values(**values))
        return
    with engine.begin() as connection:
        connection.execute(insert(schema.audit_log).values(**values))


def record_safely(engine: Engine, actor: Actor, action: str, target: str | None = None,
                  detail: str | None = None) -> bool:
    """`record`, but a failure is logged instead of raised (for events that follow an action
    already done, so that the action's own result is still reported). False on failure."""
    try:
        record(engine, actor, action, target, detail)
        return True
    except Exception as exc:  # the action happened; the log line says the audit did not
        _LOG.error("audit event %s %s by %s not recorded: %s", action, target, actor.user,
                   type(exc).__name__)
        return False


def signed_in_before(engine: Engine, user: str, issued_at: float | int | None,
                     action: str = "sign_in") -> bool:
    """Whether this sign-in (user and identity-token issue time) is already in the log as
    `action` (`sign_in` or `sign_in_refused`): a second tab or a reconnect of the same sign-in
    is not a new sign-in."""
    if issued_at is None:
        return False
    log = schema.audit_log
    with engine.connect() as connection:
        found = connection.execute(
            select(func.count()).select_from(log).where(
                log.c.action == action, log.c.user_name == _cut(user, 255),
                log.c.detail.like(f"%(token issued {int(issued_at)})%"))
        ).scalar_one()
    return found > 0


def sign_in_detail(rule: str | None, issued_at: float | int | None) -> str:
    text = f"role from {rule}" if rule else "no rule matched"
    if issued_at is not None:
        text += f" (token issued {int(issued_at)})"
    return text


def events(engine: Engine, *, start: date | None = None, end: date | None = None,
           users: list[str] | None = None, actions: list[str] | None = None,
           audiences: list[str] | None = None, text: str | None = None,
           limit: int = 5000) -> pl.DataFrame:
    """Events newest first, filtered (days inclusive, in UTC); at most `limit` rows."""
    log = schema.audit_log
    query = select(*(log.c[c] for c in COLUMNS)).order_by(log.c.at.desc(), log.c.id.desc())
    if start:
        query = query.where(log.c.at >= datetime.combine(start, time.min, UTC))
    if end:
        query = query.where(log.c.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    if users:
        query = query.where(log.c.user_name.in_(users))
    if actions:
        query = query.where(log.c.action.in_(actions))
    if audiences:
        query = query.where(log.c.audience.in_(audiences))
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(func.lower(log.c.target).like(pattern)
                            | func.lower(log.c.detail).like(pattern))
    with engine.connect() as connection:
        rows = connection.execute(query.limit(limit)).all()
    schema_ = {"id": pl.Int64, "at": pl.Datetime("us", "UTC"), "user_name": pl.String,
               "audience": pl.String, "mode": pl.String, "action": pl.String,
               "target": pl.String, "detail": pl.String}
    frame = pl.DataFrame([tuple(r) for r in rows], schema=list(schema_), orient="row",
                         infer_schema_length=None) if rows else pl.DataFrame(schema=schema_)
    if rows and frame.schema["at"] != schema_["at"]:  # SQLite returns naive UTC datetimes
        frame = frame.with_columns(pl.col("at").dt.replace_time_zone("UTC"))
    return frame.cast(schema_)


def users(engine: Engine) -> list[str]:
    """Everyone in the log (for the audit page's filter)."""
    log = schema.audit_log
    with engine.connect() as connection:
        return list(connection.execute(
            select(log.c.user_name).distinct().order_by(log.c.user_name)).scalars())
