"""Layers: the contract every layer keeps, ``Dense`` (many neurons at once) and ``Dropout``.

A layer's ``forward`` caches what its ``backward`` needs; ``backward`` takes
dL/d(output), stores the gradients of the layer's parameters and returns
dL/d(input). ``Sequential`` and ``fit`` use a layer through ``Layer`` only, so
a new kind of layer needs no change anywhere else.

Examples:
    >>> import numpy as np
    >>> layer = Dense(2, 3, "relu", seed=0)
    >>> layer.forward(np.ones((4, 2))).shape
    (4, 3)
    >>> layer.backward(np.ones((4, 3))).shape
    (4, 2)
    >>> isinstance(layer, Layer), isinstance(Dropout(0.5), Layer)
    (True, True)
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from . import activations
from ._checks import as_array, lookup, make_rng, positive_float, positive_int, unit_interval


@runtime_checkable
class Layer(Protocol):
    """What a network needs from a layer: four methods and a count.

    Inputs ``X`` have shape ``(n_samples, n_in)`` and outputs ``(n_samples, n_out)``.
    """

    n_params: int
    """How many trainable numbers the layer holds (0 if none)."""

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Return the outputs for ``X`` and keep what ``backward`` needs.

        ``training=True`` switches on what happens only in training (dropout).
        """

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Take dL/d(output) of the last ``forward``, fill the parameters' gradients
        and return dL/d(input) (``None`` if ``input_grad=False``: nobody needs it)."""

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(parameter, gradient)`` pairs, ``n_params`` numbers in all. Weight
        decay applies to the parameters with two axes (weights), not to biases."""

    def bind(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Keep the parameters in ``theta`` and their gradients in ``grad`` from now on:
        ``Sequential`` gives each layer a slice of its two vectors, one number per parameter."""


def _glorot(rng, n_in, n_out, scale):
    limit = np.sqrt(6 / (n_in + n_out))  # keeps the variance of signals steady
    return rng.uniform(-limit, limit, (n_in, n_out))


def _he(rng, n_in, n_out, scale):
    return rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out))  # ReLU zeroes half


def _normal(rng, n_in, n_out, scale):
    return rng.normal(0, scale, (n_in, n_out))


def _uniform(rng, n_in, n_out, scale):
    return rng.uniform(-scale, scale, (n_in, n_out))


def _zeros(rng, n_in, n_out, scale):
    return np.zeros((n_in, n_out))


INITS = {
    "glorot": _glorot,
    "xavier": _glorot,
    "he": _he,
    "normal": _normal,
    "uniform": _uniform,
    "zeros": _zeros,
}
AUTO_INIT = {"sigmoid": "glorot", "relu": "he", "linear": "glorot"}


class Dense:
    """A fully connected layer: ``Z = X @ W + b``, then ``A = f(Z)``.

    Args:
        n_in: Number of inputs per sample.
        n_out: Number of neurons (outputs per sample).
        activation: Name or object from ``activations`` (default identity).
        init: ``"auto"`` (Glorot/Xavier for sigmoid, tanh, softmax and identity;
            He for the ReLU family), ``"glorot"``, ``"he"``, ``"normal"``
            (standard deviation ``scale``), ``"uniform"`` (in ``[-scale, scale]``)
            or ``"zeros"``.
        scale: Spread for the ``"normal"`` and ``"uniform"`` inits.
        seed: Seed for the initial weights (or pass ``rng``).
        rng: A ``numpy.random.Generator`` to draw the weights from.
        dtype: ``np.float64`` (default) or ``np.float32``.

    Attributes:
        W: Weights, shape ``(n_in, n_out)``: column ``k`` holds neuron ``k``'s weights.
        b: Biases, shape ``(n_out,)``.
        dW: dL/dW after ``backward``, shape of ``W``; ``db`` likewise for ``b``.
        X: The inputs of the last ``forward``; ``Z`` its weighted sums ``(n_samples, n_out)``.

    Examples:
        >>> layer = Dense(3, 2, "sigmoid", seed=1)
        >>> layer.W.shape, layer.b.shape
        ((3, 2), (2,))
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation="identity",
        init: str = "auto",
        scale: float = 1.0,
        seed: int | None = None,
        rng=None,
        dtype=np.float64,
    ):
        self.n_in, self.n_out = positive_int(n_in, "n_in"), positive_int(n_out, "n_out")
        self.activation = activations.get(activation)
        if init == "auto":
            init = AUTO_INIT[self.activation.family]
        make = lookup(init, INITS, "init")
        W = make(make_rng(seed, rng), self.n_in, self.n_out, positive_float(scale, "scale"))
        self.W, self.b = W.astype(dtype), np.zeros(self.n_out, dtype=dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    @classmethod
    def from_weights(cls, W, b, activation="identity") -> Dense:
        """Build a layer with given weights ``W (n_in, n_out)`` and biases ``b (n_out,)``.

        Examples:
            >>> Dense.from_weights([[1.0], [-1.0]], [0.5]).forward([[2.0, 1.0]])
            array([[1.5]])
        """
        W, b = as_array(W, "W", 2), as_array(b, "b", 1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"b must have shape ({W.shape[1]},) for W {W.shape}, got {b.shape}")
        layer = cls(*W.shape, activation, init="zeros", dtype=W.dtype)
        layer.W[...], layer.b[...] = W, b
        return layer

    def bind(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Move ``W, b`` into ``theta`` and ``dW, db`` into ``grad``, as views.

        Afterwards, changing ``theta`` in place changes the layer's weights:
        ``Sequential`` does this so that one step updates every layer.
        """
        n = self.W.size
        theta[:n], theta[n:] = self.W.ravel(), self.b
        self.W, self.b = theta[:n].reshape(self.W.shape), theta[n:]
        self.dW, self.db = grad[:n].reshape(self.W.shape), grad[n:]

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Compute ``A = f(X @ W + b)`` for ``X`` of shape ``(n_samples, n_in)``."""
        X = np.asarray(X, dtype=self.W.dtype)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} columns for {self}, got shape {X.shape}")
        self.X = X  # kept for backward: dL/dW needs the inputs
        self.Z = X @ self.W
        self.Z += self.b  # Z = X W + b, with b added to every row
        return self.activation(self.Z)

    def backward(self, grad, input_grad: bool = True) -> np.ndarray | None:
        """Take dL/dA, fill ``dW`` and ``db``, return dL/dX (shape of the input).

        With ``input_grad=False`` (the first layer, whose input is data) the
        last product is skipped and ``None`` is returned.
        """
        dZ = self.activation.backward(self.Z, grad)  # dL/dZ = dL/dA * f'(Z)
        # dW and db are views into the network's grad vector: out= writes into them
        np.matmul(self.X.T, dZ, out=self.dW)  # dL/dW = X.T @ dZ, summed over the samples
        dZ.sum(axis=0, out=self.db)  # dL/db = dZ.sum(axis=0), the sum of dZ's rows
        return dZ @ self.W.T if input_grad else None  # dL/dX = dZ @ W.T

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Pairs ``(parameter, gradient)``: ``[(W, dW), (b, db)]``."""
        return [(self.W, self.dW), (self.b, self.db)]

    @property
    def n_params(self) -> int:
        """Weights plus biases: ``n_in * n_out + n_out``."""
        return self.W.size + self.b.size

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, {self.activation.name!r})"


class Dropout:
    """Inverted dropout: in training, zero each input with probability ``rate``.

    Survivors are scaled by ``1 / (1 - rate)`` so the expected activation is
    unchanged, and evaluation mode (``training=False``) is the identity.

    Args:
        rate: Probability of dropping a unit, in ``[0, 1)``.
        seed: Seed for the masks (or pass ``rng``).
        rng: A ``numpy.random.Generator``.

    Examples:
        >>> drop = Dropout(0.5, seed=0)
        >>> x = np.ones((2, 4))
        >>> bool((drop.forward(x) == x).all())
        True
        >>> sorted(set(drop.forward(x, training=True).ravel().tolist()))
        [0.0, 2.0]
    """

    n_params = 0

    def __init__(self, rate: float, seed: int | None = None, rng=None):
        self.rate = unit_interval(rate, "rate")
        self.rng = make_rng(seed, rng)
        self.mask = None

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Apply a fresh random mask in training; pass ``X`` through otherwise."""
        X = np.asarray(X)
        if not training or self.rate == 0:
            self.mask = None
            return X
        keep = 1 - self.rate
        self.mask = (self.rng.random(X.shape) < keep).astype(X.dtype) / keep
        return X * self.mask

    def backward(self, grad, input_grad: bool = True) -> np.ndarray:
        """dL/dX = grad * mask: dropped units pass no gradient back."""
        return grad if self.mask is None else grad * self.mask

    def parameters(self) -> list:
        """Dropout has no parameters."""
        return []

    def bind(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Nothing to move: dropout has no parameters."""

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"
