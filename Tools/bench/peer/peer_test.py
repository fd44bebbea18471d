#!/usr/bin/env python3
"""Self-test of the benchmark's peer service (server.py), run with the venv's python:

    .venv-bench/bin/python Tools/bench/peer/peer_test.py [-v]

Starts it on port 0 with a temporary database, creates tasks from several threads, waits for the
background enrichment, then checks the results, search by meaning, validation, a clean SIGTERM and a
restart on the same database. PEER_MODEL names the model folder (default Weights/all-MiniLM-L6-v2).
"""
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
MODEL = os.environ.get("PEER_MODEL", str(HERE.parents[2] / "Weights" / "all-MiniLM-L6-v2"))

TITLES = [
    "Book a cleaning with the dental clinic", "Pay the electricity bill", "Buy milk, eggs and bread",
    "Prepare slides for the quarterly review", "Fix the leaking kitchen faucet", "Call mom for her birthday",
    "Finish chapter 3 of the Rust book", "Pick up the dry cleaning", "File quarterly taxes", "Book a hotel in Rome",
    "Reply to the client email about the contract", "Vacuum the living room", "Refill blood pressure prescription",
    "Dinner with Sam and Alex on Friday", "Practice Spanish for twenty minutes", "Return the package to the post office",
    "Submit the expense report today", "Go for a 5k run", "Order a new phone charger online",
]


def start(db):
    proc = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--db", db, "--port", "0", "--model", MODEL,
                             "--threads", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=180)
    if not line or not line[0].startswith("listening on http://"):
        proc.kill()
        raise AssertionError(f"no 'listening on' line: {line!r}")
    return proc, line[0].split("listening on ", 1)[1].strip()


def call(base, method, path, body=None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def wait_idle(base, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = call(base, "GET", "/readyz")
        if status == 200 and body["ready"] and body["queue_depth"] == 0:
            return
        time.sleep(0.1)
    raise AssertionError("enrichment did not finish")


@unittest.skipUnless(pathlib.Path(MODEL, "model.safetensors").exists(), f"no model at {MODEL}")
class PeerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "peer.db")
        cls.proc, cls.base = start(cls.db)
        bodies = [{"title": t} for t in TITLES]
        bodies.append({"title": "Book flights to Lisbon", "category": "finance", "priority": "low", "tags": ["mine"]})
        cls.created, errors = [], []

        def post(chunk):
            for body in chunk:
                status, headers, task = call(cls.base, "POST", "/api/tasks", body)
                if status != 201 or headers.get("location") != f"/api/tasks/{task['id']}" or task["enrichment"] != "pending":
                    errors.append((status, headers, task))
                cls.created.append(task)

        threads = [threading.Thread(target=post, args=(bodies[i::4],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        wait_idle(cls.base)

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        cls.proc.stdout.close()
        cls.tmp.cleanup()

    def test_1_every_task_enriched(self):
        status, _, page = call(self.base, "GET", "/api/tasks?limit=100")
        self.assertEqual(status, 200)
        self.assertEqual(len(page["tasks"]), 20)
        self.assertIsNone(page["next"])
        for task in page["tasks"]:
            self.assertEqual(task["enrichment"], "done", task)
            self.assertIn(task["category"], {"work", "personal", "health", "finance", "home", "shopping", "errands",
                                             "learning", "social", "travel"}, task)
            self.assertIn(task["priority"], {"high", "medium", "low"}, task)
        by_title = {t["title"]: t for t in page["tasks"]}
        self.assertEqual(by_title["Submit the expense report today"]["priority"], "high")
        self.assertEqual(by_title["File quarterly taxes"]["category"], "finance")

    def test_2_user_fields_kept(self):
        mine = next(t for t in self.created if t["title"] == "Book flights to Lisbon")
        status, _, task = call(self.base, "GET", f"/api/tasks/{mine['id']}")
        self.assertEqual(status, 200)
        self.assertEqual((task["category"], task["priority"], task["tags"]), ("finance", "low", ["mine"]))
        self.assertEqual(task["enrichment"], "done")

    def test_3_search_by_meaning(self):
        status, _, body = call(self.base, "GET", "/api/search?q=dentist+appointment&limit=3")
        self.assertEqual(status, 200)
        self.assertEqual(body["hits"][0]["task"]["title"], "Book a cleaning with the dental clinic")
        self.assertGreater(body["hits"][0]["score"], 0.4)
        self.assertLessEqual(len(body["hits"]), 3)

    def test_4_pages_newest_first(self):
        _, _, first = call(self.base, "GET", "/api/tasks?limit=15")
        _, _, second = call(self.base, "GET", f"/api/tasks?limit=15&cursor={first['next']}")
        self.assertIsNone(second["next"])
        tasks = first["tasks"] + second["tasks"]
        self.assertEqual(len({t["id"] for t in tasks}), 20)
        self.assertEqual([t["created_at"] for t in tasks], sorted((t["created_at"] for t in tasks), reverse=True))

    def test_5_refusals(self):
        self.assertEqual(call(self.base, "POST", "/api/tasks", {"title": "   "})[0], 400)
        self.assertEqual(call(self.base, "POST", "/api/tasks", {"description": "no title"})[0], 400)
        self.assertEqual(call(self.base, "POST", "/api/tasks", b"{not json")[0], 400)
        self.assertEqual(call(self.base, "POST", "/api/tasks", {"title": "x", "priority": "someday"})[0], 400)
        self.assertEqual(call(self.base, "GET", "/api/tasks/00000000-0000-0000-0000-000000000000")[0], 404)
        self.assertEqual(call(self.base, "GET", "/api/search?q=")[0], 400)
        self.assertEqual(call(self.base, "GET", "/api/tasks?limit=0")[0], 400)
        self.assertEqual(call(self.base, "GET", "/healthz")[0], 200)

    def test_9_sigterm_then_restart(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=60), 0)
        proc, base = start(self.db)  # the same database: the search index is rebuilt from the stored embeddings
        try:
            status, _, body = call(base, "GET", "/readyz")
            self.assertEqual((status, body["queue_depth"]), (200, 0))
            _, _, body = call(base, "GET", "/api/search?q=tooth+doctor&limit=1")
            self.assertEqual(body["hits"][0]["task"]["title"], "Book a cleaning with the dental clinic")
        finally:
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=60), 0)
            proc.stdout.close()


if __name__ == "__main__":
    unittest.main()
