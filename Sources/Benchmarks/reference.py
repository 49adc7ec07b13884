"""numpy reference for `make bench` (Sources/Benchmarks/main.swift).

The Swift benchmark starts this script as a child process and sends one command per line
on stdin; for each command the script runs the same computation with numpy `reps` times and
answers with the best wall-clock time in seconds. Measurements alternate with the Swift
ones, so both see the same machine load. The number of BLAS threads is fixed by the parent
through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS before numpy is imported.

Commands:
  matmul M K N REPS            C = A @ B, float32, A (M, K), B (K, N)
  elementwise OP COUNT REPS    OP in add, scale, relu, exp, sum, sumaxis0, bias
  mlp-epoch SAMPLES BATCH HIDDEN REPS
                               one epoch of a 784-HIDDEN-10 ReLU/softmax network with
                               plain SGD, explicit backprop (the same algorithm as Neural)
  conv2d BATCH SIZE FILTERS REPS   a 3x3 valid convolution of (BATCH, SIZE, SIZE, 1): im2col + matmul
  cnn-epoch SAMPLES BATCH REPS     one SGD epoch of conv 3x3x32 -> max pool -> 40 -> 10
  load-idx PATH REPS           a gzip IDX file of images into a float32 array
  load-csv PATH REPS           a numeric CSV file into a float32 array (numpy.loadtxt)
  torch-mlp-epoch SAMPLES BATCH HIDDEN THREADS REPS
                               mlp-epoch in PyTorch (nn.Sequential, autograd, optim.SGD),
                               torch.set_num_threads(THREADS); answers "error ..." when
                               torch does not import (it is optional: never installed by setup)
  torch-cnn-epoch SAMPLES BATCH THREADS REPS
                               cnn-epoch in PyTorch, the same way
  memory                       peak resident memory of this process so far, in MiB
  quit
"""
import resource
import sys
import time

import numpy as np

rng = np.random.default_rng(0)


def peak_memory_mib():
    """Peak memory of this program: VmHWM on Linux (ru_maxrss there also counts what the process
    held before exec, so a child of a large process reports its parent's size); ru_maxrss elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def best_of(reps, fn):
    fn()  # warm up (first-touch page faults, BLAS buffers)
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def matmul(m, k, n, reps):
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    return best_of(reps, lambda: a @ b)


def elementwise(op, count, reps):
    x = rng.random(count, dtype=np.float32) - 0.5
    y = rng.random(count, dtype=np.float32)
    matrix = x.reshape(-1, 512)
    row = y[:512]
    ops = {
        "add": lambda: x + y,
        "scale": lambda: x * np.float32(2),
        "relu": lambda: np.maximum(x, np.float32(0)),
        "exp": lambda: np.exp(x),
        "sum": lambda: x.sum(),
        "sumaxis0": lambda: matrix.sum(axis=0),
        "bias": lambda: matrix + row,
    }
    return best_of(reps, ops[op])


def mlp_epoch(samples, batch, hidden, reps):
    """One epoch of minibatch SGD on a 784-hidden-10 ReLU/softmax network."""
    x = rng.random((samples, 784), dtype=np.float32)
    labels = rng.integers(0, 10, samples)
    y = np.zeros((samples, 10), dtype=np.float32)
    y[np.arange(samples), labels] = 1
    limit1 = np.sqrt(6 / (784 + hidden))
    limit2 = np.sqrt(6 / (hidden + 10))
    w1 = rng.uniform(-limit1, limit1, (784, hidden)).astype(np.float32)
    b1 = np.zeros(hidden, dtype=np.float32)
    w2 = rng.uniform(-limit2, limit2, (hidden, 10)).astype(np.float32)
    b2 = np.zeros(10, dtype=np.float32)
    lr = np.float32(0.01)

    def epoch():
        nonlocal w1, b1, w2, b2
        order = rng.permutation(samples)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx]
            s1 = xb @ w1 + b1
            x1 = np.maximum(s1, 0)
            s2 = x1 @ w2 + b2
            s2 = s2 - s2.max(axis=1, keepdims=True)
            e = np.exp(s2)
            p = e / e.sum(axis=1, keepdims=True)
            m = np.float32(len(idx))
            delta2 = (p - yb) / m
            dw2 = x1.T @ delta2
            db2 = delta2.sum(axis=0)
            delta1 = (delta2 @ w2.T) * (s1 > 0)
            dw1 = xb.T @ delta1
            db1 = delta1.sum(axis=0)
            w2 -= lr * dw2
            b2 -= lr * db2
            w1 -= lr * dw1
            b1 -= lr * db1

    return best_of(reps, epoch)


def im2col(x, k):
    """(n, h, w, c) -> (n*oh*ow, k*k*c) patches, valid padding, stride 1 (the same order as Backprop's)."""
    n, h, w, c = x.shape
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))   # (n, oh, ow, c, k, k)
    return np.ascontiguousarray(windows.transpose(0, 1, 2, 4, 5, 3)).reshape(n * (h - k + 1) * (w - k + 1), k * k * c)


def conv2d(batch, size, filters, reps):
    """Forward convolution 3x3, valid: im2col, then one matmul."""
    x = rng.random((batch, size, size, 1), dtype=np.float32)
    weights = rng.standard_normal((9, filters)).astype(np.float32)
    return best_of(reps, lambda: im2col(x, 3) @ weights)


def cnn_epoch(samples, batch, reps):
    """One epoch of minibatch SGD on conv 3x3x32 (ReLU) -> max pool 2 -> dense 40 (ReLU) -> dense 10 (softmax)."""
    x = rng.random((samples, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, samples)
    y = np.zeros((samples, 10), dtype=np.float32)
    y[np.arange(samples), labels] = 1
    wc = rng.uniform(-0.25, 0.25, (9, 32)).astype(np.float32)
    bc = np.zeros(32, dtype=np.float32)
    w1 = rng.uniform(-0.03, 0.03, (5408, 40)).astype(np.float32)
    b1 = np.zeros(40, dtype=np.float32)
    w2 = rng.uniform(-0.3, 0.3, (40, 10)).astype(np.float32)
    b2 = np.zeros(10, dtype=np.float32)
    lr = np.float32(0.01)

    def epoch():
        nonlocal wc, bc, w1, b1, w2, b2
        order = rng.permutation(samples)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx]
            m = len(idx)
            patches = im2col(xb, 3)                                   # (m*676, 9)
            sc = patches @ wc + bc                                    # (m*676, 32)
            hc = np.maximum(sc, 0).reshape(m, 26, 26, 32)
            windows = hc.reshape(m, 13, 2, 13, 2, 32)
            pooled = windows.max(axis=(2, 4))                         # (m, 13, 13, 32)
            flat = pooled.reshape(m, -1)
            s1 = flat @ w1 + b1
            h1 = np.maximum(s1, 0)
            s2 = h1 @ w2 + b2
            s2 = s2 - s2.max(axis=1, keepdims=True)
            e = np.exp(s2)
            p = e / e.sum(axis=1, keepdims=True)
            delta2 = (p - yb) / np.float32(m)
            dw2, db2 = h1.T @ delta2, delta2.sum(axis=0)
            delta1 = (delta2 @ w2.T) * (s1 > 0)
            dw1, db1 = flat.T @ delta1, delta1.sum(axis=0)
            dpooled = (delta1 @ w1.T).reshape(m, 13, 1, 13, 1, 32)
            mask = windows == pooled.reshape(m, 13, 1, 13, 1, 32)     # the argmax of each window (ties share)
            dhc = (mask * dpooled).reshape(m * 676, 32)
            deltac = dhc * (sc > 0)
            dwc, dbc = patches.T @ deltac, deltac.sum(axis=0)
            wc -= lr * dwc
            bc -= lr * dbc
            w1 -= lr * dw1
            b1 -= lr * db1
            w2 -= lr * dw2
            b2 -= lr * db2

    return best_of(reps, epoch)


def load_idx(path, reps):
    import gzip

    def load():
        raw = gzip.open(path).read()
        count, rows, columns = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows * columns).astype(np.float32)

    return best_of(reps, load)


def load_csv(path, reps):
    return best_of(reps, lambda: np.loadtxt(path, delimiter=",", dtype=np.float32))


def torch_epoch(network, x, y, batch, threads, reps):
    """One epoch of minibatch SGD (lr 0.01, cross-entropy on the softmax) on a PyTorch network,
    the way a PyTorch user writes it: autograd computes the gradients, optim.SGD updates."""
    import torch

    torch.set_num_threads(threads)
    optimizer = torch.optim.SGD(network.parameters(), lr=0.01)
    loss_function = torch.nn.CrossEntropyLoss()
    samples = x.shape[0]

    def epoch():
        order = torch.randperm(samples)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            optimizer.zero_grad()
            loss = loss_function(network(x[idx]), y[idx])
            loss.backward()
            optimizer.step()

    return best_of(reps, epoch)


def torch_mlp_epoch(samples, batch, hidden, threads, reps):
    import torch

    torch.manual_seed(0)
    x = torch.rand(samples, 784)
    y = torch.randint(0, 10, (samples,))
    network = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
    return torch_epoch(network, x, y, batch, threads, reps)


def torch_cnn_epoch(samples, batch, threads, reps):
    import torch

    torch.manual_seed(0)
    x = torch.rand(samples, 1, 28, 28)
    y = torch.randint(0, 10, (samples,))
    network = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(5408, 40), torch.nn.ReLU(), torch.nn.Linear(40, 10))
    return torch_epoch(network, x, y, batch, threads, reps)


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "matmul":
            seconds = matmul(*map(int, words[1:5]))
        elif words[0] == "elementwise":
            seconds = elementwise(words[1], int(words[2]), int(words[3]))
        elif words[0] == "mlp-epoch":
            seconds = mlp_epoch(*map(int, words[1:5]))
        elif words[0] == "conv2d":
            seconds = conv2d(*map(int, words[1:5]))
        elif words[0] == "cnn-epoch":
            seconds = cnn_epoch(*map(int, words[1:4]))
        elif words[0] == "load-idx":
            seconds = load_idx(words[1], int(words[2]))
        elif words[0] == "load-csv":
            seconds = load_csv(words[1], int(words[2]))
        elif words[0] in ("torch-mlp-epoch", "torch-cnn-epoch"):
            try:
                import torch  # noqa: F401  (optional)
            except Exception as error:  # not installed, or a build that does not load here
                print(f"error torch: {type(error).__name__}", flush=True)
                continue
            if words[0] == "torch-mlp-epoch":
                seconds = torch_mlp_epoch(*map(int, words[1:6]))
            else:
                seconds = torch_cnn_epoch(*map(int, words[1:5]))
        elif words[0] == "memory":
            seconds = peak_memory_mib()
        else:
            print(f"error unknown command {words[0]}", flush=True)
            continue
        print(f"{seconds:.9f}", flush=True)


if __name__ == "__main__":
    main()
