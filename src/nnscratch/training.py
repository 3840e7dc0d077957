"""The training loop and what it records: forward, loss, backward, update, repeat.

Examples:
    >>> import numpy as np
    >>> from nnscratch.network import mlp
    >>> from nnscratch.optimizers import SGD
    >>> X = np.array([[0.0], [1.0]]); y = np.array([[1.0], [3.0]])
    >>> history = fit(mlp([1, 1], seed=0), X, y, "mse", SGD(lr=0.1), epochs=200)
    >>> bool(history.loss[-1] < 1e-6)
    True
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import losses
from ._checks import as_array, make_rng, positive_int


@dataclass
class History:
    """What happened during ``fit``, one entry per epoch.

    Attributes:
        loss: Training loss per epoch, shape ``(epochs,)`` (``(epochs, m)`` for
            ``m`` stacked models). The weight-decay penalty is not included.
        val_loss: Validation loss per epoch (empty without validation data).
        metrics: Other per-epoch values by name, e.g. ``"accuracy"``.
        diverged: True if the loss became NaN or infinite (per model when stacked).
        best_epoch: Epoch (0-based) with the best monitored loss, under early stopping.
        stopped_epoch: Epochs actually run.
    """

    loss: np.ndarray = field(default_factory=lambda: np.empty(0))
    val_loss: np.ndarray = field(default_factory=lambda: np.empty(0))
    metrics: dict = field(default_factory=dict)
    diverged: bool | np.ndarray = False
    best_epoch: int | None = None
    stopped_epoch: int = 0


class EarlyStopping:
    """Stop when the monitored loss has not improved for ``patience`` epochs.

    The validation loss is monitored when there is validation data, else the
    training loss. With ``restore_best`` the weights of the best epoch are put
    back at the end.

    Examples:
        >>> EarlyStopping(patience=5)
        EarlyStopping(patience=5, min_delta=0.0, restore_best=True)
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, restore_best: bool = True):
        self.patience = positive_int(patience, "patience")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}")
        self.min_delta, self.restore_best = float(min_delta), restore_best

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"restore_best={self.restore_best})"
        )


def batches(n: int, batch_size: int | None, rngs=None):
    """Index arrays covering ``range(n)`` in batches of ``batch_size``.

    With ``rngs`` (one generator, or one per stacked model) the order is
    shuffled afresh each call; each index array then has shape ``(batch,)`` or
    ``(m, batch)``.

    Examples:
        >>> [b.tolist() for b in batches(5, 2)]
        [[0, 1], [2, 3], [4]]
    """
    if rngs is None:
        order = np.arange(n)
    elif isinstance(rngs, np.random.Generator):
        order = rngs.permutation(n)
    else:
        order = np.stack([rng.permutation(n) for rng in rngs])
    size = n if batch_size is None else batch_size
    return [order[..., i : i + size] for i in range(0, n, size)]


def accuracy(y_pred, y_true) -> float | np.ndarray:
    """Fraction of correct predictions: arg-max per row, or threshold 0.5 for one output.

    Examples:
        >>> accuracy(np.array([[0.9], [0.4]]), np.array([[1.0], [1.0]]))
        0.5
    """
    y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
    if y_pred.shape[-1] == 1:
        hits = (y_pred[..., 0] >= 0.5) == (y_true[..., 0] >= 0.5)
    else:
        labels = y_true if y_true.ndim == 1 else y_true.argmax(axis=-1)
        hits = y_pred.argmax(axis=-1) == labels
    value = hits.mean(axis=-1)
    return float(value) if np.ndim(value) == 0 else value


def _check_data(net, X, y, loss, name="X"):
    X = as_array(X, name, 2).astype(net.parameters()[0][0].dtype, copy=False)
    yname = "y" if name == "X" else f"{name[0]}_val"
    if X.shape[1] != net.n_in:
        raise ValueError(f"{name} must have {net.n_in} columns for this network, got {X.shape}")
    if isinstance(loss, losses.CategoricalCrossEntropy) and np.ndim(y) == 1:
        from .datasets import one_hot

        y = one_hot(y, net.n_out)  # integer labels
    y = as_array(y, yname, 2).astype(X.dtype, copy=False)
    if y.shape[1] != net.n_out:
        raise ValueError(f"{yname} must have {net.n_out} columns for this network, got {y.shape}")
    if len(y) != len(X):
        raise ValueError(f"{name} and {yname} must have the same length, got {len(X)} and {len(y)}")
    return X, y


def fit(
    net,
    X,
    y,
    loss="mse",
    optimizer=None,
    epochs: int = 100,
    batch_size=None,
    validation_data=None,
    early_stopping=None,
    weight_decay: float = 0.0,
    metrics=(),
    shuffle: bool = True,
    seed=None,
    verbose: bool = False,
) -> History:
    """Train ``net`` on ``X (n, n_in)`` and ``y (n, n_out)``; return a ``History``.

    Args:
        net: A ``network.Sequential`` (possibly stacked, see ``network.stack``).
        X: Inputs, shape ``(n_samples, n_in)``.
        y: Targets ``(n_samples, n_out)``; integer labels ``(n_samples,)`` with
            categorical cross-entropy.
        loss: A ``losses.Loss`` or its name.
        optimizer: An optimizer from ``optimizers`` (required).
        epochs: Passes over the data.
        batch_size: Samples per update; ``None`` means the full batch.
        validation_data: ``(X_val, y_val)`` evaluated after every epoch.
        early_stopping: An ``EarlyStopping``, or ``None``.
        weight_decay: L2 strength lambda: adds ``lambda/2 * sum(W^2)`` to the
            objective, so ``lambda * W`` to each weight gradient (not biases).
        metrics: Names of extra per-epoch values; ``"accuracy"`` is supported.
        shuffle: Shuffle the samples every epoch (mini-batches only).
        seed: Seed for shuffling; for stacked models, a list with one per model.
        verbose: Show a progress line on stderr.

    If the loss becomes NaN or infinite, training stops, ``History.diverged``
    is set and a ``RuntimeWarning`` says when. Stacked models carry on, and the
    models that diverged are flagged in ``History.diverged``.
    """
    loss_fn = losses.get(loss)
    if optimizer is None or not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must be an optimizer such as SGD(lr=0.1), got {optimizer!r}")
    epochs = positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = positive_int(batch_size, "batch_size")
    if not weight_decay >= 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    for name in metrics:
        if name != "accuracy":
            raise ValueError(f"unknown metric {name!r}; choose from ['accuracy']")
    X, y = _check_data(net, X, y, loss_fn)
    if validation_data is not None:
        X_val, y_val = _check_data(net, *validation_data, loss_fn, name="X_val")
    m = net.n_models
    if m is not None and early_stopping is not None:
        raise ValueError("early_stopping works on a single model, not a stacked network")
    if batch_size is None or not shuffle:
        rngs = None
    elif m is None:
        rngs = make_rng(seed)
    else:
        seeds = list(seed) if seed is not None else [None] * m
        if len(seeds) != m:
            raise ValueError(f"seed must list one seed per model ({m}), got {len(seeds)}")
        rngs = [make_rng(s) for s in seeds]

    flat = [(net.theta, net.grad)]
    decayed = [(layer.W, layer.dW) for layer in net.layers if hasattr(layer, "W")]
    record = {"loss": [], "val_loss": []} | {k: [] for k in metrics}
    record |= {f"val_{k}": [] for k in metrics if validation_data is not None}
    history, best, waited, best_weights = History(), np.inf, 0, None
    diverged = np.zeros(m or 1, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):  # we check the loss ourselves
        for epoch in range(epochs):
            total, hits = 0.0, 0.0
            for idx in batches(len(X), batch_size, rngs):
                xb, yb = (X, y) if batch_size is None else (X[idx], y[idx])
                out = net.forward(xb, training=True)
                total = total + loss_fn(out, yb) * idx.shape[-1]
                if metrics:
                    hits = hits + accuracy(out, yb) * idx.shape[-1]
                net.backward(loss_fn.gradient(out, yb), input_grad=False)
                for W, dW in decayed if weight_decay else ():
                    dW += weight_decay * W  # d/dW of lambda/2 * W^2
                optimizer.step(flat)  # all of theta at once; see Sequential
            epoch_loss = total / len(X)
            record["loss"].append(epoch_loss)
            if metrics:
                record["accuracy"].append(hits / len(X))
            diverged |= ~np.isfinite(np.atleast_1d(epoch_loss))
            if m is None and diverged[0]:
                warnings.warn(
                    f"loss became {epoch_loss} at epoch {epoch}; training stopped",
                    RuntimeWarning,
                    stacklevel=2,
                )
                break
            monitored = epoch_loss
            if validation_data is not None:
                out = net.forward(X_val)
                monitored = loss_fn(out, y_val)
                record["val_loss"].append(monitored)
                if metrics:
                    record["val_accuracy"].append(accuracy(out, y_val))
            if verbose and ((epoch + 1) % max(1, epochs // 100) == 0 or epoch + 1 == epochs):
                _progress(epoch + 1, epochs, epoch_loss)
            if early_stopping is not None:
                if monitored < best - early_stopping.min_delta:
                    best, waited, history.best_epoch = monitored, 0, epoch
                    best_weights = net.get_weights()
                else:
                    waited += 1
                    if waited >= early_stopping.patience:
                        break
    if verbose:
        print(file=sys.stderr)
    if early_stopping is not None and early_stopping.restore_best and best_weights:
        net.set_weights(best_weights)
    if m is not None and diverged.any():
        warnings.warn(
            f"{int(diverged.sum())} of {m} models diverged (non-finite loss)",
            RuntimeWarning,
            stacklevel=2,
        )
    history.loss = np.array(record.pop("loss"))
    history.val_loss = np.array(record.pop("val_loss"))
    history.metrics = {k: np.array(v) for k, v in record.items()}
    history.diverged = bool(diverged[0]) if m is None else diverged
    history.stopped_epoch = len(history.loss)
    return history


def _progress(epoch: int, epochs: int, loss) -> None:
    filled = 30 * epoch // epochs
    shown = f"{np.mean(loss):.4g}"
    print(
        f"\repoch {epoch:>{len(str(epochs))}}/{epochs} [{'=' * filled:<30}] loss {shown}",
        end="",
        file=sys.stderr,
        flush=True,
    )
