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


def disclosure_thresholds() -> dict[str, int | None]:
    """Small-cell threshold per audience (DOMAIN §7): defaults, overridden by
    `HAMKORI_DISCLOSURE_THRESHOLDS`, e.g. `donor=10,unicef=5` (`none` = exact counts)."""
    from metrics.disclosure import DEFAULT_THRESHOLDS

    thresholds = dict(DEFAULT_THRESHOLDS)
    text = os.environ.get("HAMKORI_DISCLOSURE_THRESHOLDS", "").strip()
    for item in filter(None, (part.strip() for part in text.split(","))):
        audience, _, value = item.partition("=")
        audience, value = audience.strip(), value.strip().lower()
        if not audience or not value:
            raise ValueError(f"HAMKORI_DISCLOSURE_THRESHOLDS: {item!r} is not audience=number")
        if audience not in DEFAULT_THRESHOLDS:  # a typo must not leave an audience at its default
            raise ValueError(f"HAMKORI_DISCLOSURE_THRESHOLDS: unknown audience {audience!r} "
                             f"(one of {', '.join(DEFAULT_THRESHOLDS)})")
        if value == "none":
            thresholds[audience] = None
            continue
        if not value.isdigit() or int(value) < 2:
            raise ValueError(f"HAMKORI_DISCLOSURE_THRESHOLDS: threshold for {audience} must be "
                             "a whole number of at least 2 (or none)")
        thresholds[audience] = int(value)
    return thresholds
