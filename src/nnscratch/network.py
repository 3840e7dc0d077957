"""``Sequential``: layers applied one after another, trained end to end.

Examples:
    >>> import numpy as np
    >>> net = mlp([2, 4, 1], activation="sigmoid", output="sigmoid", seed=0)
    >>> net.n_params
    17
    >>> net.predict(np.zeros((3, 2))).shape
    (3, 1)
"""

from __future__ import annotations

import weakref

import numpy as np

from . import training
from ._checks import as_array, make_rng
from .layers import Dense, Layer

# Which network each layer belongs to (weakly: a layer whose network is gone is free).
_network_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Sequential:
    """A feed-forward network: the output of each layer is the input of the next.

    All the network's parameters live in one vector, ``theta``, and their
    gradients in another, ``grad``; each layer's arrays (``W``, ``b``, ``dW``,
    ``db`` of a ``Dense`` layer) are views into them. An optimizer then updates
    the whole network in a few array operations, and ``theta -= lr * grad`` is
    one step of gradient descent. A layer can belong to one network only.

    Args:
        layers: Objects that keep the ``layers.Layer`` contract, e.g. ``Dense``
            and ``Dropout``, in the order the data flows through them.

    Attributes:
        layers: The layers, first to last.
        theta: Every parameter, shape ``(n_params,)``: the first layer's ``W``
            row by row, then its ``b``, then the next layer's, and so on.
        grad: dL/dtheta after ``backward``, in the same order.

    Examples:
        >>> net = Sequential([Dense(2, 3, "tanh", seed=0), Dense(3, 1, seed=1)])
        >>> print(net.summary())
        Layer                    Parameters
        Dense(2, 3, 'tanh')               9
        Dense(3, 1, 'identity')           4
        Total parameters: 13
    """

    def __init__(self, layers):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("layers must not be empty")
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers must keep the Layer contract (forward, backward, parameters, "
                    f"bind, n_params); layer {i} is {type(layer).__name__}"
                )
            owner = _network_of.get(layer)
            if (owner is not None and owner() is not None) or layer in self.layers[:i]:
                raise ValueError(
                    f"layer {i}, {layer!r}, already belongs to a network: a layer can be in "
                    "one network only (build a new layer, or copy.deepcopy the network)"
                )
        pairs = self.parameters_by_layer()
        dtype = np.result_type(*(p for p, _ in pairs)) if pairs else np.float64
        self.theta = np.zeros(sum(p.size for p, _ in pairs), dtype=dtype)
        self.grad = np.zeros_like(self.theta)
        start = 0
        for layer in self.layers:
            end = start + sum(p.size for p, _ in layer.parameters())
            layer.bind(self.theta[start:end], self.grad[start:end])
            _network_of[layer] = weakref.ref(self)
            start = end

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Run ``X (n_samples, n_in)`` through every layer; caches for ``backward``."""
        for layer in self.layers:
            X = layer.forward(X, training=training)
        return X

    def backward(self, grad, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dL/d(output) through every layer, filling ``grad``; returns dL/dX.

        ``input_grad=False`` skips dL/dX (training never needs it) and returns ``None``.
        """
        for i, layer in enumerate(reversed(self.layers)):
            first = i == len(self.layers) - 1
            grad = layer.backward(grad, input_grad=input_grad or not first)
        return grad

    def predict(self, X) -> np.ndarray:
        """Outputs for ``X (n_samples, n_in)`` in evaluation mode (no dropout)."""
        return self.forward(as_array(X, "X", 2), training=False)

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """What an optimizer steps: the one pair ``(theta, grad)``.

        ``optimizer.step(net.parameters())`` updates every parameter of the
        network; ``fit`` does exactly that after each backward pass.
        """
        return [(self.theta, self.grad)]

    def parameters_by_layer(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(parameter, gradient)`` pairs, layer by layer: ``(W1, dW1), (b1, db1), ...``."""
        return [pair for layer in self.layers for pair in layer.parameters()]

    @property
    def n_params(self) -> int:
        """Number of trainable numbers (weights and biases)."""
        return sum(layer.n_params for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters, layer by layer: ``[W1, b1, W2, b2, ...]``."""
        return [p.copy() for p, _ in self.parameters_by_layer()]

    def set_weights(self, weights) -> None:
        """Overwrite every parameter in place from a list like ``get_weights()``."""
        params = [p for p, _ in self.parameters_by_layer()]
        if len(weights) != len(params):
            raise ValueError(f"weights must hold {len(params)} arrays, got {len(weights)}")
        for p, w in zip(params, weights, strict=True):
            if np.shape(w) != p.shape:
                raise ValueError(f"weights must have shape {p.shape}, got {np.shape(w)}")
            p[...] = w

    def summary(self) -> str:
        """A table of the layers and their parameter counts."""
        header = "Layer"
        width = max(len(name) for name in [header, *map(repr, self.layers)])
        lines = [f"{header:{width}}  Parameters"]
        lines += [f"{layer!r:{width}}  {layer.n_params:>10}" for layer in self.layers]
        return "\n".join(lines + [f"Total parameters: {self.n_params}"])

    def fit(self, X, y, loss, optimizer, epochs: int = 100, **options) -> training.History:
        """Train this network: ``training.fit(self, X, y, loss, optimizer, epochs, **options)``.

        Examples:
            >>> from nnscratch.datasets import xor
            >>> from nnscratch.optimizers import SGD
            >>> X, y = xor()
            >>> net = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0)
            >>> history = net.fit(X, y, "mse", SGD(lr=2.0), epochs=5000)
            >>> net.predict(X).round().ravel().tolist()
            [0.0, 1.0, 1.0, 0.0]
        """
        return training.fit(self, X, y, loss, optimizer, epochs, **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.layers!r})"


def mlp(
    sizes,
    activation="relu",
    output="identity",
    init: str = "auto",
    seed: int | None = None,
    dtype=np.float64,
    scale: float = 1.0,
) -> Sequential:
    """Build a multi-layer perceptron from a list of layer sizes.

    Args:
        sizes: ``[n_in, hidden_1, ..., n_out]``, e.g. ``[2, 4, 1]``.
        activation: Activation of the hidden layers.
        output: Activation of the output layer.
        init: Weight initialisation (see ``layers.Dense``).
        scale: Spread of the ``"normal"`` and ``"uniform"`` inits.
        seed: Seed for all initial weights; one generator feeds every layer.
        dtype: ``np.float64`` (default) or ``np.float32``.

    Examples:
        >>> mlp([64, 100, 50, 10], output="softmax", seed=0).n_params
        12060
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least n_in and n_out, got {sizes}")
    rng = make_rng(seed)
    acts = [activation] * (len(sizes) - 2) + [output]
    return Sequential(
        Dense(a, b, act, init=init, scale=scale, rng=rng, dtype=dtype)
        for a, b, act in zip(sizes[:-1], sizes[1:], acts, strict=True)
    )
