#!/usr/bin/env python3
"""The benchmark's peer: a to-do HTTP service built the way a Python team would build Smart TODO.

It follows the original project's own plan for its AI: the sentence-transformers model is loaded
once at start (a registry of one), results are cached by a digest of the text, and the AI work runs
in a background thread so that creating a task only writes it. FastAPI on uvicorn, one process;
SQLite in WAL mode with synchronous=FULL, so a 201 means the task is committed and synced.

    python server.py --db PATH --port 0 --model DIR [--host 127.0.0.1] [--threads N]

Prints `listening on http://HOST:PORT` once the model is loaded and the port accepts connections.
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import pathlib
import re
import signal
import socket
import sqlite3
import sys
import tempfile
import threading
import uuid

for key, value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                   "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TRANSFORMERS_VERBOSITY": "error"}.items():
    os.environ.setdefault(key, value)

import warnings  # noqa: E402

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

try:
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
except ImportError:  # older sentence-transformers
    from sentence_transformers.models import Normalize, Pooling, Transformer

CATEGORIES = {  # a few example tasks each; a category's prototype is their mean embedding
    "work": ["Prepare slides for the team meeting", "Reply to the client email", "Finish the project report for my manager",
             "Review code and fix a bug at work"],
    "personal": ["Write in my journal", "Plan my weekend", "Reflect on my personal goals", "Start a hobby project"],
    "health": ["Book a doctor appointment", "Go to the gym and exercise", "Take my medication", "See the dentist"],
    "finance": ["Pay the credit card bill", "File my taxes", "Review my budget and bank account", "Renew the insurance policy"],
    "home": ["Clean the kitchen", "Fix the broken door at home", "Do the laundry", "Mow the lawn and water the garden"],
    "shopping": ["Buy groceries at the supermarket", "Order new shoes online", "Shop for a birthday gift", "Buy a new laptop"],
    "errands": ["Pick up the dry cleaning", "Drop off a package at the post office", "Renew my driver's license",
                "Return library books"],
    "learning": ["Read a chapter of the book", "Take an online course", "Practice a new language", "Study for the exam"],
    "social": ["Have dinner with friends", "Call mom", "Go to a birthday party", "Catch up with an old colleague over coffee"],
    "travel": ["Book flights for the vacation", "Reserve a hotel for the trip", "Renew my passport", "Pack the suitcase for the trip"],
}
TAGS = ["meeting", "email", "phone call", "deadline", "report", "presentation", "coding", "bug fix",
        "doctor", "dentist", "exercise", "medication", "bill", "budget", "taxes", "groceries", "cleaning",
        "repair", "garden", "gift", "birthday", "family", "friends", "reading", "course", "research",
        "flight", "hotel", "car", "pet"]
TAG_THRESHOLD = 0.3
URGENT = re.compile(r"\b(urgent|asap|today|tomorrow|deadline|overdue)\b", re.I)
RELAXED = re.compile(r"\b(someday|eventually|maybe|sometime|whenever|no rush)\b", re.I)
FIELDS = {"title", "description", "due", "category", "priority", "tags"}
PRIORITIES = {"high", "medium", "low"}
BATCH = 32
SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', due TEXT,
    category TEXT, priority TEXT, tags TEXT, created_at TEXT NOT NULL,
    enrichment TEXT NOT NULL DEFAULT 'pending', embedding BLOB);
CREATE INDEX IF NOT EXISTS tasks_pending ON tasks(enrichment) WHERE enrichment = 'pending';
"""
COLUMNS = "rowid, id, title, description, due, category, priority, tags, created_at, enrichment"


def load_model(directory):
    """A SentenceTransformer from a folder: as is if it is a sentence-transformers folder, else
    Transformer + mean Pooling + Normalize (what all-MiniLM-L6-v2 is). A folder whose config.json keeps
    the Hugging Face config under "model" (our bundle) is seen through a temporary folder of links."""
    directory = pathlib.Path(directory).resolve()
    if (directory / "modules.json").exists():
        return SentenceTransformer(str(directory), device="cpu")
    config = json.loads((directory / "config.json").read_text())
    if "model" not in config or "model_type" in config:
        return assemble(directory, 256)
    with tempfile.TemporaryDirectory(prefix="peer-model-") as links:  # everything is in memory once loaded
        links = pathlib.Path(links)
        (links / "config.json").write_text(json.dumps(config["model"]))
        for name in ["model.safetensors", "pytorch_model.bin", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "vocab.txt"]:
            if (directory / name).exists():
                os.symlink(directory / name, links / name)
        return assemble(links, config.get("max_length", 256))


def assemble(directory, max_length):
    transformer = Transformer(str(directory), max_seq_length=max_length)
    model = SentenceTransformer(modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean"),
                                         Normalize()], device="cpu")
    return model.eval()


class Peer:
    def __init__(self, db_path, model):
        self.db_path, self.model = db_path, model
        self.local = threading.local()
        self.write_lock = threading.Lock()   # one writer at a time, queued here rather than in SQLite's busy loop
        self.model_lock = threading.Lock()   # a fast tokenizer must not be used by two threads at once
        self.index_lock = threading.Lock()
        self.cache = {}                      # sha256(text) -> normalised embedding
        self.wake, self.stopping = threading.Event(), False
        self.db().executescript(SCHEMA)
        self.categories = list(CATEGORIES)
        centroids = np.stack([self.embed(examples).mean(0) for examples in CATEGORIES.values()])
        self.category_vectors = centroids / np.linalg.norm(centroids, axis=1, keepdims=True)
        self.tag_vectors = self.embed(TAGS)
        self.matrix = np.zeros((1024, self.category_vectors.shape[1]), dtype=np.float32)
        self.ids, self.count = [], 0
        rows = self.db().execute("SELECT id, embedding FROM tasks WHERE embedding IS NOT NULL ORDER BY rowid").fetchall()
        self.add_to_index([r[0] for r in rows], [np.frombuffer(r[1], dtype=np.float32) for r in rows])
        self.worker = threading.Thread(target=self.run_worker, name="enrichment", daemon=True)
        self.worker.start()
        self.wake.set()  # tasks left pending by a previous run

    def db(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.row_factory = sqlite3.Row
            self.local.conn = conn
        return conn

    def embed(self, texts):
        """Embeddings of texts, each text embedded at most once for the life of the process."""
        keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        missing = {k: t for k, t in zip(keys, texts) if k not in self.cache}
        if missing:
            with self.model_lock:
                vectors = self.model.encode(list(missing.values()), batch_size=BATCH, normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=False)
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache.update(zip(missing, vectors.astype(np.float32)))
        return np.stack([self.cache[k] for k in keys])

    # Writes and reads.

    def insert(self, fields):
        task_id = str(uuid.uuid4())
        tags = json.dumps(fields["tags"]) if fields.get("tags") is not None else None
        with self.write_lock:  # the time is taken in the lock, so newest first by time is by insertion too
            created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            self.db().execute(
                "INSERT INTO tasks (id, title, description, due, category, priority, tags, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (task_id, fields["title"], fields.get("description") or "", fields.get("due"), fields.get("category"),
                 fields.get("priority"), tags, created))
        self.wake.set()
        return self.get(task_id)

    def get(self, task_id):
        row = self.db().execute(f"SELECT {COLUMNS} FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return task_json(row) if row else None

    def page(self, limit, cursor):
        rows = self.db().execute(f"SELECT {COLUMNS} FROM tasks WHERE rowid < ? ORDER BY rowid DESC LIMIT ?",
                                 (cursor if cursor is not None else 2 ** 62, limit + 1)).fetchall()
        more = len(rows) > limit
        return {"tasks": [task_json(r) for r in rows[:limit]], "next": str(rows[limit - 1]["rowid"]) if more else None}

    def queue_depth(self):
        return self.db().execute("SELECT count(*) FROM tasks WHERE enrichment = 'pending'").fetchone()[0]

    def search(self, query, limit, min_score):
        q = self.embed([query])[0]
        with self.index_lock:
            matrix, ids, count = self.matrix, self.ids, self.count
        if count == 0:
            return {"hits": []}
        scores = matrix[:count] @ q
        top = np.argsort(-scores)[:limit] if count > limit else np.argsort(-scores)
        top = [int(i) for i in top if scores[i] >= min_score]
        wanted = [ids[i] for i in top]
        rows = self.db().execute(f"SELECT {COLUMNS} FROM tasks WHERE id IN ({','.join('?' * len(wanted))})", wanted).fetchall()
        by_id = {r["id"]: task_json(r) for r in rows}
        return {"hits": [{"score": float(scores[i]), "task": by_id[ids[i]]} for i in top if ids[i] in by_id]}

    def add_to_index(self, ids, vectors):
        with self.index_lock:
            if self.count + len(ids) > len(self.matrix):
                grown = np.zeros((max(2 * len(self.matrix), self.count + len(ids)), self.matrix.shape[1]), dtype=np.float32)
                grown[:self.count] = self.matrix[:self.count]
                self.matrix = grown  # searches holding the old matrix keep a valid view of it
            for task_id, vector in zip(ids, vectors):
                self.matrix[self.count] = vector
                self.ids.append(task_id)
                self.count += 1

    # The background thread.

    def run_worker(self):
        while not self.stopping:
            self.wake.wait()
            self.wake.clear()
            while not self.stopping:
                rows = self.db().execute(f"SELECT {COLUMNS} FROM tasks WHERE enrichment = 'pending' ORDER BY rowid LIMIT ?",
                                         (BATCH,)).fetchall()
                if not rows:
                    break
                try:
                    self.enrich(rows)
                except Exception as error:  # keep serving; the batch stays pending and is tried on the next wake
                    print(f"enrichment failed: {error!r}", file=sys.stderr, flush=True)
                    break

    def enrich(self, rows):
        texts = [f"{r['title']}. {r['description']}" if r["description"] else r["title"] for r in rows]
        vectors = self.embed(texts)
        category_scores = vectors @ self.category_vectors.T
        tag_scores = vectors @ self.tag_vectors.T
        updates = []
        for row, text, vector, cs, ts in zip(rows, texts, vectors, category_scores, tag_scores):
            category = self.categories[int(np.argmax(cs))]
            tags = [TAGS[i] for i in np.argsort(-ts)[:3] if ts[i] >= TAG_THRESHOLD]
            updates.append((category, priority_of(text, row["due"]), json.dumps(tags), vector.tobytes(), row["id"]))
        with self.write_lock:
            conn = self.db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("UPDATE tasks SET category = COALESCE(category, ?), priority = COALESCE(priority, ?), "
                                 "tags = COALESCE(tags, ?), embedding = ?, enrichment = 'done' WHERE id = ?", updates)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self.add_to_index([u[4] for u in updates], vectors)

    def stop(self):
        self.stopping = True
        self.wake.set()
        self.worker.join(timeout=30)


def priority_of(text, due):
    if URGENT.search(text):
        return "high"
    if due:
        days = (dt.date.fromisoformat(due[:10]) - dt.date.today()).days
        if days <= 1:
            return "high"
        if days <= 7:
            return "medium"
    return "low" if RELAXED.search(text) else "medium"


def task_json(row):
    return {"id": row["id"], "title": row["title"], "description": row["description"], "due": row["due"],
            "category": row["category"], "priority": row["priority"],
            "tags": json.loads(row["tags"]) if row["tags"] is not None else [],
            "created_at": row["created_at"], "enrichment": row["enrichment"]}


def problem(status, detail):
    return JSONResponse({"title": "Bad request" if status == 400 else "Not found", "status": status, "detail": detail},
                        status_code=status)


def parse_task(raw):
    """The fields of a new task, or the reason it is refused."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None, "the body is not JSON"
    if not isinstance(body, dict):
        return None, "the body is not a JSON object"
    if unknown := set(body) - FIELDS:
        return None, f"unknown fields: {', '.join(sorted(unknown))}"
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        return None, "title is required and not empty"
    fields = {"title": title.strip()}
    for name in ["description", "due", "category", "priority"]:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            return None, f"{name} is not a string"
        fields[name] = value.strip() if isinstance(value, str) and value.strip() else None
    if fields["due"]:
        try:
            dt.date.fromisoformat(fields["due"][:10])
        except ValueError:
            return None, "due is not an ISO 8601 date"
    if fields["category"]:
        fields["category"] = fields["category"].lower()
    if fields["priority"] and fields["priority"].lower() not in PRIORITIES:
        return None, "priority is one of high, medium, low"
    fields["priority"] = fields["priority"].lower() if fields["priority"] else None
    tags = body.get("tags")
    if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
        return None, "tags is a list of strings"
    fields["tags"] = [t.strip().lower() for t in tags if t.strip()] if tags else None
    return fields, None


class BadParameter(ValueError):
    pass


def make_app(peer):
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    def int_param(request, name, default, low, high):
        text = request.query_params.get(name)
        if text is None:
            return default
        value = int(text) if text.lstrip("-").isdigit() else None
        if value is None or not low <= value <= high:
            raise BadParameter(f"{name} is an integer in {low}...{high}")
        return value

    @app.exception_handler(BadParameter)
    async def bad_parameter(_request, error):
        return problem(400, str(error))

    @app.post("/api/tasks")
    async def create(request: Request):
        fields, reason = parse_task(await request.body())
        if reason:
            return problem(400, reason)
        task = await run_in_threadpool(peer.insert, fields)
        return JSONResponse(task, status_code=201, headers={"Location": f"/api/tasks/{task['id']}"})

    @app.get("/api/tasks")
    def list_tasks(request: Request):
        cursor = int_param(request, "cursor", None, 0, 2 ** 62)
        return peer.page(int_param(request, "limit", 50, 1, 500), cursor)

    @app.get("/api/tasks/{task_id}")
    def show(task_id: str):
        task = peer.get(task_id)
        return task if task else problem(404, f"no task {task_id}")

    @app.get("/api/search")
    def search(request: Request):
        q = (request.query_params.get("q") or "").strip()
        if not q:
            return problem(400, "q is required and not empty")
        try:
            min_score = float(request.query_params.get("min_score", 0.15))
        except ValueError:
            return problem(400, "min_score is a number")
        return peer.search(q, int_param(request, "limit", 10, 1, 100), min_score)

    @app.get("/readyz")
    def ready():
        return {"ready": True, "queue_depth": peer.queue_depth()}

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    return app


class Server(uvicorn.Server):
    announce = ""

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if not self.should_exit:
            print(self.announce, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--threads", type=int)
    args = ap.parse_args()

    def on_term(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_term)  # also what uvicorn re-raises after its graceful shutdown
    if args.threads:
        torch.set_num_threads(args.threads)
    peer = Peer(args.db, load_model(args.model))
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(2048)
    port = sock.getsockname()[1]
    server = Server(uvicorn.Config(make_app(peer), log_level="warning", access_log=False, workers=1,
                                   lifespan="off", timeout_graceful_shutdown=10))
    server.announce = f"listening on http://{f'[{args.host}]' if ':' in args.host else args.host}:{port}"
    try:
        server.run(sockets=[sock])
    finally:
        peer.stop()


if __name__ == "__main__":
    main()
