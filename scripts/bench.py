"""Speed benchmark for nnscratch: ratios against references measured in the same run.

The machine is shared and noisy, so every comparison interleaves its contenders
over several repeats and reports medians and their ratio; absolute times are
printed for context only. Run through ``scripts/bench`` (which pins BLAS to one
thread); results are also written to ``build/bench.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from nnscratch import SGD, Adam, experiments, mlp
from nnscratch.datasets import digits, one_hot, xor

SIZES = [64, 100, 50, 10]


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def nnscratch_digits(data, epochs, dtype=np.float64):
    X_train, X_test, y_train, y_test = data
    net = mlp(SIZES, "relu", "softmax", seed=0, dtype=dtype)
    net.fit(X_train, y_train, "cross_entropy", Adam(1e-3), epochs=epochs, batch_size=32, seed=0)
    return float((net.predict(X_test).argmax(axis=1) == y_test).mean())


def sklearn_digits(data, epochs):
    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = data
    clf = MLPClassifier(
        SIZES[1:-1],
        solver="adam",
        learning_rate_init=1e-3,
        batch_size=32,
        max_iter=epochs,
        alpha=0.0,
        early_stopping=False,
        tol=0.0,
        n_iter_no_change=10**6,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "max_iter reached" is the point here
        clf.fit(X_train, y_train)
    return float(clf.score(X_test, y_test))


def backprop_one(Ws, bs, x, y):
    """Gradients for one sample ``x (n_in, 1)``, ``y (n_out, 1)``, column-vector style."""
    a, activations, zs = x, [x], []
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        z = W @ a + b
        zs.append(z)
        if k < len(Ws) - 1:
            a = np.maximum(z, 0)
        else:
            e = np.exp(z - z.max())
            a = e / e.sum()
        activations.append(a)
    nabla_W = [np.zeros(W.shape) for W in Ws]
    nabla_b = [np.zeros(b.shape) for b in bs]
    delta = a - y  # softmax followed by cross-entropy
    for k in range(len(Ws) - 1, -1, -1):
        nabla_W[k] = delta @ activations[k].T
        nabla_b[k] = delta
        if k:
            delta = (Ws[k].T @ delta) * (zs[k - 1] > 0)
    return nabla_W, nabla_b


def loop_style_digits(data, epochs):
    """The classic tutorial style: column vectors, one sample at a time.

    Each mini-batch loops over its samples, computes that sample's gradients
    and sums them, as many tutorials do. Same network, initial weights,
    batches, Adam and maths as nnscratch. Returns the trained weights.
    """
    X_train, _, y_train, _ = data
    net = mlp(SIZES, "relu", "softmax", seed=0)
    Ws = [layer.W.T.copy() for layer in net.layers]  # (n_out, n_in) per layer
    bs = [layer.b.reshape(-1, 1).copy() for layer in net.layers]
    Y = one_hot(y_train, 10)
    adam = Adam(1e-3)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            sum_W = [np.zeros(W.shape) for W in Ws]
            sum_b = [np.zeros(b.shape) for b in bs]
            for i in batch:
                dW, db = backprop_one(Ws, bs, X_train[i].reshape(-1, 1), Y[i].reshape(-1, 1))
                sum_W = [s + d for s, d in zip(sum_W, dW, strict=True)]
                sum_b = [s + d for s, d in zip(sum_b, db, strict=True)]
            n = len(batch)  # the loss is a mean over the batch
            pairs = [(W, g / n) for W, g in zip(Ws, sum_W, strict=True)]
            pairs += [(b, g / n) for b, g in zip(bs, sum_b, strict=True)]
            adam.step(pairs)
    return Ws, bs


def xor_seeds(n_seeds, epochs):
    X, y = xor()
    return experiments.run(
        lambda s: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=s),
        X,
        y,
        seeds=range(n_seeds),
        loss="mse",
        optimizer=SGD(lr=2.0),
        epochs=epochs,
    )


def compare(name, a_name, a, b_name, b, repeats, target=None, better="lower"):
    """Interleave ``a`` and ``b`` ``repeats`` times; return a result row."""
    times_a, times_b, out_a, out_b = [], [], None, None
    for _ in range(repeats):
        t, out_a = timed(a)
        times_a.append(t)
        t, out_b = timed(b)
        times_b.append(t)
    ma, mb = statistics.median(times_a), statistics.median(times_b)
    ratio = ma / mb
    ok = None if target is None else (ratio <= target if better == "lower" else ratio >= target)
    return {
        "benchmark": name,
        "a": a_name,
        "b": b_name,
        "median_a_s": ma,
        "median_b_s": mb,
        "ratio": ratio,
        "target": target,
        "better": better,
        "ok": ok,
        "out_a": out_a,
        "out_b": out_b,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default="build/bench.json")
    args = parser.parse_args()
    data = digits(seed=0)
    rows = []

    row = compare(
        "digits 64-100-50-10, Adam, batch 32, 44 epochs",
        "nnscratch",
        lambda: nnscratch_digits(data, 44),
        "scikit-learn MLPClassifier",
        lambda: sklearn_digits(data, 44),
        args.repeats,
        target=0.5,
    )
    row["accuracy_gap"] = row["out_b"] - row["out_a"]  # points below scikit-learn
    row["ok"] = row["ok"] and row["accuracy_gap"] <= 0.01
    rows.append(row)

    # same maths: one epoch of the loop style must land on nnscratch's weights
    Ws, _ = loop_style_digits(data, 1)
    net = mlp(SIZES, "relu", "softmax", seed=0)
    net.fit(data[0], data[2], "cross_entropy", Adam(1e-3), epochs=1, batch_size=32, seed=0)
    same = max(float(np.abs(W.T - layer.W).max()) for W, layer in zip(Ws, net.layers, strict=True))
    row = compare(
        "per-example loop vs vectorized (3 epochs)",
        "per-example loop",
        lambda: loop_style_digits(data, 3) and None,
        "nnscratch",
        lambda: nnscratch_digits(data, 3),
        max(3, args.repeats // 2),
        target=8.0,
        better="higher",
    )
    row["max_weight_difference_after_1_epoch"] = same
    row["ok"] = row["ok"] and same < 1e-9
    rows.append(row)

    def seeds_100():
        return xor_seeds(100, 10_000).success_rate

    def seeds_1():
        return xor_seeds(1, 10_000).success_rate

    rows.append(
        compare(
            "XOR 2-4-1, 10,000 epochs",
            "100 seeds together",
            seeds_100,
            "1 seed",
            seeds_1,
            args.repeats,
            target=10.0,
        )
    )
    rows.append(
        compare(
            "digits, 44 epochs",
            "float32",
            lambda: nnscratch_digits(data, 44, np.float32),
            "float64",
            lambda: nnscratch_digits(data, 44),
            args.repeats,
        )
    )

    print(f"{'benchmark':48} {'A':>22} {'B':>28} {'A (s)':>7} {'B (s)':>7} {'A/B':>6}  target")
    for r in rows:
        target = "" if r["target"] is None else ("<= " if r["better"] == "lower" else ">= ")
        target += "" if r["target"] is None else f"{r['target']:g}"
        verdict = {True: "ok", False: "MISSED", None: ""}[r["ok"]]
        print(
            f"{r['benchmark']:48} {r['a']:>22} {r['b']:>28} {r['median_a_s']:7.3f} "
            f"{r['median_b_s']:7.3f} {r['ratio']:6.2f}  {target} {verdict}"
        )
    first, loop = rows[0], rows[1]
    print(
        f"test accuracy: nnscratch {first['out_a']:.4f}, scikit-learn {first['out_b']:.4f}; "
        "loop style matches nnscratch after 1 epoch to "
        f"{loop['max_weight_difference_after_1_epoch']:.1e}"
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"written to {out}")
    return 0 if all(r["ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
