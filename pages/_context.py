"""The shared view context: the filters and audience the router (app.py) resolved for this run.

app.py draws the sidebar widgets and calls `set_context`; pages call `current_context()` (or
`current_audience()`) and never read widget keys or the URL themselves. When sign-in arrives,
only app.py's resolution of the audience changes.

This module is not a page: `st.navigation` in app.py lists the pages explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access import reference as ref
from data_access.config import current_user

#: Audiences of DOMAIN §1: role code -> who they are.
AUDIENCES: dict[str, str] = {
    "unhcr": "UNHCR representative and staff",
    "unicef": "UNICEF counterparts",
    "donor": "Donors (briefing by screen-share)",
    "admin": "Data manager",
}
#: Without sign-in, the most restricted audience is the safe default (small counts suppressed).
DEFAULT_AUDIENCE = "donor"

ALL_REGIONS = "all"

_CONTEXT_KEY = "hamkori.context"


@dataclass(frozen=True)
class ViewContext:
    year: int
    region: str | None  # ISO 3166-2:TJ code, None = the whole country
    audience: str  # role code of DOMAIN §1

    @property
    def region_name(self) -> str:
        return ref.REGIONS[self.region] if self.region else "all regions"


def resolve_audience(requested: str | None) -> str:
    """A valid role code for `requested`; anything unknown falls back to the default."""
    return requested if requested in AUDIENCES else DEFAULT_AUDIENCE


def set_context(context: ViewContext) -> None:
    st.session_state[_CONTEXT_KEY] = context


def current_context() -> ViewContext:
    """The filters and audience for this run (set by app.py before the page runs)."""
    context = st.session_state.get(_CONTEXT_KEY)
    if not isinstance(context, ViewContext):
        raise RuntimeError("the view context is set by app.py; run the app with `streamlit run app.py`")
    return context


def current_audience() -> str:
    """The role code of whoever is looking at the page; every disclosure decision starts here."""
    return current_context().audience


def current_user_label() -> str:
    """Who is recorded as acting (posting, signing off) in the import log.

    Until sign-in exists (a later issue) this is the demo audience and the server's user
    (`HAMKORI_USER` or the login name), e.g. `unicef:aziza`; sign-in changes only this function.
    """
    return f"{current_audience()}:{current_user()}"
