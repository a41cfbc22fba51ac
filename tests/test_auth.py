"""Sign-in settings, the role map and the access map (data_access/auth.py), without a screen."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from data_access import auth
from data_access import datasets as ds
from metrics.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent

ROLE_MAP = auth.RoleMap.from_config({
    "group_claim": "groups",
    "emails": {"Data.Manager@UNHCR.org": "admin", "guest@unicef.org": "donor"},
    "groups": {"hamkori-donors": "donor", "hamkori-admins": "admin", "unhcr-staff": "unhcr"},
    "domains": {"unhcr.org": "unhcr", "@unicef.org": "unicef"},
})


# ----------------------------------------------------------------------------- settings
@pytest.mark.parametrize(("environ", "demo", "environment"), [
    ({}, False, "development"),
    ({"HAMKORI_DEMO": "1"}, True, "development"),
    ({"HAMKORI_DEMO": "yes", "HAMKORI_ENV": "staging"}, True, "staging"),
    ({"HAMKORI_DEMO": "0", "HAMKORI_ENV": "Production"}, False, "production"),
    ({"HAMKORI_DEMO": ""}, False, "development"),
])
def test_settings_come_from_the_environment(environ, demo, environment):
    current = auth.settings(environ)
    assert (current.demo, current.environment) == (demo, environment)
    assert current.session_hours == auth.DEFAULT_SESSION_HOURS


@pytest.mark.parametrize("value", ["maybe", "2", "demo"])
def test_a_demo_switch_that_is_neither_on_nor_off_is_refused(value):
    with pytest.raises(auth.ConfigurationError, match="HAMKORI_DEMO must be 1 or 0"):
        auth.settings({"HAMKORI_DEMO": value})


@pytest.mark.parametrize("demo", ["1", "true", "on", "YES"])
def test_production_refuses_demo_mode(demo):
    current = auth.settings({"HAMKORI_DEMO": demo, "HAMKORI_ENV": "production"})
    with pytest.raises(auth.ConfigurationError, match="refuses to serve refugee data"):
        auth.check(current)


@pytest.mark.parametrize("environment", ["prod", "staging", "Production ", "live"])
def test_demo_mode_runs_only_in_development_test_or_demo(environment):
    with pytest.raises(auth.ConfigurationError, match="refuses to serve refugee data"):
        auth.check(auth.settings({"HAMKORI_DEMO": "1", "HAMKORI_ENV": environment}))
    assert auth.check(auth.settings({"HAMKORI_DEMO": "1", "HAMKORI_ENV": "demo"})).demo


def test_demo_mode_beside_a_configured_sign_in_is_refused():
    with pytest.raises(auth.ConfigurationError, match="bypass the sign-in"):
        auth.check(auth.settings({"HAMKORI_DEMO": "1"}), sign_in_configured=True)
    assert not auth.check(auth.settings({}), sign_in_configured=True).demo


def test_production_with_sign_in_and_a_demo_elsewhere_are_accepted():
    assert auth.check(auth.settings({"HAMKORI_ENV": "production"})).production
    assert auth.check(auth.settings({"HAMKORI_DEMO": "1", "HAMKORI_ENV": "test"})).demo


@pytest.mark.parametrize(("text", "hours"), [("8", 8.0), ("0.5", 0.5), ("none", None),
                                             ("0", None), ("", 12.0)])
def test_session_hours(text, hours):
    assert auth.settings({"HAMKORI_SESSION_HOURS": text}).session_hours == hours


@pytest.mark.parametrize("text", ["-3", "soon", "nan"])
def test_bad_session_hours_are_refused(text):
    with pytest.raises(auth.ConfigurationError, match="HAMKORI_SESSION_HOURS"):
        auth.settings({"HAMKORI_SESSION_HOURS": text})


def test_an_old_sign_in_expires():
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    issued = now.timestamp() - 13 * 3600
    assert auth.session_expired({"iat": issued}, 12, now)
    assert not auth.session_expired({"iat": issued}, 14, now)
    assert not auth.session_expired({"iat": issued}, None, now)
    assert not auth.session_expired({}, 12, now)  # no issue time: nothing to go by


# ----------------------------------------------------------------------------- role map
@pytest.mark.parametrize(("claims", "role", "rule"), [
    ({"email": "aziza@unicef.org", "email_verified": True}, "unicef", "domain unicef.org"),
    ({"email": "Rustam@UNHCR.org", "email_verified": True}, "unhcr", "domain unhcr.org"),
    ({"email": "data.manager@unhcr.org", "email_verified": True}, "admin", "e-mail data.manager@unhcr.org"),
    ({"email": "guest@unicef.org", "email_verified": True}, "donor", "e-mail guest@unicef.org"),  # address beats domain
    ({"email": "someone@gmail.com", "email_verified": True, "groups": ["hamkori-donors"]}, "donor",
     "group hamkori-donors"),
    ({"email": "aziza@unicef.org", "email_verified": True, "groups": ["hamkori-donors"]}, "donor",
     "group hamkori-donors"),  # a group beats the domain
    ({"email": "x@gmail.com", "email_verified": True, "groups": ["hamkori-donors", "hamkori-admins", "other"]}, "admin",
     "group hamkori-admins"),  # the broadest matching group
    ({"email": "x@gmail.com", "email_verified": True, "groups": "unhcr-staff"}, "unhcr", "group unhcr-staff"),
])
def test_the_role_map_gives_roles(claims, role, rule):
    identity = auth.resolve(claims, ROLE_MAP)
    assert (identity.role, identity.rule) == (role, rule)


@pytest.mark.parametrize("claims", [
    {"email": "stranger@example.com"},
    {"email": "aziza@unicef.org.evil.com"},  # not the domain
    {"email": "aziza@sub.unicef.org"},  # subdomains are not included
    {"email": "unicef.org"},  # not an address
    {"email": "aziza@unicef.org", "email_verified": False},  # unverified: no domain rule
    {"email": "data.manager@unhcr.org", "email_verified": False},  # nor address rule
    {"groups": ["HAMKORI-ADMINS"]},  # group names are exact
    {"preferred_username": "data.manager@unhcr.org"},  # chosen by the user: never an address
    {"email": "data.manager@unhcr.org"},  # not said to be verified
    {"email": "data.manager@unhcr.org", "email_verified": "false"},  # as some providers send it
    {},
])
def test_deny_by_default(claims):
    assert auth.resolve(claims, ROLE_MAP).role is None


def test_a_role_map_may_trust_addresses_its_provider_never_marks():
    trusting = auth.RoleMap.from_config({"domains": {"unicef.org": "unicef"},
                                         "trust_email_without_verification": True})
    assert auth.resolve({"email": "aziza@unicef.org"}, trusting).role == "unicef"
    assert auth.resolve({"email": "aziza@unicef.org", "email_verified": False},
                        trusting).role is None  # said to be unverified: still not trusted
    assert auth.resolve({"email": "aziza@unicef.org", "email_verified": "true"},
                        ROLE_MAP).role == "unicef"


def test_an_unverified_address_still_gets_its_group_role():
    claims = {"email": "x@unicef.org", "email_verified": False, "groups": ["hamkori-donors"]}
    assert auth.resolve(claims, ROLE_MAP).role == "donor"


def test_an_empty_role_map_denies_everyone():
    assert auth.RoleMap.from_config(None).empty
    assert auth.resolve({"email": "a@unhcr.org"}, auth.RoleMap()).role is None


@pytest.mark.parametrize(("section", "message"), [
    ({"emails": {"a@b.org": "superuser"}}, "unknown role 'superuser'"),
    ({"domain": {"unhcr.org": "unhcr"}}, "unknown key"),
    ({"groups": "hamkori-admins"}, "must be a table"),
    ({"group_claim": ""}, "group_claim"),
])
def test_a_malformed_role_map_is_refused(section, message):
    with pytest.raises(auth.ConfigurationError, match=message):
        auth.RoleMap.from_config(section)


def test_the_example_secrets_file_is_a_valid_role_map():
    role_map = auth.role_map_from_file(ROOT / ".streamlit" / "secrets.toml.example")
    assert role_map.domains == {"unhcr.org": "unhcr", "unicef.org": "unicef"}
    assert auth.role_map_from_file(ROOT / "no-such-file.toml").empty


# ----------------------------------------------------------------------------- access map
def app_pages() -> dict[str, str]:
    """url_path -> file of every file page declared in app.py."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    return {keyword.value.value: node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page" and isinstance(node.args[0], ast.Constant)
            for keyword in node.keywords if keyword.arg == "url_path"}


def app_url_paths() -> list[str]:
    return list(app_pages())


def test_every_page_of_the_app_is_in_the_access_map():
    """A page missing from the map is open to nobody: add it to auth.PAGE_ACCESS."""
    paths = app_url_paths()
    assert {"overview", "plan", "plan-activity", "manage-data", "audit-log"} <= set(paths)
    assert [p for p in paths if p not in auth.PAGE_ACCESS] == []


def test_access_follows_domain_section_1():
    pages_of = {role: {p for p in auth.PAGE_ACCESS if auth.may_open(role, p)}
                for role in auth.ROLES}
    dashboards = {"overview", "caseload", "asylum", "solutions", "education", "statelessness",
                  "official"}
    assert pages_of["unhcr"] == set(auth.PAGE_ACCESS) - {"audit-log"}
    assert pages_of["admin"] == set(auth.PAGE_ACCESS)
    briefings = {"briefing", "undaf-review"}
    assert pages_of["donor"] == dashboards | {"plan", "plan-activity"} | briefings
    assert pages_of["unicef"] == (dashboards - {"asylum", "solutions"}) | {
        "plan", "plan-activity", "manage-data"} | briefings
    assert not auth.may_open(None, "overview")
    assert not auth.may_open("admin", "a-page-nobody-declared")


def test_unicef_pages_agree_with_the_catalogue():
    """UNICEF is refused the asylum and solutions pages; the catalogue withholds their figures."""
    unicef = {i.code for i in CATALOGUE.for_audience("unicef")}
    assert not {c for c in unicef if c.startswith(("ASY.", "RST.", "SOL."))}


def test_every_dataset_declares_who_may_import_it():
    for spec in ds.DATASETS.values():
        assert set(spec.import_roles) <= set(auth.ROLES), spec.name
        assert "donor" not in spec.import_roles, spec.name
    assert auth.importable_datasets("donor") == []
    assert set(auth.importable_datasets("unicef")) == {"education", "statelessness",
                                                      "birth_registration"}
    assert "population" in auth.importable_datasets("unhcr")
    assert "joint_plan_updates" not in auth.importable_datasets("admin")  # the activity page
    assert auth.may_rollback("admin") and not auth.may_rollback("unhcr")
    assert auth.may_read_audit("admin") and not auth.may_read_audit("unicef")
