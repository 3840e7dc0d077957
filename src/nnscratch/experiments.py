"""Run one training recipe over many seeds at once, and summarise the outcome.

One run can mislead: whether a small network learns XOR depends on where its
weights start. ``run`` trains every seed's network side by side in one stacked
network (see ``stacked``), so 100 seeds cost far less than 100 runs, and each
model ends exactly where it would have trained alone.

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
import warnings
from dataclasses import dataclass

import numpy as np

from . import stacked


def all_correct(y_pred, y_true) -> np.ndarray:
    """Success criterion: every sample classified correctly, per model.

    Args:
        y_pred: Outputs of ``m`` models, ``(m, n_samples, n_out)``.
        y_true: Targets ``(n_samples, n_out)`` or integer labels ``(n_samples,)``.

    Returns:
        A boolean array of shape ``(m,)``.
    """
    return stacked.accuracy_per_model(y_pred, y_true) == 1.0


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
        success: ``success(predictions (m, n, k), y) -> bool array (m,)``.
    """
    seeds = np.array(list(seeds))
    if seeds.size == 0:
        raise ValueError("seeds must not be empty")
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
