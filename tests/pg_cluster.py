"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, a Unix socket in a
temporary directory (no TCP port, so any number of test processes can run side by side), durability off.

    with running_cluster() as cluster:          # benchmarks, process tests, scripts
        dsn = cluster.create_database("bench")

    async def test_x(pg_cluster: PgCluster):    # pytest: one cluster per test session
        dsn = pg_cluster.create_database("t1", template=...)

PostgreSQL refuses to run as root: as root, the server programs run as the `postgres` user (which
Debian's package creates) through `runuser`, and the temporary directory is handed to that user.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

INSTALL_HINT = "PostgreSQL's server is needed: apt-get install postgresql (.ci/run does it)"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432) inside the cluster's own directory
START_TIMEOUT = 60  # seconds; generous for a shared, busy machine
# Durability is worthless for a cluster deleted at the end; turning it off makes writes cheap.
FAST_SETTINGS = {
    "listen_addresses": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs (initdb, pg_ctl, postgres) on this machine."""


def find_bin_dir() -> Path:
    """The directory of the newest PostgreSQL's server programs: /usr/lib/postgresql/<v>/bin, else PATH."""
    versions = []
    for candidate in Path("/usr/lib/postgresql").glob("*/bin"):
        with contextlib.suppress(ValueError):
            versions.append((float(candidate.parent.name), candidate))
    for _, candidate in sorted(versions, reverse=True):
        if all((candidate / program).exists() for program in ("initdb", "pg_ctl", "postgres")):
            return candidate
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    raise PostgresMissing(INSTALL_HINT)


def dsn_for(socket_dir: Path, database: str, user: str = SUPERUSER) -> str:
    """A libpq/asyncpg URL reaching `database` through the socket in `socket_dir`."""
    return f"postgresql://{user}@/{database}?host={quote(str(socket_dir), safe='/')}&port={PORT}"


@dataclass
class PgCluster:
    """A running throwaway cluster; `stop()` shuts it down and deletes its directory."""

    root: Path  # holds data/, the socket and server.log
    bin_dir: Path
    as_postgres: bool  # server programs run as the postgres user (we are root)
    dsn: str = field(init=False)  # the `kansou` database, made empty at start
    admin_dsn: str = field(init=False)  # the `postgres` database, for CREATE/DROP DATABASE
    stopped: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.admin_dsn = dsn_for(self.root, "postgres")
        self.dsn = dsn_for(self.root, "kansou")

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def database_dsn(self, name: str) -> str:
        return dsn_for(self.root, name)

    def _server_command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / program), *args]
        return ["runuser", "-u", SUPERUSER, "--", *command] if self.as_postgres else command

    def _run_server_program(self, program: str, *args: str, timeout: float = START_TIMEOUT) -> None:
        result = subprocess.run(
            self._server_command(program, *args),
            cwd=self.root,  # a cwd the postgres user may enter
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one SQL statement through psql (as the superuser); its unaligned output."""
        psql = self.bin_dir / "psql"
        result = subprocess.run(
            [str(psql), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.database_dsn(database)],
            input=statement,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed on {statement!r}: {result.stderr.strip()}")
        return result.stdout.strip()

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (a copy of `template` when given, else empty); its DSN."""
        for part in (name, template):
            if part is not None and not _NAME.match(part):
                raise ValueError(f"not a plain database name: {part!r}")
        self.sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.database_dsn(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name`, closing whatever connections are left on it."""
        if not _NAME.match(name):
            raise ValueError(f"not a plain database name: {name!r}")
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def server_pid(self) -> int | None:
        """The postmaster's process id while it runs."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stop the server (fast shutdown; killed if it does not go) and delete its directory."""
        if self.stopped:
            return
        self.stopped = True
        pid = self.server_pid()
        try:
            self._run_server_program("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30")
        except (RuntimeError, subprocess.TimeoutExpired):
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGQUIT)  # immediate shutdown of the postmaster and its children
        if pid is not None:
            _wait_gone(pid, 10)
        shutil.rmtree(self.root, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether `pid` runs (an exited process its parent has not reaped yet counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return True


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def start_cluster(settings: dict[str, str] | None = None) -> PgCluster:
    """initdb and start a new cluster in a fresh temporary directory, with an empty `kansou` database.

    `settings` adds or overrides server settings (e.g. {"shared_buffers": "256MB"} for a benchmark).
    The caller must call `stop()`; an exit handler stops it too if the process ends first.
    """
    bin_dir = find_bin_dir()
    as_postgres = os.geteuid() == 0
    # Under /tmp itself, not pytest's tmp_path: the postgres user must reach it, and a socket path must stay
    # short (about 100 bytes at most).
    root = Path(tempfile.mkdtemp(prefix="kansou-pg-"))
    root.chmod(0o755)
    if as_postgres:
        shutil.chown(root, user=SUPERUSER, group=SUPERUSER)
    cluster = PgCluster(root, bin_dir, as_postgres)
    try:
        cluster._run_server_program(
            "initdb",
            "-D",
            str(cluster.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",  # byte order for text, as SQLite compares
            "--no-sync",
        )
        options = {**FAST_SETTINGS, "unix_socket_directories": str(root), "port": str(PORT), **(settings or {})}
        # pg_ctl hands -o to a shell: quote each value (listen_addresses is empty).
        server_options = " ".join(f"-c {key}={shlex.quote(value)}" for key, value in options.items())
        try:
            cluster._run_server_program(
                "pg_ctl",
                "start",
                "-D",
                str(cluster.data_dir),
                "-l",
                str(cluster.log_file),
                "-w",
                "-t",
                str(START_TIMEOUT),
                "-o",
                server_options,
                timeout=START_TIMEOUT + 10,
            )
        except RuntimeError as exc:
            log = cluster.log_file.read_text(errors="replace")[-2000:] if cluster.log_file.exists() else ""
            raise RuntimeError(f"{exc}\nserver log:\n{log}") from exc
        atexit.register(cluster.stop)
        cluster.create_database("kansou")
    except BaseException:
        cluster.stop()
        raise
    return cluster


@contextlib.contextmanager
def running_cluster(settings: dict[str, str] | None = None) -> Iterator[PgCluster]:
    """A started cluster for the duration of the block; stopped and deleted afterwards."""
    cluster = start_cluster(settings)
    try:
        yield cluster
    finally:
        cluster.stop()


def require_postgres() -> None:
    """Skip the current test without PostgreSQL's server programs (fail under CI, where .ci/run installs them)."""
    try:
        find_bin_dir()
    except PostgresMissing:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the test session."""
    require_postgres()
    with running_cluster() as cluster:
        yield cluster
