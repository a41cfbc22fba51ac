"""Hardening rules the code must keep: no raw HTML with data, SQL only with bound parameters,
Streamlit's own export off, the real secrets file never committed."""

from __future__ import annotations

import ast
import subprocess
import tomllib
from pathlib import Path

import pytest

from data_access import uploads

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"),
                  *(ROOT / "data_access").rglob("*.py"), *(ROOT / "metrics").rglob("*.py")])
#: Calls that run SQL text: their statement must be a literal, never built from values.
SQL_TEXT_CALLS = {"text", "exec_driver_sql", "execute", "executescript", "SQL"}
RAW_HTML_CALLS = {"html", "iframe"}  # st.html, components.html / components.iframe


def calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            yield name, node


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def built_string(node: ast.AST) -> bool:
    """An f-string, a concatenation, `%` or `.format()` of a string: SQL built from values."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return any(isinstance(side, ast.Constant | ast.JoinedStr) and
                   isinstance(getattr(side, "value", ""), str) for side in (node.left, node.right))
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format" and isinstance(node.func.value, ast.Constant))


def test_the_rules_catch_what_they_should():
    sample = "text(" + 'f"SELECT * FROM t WHERE id = {x}")'  # the pattern, kept out of the code
    bad = ast.parse(sample).body[0].value
    assert built_string(bad.args[0])
    assert built_string(ast.parse('"DELETE FROM " + table').body[0].value)
    assert built_string(ast.parse('"SELECT %s" % x').body[0].value)
    assert not built_string(ast.parse('"BEGIN IMMEDIATE"').body[0].value)


def test_no_unsafe_html_anywhere():
    """Markdown only (Streamlit escapes HTML in it); no raw HTML element, with data or without."""
    offenders = []
    for path in SOURCES:
        for name, node in calls(path):
            if any(k.arg == "unsafe_allow_html" and not (
                    isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords):
                offenders.append(where(path, node))
            if name in RAW_HTML_CALLS and isinstance(node.func, ast.Attribute) and (
                    ast.unparse(node.func.value) in ("st", "components", "st.components.v1")):
                offenders.append(where(path, node))
    assert offenders == []


def test_sql_is_never_built_from_strings():
    """SQLAlchemy Core with bound parameters only: a statement given as text is a literal."""
    offenders = []
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        if "literal_binds" in source:  # would inline the values into the SQL
            offenders.append(f"{path.relative_to(ROOT)}: literal_binds")
        for name, node in calls(path):
            if name in SQL_TEXT_CALLS and node.args and built_string(node.args[0]):
                offenders.append(where(path, node))
    assert offenders == []


def test_streamlit_settings_are_hardened():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True  # exports only through the app
    assert config["client"]["showErrorDetails"] == "none"  # no traceback in the browser
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True
    assert config["server"]["maxUploadSize"] == uploads.DEFAULT_MAX_MB
    assert config["browser"]["gatherUsageStats"] is False


def test_the_real_secrets_file_is_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT)
    assert ignored.returncode == 0, ".streamlit/secrets.toml must be git-ignored"
    tracked = subprocess.run(["git", "ls-files", ".streamlit"], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    assert ".streamlit/secrets.toml" not in tracked


def test_the_example_secrets_hold_placeholders_only():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text("utf-8"))
    auth = example["auth"]
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret",
            "server_metadata_url"} <= set(auth)
    for key in ("cookie_secret", "client_id", "client_secret"):
        assert auth[key].startswith("CHANGE-ME"), key
    assert auth["redirect_uri"].endswith("/oauth2callback")


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("[!_]*.py")),
                         ids=lambda p: p.name)
def test_every_page_stops_unless_the_router_let_it_run(page):
    """Each page reads the view context through `require_page` or `current_context` (directly
    or through a helper module), which refuse a page not approved by the router."""
    source = page.read_text(encoding="utf-8")
    assert any(guard in source for guard in ("require_page(", "current_context(",
                                             "import _view")), page.name
