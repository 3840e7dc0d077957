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

    While ``fit`` runs (as callbacks see it) ``loss`` and ``val_loss`` are
    lists; ``fit`` returns them as arrays.

    Attributes:
        loss: Training loss per epoch: the mean of the batch losses, each
            weighted by its number of samples. The weight-decay penalty is not
            included.
        val_loss: Validation loss after each epoch (empty without validation data).
        epochs: The number of epochs ``fit`` was asked to run.
        diverged: True if the loss became NaN or infinite (training then stopped).
        best_epoch: Epoch (0-based) with the best monitored loss, under ``EarlyStopping``.
        metrics: Anything else a callback records, by name.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    epochs: int = 0
    diverged: bool = False
    best_epoch: int | None = None
    metrics: dict = field(default_factory=dict)

    @property
    def stopped_epoch(self) -> int:
        """Epochs actually run."""
        return len(self.loss)


class EarlyStopping:
    """A callback for ``fit``: stop once the loss has not improved for ``patience`` epochs.

    The validation loss is monitored when there is validation data, else the
    training loss; an epoch improves on the best so far if its loss is lower
    by more than ``min_delta``. With ``restore_best`` the weights of the best
    epoch are put back when training ends.

    Examples:
        >>> EarlyStopping(patience=5)
        EarlyStopping(patience=5, min_delta=0.0, restore_best=True)
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, restore_best: bool = True):
        self.patience = positive_int(patience, "patience")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}")
        self.min_delta, self.restore_best = float(min_delta), restore_best

    def __call__(self, net, history: History) -> bool:
        """Called after every epoch; returns True to stop training."""
        if len(history.loss) == 1:  # a new run: forget the last one
            self.best, self.waited, self.best_weights = np.inf, 0, None
        monitored = (history.val_loss or history.loss)[-1]
        if monitored < self.best - self.min_delta:
            self.best, self.waited = monitored, 0
            history.best_epoch, self.best_weights = len(history.loss) - 1, net.get_weights()
        else:
            self.waited += 1
        stop = self.waited >= self.patience
        last = stop or len(history.loss) == history.epochs
        if last and self.restore_best and self.best_weights:  # none if the loss was always NaN
            net.set_weights(self.best_weights)
        return stop

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"restore_best={self.restore_best})"
        )


class Progress:
    """A callback for ``fit``: a progress bar with the latest loss, on stderr.

    Examples:
        >>> Progress()
        Progress()
    """

    def __call__(self, net, history: History) -> bool:
        """Redraw the bar after an epoch (about 100 times per run); never stops training."""
        done, total = len(history.loss), history.epochs
        if done % max(1, total // 100) == 0 or done == total:
            bar, width = "=" * (30 * done // total), len(str(total))
            line = f"epoch {done:>{width}}/{total} [{bar:<30}] loss {history.loss[-1]:.4g}"
            print("\r" + line, end="\n" if done == total else "", file=sys.stderr, flush=True)
        return False

    def __repr__(self) -> str:
        return "Progress()"


def batches(n: int, batch_size: int | None, rng: np.random.Generator | None = None) -> list:
    """Index arrays covering ``range(n)`` in batches of ``batch_size``.

    With a generator ``rng`` the order is shuffled afresh each call; the last
    batch holds what is left over.

    Examples:
        >>> [b.tolist() for b in batches(5, 2)]
        [[0, 1], [2, 3], [4]]
    """
    order = np.arange(n) if rng is None else rng.permutation(n)
    size = n if batch_size is None else batch_size
    return [order[i : i + size] for i in range(0, n, size)]


def accuracy(y_pred, y_true) -> float:
    """Fraction of correct predictions: arg-max per row, or threshold 0.5 for one output.

    Args:
        y_pred: Outputs ``(n_samples, n_out)``.
        y_true: Targets of the same shape, or integer labels ``(n_samples,)``.

    Examples:
        >>> accuracy(np.array([[0.9], [0.4]]), np.array([[1.0], [1.0]]))
        0.5
    """
    y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
    if y_pred.shape[1] == 1:  # one output: is it on the right side of 0.5?
        hits = (y_pred[:, 0] >= 0.5) == (y_true.reshape(len(y_true)) >= 0.5)
    else:
        labels = y_true if y_true.ndim == 1 else y_true.argmax(axis=1)
        hits = y_pred.argmax(axis=1) == labels
    return float(hits.mean())


def check_data(net, X, y, loss, name: str = "X") -> tuple[np.ndarray, np.ndarray]:
    """``X`` and ``y`` as float arrays of the network's dtype, checked against each other.

    ``y`` becomes what ``loss`` expects: the shape of the network's outputs
    (categorical cross-entropy also takes integer labels ``(n_samples,)``).
    """
    yname = "y" + name[1:]  # X -> y, X_val -> y_val
    X = as_array(X, name, 2).astype(net.theta.dtype, copy=False)
    n_out = net.predict(X).shape[-1]  # this also checks X's width against the first layer
    y = loss.targets(y, n_out, yname).astype(X.dtype, copy=False)
    if len(y) != len(X):
        raise ValueError(f"{name} and {yname} must have the same length, got {len(X)} and {len(y)}")
    return X, y


def fit(
    net,
    X,
    y,
    loss,
    optimizer,
    epochs: int = 100,
    batch_size: int | None = None,
    *,
    seed: int | None = None,
    validation_data=None,
    weight_decay: float = 0.0,
    callbacks=(),
) -> History:
    """Train ``net`` on ``X (n, n_in)`` and ``y (n, n_out)``; return a ``History``.

    Each epoch shuffles the samples (with mini-batches), and for each batch
    runs forward, loss, backward and one optimizer step; then it records the
    epoch's loss and the validation loss, and calls each callback.

    Args:
        net: A ``network.Sequential`` (anything with ``forward``, ``backward``,
            ``predict``, ``parameters``, ``layers`` and ``theta``).
        X: Inputs, shape ``(n_samples, n_in)``.
        y: Targets ``(n_samples, n_out)``; integer labels ``(n_samples,)`` with
            categorical cross-entropy.
        loss: A ``losses.Loss`` or its name.
        optimizer: An optimizer from ``optimizers``, e.g. ``SGD(lr=0.1)``.
        epochs: Passes over the data.
        batch_size: Samples per update; ``None`` means the full batch.
        seed: Seed for shuffling the mini-batches.
        validation_data: ``(X_val, y_val)``, evaluated after every epoch.
        weight_decay: L2 strength lambda: adds ``lambda/2 * sum(W^2)`` to the
            objective, so ``lambda * W`` to each weight gradient (not biases).
        callbacks: Functions ``callback(net, history)`` called after every
            epoch; one that returns True stops training (``EarlyStopping``,
            ``Progress``).

    If the loss becomes NaN or infinite, training stops, ``History.diverged``
    is set and a ``RuntimeWarning`` says when.
    """
    loss = losses.get(loss)
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must be an optimizer such as SGD(lr=0.1), got {optimizer!r}")
    epochs = positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = positive_int(batch_size, "batch_size")
    if not weight_decay >= 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    X, y = check_data(net, X, y, loss)
    if validation_data is not None:
        X_val, y_val = check_data(net, *validation_data, loss, name="X_val")
    # weight decay applies to the weights (two axes), not to the biases
    decayed = [(W, dW) for W, dW in net.parameters_by_layer() if W.ndim > 1] if weight_decay else []
    rng = make_rng(seed) if batch_size is not None else None
    history = History(epochs=epochs)
    with np.errstate(over="ignore", invalid="ignore"):  # we check the loss ourselves
        for epoch in range(epochs):
            total = 0.0
            for idx in batches(len(X), batch_size, rng):
                Xb, yb = (X, y) if batch_size is None else (X[idx], y[idx])
                out = net.forward(Xb, training=True)  # 1. forward
                total += loss(out, yb) * len(idx)  # 2. loss, weighted by the batch's size
                net.backward(loss.gradient(out, yb), input_grad=False)  # 3. backward
                for W, dW in decayed:
                    dW += weight_decay * W  # d/dW of lambda/2 * W^2
                optimizer.step(net.parameters())  # 4. update
            history.loss.append(total / len(X))
            if not np.isfinite(history.loss[-1]):
                history.diverged = True
                warnings.warn(  # reported at the line that called net.fit
                    f"loss became {history.loss[-1]} at epoch {epoch}; training stopped",
                    RuntimeWarning,
                    stacklevel=3,
                )
                break
            if validation_data is not None:
                history.val_loss.append(loss(net.predict(X_val), y_val))
            if any([callback(net, history) for callback in callbacks]):  # call every one
                break
    history.loss, history.val_loss = np.array(history.loss), np.array(history.val_loss)
    return history
