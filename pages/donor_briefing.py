"""Placeholder while this page is being built (issue 7)."""

from __future__ import annotations

import streamlit as st

from pages._context import require_page

require_page("briefing")
st.title("Donor briefing")
st.info("This page is being built.")
