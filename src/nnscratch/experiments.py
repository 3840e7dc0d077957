"""Experiments: a recipe over many seeds, a sweep of learning rates, a run watched.

One run can mislead: whether a small network learns XOR depends on where its
weights start. ``run`` trains every seed's network side by side in one stacked
network (see ``stacked``), so 100 seeds cost far less than 100 runs, and each
model ends exactly where it would have trained alone. ``lr_sweep`` runs
gradient descent at many learning rates on three problems (chapter 8), and
``training_snapshots`` keeps snapshots of one training run as it goes
(chapters 9 and 11): both feed the book's explorable figures.

Examples:
    >>> from nnscratch.datasets import xor
    >>> from nnscratch.network import mlp
    >>> from nnscratch.optimizers import SGD
    >>> X, y = xor()
    >>> result = run(lambda s: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=s),
    ...              X, y, seeds=range(10), loss="mse", optimizer=SGD(lr=2.0),
    ...              epochs=2000)
    >>> result.loss.shape, result.predictions.shape
    ((2000, 10), (10, 4, 1))
"""

from __future__ import annotations

import copy
import math
import statistics
import warnings
from dataclasses import dataclass

import numpy as np

from . import stacked
from .datasets import xor
from .layers import Dense
from .network import mlp
from .optimizers import SGD


def all_correct(y_pred, y_true) -> np.ndarray:
    """Success criterion: every sample classified correctly, per model.

    It is a criterion for classification only: a regression's targets have no
    "right side of 0.5", so it refuses them rather than count something
    meaningless (pass ``run`` a ``success`` of your own for those).

    Args:
        y_pred: Outputs of ``m`` models, ``(m, n_samples, n_out)``.
        y_true: Class targets: 0s and 1s ``(n_samples, 1)``, one-hot rows
            ``(n_samples, k)``, or integer labels ``(n_samples,)``.

    Returns:
        A boolean array of shape ``(m,)``.

    Examples:
        >>> all_correct(np.array([[[0.2], [0.7]], [[0.6], [0.7]]]), np.array([[0], [1]]))
        array([ True, False])
    """
    _check_class_targets(y_true)
    return stacked.accuracy_per_model(y_pred, y_true) == 1.0


def _check_class_targets(y_true) -> None:
    """Raise ``ValueError`` unless ``y_true`` is what ``all_correct`` can judge."""
    y = np.asarray(y_true)
    y = y.astype(int) if y.dtype == bool else y
    if y.ndim == 1:  # integer labels
        bad = y[y != np.round(y)] if np.issubdtype(y.dtype, np.number) else y
    elif y.ndim == 2:  # 0/1 columns; with k > 1 columns, one 1 per row
        bad = y[(y != 0) & (y != 1)] if np.issubdtype(y.dtype, np.number) else y
        not_one_hot = y[y.sum(axis=1) != 1] if bad.size == 0 and y.shape[1] > 1 else y[:0]
        if len(not_one_hot):
            raise ValueError(
                "y_true must be class targets for all_correct: one-hot rows have a single 1, "
                f"got a row {not_one_hot[0].tolist()}"
            )
    else:
        raise ValueError(f"y_true must be (n_samples,) or (n_samples, k), got shape {y.shape}")
    if bad.size:
        raise ValueError(
            "y_true must be class targets for all_correct (0s and 1s, one-hot rows or integer "
            f"labels), got values such as {bad.ravel()[0]}; for a regression pass "
            "run(success=...) a criterion of your own"
        )


def wilson(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default).

    Unlike ``p ± z·sqrt(p(1-p)/n)``, it stays inside [0, 1] and is honest at
    0 or n successes, where a rate over seeds often sits.

    Examples:
        >>> [round(x, 3) for x in wilson(5, 100)]
        [0.022, 0.112]
        >>> [round(x, 3) for x in wilson(0, 100)]
        [0.0, 0.037]
    """
    if trials <= 0:
        raise ValueError(f"trials must be a positive integer, got {trials}")
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be between 0 and trials ({trials}), got {successes}")
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class SeedResults:
    """Outcome of one recipe over many seeds.

    Attributes:
        seeds: The seeds, shape ``(m,)``.
        loss: Training loss per epoch and seed, shape ``(epochs, m)``.
        predictions: Final outputs on the training inputs, ``(m, n_samples, n_out)``.
        success: Whether each seed met the criterion, shape ``(m,)``.
        diverged: Whether each seed's loss became non-finite, shape ``(m,)``;
            such seeds never count as successes.
        network: The trained ``stacked.Stack``; ``network.model(j)`` is seed j's network.
    """

    seeds: np.ndarray
    loss: np.ndarray
    predictions: np.ndarray
    success: np.ndarray
    diverged: np.ndarray
    network: stacked.Stack

    @property
    def final_loss(self) -> np.ndarray:
        """Last epoch's loss for each seed, shape ``(m,)``."""
        return self.loss[-1]

    @property
    def success_rate(self) -> float:
        """Fraction of seeds that met the criterion."""
        return float(self.success.mean())

    def summary(self) -> dict:
        """Success rate and the spread of the final loss over seeds."""
        final = self.final_loss[np.isfinite(self.final_loss)]
        q10, median, q90 = np.quantile(final, [0.1, 0.5, 0.9]) if final.size else [np.nan] * 3
        return {
            "seeds": len(self.seeds),
            "success_rate": self.success_rate,
            "diverged": int(self.diverged.sum()),
            "final_loss_mean": float(np.mean(final)) if final.size else float("nan"),
            "final_loss_std": float(np.std(final)) if final.size else float("nan"),
            "final_loss_q10": float(q10),
            "final_loss_median": float(median),
            "final_loss_q90": float(q90),
        }


def run(
    build,
    X,
    y,
    seeds,
    *,
    optimizer,
    loss="mse",
    epochs: int = 1000,
    batch_size=None,
    shuffle: bool = True,
    weight_decay: float = 0.0,
    success=all_correct,
) -> SeedResults:
    """Train ``build(seed)`` for every seed, all at once, and collect the results.

    Args:
        build: ``build(seed) -> Sequential`` makes one seed's initial network.
        X: Inputs ``(n_samples, n_in)``.
        y: Targets ``(n_samples, n_out)``.
        seeds: The seeds (also used to shuffle each model's mini-batches).
        optimizer: An optimizer; a copy is used, so the one given stays fresh.
        loss: A loss or its name, as in ``training.fit``.
        epochs: Passes over the data.
        batch_size: Samples per update; ``None`` means the full batch.
        shuffle: Shuffle each model's samples every epoch (mini-batches only).
        weight_decay: L2 strength, as in ``training.fit``.
        success: ``success(predictions (m, n, k), y) -> bool array (m,)``; the
            default, ``all_correct``, is for class targets only, and a regression's
            targets are refused before any training.
    """
    seeds = np.array(list(seeds))
    if seeds.size == 0:
        raise ValueError("seeds must not be empty")
    if success is all_correct:  # before training, not after it
        _check_class_targets(y)
    net = stacked.stack(build(int(s)) for s in seeds)
    with warnings.catch_warnings():
        # divergence is reported per seed in the results instead of as a warning
        warnings.filterwarnings("ignore", "\\d+ of \\d+ models diverged", RuntimeWarning)
        history = stacked.fit(
            net,
            X,
            y,
            loss,
            copy.deepcopy(optimizer),
            epochs,
            batch_size,
            seeds=[int(s) for s in seeds],
            shuffle=shuffle,
            weight_decay=weight_decay,
        )
        predictions = net.predict(X)
    ok = np.asarray(success(predictions, np.asarray(y)), dtype=bool) & ~history.diverged
    return SeedResults(seeds, history.loss, predictions, ok, history.diverged, net)


def lr_sweep(
    lrs=None,
    *,
    steps: int = 30,
    epochs: int = 2000,
    seed: int = 0,
    valley=(0.1, 3.0, -1.0),
    surface=(0.02, 0.2, (-4.0, 2.5)),
) -> dict:
    """Gradient descent at many learning rates, on three problems, with nnscratch.

    - the valley ``L(w) = c/2 (w - w*)^2``, from ``w0``, for ``steps`` steps;
    - the ill-conditioned surface ``L(w1, w2) = (a w1^2 + b w2^2) / 2``, from
      ``start``, for ``steps`` steps;
    - an XOR network ``[2, 4, 1]`` of sigmoids, trained full batch on MSE with
      ``SGD`` for ``epochs`` epochs from the same initial weights (``seed``),
      every learning rate side by side (``nnscratch.stacked``), one ``SGD`` each.

    Plain gradient descent on a quadratic of curvature ``c`` multiplies the
    distance to the minimum by ``1 - lr * c`` at every step, so it diverges
    once ``lr > 2 / c``.

    Args:
        lrs: Learning rates; by default 20 log-spaced from 0.01 to 100.
        valley: ``(c, w_star, w0)``.
        surface: ``(a, b, (w1_0, w2_0))``.

    Returns:
        A dict of arrays: ``lrs (k,)``, ``valley_w (k, steps + 1)``,
        ``valley_loss``, ``surface_w (k, steps + 1, 2)``, ``surface_loss``,
        ``net_loss (epochs, k)``, and the problems' parameters.

    Examples:
        >>> data = lr_sweep([0.1, 30.0], steps=10, epochs=10)
        >>> data["valley_w"].shape, data["net_loss"].shape
        ((2, 11), (10, 2))
    """

    lrs = np.geomspace(0.01, 100, 20) if lrs is None else np.asarray(lrs, dtype=float)
    c, w_star, w0 = valley
    a, b, start = surface
    curv = np.array([a, b])
    valley_w = np.empty((len(lrs), steps + 1))
    surface_w = np.empty((len(lrs), steps + 1, 2))
    with np.errstate(over="ignore", invalid="ignore"):
        for k, lr in enumerate(lrs):
            opt1, opt2 = SGD(lr=lr), SGD(lr=lr)
            w, v = np.array([w0], dtype=float), np.array(start, dtype=float)
            valley_w[k, 0], surface_w[k, 0] = w[0], v
            for t in range(1, steps + 1):
                opt1.step([(w, c * (w - w_star))])  # dL/dw = c (w - w*)
                opt2.step([(v, curv * v)])  # dL/dv = (a w1, b w2)
                valley_w[k, t], surface_w[k, t] = w[0], v
        valley_loss = c / 2 * (valley_w - w_star) ** 2
        surface_loss = (surface_w**2 @ curv) / 2
    X, y = xor()
    net = stacked.stack(mlp([2, 4, 1], "sigmoid", "sigmoid", seed=seed) for _ in lrs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # diverging rates are the point
        # one optimizer per stacked model: a learning rate each
        history = stacked.fit(net, X, y, "mse", [SGD(lr=lr) for lr in lrs], epochs=epochs)
    return {
        "lrs": lrs, "valley_w": valley_w, "valley_loss": valley_loss,
        "surface_w": surface_w, "surface_loss": surface_loss,
        "net_loss": history.loss,
        "valley": (c, w_star, w0), "surface": (a, b, tuple(start)),
        "steps": steps, "epochs": epochs,
    }  # fmt: skip


def _snapshot_epochs(epochs: int, n: int, spacing: str) -> list[int]:
    """``n`` distinct epochs from 0 (before training) to ``epochs``."""
    n = min(n, epochs + 1)
    if spacing == "log":
        # from epoch epochs/500: frames one epoch apart at the very start show little;
        # a single mark after 0 is the last (geomspace of one point gives its start)
        start = max(1, epochs / 500) if n > 2 else epochs
        raw = np.concatenate([[0], np.geomspace(start, epochs, n - 1)])
    elif spacing == "linear":
        raw = np.linspace(0, epochs, n)
    else:
        raise ValueError(f"spacing must be 'log' or 'linear', got {spacing!r}")
    out = [0]
    for value in np.rint(raw[1:]).astype(int):  # strictly increasing, ends at epochs
        out.append(max(int(value), out[-1] + 1))
    shift = out[-1] - epochs
    if shift > 0:  # pushed past the end: pull the tail back
        out = [min(e, epochs - (len(out) - 1 - i)) for i, e in enumerate(out)]
    return out


def training_snapshots(
    net_builder,
    X,
    y,
    loss,
    optimizer,
    epochs: int,
    n_snapshots: int = 50,
    grid: int = 32,
    *,
    spacing: str = "log",
    layer: int = 0,
    inputs=None,
    padding: float = 0.5,
) -> dict:
    """Train a network once and keep ``n_snapshots`` snapshots of it.

    Args:
        net_builder: A function returning a fresh network (or the network).
        X: Inputs ``(n, 2)`` (two features: the boundary is drawn in the plane).
        y: Targets ``(n, 1)`` or integer labels ``(n,)``.
        loss: A loss or its name, as for ``Sequential.fit``.
        optimizer: An optimizer (it keeps its state across the snapshots).
        epochs: Epochs in all.
        n_snapshots: Snapshots, including the untrained network (epoch 0).
        grid: Cells per side of the decision grid.
        spacing: ``"log"`` (many snapshots early, where things change fast)
            or ``"linear"``.
        layer: Which hidden ``Dense`` layer's activations to record.
        inputs: Inputs whose hidden activations are recorded (default ``X``
            when it has at most 8 rows, else its first 4).
        padding: Margin around the data in the decision grid.

    Returns:
        A dict: ``epochs`` (list), ``loss (epochs,)`` per epoch, ``grid
        (snapshots, grid, grid)`` of class-1 probabilities (or class indices
        for several outputs; row 0 is the top, largest ``x2``), ``xlim``,
        ``ylim``, ``hidden (snapshots, len(inputs), units)``, ``inputs``,
        ``X``, ``labels``, ``n_out``, and ``net``, the trained network (for
        the page's static figure).

    Examples:
        >>> from nnscratch import SGD, mlp
        >>> X, y = xor()
        >>> snaps = training_snapshots(lambda: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0),
        ...                            X, y, "mse", SGD(lr=2.0), epochs=100, n_snapshots=5)
        >>> snaps["epochs"], snaps["grid"].shape, snaps["hidden"].shape
        ([0, 1, 5, 22, 100], (5, 32, 32), (5, 4, 4))
    """
    net = net_builder() if callable(net_builder) else net_builder
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    labels = y.ravel().astype(int) if y.ndim == 1 or y.shape[1] == 1 else y.argmax(axis=1)
    if inputs is None:
        inputs = X if len(X) <= 8 else X[:4]
    inputs = np.asarray(inputs, dtype=float)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    xs = lo[0] + (np.arange(grid) + 0.5) * (hi[0] - lo[0]) / grid  # cell centres
    ys = hi[1] - (np.arange(grid) + 0.5) * (hi[1] - lo[1]) / grid  # top row first
    gx, gy = np.meshgrid(xs, ys)
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    dense = [i for i, lay in enumerate(net.layers) if isinstance(lay, Dense)]
    if not 0 <= layer < len(dense) - 1:
        raise ValueError(f"layer must name a hidden Dense layer (0..{len(dense) - 2}), got {layer}")
    upto = dense[layer] + 1

    def hidden_of(points):
        out = points
        for lay in net.layers[:upto]:
            out = lay.forward(out, training=False)
        return out

    def snapshot():
        out = net.predict(cells)
        frame = out[:, 0] if out.shape[1] == 1 else out.argmax(axis=1).astype(float)
        grids.append(frame.reshape(grid, grid))
        hidden.append(hidden_of(inputs).copy())

    marks = _snapshot_epochs(int(epochs), n_snapshots, spacing)
    grids, hidden = [], []
    snapshot()  # epoch 0, before training

    def at_marks(net, history):  # a callback: fit calls it after every epoch
        if len(history.loss) in marks:
            snapshot()

    history = net.fit(X, y, loss, optimizer, epochs=int(epochs), callbacks=[at_marks])
    if history.diverged:
        raise ValueError(f"training diverged at epoch {len(history.loss)}")
    return {
        "epochs": marks, "loss": np.asarray(history.loss, dtype=float), "grid": np.array(grids),
        "xlim": (float(lo[0]), float(hi[0])), "ylim": (float(lo[1]), float(hi[1])),
        "hidden": np.array(hidden), "inputs": inputs, "X": X, "labels": labels,
        "n_out": int(net.predict(X[:1]).shape[1]), "net": net,
    }  # fmt: skip
