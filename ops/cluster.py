"""A Statdesk cluster on one machine: ``make cluster`` / ``make cluster-stop`` (see docs/operations.md).

``up`` prepares the shared services (a PostgreSQL database, a Redis database, one
storage directory), migrates, loads the demo data once, and starts a supervisor
in the background that runs and restarts, each as on its own host:

    web1, web2     gunicorn (ops/gunicorn.conf.py) on CLUSTER_PORT+1 and +2
    worker1/2      flask jobs worker --name cluster-worker1 / -worker2
    scheduler      flask jobs scheduler
    haproxy        ops/haproxy.cfg on CLUSTER_PORT (its status page on CLUSTER_PORT+3)

A process that dies is started again within a second (as systemd's
``Restart=always`` does in production); ``down`` stops the supervisor, which
stops them all.  ``status`` prints each process and its pid.

Settings (environment): CLUSTER_PORT (26100), CLUSTER_DIR (instance/cluster),
DATABASE_URL (postgresql://postgres@127.0.0.1:5432/statdesk_cluster, created when
missing), STATDESK_REDIS_URL (redis://127.0.0.1:6379/13), CLUSTER_DEMO (1: load
the demo data on first start).  Every process logs JSON lines to
``CLUSTER_DIR/logs/<name>.log``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("CLUSTER_PORT", "26100"))
DIR = Path(os.environ.get("CLUSTER_DIR", ROOT / "instance" / "cluster")).resolve()
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/statdesk_cluster")
REDIS_URL = os.environ.get("STATDESK_REDIS_URL", "redis://127.0.0.1:6379/13")
SUPERVISOR_PID = DIR / "supervisor.pid"


def secret(name: str) -> str:
    """A random secret kept in CLUSTER_DIR, the same for every host of the cluster."""
    path = DIR / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def site_environment() -> dict[str, str]:
    """What every host of the cluster shares: the services, the secrets and the proxy in front."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STATDESK_TEST")}
    env.update({
        "FLASK_APP": "app",
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": secret("secret_key"),
        "STATDESK_BANK_CALLBACK_SECRET": secret("bank_callback_secret"),
        "STATDESK_REDIS_URL": REDIS_URL,
        "STATDESK_RATELIMIT_STORAGE": REDIS_URL,
        "STATDESK_SEARCH_BACKEND": "postgresql",
        "STATDESK_STORAGE_DIR": str(DIR / "storage"),
        "STATDESK_BACKUP_DIR": str(DIR / "backups"),
        "STATDESK_TRUSTED_PROXIES": "1",
        "STATDESK_BASE_URL": f"http://127.0.0.1:{PORT}",
        "STATDESK_LOG_FORMAT": "json",
        "STATDESK_JOB_QUEUE": os.environ.get("STATDESK_JOB_QUEUE", "statdesk-cluster"),
    })
    return env


def processes() -> dict[str, tuple[list[str], dict[str, str]]]:
    flask = str(BIN / "flask")
    found = {}
    for number in (1, 2):
        found[f"web{number}"] = (
            [str(BIN / "gunicorn"), "-c", str(ROOT / "ops" / "gunicorn.conf.py"), "app:app"],
            {"STATDESK_BIND": f"127.0.0.1:{PORT + number}",
             "PROMETHEUS_MULTIPROC_DIR": str(DIR / "metrics" / f"web{number}")})
        found[f"worker{number}"] = ([flask, "jobs", "worker", "--name", f"cluster-worker{number}"], {})
    found["scheduler"] = ([flask, "jobs", "scheduler"], {})
    found["haproxy"] = ([haproxy(), "-W", "-db", "-f", str(ROOT / "ops" / "haproxy.cfg")], {
        "STATDESK_LISTEN": f"127.0.0.1:{PORT}", "STATDESK_WEB1": f"127.0.0.1:{PORT + 1}",
        "STATDESK_WEB2": f"127.0.0.1:{PORT + 2}", "STATDESK_STATS": f"127.0.0.1:{PORT + 3}"})
    return found


def haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else "")
    if not found:
        sys.exit("haproxy is not installed: `make haproxy-deps` installs Debian's package")
    return found


def flask(*args: str) -> None:
    subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=site_environment(), check=True)  # noqa: S603


def prepare() -> None:
    """Database (created when missing), schema, demo data once, index."""
    import sqlalchemy as sa

    url = sa.engine.make_url(DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": url.database}).scalar()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    flask("db", "upgrade")
    marker = DIR / "demo-loaded"
    if os.environ.get("CLUSTER_DEMO", "1") == "1" and not marker.exists():
        flask("demo", "load")
        flask("search", "reindex")
        marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))


def pid_file(name: str) -> Path:
    return DIR / "pids" / f"{name}.pid"


def supervise() -> None:
    """Run every process; start again any that exits; stop them all on SIGTERM."""
    base = site_environment()
    table = processes()
    (DIR / "logs").mkdir(parents=True, exist_ok=True)
    (DIR / "pids").mkdir(parents=True, exist_ok=True)
    running: dict[str, subprocess.Popen] = {}
    stopping = False

    def start(name: str) -> None:
        argv, extra = table[name]
        if "PROMETHEUS_MULTIPROC_DIR" in extra:
            shutil.rmtree(extra["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
            os.makedirs(extra["PROMETHEUS_MULTIPROC_DIR"])
        log = open(DIR / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        running[name] = subprocess.Popen(argv, cwd=ROOT, env={**base, **extra}, stdout=log,  # noqa: S603
                                         stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        pid_file(name).write_text(str(running[name].pid))

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for name in table:
        start(name)
    while not stopping:
        for name, process in list(running.items()):
            if process.poll() is not None and not stopping:
                print(f"{time.strftime('%H:%M:%S')} {name} exited ({process.returncode}); starting it again",
                      flush=True)
                start(name)
        time.sleep(0.2)
    for process in running.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in running.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    for name in table:
        pid_file(name).unlink(missing_ok=True)


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def wait_ready(timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all(ready(port) for port in (PORT, PORT + 1, PORT + 2)):
        if time.monotonic() > deadline:
            sys.exit(f"the cluster did not become ready in {timeout:.0f} s; see {DIR / 'logs'}")
        if not supervisor_alive():
            sys.exit(f"the supervisor stopped; see {DIR / 'logs' / 'supervisor.log'}")
        time.sleep(0.3)


def supervisor_alive() -> int:
    try:
        pid = int(SUPERVISOR_PID.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return 0
    return pid


def up() -> None:
    DIR.mkdir(parents=True, exist_ok=True)
    if supervisor_alive():
        print(f"the cluster runs already: http://127.0.0.1:{PORT}/")
        return
    haproxy()
    prepare()
    log = open(DIR / "supervisor.log", "ab")  # noqa: SIM115 - the supervisor keeps it
    supervisor = subprocess.Popen([sys.executable, __file__, "supervise"], cwd=ROOT, stdout=log,  # noqa: S603
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    SUPERVISOR_PID.write_text(str(supervisor.pid))
    wait_ready()
    print(f"Statdesk cluster ready: http://127.0.0.1:{PORT}/ (web hosts on {PORT + 1} and {PORT + 2}, "
          f"HAProxy status on http://127.0.0.1:{PORT + 3}/); logs in {DIR / 'logs'}; `make cluster-stop` ends it")


def down() -> None:
    pid = supervisor_alive()
    if not pid:
        print("no cluster runs")
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 40
    while supervisor_alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    SUPERVISOR_PID.unlink(missing_ok=True)
    print("cluster stopped")


def status() -> None:
    state = {name: (pid_file(name).read_text() if pid_file(name).exists() else None) for name in processes()}
    print(json.dumps({"supervisor": supervisor_alive() or None, "processes": state}, indent=2))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    {"up": up, "down": down, "supervise": supervise, "status": status, "prepare": prepare}[command]()
