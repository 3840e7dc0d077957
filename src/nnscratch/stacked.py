"""Many networks of the same shape, trained side by side in one stacked network.

One run can mislead: whether a small network learns XOR depends on where its
weights start. The book therefore trains each recipe from many seeds, and this
module makes that cheap. ``stack`` turns ``m`` networks into one ``Stack``
whose layers hold every model's weights along a leading axis, ``W (m, n_in,
n_out)`` and ``b (m, 1, n_out)``. NumPy's matrix product broadcasts over that
axis, so one forward pass runs all ``m`` models, and ``fit`` below trains them
together: each model does the arithmetic it would do alone (with its own
shuffle of the mini-batches), so it ends where it would have ended alone.

Read ``layers``, ``network`` and ``training`` first: this module is the same
ideas with one more axis.

Examples:
    >>> import numpy as np
    >>> from nnscratch.datasets import xor
    >>> from nnscratch.network import mlp
    >>> from nnscratch.optimizers import SGD
    >>> X, y = xor()
    >>> nets = stack(mlp([2, 4, 1], "sigmoid", "sigmoid", seed=s) for s in range(3))
    >>> nets.n_models, nets.predict(X).shape
    (3, (3, 4, 1))
    >>> history = nets.fit(X, y, "mse", SGD(lr=2.0), epochs=100)
    >>> history.loss.shape
    (100, 3)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import activations, losses
from ._checks import as_array, make_rng, positive_int
from .layers import Dense, Dropout
from .network import Sequential
from .training import check_data


class StackedDense:
    """``m`` dense layers of the same shape at once: ``Z = X @ W + b`` for every model.

    Args:
        W: Weights of every model, shape ``(m, n_in, n_out)``.
        b: Biases of every model, shape ``(m, 1, n_out)`` (a row per model, so
            that it broadcasts over the samples).
        activation: Name or object from ``activations``, shared by the models.

    Examples:
        >>> layer = StackedDense(np.ones((3, 2, 4)), np.zeros((3, 1, 4)), "relu")
        >>> layer.forward(np.ones((5, 2))).shape  # the same 5 samples for all 3 models
        (3, 5, 4)
    """

    def __init__(self, W, b, activation="identity"):
        W, b = as_array(W, "W", 3), as_array(b, "b", 3)
        if b.shape != (len(W), 1, W.shape[2]):
            want = (len(W), 1, W.shape[2])
            raise ValueError(f"b must have shape {want} for W {W.shape}, got {b.shape}")
        self.W, self.b = W.copy(), b.astype(W.dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self.activation = activations.get(activation)

    def bind(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Move ``W, b`` into ``theta`` and ``dW, db`` into ``grad``, as ``Dense.bind`` does."""
        n = self.W.size
        theta[:n], theta[n:] = self.W.ravel(), self.b.ravel()
        self.W, self.b = theta[:n].reshape(self.W.shape), theta[n:].reshape(self.b.shape)
        self.dW, self.db = grad[:n].reshape(self.W.shape), grad[n:].reshape(self.b.shape)

    def forward(self, X, training: bool = False) -> np.ndarray:
        """``X (n, n_in)`` (the same for every model) or ``(m, n, n_in)`` -> ``(m, n, n_out)``."""
        X = np.asarray(X, dtype=self.W.dtype)
        if X.ndim not in (2, 3) or X.shape[-1] != self.W.shape[1]:
            n_in = self.W.shape[1]
            raise ValueError(f"X must have {n_in} columns for {self}, got shape {X.shape}")
        self.X = X
        self.Z = X @ self.W  # broadcast over the models: (m, n, n_out)
        self.Z += self.b
        return self.activation(self.Z)

    def backward(self, grad, input_grad: bool = True) -> np.ndarray | None:
        """``Dense.backward`` for every model: ``.mT`` swaps the last two axes."""
        dZ = self.activation.backward(self.Z, grad)
        np.matmul(self.X.mT, dZ, out=self.dW)  # X^T dZ, model by model
        dZ.sum(axis=1, keepdims=True, out=self.db)  # sum over each model's samples
        return dZ @ self.W.mT if input_grad else None

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``[(W, dW), (b, db)]``, each with the models along the first axis."""
        return [(self.W, self.dW), (self.b, self.db)]

    @property
    def n_params(self) -> int:
        """Weights plus biases of one model."""
        return (self.W.size + self.b.size) // len(self.W)

    def model(self, j: int) -> Dense:
        """Model ``j``'s layer as a ``Dense`` layer of its own (a copy)."""
        return Dense.from_weights(self.W[j], self.b[j, 0], self.activation)

    def __repr__(self) -> str:
        m, n_in, n_out = self.W.shape
        return f"StackedDense({m} models, {n_in}, {n_out}, {self.activation.name!r})"


class Stack(Sequential):
    """``m`` networks of the same shape as one: a ``Sequential`` of stacked layers.

    Build it with ``stack``. ``forward`` and ``predict`` take inputs
    ``(n_samples, n_in)``, the same for every model, and return ``(m, n_samples,
    n_out)``; ``theta`` holds every model's parameters.
    """

    @property
    def n_models(self) -> int:
        """How many models are stacked."""
        return next(len(p) for p, _ in self.parameters_by_layer())

    def model(self, j: int) -> Sequential:
        """Model ``j`` as a network of its own (a copy of its weights)."""
        layers = []
        for layer in self.layers:
            if isinstance(layer, StackedDense):
                layers.append(layer.model(j))
            else:  # a Dropout layer of its own, drawing from the same generator
                layers.append(Dropout(layer.rate, rng=layer.rng))
        return Sequential(layers)

    def model_parameters(self, j: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Model ``j``'s ``(parameter, gradient)`` pairs, as views: for its own optimizer."""
        return [(p[j], g[j]) for p, g in self.parameters_by_layer()]

    def fit(self, X, y, loss, optimizer, epochs: int = 100, **options) -> History:
        """Train every model: ``stacked.fit(self, X, y, loss, optimizer, epochs, **options)``."""
        return fit(self, X, y, loss, optimizer, epochs, **options)


def stack(networks) -> Stack:
    """Stack networks of ``Dense`` (and ``Dropout``) layers with the same shapes into one.

    A ``Dropout`` layer is shared: it draws the masks of all models from the
    first network's generator, so with dropout the models are not bit-identical
    to training each alone.

    Examples:
        >>> from nnscratch.network import mlp
        >>> big = stack(mlp([2, 4, 1], "sigmoid", "sigmoid", seed=s) for s in range(3))
        >>> big.layers[0].W.shape, big.forward(np.zeros((5, 2))).shape
        ((3, 2, 4), (3, 5, 1))
    """
    networks = list(networks)
    if not networks:
        raise ValueError("networks must not be empty")
    if len({repr(net.layers) for net in networks}) != 1:
        raise ValueError("networks must all have the same layers and sizes")
    layers = []
    for group in zip(*(net.layers for net in networks), strict=True):
        first = group[0]
        if isinstance(first, Dense):
            W = np.stack([layer.W for layer in group])
            b = np.stack([layer.b[None, :] for layer in group])
            layers.append(StackedDense(W, b, first.activation))
        elif isinstance(first, Dropout):
            layers.append(Dropout(first.rate, rng=first.rng))
        else:
            raise TypeError(f"stack() takes Dense and Dropout layers, got {type(first).__name__}")
    if not any(isinstance(layer, StackedDense) for layer in layers):
        raise ValueError("networks must contain at least one Dense layer")
    return Stack(layers)


# --- losses and accuracy of every model at once --------------------------------


def loss_per_model(loss: losses.Loss, y_pred, y_true) -> np.ndarray:
    """``loss(y_pred[j], y_true)`` for every model ``j`` at once, shape ``(m,)``.

    ``y_pred`` has shape ``(m, n, k)``; ``y_true`` is ``(n, k)`` (the same for
    every model) or ``(m, n, k)``. The formulas are those of ``losses``, each
    averaged over its own model's entries.
    """
    p, y = _clipped(loss, y_pred, y_true)
    kind = type(loss)
    if kind is losses.MSE:
        return ((p - y) ** 2).mean(axis=(-2, -1))
    if kind is losses.MAE:
        return np.abs(p - y).mean(axis=(-2, -1))
    if kind is losses.BinaryCrossEntropy:
        return (-(y * np.log(p) + (1 - y) * np.log(1 - p))).mean(axis=(-2, -1))
    if kind is losses.CategoricalCrossEntropy:
        return -(y * np.log(p)).sum(axis=(-2, -1)) / p.shape[-2]
    return np.array([loss(p_j, y_j) for p_j, y_j in _per_model(p, y)])  # any other loss


def gradient_per_model(loss: losses.Loss, y_pred, y_true) -> np.ndarray:
    """``loss.gradient(y_pred[j], y_true)`` for every model ``j``, shape of ``y_pred``."""
    p, y = _clipped(loss, y_pred, y_true)
    n_k = p.shape[-2] * p.shape[-1]  # one model's entries
    kind = type(loss)
    if kind is losses.MSE:
        return 2 * (p - y) / n_k
    if kind is losses.MAE:
        return np.sign(p - y) / n_k
    if kind is losses.BinaryCrossEntropy:
        return (p - y) / (p * (1 - p)) / n_k
    if kind is losses.CategoricalCrossEntropy:
        return y / p * (-1 / p.shape[-2])
    return np.stack([loss.gradient(p_j, y_j) for p_j, y_j in _per_model(p, y)])


def _clipped(loss, y_pred, y_true):
    """Checked predictions and targets, clipped as the loss clips them."""
    p, y = np.asarray(y_pred), np.asarray(y_true)
    if p.ndim != 3 or y.shape != p.shape[-y.ndim :] or y.ndim < 2:
        raise ValueError(f"y_true must be (n, k) or (m, n, k) for y_pred {p.shape}, got {y.shape}")
    if type(loss) is losses.BinaryCrossEntropy:
        if np.any(p < 0) or np.any(p > 1):
            raise ValueError("y_pred must be probabilities in [0, 1] for binary cross-entropy")
        return np.clip(p, losses.EPS, 1 - losses.EPS), y
    if type(loss) is losses.CategoricalCrossEntropy:
        return np.maximum(p, losses.EPS), y
    return p, y


def _per_model(p, y):
    return [(p_j, y if y.ndim == 2 else y[j]) for j, p_j in enumerate(p)]


def accuracy_per_model(y_pred, y_true) -> np.ndarray:
    """``training.accuracy`` of every model, shape ``(m,)``.

    Args:
        y_pred: Outputs ``(m, n, k)``.
        y_true: Targets ``(n, k)`` or ``(m, n, k)``, or integer labels ``(n,)``.
    """
    y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
    if y_pred.shape[2] == 1:  # one output: is it on the right side of 0.5?
        targets = y_true if y_true.ndim == 3 else y_true.reshape(len(y_true), 1)
        hits = (y_pred[:, :, 0] >= 0.5) == (targets[..., 0] >= 0.5)  # (m, n)
    else:
        labels = y_true if y_true.ndim == 1 else y_true.argmax(axis=-1)
        hits = y_pred.argmax(axis=2) == labels  # (m, n)
    return hits.mean(axis=1)


# --- training -------------------------------------------------------------------


@dataclass
class History:
    """What happened during ``fit``, one row per epoch and one column per model.

    Attributes:
        loss: Training loss, shape ``(epochs, m)``, recorded as in ``training.History``.
        val_loss: Validation loss, ``(epochs, m)`` (empty without validation data).
        metrics: ``"accuracy"`` and ``"val_accuracy"``, ``(epochs, m)``, if asked for.
        diverged: Whether each model's loss became NaN or infinite, shape ``(m,)``.
    """

    loss: np.ndarray
    val_loss: np.ndarray
    metrics: dict = field(default_factory=dict)
    diverged: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def batches(n: int, batch_size: int | None, rngs=None) -> list:
    """``training.batches`` for every model: index arrays ``(m, batch)``, one shuffle per model.

    Without ``rngs`` the order is ``0, 1, ..., n - 1`` for all models and each
    index array has shape ``(batch,)``.

    Examples:
        >>> [b.shape for b in batches(5, 2, [np.random.default_rng(s) for s in (0, 1)])]
        [(2, 2), (2, 2), (2, 1)]
    """
    order = np.arange(n) if rngs is None else np.stack([rng.permutation(n) for rng in rngs])
    size = n if batch_size is None else batch_size
    return [order[..., i : i + size] for i in range(0, n, size)]


def fit(
    net: Stack,
    X,
    y,
    loss,
    optimizer,
    epochs: int = 100,
    batch_size: int | None = None,
    *,
    seeds=None,
    shuffle: bool = True,
    validation_data=None,
    weight_decay: float = 0.0,
    metrics=(),
) -> History:
    """Train every model of ``net`` at once on ``X (n, n_in)`` and ``y``; the loop of
    ``training.fit``, with a loss per model.

    Args:
        net: A ``Stack`` (see ``stack``).
        X: Inputs, the same for every model, shape ``(n_samples, n_in)``.
        y: Targets ``(n_samples, n_out)``, or integer labels with categorical
            cross-entropy.
        loss: A ``losses.Loss`` or its name.
        optimizer: One optimizer for all models (each number keeps its own
            state, so every model is updated as if alone), or a list of ``m``
            optimizers, one per model, e.g. ``[SGD(lr) for lr in lrs]`` for a
            learning rate per model.
        epochs: Passes over the data.
        batch_size: Samples per update; ``None`` means the full batch.
        seeds: One seed per model for shuffling its mini-batches.
        shuffle: Shuffle each model's samples every epoch (mini-batches only).
        validation_data: ``(X_val, y_val)``, evaluated after every epoch.
        weight_decay: L2 strength, as in ``training.fit``.
        metrics: ``("accuracy",)`` records each model's accuracy per epoch.

    A model whose loss becomes NaN or infinite is flagged in
    ``History.diverged``; the others carry on, and a ``RuntimeWarning`` counts
    the diverged models at the end.
    """
    loss = losses.get(loss)
    m = net.n_models
    steps = _steppers(net, optimizer)
    epochs = positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = positive_int(batch_size, "batch_size")
    if not weight_decay >= 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    if any(name != "accuracy" for name in metrics):
        raise ValueError(f"metrics can only be ['accuracy'], got {list(metrics)}")
    seeds = [None] * m if seeds is None else list(seeds)
    if len(seeds) != m:
        raise ValueError(f"seeds must list one seed per model ({m}), got {len(seeds)}")
    X, y = check_data(net, X, y, loss)
    if validation_data is not None:
        X_val, y_val = check_data(net, *validation_data, loss, name="X_val")
    dense = [layer for layer in net.layers if isinstance(layer, StackedDense)]
    decayed = [(layer.W, layer.dW) for layer in dense] if weight_decay else []  # not biases
    rngs = [make_rng(s) for s in seeds] if batch_size is not None and shuffle else None
    record = {"loss": [], "val_loss": [], "accuracy": [], "val_accuracy": []}
    diverged = np.zeros(m, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # we check the losses
        for _ in range(epochs):
            total, hits = 0.0, 0.0
            for idx in batches(len(X), batch_size, rngs):
                Xb, yb = (X, y) if batch_size is None else (X[idx], y[idx])
                out = net.forward(Xb, training=True)
                total = total + loss_per_model(loss, out, yb) * idx.shape[-1]
                if metrics:
                    hits = hits + accuracy_per_model(out, yb) * idx.shape[-1]
                net.backward(gradient_per_model(loss, out, yb), input_grad=False)
                for W, dW in decayed:
                    dW += weight_decay * W  # d/dW of lambda/2 * W^2, weights only
                for step in steps:
                    step()
            record["loss"].append(total / len(X))
            if metrics:
                record["accuracy"].append(hits / len(X))
            diverged |= ~np.isfinite(record["loss"][-1])
            if validation_data is not None:
                out = net.forward(X_val)
                record["val_loss"].append(loss_per_model(loss, out, y_val))
                if metrics:
                    record["val_accuracy"].append(accuracy_per_model(out, y_val))
    if diverged.any():
        message = f"{int(diverged.sum())} of {m} models diverged (non-finite loss)"
        warnings.warn(message, RuntimeWarning, stacklevel=3)  # at the line that called net.fit
    names = ["accuracy"] + (["val_accuracy"] if validation_data is not None else [])
    return History(
        loss=np.array(record["loss"]),
        val_loss=np.array(record["val_loss"]),
        metrics={name: np.array(record[name]) for name in names if metrics},
        diverged=diverged,
    )


def _steppers(net: Stack, optimizer) -> list:
    """One call per optimizer that takes a step: one for all models, or one per model."""
    if isinstance(optimizer, (list, tuple)):
        if len(optimizer) != net.n_models:
            raise ValueError(
                f"optimizer must be one optimizer or a list of one per model "
                f"({net.n_models}), got a list of {len(optimizer)}"
            )
        return [lambda o=o, j=j: o.step(net.model_parameters(j)) for j, o in enumerate(optimizer)]
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must be an optimizer such as SGD(lr=0.1), got {optimizer!r}")
    return [lambda: optimizer.step(net.parameters())]
