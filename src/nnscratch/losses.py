"""Loss functions: one number that says how wrong the predictions are.

Each loss is an object with ``loss(y_pred, y_true) -> float`` and
``loss.gradient(y_pred, y_true) -> dL/dy_pred``. Predictions have shape
``(n_samples, n_outputs)``; the value is a mean over the batch, and the
gradient is the exact derivative of that value, factor 2 and 1/n included, so
a finite-difference check agrees with it.

Examples:
    >>> import numpy as np
    >>> MSE()(np.array([[3.0], [5.0]]), np.array([[1.0], [5.0]]))
    2.0
    >>> get("bce")
    BinaryCrossEntropy()
"""

from __future__ import annotations

import numpy as np

from ._checks import as_array, lookup
from .datasets import one_hot

EPS = 1e-12  # keeps log() finite for predictions of exactly 0 or 1


class Loss:
    """Base class: the shape checks shared by all losses."""

    name = "loss"

    def targets(self, y_true, n_outputs: int, name: str = "y") -> np.ndarray:
        """``y_true`` checked as targets for predictions of ``n_outputs`` columns."""
        y_true = as_array(y_true, name, 2)
        if y_true.shape[1] != n_outputs:
            raise ValueError(
                f"{name} must have {n_outputs} columns, one per network output, "
                f"got shape {y_true.shape}"
            )
        return y_true

    def _check(self, y_pred, y_true):
        y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
        if y_pred.ndim != 2:
            raise ValueError(f"y_pred must be 2-D (n_samples, n_outputs), got shape {y_pred.shape}")
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"y_true must have the shape of y_pred {y_pred.shape}, got {y_true.shape}"
            )
        return y_pred, y_true

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Mean squared error: L = mean((y_pred - y_true)^2).

    Examples:
        >>> mse = MSE()
        >>> mse.gradient(np.array([[3.0], [5.0]]), np.array([[1.0], [5.0]]))
        array([[2.],
               [0.]])
    """

    name = "mse"

    def __call__(self, y_pred, y_true) -> float:
        """The mean of ``(y_pred - y_true)**2`` over all ``n * k`` entries."""
        y_pred, y_true = self._check(y_pred, y_true)
        return float(((y_pred - y_true) ** 2).mean())

    def gradient(self, y_pred, y_true) -> np.ndarray:
        """dL/dy_pred = ``2 (y_pred - y_true) / (n k)``, shape of ``y_pred``."""
        # d/dp of mean((p - y)^2) over n*k elements: 2 (p - y) / (n k)
        y_pred, y_true = self._check(y_pred, y_true)
        return 2 * (y_pred - y_true) / y_pred.size


class MAE(Loss):
    """Mean absolute error: L = mean(|y_pred - y_true|).

    Examples:
        >>> MAE()(np.array([[3.0], [5.0]]), np.array([[1.0], [5.0]]))
        1.0
    """

    name = "mae"

    def __call__(self, y_pred, y_true) -> float:
        """The mean of ``|y_pred - y_true|`` over all ``n * k`` entries."""
        y_pred, y_true = self._check(y_pred, y_true)
        return float(np.abs(y_pred - y_true).mean())

    def gradient(self, y_pred, y_true) -> np.ndarray:
        """dL/dy_pred = ``sign(y_pred - y_true) / (n k)``, shape of ``y_pred``."""
        # slope of |e| is sign(e) (we take 0 at e = 0), divided by n k for the mean
        y_pred, y_true = self._check(y_pred, y_true)
        return np.sign(y_pred - y_true) / y_pred.size


class BinaryCrossEntropy(Loss):
    """L = -mean(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1].

    Predictions are clipped to [1e-12, 1 - 1e-12] before the logarithm, so a
    prediction of exactly 0 or 1 gives a large but finite loss.

    Examples:
        >>> bce = BinaryCrossEntropy()
        >>> round(bce(np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])), 4)
        0.1643
        >>> bce(np.array([[0.0]]), np.array([[1.0]])) < 30
        True
    """

    name = "binary_cross_entropy"

    def _check(self, y_pred, y_true):
        y_pred, y_true = super()._check(y_pred, y_true)
        if np.any(y_pred < 0) or np.any(y_pred > 1):
            raise ValueError(
                "y_pred must be probabilities in [0, 1] for binary cross-entropy, "
                f"got values from {y_pred.min():.3g} to {y_pred.max():.3g}"
            )
        return np.clip(y_pred, EPS, 1 - EPS), y_true

    def __call__(self, y_pred, y_true) -> float:
        """The mean binary cross-entropy over all ``n * k`` entries."""
        p, y = self._check(y_pred, y_true)
        return float((-(y * np.log(p) + (1 - y) * np.log(1 - p))).mean())

    def gradient(self, y_pred, y_true) -> np.ndarray:
        """dL/dy_pred = ``(p - y) / (p (1 - p)) / (n k)``, shape of ``y_pred``."""
        # d/dp of -(y log p + (1-y) log(1-p)) is (p - y) / (p (1 - p))
        p, y = self._check(y_pred, y_true)
        return (p - y) / (p * (1 - p)) / p.size


class CategoricalCrossEntropy(Loss):
    """L = -mean over samples of sum_k y_k log p_k, for rows of probabilities.

    ``y_true`` is one-hot with the shape of ``y_pred``, or integer class
    labels of shape ``(n_samples,)``. Behind a softmax the combined gradient
    with respect to the logits is the tidy ``(p - y) / n``.

    Examples:
        >>> cce = CategoricalCrossEntropy()
        >>> p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
        >>> round(cce(p, np.array([0, 1])), 4)
        0.2899
    """

    name = "categorical_cross_entropy"

    def targets(self, y_true, n_outputs: int, name: str = "y") -> np.ndarray:
        """Like ``Loss.targets``, and integer labels ``(n_samples,)`` become one-hot rows."""
        if np.ndim(y_true) == 1:
            y_true = one_hot(y_true, n_outputs)
        return super().targets(y_true, n_outputs, name)

    def _check(self, y_pred, y_true):
        if np.ndim(y_true) == 1 and np.ndim(y_pred) == 2:
            y_true = self.targets(y_true, np.shape(y_pred)[1])
        p, y = super()._check(y_pred, y_true)
        return np.maximum(p, EPS), y  # log(0) would be -inf

    def __call__(self, y_pred, y_true) -> float:
        """The mean over samples of ``-sum_k y_k log p_k``."""
        p, y = self._check(y_pred, y_true)
        return float(-(y * np.log(p)).sum() / len(p))  # summed over classes, mean over samples

    def gradient(self, y_pred, y_true) -> np.ndarray:
        """dL/dy_pred = ``-y / p / n``, shape of ``y_pred``."""
        # d/dp_k of -sum_k y_k log p_k is -y_k / p_k; the mean divides by n
        p, y = self._check(y_pred, y_true)
        return y / p * (-1 / len(p))


_NAMES = {
    "mse": MSE,
    "mean_squared_error": MSE,
    "mae": MAE,
    "mean_absolute_error": MAE,
    "bce": BinaryCrossEntropy,
    "binary_cross_entropy": BinaryCrossEntropy,
    "cce": CategoricalCrossEntropy,
    "cross_entropy": CategoricalCrossEntropy,
    "categorical_cross_entropy": CategoricalCrossEntropy,
}


def get(name: str | Loss) -> Loss:
    """Return a loss object for ``name`` (e.g. ``"mse"``), or ``name`` if already one.

    Raises:
        ValueError: for an unknown name; the message lists the choices.

    Examples:
        >>> get("cross_entropy")
        CategoricalCrossEntropy()
    """
    if isinstance(name, Loss):
        return name
    return lookup(name, _NAMES, "loss")()
