"""Chart images for the deck: Plotly figures to PNG with kaleido, drawn by the system Chromium,
offline, all of a deck's charts in one Chromium session.

Nothing is fetched and nothing is downloaded:

- the browser is the machine's Chromium (`BROWSER_PATH`, else `chromium` on the PATH, else
  /usr/bin/chromium), passed to kaleido explicitly — kaleido's own browser download
  (`kaleido.get_chrome*`) is never called, and a Chromium choreographer may have downloaded
  earlier is not used either;
- plotly.js is the copy inside the plotly package; MathJax is switched off (kaleido's default is
  MathJax from a CDN, and `plotly.io.write_images` cannot switch it off: it passes
  `plotly.io.defaults.mathjax` only when it is truthy, so `False` falls back to the CDN);
- no figure needs topojson (the maps are drawn on plain longitude/latitude axes, DOMAIN: no
  tiles); a geo trace is refused rather than fetching its outlines;
- the browser's proxy is a closed loopback port, so a request to the network — if anything ever
  made one — fails at once instead of leaving the machine;
- the figures' Lato is the font installed on the machine (fonts-lato).

One session: Chromium starts once (about 1.5 s on two cores) and each chart then takes about
0.2 s, measured per chart in `Rendering.seconds`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import plotly
import plotly.graph_objects as go

from briefing.layout import CHART_PX, CHART_SCALE
from briefing.model import Deck

_LOG = logging.getLogger(__name__)

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
#: Where the browser's requests to the network go: a closed port (nothing is fetched).
NO_NETWORK_PROXY = "http://127.0.0.1:9"
#: Seconds allowed for one chart.
TIMEOUT = 60
#: Trace types that would make plotly.js fetch map outlines (topojson) from a CDN.
GEO_TRACES = {"scattergeo", "choropleth"}


class ChartRenderError(RuntimeError):
    """A chart could not be drawn (no Chromium, a figure refused, the browser failed)."""


@dataclass
class Rendering:
    """PNG images by slide key, with the time each took and the browser's start-up."""

    images: dict[str, bytes] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    startup: float = 0.0
    total: float = 0.0

    def summary(self) -> str:
        if not self.images:
            return "no charts to draw"
        each = sorted(self.seconds.values())
        return (f"{len(self.images)} chart image(s) in {self.total:.1f} s: Chromium start "
                f"{self.startup:.1f} s, per chart {each[0]:.2f}–{each[-1]:.2f} s "
                f"(median {each[len(each) // 2]:.2f} s)")


def chromium_path() -> str:
    """The system Chromium kaleido is to use; sets `BROWSER_PATH` when it is unset (choreographer
    reads it). Raises `ChartRenderError` when there is none (it is never downloaded)."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        if not os.access(configured, os.X_OK):
            raise ChartRenderError(f"BROWSER_PATH={configured!r} is not an executable browser")
        return configured
    found = shutil.which("chromium") or (str(SYSTEM_CHROMIUM) if os.access(SYSTEM_CHROMIUM, os.X_OK)
                                         else None)
    if not found:
        raise ChartRenderError(
            "Chromium is not installed: the deck's charts are drawn by the system Chromium "
            "(Debian: apt-get install chromium, or set BROWSER_PATH); it is never downloaded")
    os.environ["BROWSER_PATH"] = found
    return found


def prepared(figure: go.Figure) -> dict:
    """The figure as kaleido receives it: a copy, checked to need nothing from the network."""
    spec = figure.to_plotly_json()
    for trace in spec.get("data", []):
        if trace.get("type") in GEO_TRACES:
            raise ChartRenderError(f"a {trace['type']} trace needs map outlines from the network; "
                                   "draw maps on longitude/latitude axes instead")
    layout = dict(spec.get("layout", {}))
    layout.pop("width", None)   # the slide's size, not the page's
    layout.pop("height", None)
    layout["autosize"] = False
    spec["layout"] = layout
    return spec


def render(figures: Mapping[str, go.Figure], *, width: int = CHART_PX[0],
           height: int = CHART_PX[1], scale: float = CHART_SCALE) -> Rendering:
    """PNG bytes of every figure (keyed as given), in one kaleido/Chromium session."""
    specs = {key: prepared(figure) for key, figure in figures.items()}
    if not specs:
        return Rendering()
    browser = chromium_path()
    if not PLOTLY_JS.is_file():
        raise ChartRenderError(f"plotly.js is missing from the plotly package ({PLOTLY_JS})")
    options = {"format": "png", "width": width, "height": height, "scale": scale}
    return _run(_render(specs, browser, options))


def render_deck(deck: Deck) -> Rendering:
    """The chart image of every slide that has a figure, keyed by slide key."""
    return render({slide.key: slide.figure for slide in deck.slides if slide.figure is not None})


async def _render(specs: dict[str, dict], browser: str, options: dict) -> Rendering:
    import kaleido  # imported here: it starts nothing, but the deck's text needs none of it
    from choreographer.errors import ChromeNotFoundError

    result = Rendering()
    started = time.perf_counter()
    try:
        session = kaleido.Kaleido(n=1, timeout=TIMEOUT, plotlyjs=PLOTLY_JS.as_uri(), mathjax=False,
                                  path=browser, proxy_server=NO_NETWORK_PROXY)
    except ChromeNotFoundError as exc:
        raise ChartRenderError(f"Chromium at {browser} could not be used: {exc}") from None
    try:
        async with session:
            result.startup = time.perf_counter() - started
            for key, spec in specs.items():
                begun = time.perf_counter()
                try:
                    result.images[key] = await session.calc_fig(spec, opts=options)
                except Exception as exc:  # kaleido's own errors, a timeout, a browser crash
                    raise ChartRenderError(f"the chart of slide {key!r} could not be drawn: "
                                           f"{type(exc).__name__}: {exc}") from exc
                result.seconds[key] = time.perf_counter() - begun
                _LOG.info("chart %s: %.2f s, %d bytes", key, result.seconds[key],
                          len(result.images[key]))
    except ChartRenderError:
        raise
    except Exception as exc:  # the browser did not start or died
        raise ChartRenderError(f"Chromium ({browser}) failed: {type(exc).__name__}: {exc}") from exc
    result.total = time.perf_counter() - started
    _LOG.info(result.summary())
    return result


def _run(coroutine):
    """Run `coroutine` to completion, also from a thread whose event loop is already running
    (the app, the test suite's Playwright): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
