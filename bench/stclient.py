"""A minimal Streamlit client speaking the browser's websocket protocol (loopback only).

`Server(url, port)` starts `streamlit run app.py` against a warehouse; `Session` opens a
session like a browser tab does (`/_stcore/stream`, BackMsg `rerun_script` with the URL's query
string), reads the ForwardMsgs of each run until `script_finished`, and remembers the widgets the
run drew, so that `Session.select(label, option)` changes a selectbox as a person would (a rerun
carrying the new widget state). Used by the concurrent-viewers load test (`bench/load.py`) and
the replica test (`tests/test_replicas.py`): one Python process can drive dozens of sessions
without a browser competing with the server for the CPU.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 - the protocol's own messages
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: TID251
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _cap_memory(limit: int) -> None:  # in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Server:
    """`streamlit run app.py` on loopback, in demo mode, against `warehouse_url`."""

    def __init__(self, warehouse_url: str, port: int | None = None, env: dict | None = None,
                 memory_cap: int | None = None):
        self.port = port or free_port()
        self.log_path = Path(os.environ.get("BENCH_WORK", "/tmp")) / f"streamlit-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        environment = {**os.environ, "HAMKORI_WAREHOUSE_URL": warehouse_url, "HAMKORI_DEMO": "1",
                       **(env or {})}
        environment.pop("HAMKORI_ENV", None)
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "streamlit"), "run", "app.py",
             "--server.port", str(self.port), "--server.address", HOST,
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=(lambda: _cap_memory(memory_cap)) if memory_cap else None)
        self.wait_ready()

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}/_stcore/stream"

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/_stcore/health",
                                            timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


@dataclass
class Run:
    """What one script run sent: elapsed seconds, texts of the elements, widgets by label."""

    seconds: float
    status: int
    texts: list[str] = field(default_factory=list)
    #: label -> (widget id, options as displayed, the option shown)
    selectboxes: dict[str, tuple[str, list[str], str | None]] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == ForwardMsg.FINISHED_SUCCESSFULLY and not self.exceptions


class Session:
    """One browser-tab-like session on a `Server` (use inside `async with`)."""

    def __init__(self, ws_url: str, query_string: str = ""):
        self.ws_url = ws_url
        self.query_string = query_string
        self.page_script_hash = ""
        self.widgets: dict[str, WidgetState] = {}
        self.last: Run | None = None

    async def __aenter__(self) -> Session:
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=2 ** 26,
                                open_timeout=60, ping_interval=None)
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.ws.close()

    async def rerun(self, timeout: float = 300) -> Run:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(self.widgets.values())
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        run = Run(0.0, -1)
        async with asyncio.timeout(timeout):
            while True:
                forward = ForwardMsg()
                forward.ParseFromString(await self.ws.recv())
                kind = forward.WhichOneof("type")
                if kind == "new_session":
                    self.page_script_hash = forward.new_session.page_script_hash
                elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    _collect(forward.delta.new_element, run)
                elif kind == "script_finished":
                    if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    run.status = forward.script_finished
                    break
        run.seconds = time.perf_counter() - start
        for widget_id, _options, shown in run.selectboxes.values():
            if shown is not None and widget_id not in self.widgets:  # a browser sends them all
                self.widgets[widget_id] = WidgetState(id=widget_id, string_value=shown)
        self.last = run
        return run

    async def select(self, label: str, option: str) -> Run:
        """Choose `option` (as displayed) in the selectbox labelled `label`; the rerun."""
        widget_id, options, _shown = self.last.selectboxes[label]
        if option not in options:
            raise ValueError(f"{option!r} is not one of {options}")
        self.widgets[widget_id] = WidgetState(id=widget_id, string_value=option)
        return await self.rerun()


def _collect(element, run: Run) -> None:
    kind = element.WhichOneof("type")
    if kind == "selectbox":
        box = element.selectbox
        if box.HasField("raw_value"):
            shown = box.raw_value
        elif box.HasField("default") and 0 <= box.default < len(box.options):
            shown = box.options[box.default]
        else:
            shown = None
        run.selectboxes[box.label] = (box.id, list(box.options), shown)
    elif kind == "exception":
        run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    elif kind == "metric":
        run.texts.append(f"{element.metric.label}: {element.metric.body}")
    elif kind in ("markdown", "heading", "alert"):
        run.texts.append(getattr(element, kind).body)
