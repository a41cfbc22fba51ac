"""Donor briefings: the slides of a briefing, and the deck made from them (PPTX and PDF).

A layer above `data_access` and `metrics`: a briefing reads indicators through the engine (the
audience's disclosure control applied) and draws charts with the figure builders the pages use
(`pages/_figures.py`, `pages/_plan_figures.py`: Plotly only, no Streamlit). The app's briefing
page shows the slides; `hamkori brief` writes the deck. Nothing here imports Streamlit.
"""
