"""Who may see what: sign-in settings, the role map, and the access map (server side).

No screen here (data_access knows no Streamlit): app.py and `pages/_context.py` hand in the
identity claims (`st.user`) and the `[roles]` section of `.streamlit/secrets.toml`; this module
decides. Everything is deny by default:

- **Settings** (`settings()`): `HAMKORI_DEMO` switches demo mode on (an audience switch, no
  sign-in, *not secured*); `HAMKORI_ENV=production` refuses demo mode (`check()`);
  `HAMKORI_SESSION_HOURS` is how long a sign-in lasts before the identity provider is asked
  again (Streamlit's own cookie lasts 30 days).
- **Role map** (`RoleMap`, `resolve`): e-mail address → role, identity-provider group → role,
  e-mail domain → role, in that order of precedence. A signed-in user matching no rule has no
  role: the app shows "no access" and nothing else.
- **Access map** (`PAGE_ACCESS`, `may_open`): page url_path → roles. A page missing from the map
  is open to nobody; app.py filters the navigation with it and refuses every other page before
  it runs, and pages repeat the check in one line (`pages._context.require_page`).
- **Rights** beyond pages: `may_import` (each dataset declares its `import_roles`),
  `may_rollback`, `may_read_audit`; refusals raise `NotAllowed`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from data_access import datasets as ds
from locales import N_

#: Role codes of DOMAIN §1 (also the audiences of the indicator catalogue).
ROLES: tuple[str, ...] = ("unhcr", "unicef", "donor", "admin")
#: When several identity-provider groups match, the broadest role wins (documented in README).
ROLE_RANK = {"donor": 0, "unicef": 1, "unhcr": 2, "admin": 3}
ROLE_TITLES = {
    "unhcr": N_("UNHCR representative and staff"),
    "unicef": N_("UNICEF counterparts"),
    "donor": N_("Donors (briefing by screen-share)"),
    "admin": N_("Data manager"),
}

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"", "0", "false", "no", "off"}
PRODUCTION = "production"
DEFAULT_SESSION_HOURS = 12.0


class ConfigurationError(ValueError):
    """A setting is missing, malformed or forbidden here; the message says which and what to do."""


class NotAllowed(PermissionError):
    """The role may not do this; nothing was read or written."""


# ------------------------------------------------------------------------------------ settings
@dataclass(frozen=True)
class Settings:
    demo: bool  # HAMKORI_DEMO: audience switch instead of sign-in, not secured
    environment: str  # HAMKORI_ENV, e.g. "production"
    session_hours: float | None  # HAMKORI_SESSION_HOURS; None = as long as Streamlit's cookie

    @property
    def production(self) -> bool:
        return self.environment == PRODUCTION


def _flag(name: str, environ: Mapping[str, str]) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be 1 or 0 (true/false, yes/no), not {value!r}")


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The sign-in settings from the environment; raises ConfigurationError on a bad value."""
    environ = os.environ if environ is None else environ
    hours_text = environ.get("HAMKORI_SESSION_HOURS", "").strip().lower()
    if hours_text in ("", "default"):
        hours: float | None = DEFAULT_SESSION_HOURS
    elif hours_text in ("0", "none"):
        hours = None
    else:
        try:
            hours = float(hours_text)
        except ValueError:
            hours = -1.0
        if not hours > 0:
            raise ConfigurationError("HAMKORI_SESSION_HOURS must be a positive number of hours "
                                     "(or none)")
    return Settings(
        demo=_flag("HAMKORI_DEMO", environ),
        environment=environ.get("HAMKORI_ENV", "").strip().lower() or "development",
        session_hours=hours,
    )


#: Environments in which demo mode may run (anything else — production, prod, staging… —
#: refuses it, so a misspelt `HAMKORI_ENV` cannot switch the protection off).
DEMO_ENVIRONMENTS = ("development", "test", "demo")


def check(current: Settings, sign_in_configured: bool = False) -> Settings:
    """Refuse what must never run: demo mode (no sign-in, not secured) outside a development,
    test or demo environment, or beside a configured identity provider (where it would let
    anyone pick an audience past the sign-in)."""
    if current.demo and current.environment not in DEMO_ENVIRONMENTS:
        raise ConfigurationError(
            f"Demo mode is switched on (HAMKORI_DEMO) but HAMKORI_ENV is "
            f"{current.environment!r}: Hamkori refuses to serve refugee data without sign-in "
            f"outside {', '.join(DEMO_ENVIRONMENTS)}. Unset HAMKORI_DEMO and configure "
            "sign-in in .streamlit/secrets.toml ([auth] and [roles]).")
    if current.demo and sign_in_configured:
        raise ConfigurationError(
            "Demo mode is switched on (HAMKORI_DEMO) while sign-in is configured ([auth] in "
            "secrets.toml): the audience switch would bypass the sign-in. Unset HAMKORI_DEMO.")
    return current


# ------------------------------------------------------------------------------------ role map
@dataclass(frozen=True)
class RoleMap:
    """Rules from the `[roles]` section of secrets.toml; keys are compared case-insensitively."""

    emails: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)
    domains: Mapping[str, str] = field(default_factory=dict)
    group_claim: str = "groups"
    #: Trust an `email` claim that comes without `email_verified` (some providers, e.g. a
    #: single-tenant Microsoft Entra, never send it). Off by default: only a verified address
    #: matches the address and domain rules.
    trust_unverified_email: bool = False

    @classmethod
    def from_config(cls, section: Mapping | None) -> RoleMap:
        """Read and check `[roles]`: `emails`, `groups`, `domains` tables (key → role) and
        `group_claim` (the identity-token claim listing the user's groups, default `groups`)."""
        section = dict(section or {})
        unknown = set(section) - {"emails", "groups", "domains", "group_claim",
                                  "trust_email_without_verification"}
        if unknown:
            raise ConfigurationError(f"[roles]: unknown key(s) {', '.join(sorted(unknown))} "
                                     "(expected emails, groups, domains, group_claim, "
                                     "trust_email_without_verification)")
        trust = section.get("trust_email_without_verification", False)
        if not isinstance(trust, bool):
            raise ConfigurationError("[roles] trust_email_without_verification must be true or "
                                     "false")
        tables = {}
        for name in ("emails", "groups", "domains"):
            table = section.get(name) or {}
            if not isinstance(table, Mapping):
                raise ConfigurationError(f"[roles.{name}] must be a table of name = \"role\"")
            rules = {}
            for key, role in table.items():
                if role not in ROLES:
                    raise ConfigurationError(
                        f"[roles.{name}] {key!r}: unknown role {role!r} (one of {', '.join(ROLES)})")
                key = str(key).strip()
                if name != "groups":
                    key = key.lower()
                if name == "domains":
                    key = key.lstrip("@")
                rules[key] = role
            tables[name] = MappingProxyType(rules)
        claim = section.get("group_claim", "groups")
        if not isinstance(claim, str) or not claim.strip():
            raise ConfigurationError("[roles] group_claim must be the name of a claim, e.g. groups")
        return cls(tables["emails"], tables["groups"], tables["domains"], claim.strip(), trust)

    @property
    def empty(self) -> bool:
        return not (self.emails or self.groups or self.domains)


def sign_in_in_file(path: Path) -> bool:
    """Whether a secrets.toml file configures sign-in (an `[auth]` section)."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        try:
            return bool(tomllib.load(handle).get("auth"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None


def role_map_from_file(path: Path) -> RoleMap:
    """The role map of a secrets.toml file (for `hamkori check`); empty when there is no file."""
    if not path.is_file():
        return RoleMap()
    with path.open("rb") as handle:
        try:
            return RoleMap.from_config(tomllib.load(handle).get("roles"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None


@dataclass(frozen=True)
class Identity:
    """A signed-in person: e-mail (lower case, may be empty), display name and role (None = no
    access), and which rule gave the role (for the audit log)."""

    email: str
    name: str
    role: str | None
    rule: str | None = None


def _claim_text(claims: Mapping, key: str) -> str:
    value = claims.get(key)
    return value.strip() if isinstance(value, str) else ""


def _groups(claims: Mapping, claim: str) -> list[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def resolve(claims: Mapping, role_map: RoleMap) -> Identity:
    """The role the identity token's `claims` give under `role_map` (deny by default).

    Precedence: the exact e-mail address, then the groups (the broadest matching role), then the
    e-mail's domain. Address and domain rules read the `email` claim only, and only when the
    provider says it is verified (`email_verified` true; without the claim only if the role map
    trusts such addresses): `preferred_username` is chosen by the user and never matches."""
    email = _claim_text(claims, "email").lower()
    name = _claim_text(claims, "name") or email or _claim_text(claims, "preferred_username")
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = {"true": True, "false": False}.get(verified.strip().lower(), False)
    trusted = "@" in email and (verified is True or (
        verified is None and role_map.trust_unverified_email))
    if trusted and email in role_map.emails:
        return Identity(email, name, role_map.emails[email], f"e-mail {email}")
    matched = [(g, role_map.groups[g]) for g in _groups(claims, role_map.group_claim)
               if g in role_map.groups]
    if matched:
        group, role = max(matched, key=lambda item: ROLE_RANK[item[1]])
        return Identity(email, name, role, f"group {group}")
    domain = email.rsplit("@", 1)[-1] if trusted else ""
    if domain and domain in role_map.domains:
        return Identity(email, name, role_map.domains[domain], f"domain {domain}")
    return Identity(email, name, None, None)


def session_expired(claims: Mapping, hours: float | None, now: datetime | None = None) -> bool:
    """True when the identity token was issued (`iat`) more than `hours` ago."""
    issued = claims.get("iat")
    if hours is None or isinstance(issued, bool) or not isinstance(issued, int | float):
        return False
    now = now or datetime.now(UTC)
    return now.timestamp() - float(issued) > hours * 3600


# ------------------------------------------------------------------------------------ access map
_EVERYONE = frozenset(ROLES)
_NOT_UNICEF = frozenset({"unhcr", "donor", "admin"})
#: Page url_path → roles that may open it (DOMAIN §1). A page not listed is open to nobody.
PAGE_ACCESS: Mapping[str, frozenset[str]] = MappingProxyType({
    "overview": _EVERYONE,
    "caseload": _EVERYONE,
    "asylum": _NOT_UNICEF,  # UNICEF: no asylum, returns or resettlement (the catalogue agrees)
    "solutions": _NOT_UNICEF,
    "education": _EVERYONE,
    "statelessness": _EVERYONE,
    "official": _EVERYONE,
    "plan": _EVERYONE,
    "plan-activity": _EVERYONE,
    "briefing": _EVERYONE,      # the audience's own disclosure control applies to every slide
    "undaf-review": _EVERYONE,  # national figures against the Cooperation Framework's targets
    "manage-data": frozenset({"unhcr", "unicef", "admin"}),  # roles that may upload
    "audit-log": frozenset({"admin"}),
})


def may_open(role: str | None, url_path: str) -> bool:
    return role is not None and role in PAGE_ACCESS.get(url_path, frozenset())


def may_import(role: str | None, dataset: str) -> bool:
    return role is not None and role in ds.get(dataset).import_roles


def importable_datasets(role: str | None) -> list[str]:
    """Datasets `role` may upload on the data page, in declaration order."""
    return [name for name, spec in ds.DATASETS.items() if role in spec.import_roles]


def may_rollback(role: str | None) -> bool:
    return role == "admin"


def may_read_audit(role: str | None) -> bool:
    return role == "admin"


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)
