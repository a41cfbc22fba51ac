"""Where the warehouse is, and who is acting. Read from the environment, with safe defaults."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "hamkori.sqlite"


def warehouse_url() -> str:
    """`HAMKORI_WAREHOUSE_URL` (any SQLAlchemy URL), else the embedded SQLite file under data/."""
    url = os.environ.get("HAMKORI_WAREHOUSE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def current_user() -> str:
    """Who is recorded in the import log for command-line actions."""
    return os.environ.get("HAMKORI_USER", "").strip() or getpass.getuser()
