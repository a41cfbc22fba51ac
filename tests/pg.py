"""A throw-away PostgreSQL server for the test suite, and one fresh database per test.

PostgreSQL refuses to run as root (`initdb: cannot be run as root`), so as root the binaries run
as the `postgres` user (created by Debian's package) in a temporary directory owned by that user;
otherwise they run directly. The server lives in one temp directory (data, socket, log), listens
on 127.0.0.1 only, trades durability for speed (fsync off) and is removed on `stop()`.

`HAMKORI_TEST_POSTGRES_URL` (any SQLAlchemy URL of a user allowed to CREATE/DROP DATABASE)
points the suite at an existing server instead.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

ENV_URL = "HAMKORI_TEST_POSTGRES_URL"
BIN_GLOB = "/usr/lib/postgresql/*/bin/initdb"
DRIVER = "postgresql+psycopg"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL to test against; the message says what to install or set."""


def find_bin_dir() -> Path | None:
    """The bin folder of the newest PostgreSQL under /usr/lib/postgresql, or None."""
    def version(path: str) -> tuple[int, ...]:
        major = Path(path).parent.parent.name
        return tuple(int(p) for p in re.findall(r"\d+", major)) or (0,)

    candidates = sorted(glob.glob(BIN_GLOB), key=version)
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_driver(url: URL) -> URL:
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=DRIVER)
    return url


class PostgresServer:
    """A PostgreSQL server to make test databases on: started here, or given by URL.

    `admin_url` points at the maintenance database (`postgres`); `url_for(name)` at another one.
    """

    def __init__(self, admin_url: str | URL, *, owned_dir: Path | None = None,
                 bin_dir: Path | None = None, run_as: str | None = None) -> None:
        self.admin_url: URL = _with_driver(make_url(admin_url))
        self.dir = owned_dir
        self.bin_dir = bin_dir
        self.run_as = run_as
        self._admin_engine: Engine | None = None
        self._stopped = False

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def from_env(cls) -> PostgresServer | None:
        url = os.environ.get(ENV_URL, "").strip()
        return cls(url) if url else None

    @classmethod
    def start(cls, *, attempts: int = 3) -> PostgresServer:
        """initdb + pg_ctl start on a free port. Raises PostgresUnavailable with the log tail."""
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable(
                f"No PostgreSQL server binaries found ({BIN_GLOB}). The postgres tests need a real "
                f"server: install it (`apt-get install postgresql`, which `make test` does) or set "
                f"{ENV_URL}=postgresql+psycopg://USER@HOST:PORT/postgres."
            )
        run_as = "postgres" if os.geteuid() == 0 else None
        # Not under pytest's tmp_path: that is 0700 root, which the postgres user cannot enter.
        # /tmp also keeps the Unix socket path well under its 107-byte limit.
        base = "/tmp" if os.path.isdir("/tmp") else None
        workdir = Path(tempfile.mkdtemp(prefix="hamkori-pg-", dir=base))
        server = cls(f"{DRIVER}://postgres@127.0.0.1:0/postgres", owned_dir=workdir,
                     bin_dir=bin_dir, run_as=run_as)
        try:
            if run_as:
                shutil.chown(workdir, user=run_as, group=run_as)
            server._run("initdb", "-D", str(workdir / "data"), "-U", "postgres",
                        "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
            last_error = ""
            for _ in range(attempts):  # the free port may be taken between probe and bind
                port = free_port()
                options = (f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 "
                           "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
                result = server._run("pg_ctl", "-D", str(workdir / "data"), "-o", options,
                                     "-l", str(workdir / "server.log"), "-w", "-t", "60",
                                     "start", check=False)
                if result.returncode == 0:
                    server.admin_url = server.admin_url.set(port=port)
                    atexit.register(server.stop)  # belt and braces if teardown never runs
                    return server
                last_error = result.stdout + result.stderr + server.log_tail()
            raise PostgresUnavailable(f"pg_ctl start failed {attempts} times:\n{last_error}")
        except BaseException:
            server.stop()
            raise

    def stop(self) -> None:
        """Fast shutdown and removal of the temp directory (only for a server started here)."""
        if self._stopped:
            return
        self._stopped = True
        if self._admin_engine is not None:
            self._admin_engine.dispose()
        if self.dir is None:
            return
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop",
                      check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, binary: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        assert self.bin_dir is not None
        cmd = [str(self.bin_dir / binary), *args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        # pg_ctl is given -l, so the postmaster does not hold our pipes open.
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise PostgresUnavailable(
                f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    def log_tail(self, lines: int = 30) -> str:
        log = self.dir / "server.log" if self.dir else None
        if log is None or not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    # ------------------------------------------------------------------ databases
    @property
    def port(self) -> int | None:
        return self.admin_url.port

    @property
    def admin_engine(self) -> Engine:
        if self._admin_engine is None:
            self._admin_engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT",
                                               poolclass=NullPool)
        return self._admin_engine

    def url_for(self, database: str) -> str:
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def create_database(self, prefix: str = "test") -> str:
        """CREATE DATABASE <prefix>_<uuid>; returns its name."""
        name = f"{prefix}_{uuid.uuid4().hex}"
        self._admin_sql("CREATE DATABASE {}", name)
        return name

    def drop_database(self, name: str) -> None:
        """DROP DATABASE ... WITH (FORCE): also when a test left connections open."""
        self._admin_sql("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def _admin_sql(self, statement: str, database: str) -> None:
        """Run a statement naming a database (identifiers cannot be bind parameters: quote them)."""
        from psycopg import sql

        with self.admin_engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute(sql.SQL(statement).format(sql.Identifier(database)))

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Connect once (useful for an external server given by URL); raise with the cause."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.admin_engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise PostgresUnavailable(
                        f"Cannot connect to {self.admin_url.render_as_string()}: {exc}"
                    ) from exc
                time.sleep(0.2)
