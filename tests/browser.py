"""Real-browser helpers: serve a Streamlit app headless and drive Debian's Chromium with Playwright.

No `playwright install` (no internet): Chromium is the system one. Screenshots go to
`test-artifacts/` at the repository root (git-ignored), so CI can keep them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    # Offline by construction: any host but this machine fails to resolve, here and in CI alike,
    # so a page that reaches for the internet (CDN, fonts) fails the same way everywhere.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

#: Shown while Streamlit is still painting: the app is not settled while any is on the page.
BUSY_SELECTORS = "[data-testid='stSkeleton'], [data-testid='stAppSkeleton'], [data-testid='stSpinner']"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _streamlit_command() -> list[str]:
    exe = Path(sys.executable).parent / "streamlit"  # the venv running the tests
    if not exe.exists():
        exe = REPO_ROOT / ".venv" / "bin" / "streamlit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "streamlit"]


@contextlib.contextmanager
def streamlit_server(app_path: str | os.PathLike, env: Mapping[str, str] | None = None, *,
                     timeout: float = 60.0, cwd: str | os.PathLike = REPO_ROOT,
                     extra_args: tuple[str, ...] = (), port: int | None = None,
                     log_path: str | os.PathLike | None = None) -> Iterator[str]:
    """Run `streamlit run app_path` headless on a free port (or `port`); yield its base URL.

    `env` is added to the current environment (e.g. HAMKORI_WAREHOUSE_URL). The server runs in
    its own process group, which is terminated (then killed) on exit. If it does not answer
    `/_stcore/health` with "ok" within `timeout` seconds, RuntimeError carries its output.
    With `log_path`, the server's output (stdout and stderr) is written there to be read.
    """
    port = port or free_port()
    cmd = [
        *_streamlit_command(), "run", str(app_path),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *extra_args,
    ]
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    base_url = f"http://127.0.0.1:{port}"
    opened = (open(log_path, "w+") if log_path  # noqa: SIM115 - closed by the `with`
              else tempfile.TemporaryFile(mode="w+", prefix="streamlit-"))
    with opened as log:
        proc = subprocess.Popen(cmd, cwd=str(cwd), env=full_env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)

        def output() -> str:
            log.flush()
            log.seek(0)
            return log.read()[-5000:]

        try:
            _wait_healthy(proc, f"{base_url}/_stcore/health", timeout, output)
            yield base_url
        finally:
            _terminate_group(proc)
        if proc.returncode not in (0, -signal.SIGTERM, None):
            # Not an error by itself (a test may have stopped it), but useful in -rA output.
            print(f"streamlit exited with {proc.returncode}:\n{output()}")


@contextlib.contextmanager
def demo_server(app_path: str | os.PathLike, warehouse_url: str, chromium) -> Iterator[str]:
    """The app in demo mode on `warehouse_url`, warmed by one page load; yields its base URL.

    The first script run of a server process runs before `st.navigation` has ever been called,
    and Streamlit answers a deep link then with "Page not found" (README: known upstream
    issue): the root is opened once, as the first visitor after a restart would."""
    env = {"HAMKORI_WAREHOUSE_URL": warehouse_url, "HAMKORI_DEMO": "1", "HAMKORI_ENV": "test"}
    with streamlit_server(app_path, env) as base_url:
        context = chromium.new_context()
        warm = context.new_page()
        warm.goto(base_url)
        wait_for_app(warm, take_screenshot=False)
        context.close()
        yield base_url


def _wait_healthy(proc: subprocess.Popen, url: str, timeout: float, output) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode} before serving:\n{output()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s at {url}:\n{output()}")
        time.sleep(0.1)


def _terminate_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)


def chromium_path() -> str:
    path = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
    if not path:
        raise RuntimeError("Chromium not found (/usr/bin/chromium): `apt-get install chromium`.")
    return path


def launch_chromium(playwright, **kwargs):
    """A headless system Chromium through Playwright (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS,
                                      headless=True, **kwargs)


def is_external(url: str) -> bool:
    """True for an http(s)/ws(s) URL that leaves this machine."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS


def artifact_name() -> str:
    """A file-name-safe name for the running test (from PYTEST_CURRENT_TEST)."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "screenshot").split(" ")[0]
    current = current.split("::", 1)[-1] if "::" in current else Path(current).stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", current).strip("_") or "screenshot"


def screenshot(page, name: str | None = None) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") if name else artifact_name()
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page, name: str | None = None, *, timeout: float = 30_000,
                 take_screenshot: bool = True) -> Path | None:
    """Wait until the Streamlit script has run and nothing is still loading; screenshot it.

    `data-test-script-state` is "initial" before the first run, "running" during one and
    "notRunning" after. Returns the screenshot path (test-artifacts/<name>.png).
    """
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           state="attached", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached", timeout=timeout)
    page.wait_for_function(
        "sel => document.querySelectorAll(sel).length === 0", arg=BUSY_SELECTORS, timeout=timeout
    )
    # A stale element fades out for a moment after a rerun; let the last paint land.
    page.wait_for_timeout(200)
    return screenshot(page, name) if take_screenshot else None
