#!/usr/bin/env python3
"""Faults of a team's Smart TODO on loopback: `todo serve` replicas on one PostgreSQL cluster
under load, while the database is stopped with `pg_ctl stop -m immediate` and started again,
and while one replica is killed with SIGKILL. Nothing an answer acknowledged (201) may be lost.

    eval "$(bash Tools/postgres-cluster.sh start)"
    python3 Tools/faults/fault_test.py --todo .build/release/todo

Uses the cluster of SMART_TODO_TEST_POSTGRES / SMART_TODO_TEST_POSTGRES_DIR (a database of its
own per scenario) and the weights of SMART_TODO_WEIGHTS. Standard library only. Runs in a
process of its own, apart from the Swift suites: the clients here are plain threads, and a
stopped database or a killed replica cannot stall a test runner's scheduler.
"""
import argparse
import glob
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

CLIENTS = 4
TIMEOUT = 15  # seconds a request may take: a replica answers 503 within ~5 s while the database is away


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return found[-1]


def as_owner(args):
    """pg_ctl refuses to run as root: as root it runs as the cluster's owner, `postgres`."""
    return (["runuser", "-u", "postgres", "--"] + args) if os.getuid() == 0 else args


class Cluster:
    def __init__(self):
        self.url = os.environ.get("SMART_TODO_TEST_POSTGRES")
        self.dir = os.environ.get("SMART_TODO_TEST_POSTGRES_DIR")
        if not self.url or not self.dir:
            sys.exit("needs SMART_TODO_TEST_POSTGRES and SMART_TODO_TEST_POSTGRES_DIR (eval \"$(bash Tools/postgres-cluster.sh start)\")")
        # How the cluster was started (its port, its socket folder), to start it again the same way.
        started = shlex.split(open(os.path.join(self.dir, "data", "postmaster.opts")).read())[1:]
        at = started.index("-D")
        self.options = " ".join(shlex.quote(a) for a in started[:at] + started[at + 2:])

    def database(self, name):
        """A fresh database in the cluster, and its URL."""
        subprocess.run(["psql", self.url, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", self.url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def crash(self):
        subprocess.run(as_owner([pg_bin("pg_ctl"), "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop"]),
                       check=True, capture_output=True, timeout=60)

    def start(self):
        subprocess.run(as_owner([pg_bin("pg_ctl"), "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w", "-t", "60",
                                 "-o", self.options, "start"]),
                       check=True, capture_output=True, timeout=90)


class Replica:
    def __init__(self, todo, url):
        self.process = subprocess.Popen([todo, "serve", "--port", "0", "--db", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on http://"):
            self.process.kill()
            sys.exit(f"todo serve did not start: {line} {self.process.stderr.read()[-2000:]}")
        self.base = line[len("listening on "):]
        # Drain its output so a full pipe never blocks it.
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=stream.read, daemon=True).start()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return "did not stop on SIGTERM"
        return self.process.returncode


def request(method, url, token, body=None, extra_headers=None):
    """(status, headers, body bytes); status None when no answer came (refused, reset, timed out)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(extra_headers or {})}
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        return None, {"error": repr(error)}, b""


def add_user(todo, url, name):
    added = subprocess.run([todo, "users", "add", name, "--db", url], capture_output=True, text=True, check=True)
    return added.stdout.strip().splitlines()[-1]


def stored_titles(replica, token):
    status, _, body = request("GET", f"{replica.base}/api/export", token)
    assert status == 200, f"export answered {status}"
    return [json.loads(line)["title"] for line in body.decode().splitlines() if line.strip()]


class Load:
    """CLIENTS threads POSTing new tasks until stopped; each title is tried on `targets(client)`
    in turn until one answers 201 (or, with `retry` False, once)."""

    def __init__(self, targets, token, retry):
        self.targets, self.token, self.retry = targets, token, retry
        self.acknowledged = []  # (title, id, time)
        self.statuses = {}      # status (None: no answer) → count
        self.retry_after_missing = 0
        self.slowest = 0.0      # seconds, the longest any request waited for its answer
        self.failures = []      # requests that got no answer, and why
        self.began = time.monotonic()
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.client, args=(c,), daemon=True) for c in range(CLIENTS)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join(timeout=TIMEOUT * 3)
        return self

    def acknowledged_since(self, moment):
        with self.lock:
            return sum(1 for _, _, at in self.acknowledged if at > moment)

    def client(self, c):
        n = 0
        while self.running:
            title = f"fault client {c} task {n} {uuid.uuid4().hex[:8]}"
            key = uuid.uuid4().hex  # the same for every try of this task: a retry finds what a dead replica stored
            n += 1
            attempt = 0
            while self.running:
                target = self.targets(c)[attempt % len(self.targets(c))]
                sent = time.monotonic()
                status, headers, body = request("POST", f"{target.base}/api/tasks?enrich=async", self.token, {"title": title},
                                                {"Idempotency-Key": key})
                with self.lock:
                    self.slowest = max(self.slowest, time.monotonic() - sent)
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status is None:
                        self.failures.append(f"{time.monotonic() - self.began:.1f} s: {headers['error']}")
                    if status == 503 and "Retry-After" not in headers:
                        self.retry_after_missing += 1
                if status == 201:
                    with self.lock:
                        self.acknowledged.append((title, json.loads(body)["id"], time.monotonic()))
                    break
                if not self.retry:
                    break
                attempt += 1
                time.sleep(0.2 if status is None else float(headers.get("Retry-After", "1")) / 5)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def expect_nothing_lost(load, titles, what):
    acknowledged = [t for t, _, _ in load.acknowledged]
    missing = set(acknowledged) - set(titles)
    assert not missing, f"{what}: {len(missing)} acknowledged tasks are not stored, e.g. {sorted(missing)[:3]}"
    duplicated = len(titles) - len(set(titles))
    return len(acknowledged), duplicated


def database_restart(todo, cluster):
    """PostgreSQL stopped mid-load and started again: the replicas answer 503 with Retry-After
    meanwhile, serve again without a restart, and every task that got a 201 is there."""
    url = cluster.database("faults_restart")
    token = add_user(todo, url, "alice")
    replicas = [Replica(todo, url), Replica(todo, url)]
    try:
        load = Load(lambda c: [replicas[c % 2]], token, retry=False).start()
        wait_for(lambda: len(load.acknowledged) >= 100, 60, "100 tasks before the crash")
        cluster.crash()
        crashed = time.monotonic()
        time.sleep(8)  # longer than a replica's 5 s answer deadline
        wait_for(lambda: load.statuses.get(503, 0) > 0, 20, "a 503 while the database is away")
        cluster.start()
        started = time.monotonic()
        # Both replicas serve again by themselves: 50 acknowledgements after the start.
        wait_for(lambda: load.acknowledged_since(started) >= 50, 60, "201s again after the database came back")
        load.stop()
        unexpected = {s: n for s, n in load.statuses.items() if s not in (201, 503)}
        assert not unexpected, f"only 201 and 503 expected, got {load.statuses}; crash at {crashed - load.began:.1f} s, start at {started - load.began:.1f} s; {load.failures}"
        assert load.retry_after_missing == 0, f"{load.retry_after_missing} 503s without Retry-After"
        # A replica answers within its 5 s deadline while the database is away, never holds a client.
        assert load.slowest < 8, f"a request waited {load.slowest:.1f} s for its answer"
        for r in replicas:
            assert r.process.poll() is None, "a replica exited"
            status, _, _ = request("GET", f"{r.base}/readyz", token)
            assert status == 200, f"/readyz answered {status} after the restart"
        acknowledged, duplicated = expect_nothing_lost(load, stored_titles(replicas[0], token), "database restart")
        assert duplicated == 0, f"{duplicated} titles stored twice"
        print(f"database restart: {acknowledged} tasks acknowledged, all stored; {load.statuses.get(503, 0)} answers 503 with Retry-After "
              f"while it was away ({started - crashed:.1f} s), none waited over {load.slowest:.1f} s; both replicas serve again without a restart")
        for r in replicas:
            assert r.stop() == 0, "a replica did not stop cleanly after the restart"
    finally:
        for r in replicas:
            if r.process.poll() is None:
                r.process.kill()


def replica_killed(todo, cluster):
    """One of two replicas killed with SIGKILL mid-load: clients retry on the other, nothing
    acknowledged is lost, and every client's tasks all end acknowledged."""
    url = cluster.database("faults_kill")
    token = add_user(todo, url, "alice")
    doomed, survivor = Replica(todo, url), Replica(todo, url)
    try:
        load = Load(lambda c: [doomed, survivor] if c % 2 == 0 else [survivor, doomed], token, retry=True).start()
        wait_for(lambda: len(load.acknowledged) >= 100, 60, "100 tasks before the kill")
        doomed.process.kill()
        killed = time.monotonic()
        wait_for(lambda: load.acknowledged_since(killed) >= 100, 60, "100 tasks after the kill")
        load.stop()
        acknowledged, duplicated = expect_nothing_lost(load, stored_titles(survivor, token), "replica killed")
        no_answer = load.statuses.get(None, 0)
        assert no_answer > 0, "no request met the killed replica: the scenario did not happen"
        # A POST committed as its replica died and retried on the other finds its task by its key.
        assert duplicated == 0, f"{duplicated} tasks stored twice despite their Idempotency-Key"
        print(f"replica killed: {acknowledged} tasks acknowledged, all stored, none twice; {no_answer} requests met the dead "
              f"replica and were retried on the other with the same Idempotency-Key")
        assert survivor.stop() == 0
    finally:
        for r in (doomed, survivor):
            if r.process.poll() is None:
                r.process.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--todo", required=True, help="the todo binary")
    args = parser.parse_args()
    cluster = Cluster()
    database_restart(args.todo, cluster)
    replica_killed(args.todo, cluster)
    print("fault tests: passed")


if __name__ == "__main__":
    main()
