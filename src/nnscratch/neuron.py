"""One neuron, and the perceptron: the oldest learning machine.

Examples:
    >>> n = Neuron(w=[0.5, -1.0], b=0.25, activation="identity")
    >>> float(n([2.0, 1.0]))
    0.25
"""

from __future__ import annotations

import numpy as np

from . import activations
from ._checks import as_array, make_rng, positive_float, positive_int


class Neuron:
    """A weighted sum of the inputs plus a bias, passed through an activation.

    ``z = x . w + b`` and ``a = f(z)``. Weights are any real numbers: a
    negative weight lets an input speak *against* the neuron firing.

    Args:
        w: One weight per input, shape ``(n_in,)``.
        b: The bias, a single number added to the weighted sum.
        activation: Name or object from ``activations`` (default sigmoid).

    Attributes:
        w: The weights, shape ``(n_in,)``; ``b``: the bias (a float).

    Examples:
        >>> n = Neuron([1.0, 1.0], -1.5, "step")  # fires only if both inputs are on
        >>> n(np.array([[0, 0], [0, 1], [1, 0], [1, 1]])).tolist()
        [0.0, 0.0, 0.0, 1.0]
    """

    def __init__(self, w, b: float, activation="sigmoid"):
        self.w = as_array(w, "w", 1)
        self.b = float(as_array(b, "b", 0))
        self.activation = activations.get(activation)

    def weighted_sum(self, x) -> np.ndarray:
        """``z = x . w + b`` for one input ``(n_in,)`` or many ``(n, n_in)``."""
        x = as_array(x, "x", (1, 2))
        if x.shape[-1] != len(self.w):
            raise ValueError(f"x must have {len(self.w)} inputs per sample, got shape {x.shape}")
        return x @ self.w + self.b

    def __call__(self, x) -> np.ndarray:
        """The neuron's output ``a = f(z)``."""
        return self.activation(self.weighted_sum(x))

    def __repr__(self) -> str:
        return f"Neuron(w={self.w.tolist()}, b={self.b}, {self.activation})"


class Perceptron:
    """Rosenblatt's perceptron: a step neuron trained by the perceptron rule.

    For each sample, ``error = y - prediction`` (which is -1, 0 or 1) and
    ``w <- w + lr * error * x``, ``b <- b + lr * error``: a wrong answer nudges
    the boundary towards the misclassified point; a right one changes nothing.

    Args:
        n_in: Number of inputs.
        lr: Learning rate, > 0.
        seed: Seed for the small random initial weights.

    Attributes:
        w: The weights, shape ``(n_in,)``; ``b``: the bias.

    Examples:
        >>> from nnscratch.datasets import logic_gate
        >>> X, y = logic_gate("or")
        >>> p = Perceptron(2, lr=0.1, seed=0)
        >>> errors = p.fit(X, y, epochs=100)
        >>> errors[-1], p.predict(X).tolist()
        (0, [0.0, 1.0, 1.0, 1.0])
    """

    def __init__(self, n_in: int, lr: float = 0.1, seed: int | None = None):
        self.n_in = positive_int(n_in, "n_in")
        self.lr = positive_float(lr, "lr")
        self.w = make_rng(seed).normal(0, 0.1, self.n_in)
        self.b = 0.0

    def predict(self, X) -> np.ndarray:
        """Class 0 or 1 for each row of ``X (n, n_in)``; shape ``(n,)``."""
        X = as_array(X, "X", 2)
        if X.shape[1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} columns, got shape {X.shape}")
        return activations.step(X @ self.w + self.b)

    def fit(self, X, y, epochs: int = 100) -> list[int]:
        """Apply the perceptron rule sample by sample, for up to ``epochs`` passes.

        Stops after the first epoch with no mistakes.

        Returns:
            The number of misclassified samples in each epoch.
        """
        X = as_array(X, "X", 2)
        y = as_array(y, "y", (1, 2)).reshape(len(y), -1)
        if y.shape[1] != 1 or len(y) != len(X):
            raise ValueError(f"y must have one 0/1 label per row of X ({len(X)}), got {y.shape}")
        y = y[:, 0]
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("y must hold labels 0 and 1 only")
        errors = []
        for _ in range(positive_int(epochs, "epochs")):
            mistakes = 0
            for x_i, y_i in zip(X, y, strict=True):
                error = y_i - self.predict(x_i[None, :])[0]
                self.w += self.lr * error * x_i
                self.b += self.lr * error
                mistakes += int(error != 0)
            errors.append(mistakes)
            if mistakes == 0:
                break
        return errors
