"""One direction of knowledge: pages → (metrics, data_access); metrics knows no storage or screen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RULES = [
    # (folder, modules it must not import, files exempt)
    ("metrics", {"streamlit", "sqlalchemy", "data_access", "pages"}, set()),
    ("data_access", {"streamlit", "pages"}, {"cache.py"}),
    ("pages", {"sqlalchemy"}, set()),
    ("locales", {"streamlit", "sqlalchemy", "polars", "data_access", "pages", "metrics"}, set()),
]


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(("folder", "banned", "exempt"), RULES, ids=[r[0] for r in RULES])
def test_layering(folder, banned, exempt):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & banned)
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name not in exempt and imported_roots(path) & banned
    }
    assert offenders == {}
