"""Services of the fault tests: a PostgreSQL cluster and a Redis server of their own.

The machine's shared PostgreSQL (5432) and Redis (6379) are never touched: the fault
tests stop, restart and break these dedicated ones instead, on free ports, with their
data in a temporary directory removed at the end.

PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to
the `postgres` OS user and its commands run through `runuser -u postgres --`.
"""
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psycopg2

from tests.processes import free_port, spawn, stop, tail

POSTGRES_OS_USER = "postgres"


def postgres_bindir() -> Path:
    """The directory of initdb and pg_ctl: $PG_BINDIR, `pg_config --bindir`, the newest
    /usr/lib/postgresql/*/bin (Debian), or wherever initdb is on the PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            candidates.append(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10,
                                             check=True).stdout.strip())
        except (subprocess.SubprocessError, OSError):
            pass

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path))

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    raise RuntimeError(f"no PostgreSQL server binaries (initdb, pg_ctl) found; looked in {candidates}; set PG_BINDIR")


def redis_server_binary() -> str:
    found = shutil.which("redis-server") or next(
        (path for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server")
         if os.access(path, os.X_OK)), None)
    if not found:
        raise RuntimeError("redis-server not found")
    return found


def _as_postgres_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser") or next(
        (path for path in ("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser") if os.access(path, os.X_OK)), None)
    if runuser:
        return [runuser, "-u", POSTGRES_OS_USER, "--", *command]
    su = shutil.which("su") or "/bin/su"
    return [su, "-s", "/bin/sh", POSTGRES_OS_USER, "-c", " ".join(f"'{part}'" for part in command)]


class PostgresCluster:
    """A throw-away cluster on 127.0.0.1:<free port>, trust authentication, no durability."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir  # the server's log is copied there at the end
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="customs-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        (self.root / "owner").write_text(str(os.getpid()))  # see reap_stale
        if os.geteuid() == 0:
            account = pwd.getpwnam(POSTGRES_OS_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    @staticmethod
    def reap_stale() -> None:
        """Stop and remove the clusters of earlier runs whose pytest was killed before its teardown."""
        for root in Path(tempfile.gettempdir()).glob("customs-faults-pg-*"):
            try:
                owner = int((root / "owner").read_text())
                os.kill(owner, 0)
                continue  # its pytest is still running
            except ProcessLookupError:
                pass
            except (OSError, ValueError):
                continue
            if (root / "data" / "postmaster.pid").exists():
                command = _as_postgres_user([str(postgres_bindir() / "pg_ctl"), "-D", str(root / "data"), "-m",
                                             "immediate", "-w", "-t", "30", "stop"])
                subprocess.run(command, check=False, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            shutil.rmtree(root, ignore_errors=True)

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = _as_postgres_user([str(self.bindir / args[0]), *args[1:]])
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                               f"{tail(self.log)}")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        initdb = ("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        try:
            self._run(*initdb, "--locale=C.UTF-8")  # as the machine's cluster
        except RuntimeError:  # a system without the C.UTF-8 locale
            shutil.rmtree(self.data, ignore_errors=True)
            self._run(*initdb, "--no-locale")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "max_connections = 200\nlog_connections = on\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is disconnected, the server comes back."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")

    def create_database(self, name: str) -> None:
        connection = psycopg2.connect(self.url("postgres"))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop")
        finally:
            if self.log.exists():
                shutil.copy(self.log, self.log_dir / "postgres.log")
            shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A redis-server on 127.0.0.1:<free port> that keeps nothing on disk: stopping it loses every
    queued message, as a crash of a broker without persistence would."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.process = None
        self.starts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        """PING, once (redis-py's default client would retry for seconds with backoff)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.starts += 1
        self.process = spawn(f"redis-{self.starts}", [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                                                      "--save", "", "--appendonly", "no", "--protected-mode", "no"],
                             env=dict(os.environ), log_dir=self.log_dir)
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}:\n{tail(self.process[1])}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process[0])
            self.process = None


def page_session(base_url: str, username: str, password: str = "demo12345") -> httpx.Client:
    """A browser-like session logged in through the login page (session cookie + CSRF)."""
    client = httpx.Client(base_url=base_url, timeout=30)
    login = client.get("/accounts/login/")
    assert login.status_code == 200, login.status_code
    response = client.post("/accounts/login/", data={
        "username": username, "password": password, "csrfmiddlewaretoken": client.cookies["csrftoken"],
    }, headers={"Referer": f"{base_url}/accounts/login/"})
    assert response.status_code == 302 and "/accounts/login/" not in response.headers["location"], \
        (response.status_code, response.text[:500])
    return client


def assessments_per_declaration(portal, ids: list[int]) -> dict[int, int]:
    from tests.integration.support import query

    rows = query(portal, "SELECT d.id, count(a.id) FROM declarations_declaration d "
                         "LEFT JOIN risk_assessment a ON a.declaration_id = d.id WHERE d.id = ANY(%s) GROUP BY d.id", (ids,))
    return dict(rows)


def unassessed(portal, ids: list[int]) -> int:
    from tests.integration.support import query

    return query(portal, "SELECT count(*) FROM declarations_declaration WHERE id = ANY(%s) AND channel IS NULL",
                 (ids,))[0][0]


def create_and_submit(client: httpx.Client) -> tuple[int | None, list[tuple[str, int]]]:
    """Create a 10-item declaration and submit it: (its id or None, [(call, HTTP status), ...])."""
    from bench.common import declaration_body

    created = client.post("/api/v1/declarations/", json=declaration_body(10))
    if created.status_code != 201:
        return None, [("create", created.status_code)]
    declaration_id = created.json()["id"]
    submitted = client.post(f"/api/v1/declarations/{declaration_id}/submit/")
    return (declaration_id if submitted.status_code == 202 else None), [("create", 201), ("submit", submitted.status_code)]
