"""Gradient checking: compare backpropagation with finite differences.

Examples:
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda v: float(np.sum(v**2)), x).round(6)
    array([2., 4.])
"""

from __future__ import annotations

import numpy as np

from . import losses


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference estimate of df/dx, one element of ``x`` at a time.

    (f(x + eps) - f(x - eps)) / (2 eps) has error of order eps^2, far better
    than the one-sided (f(x + eps) - f(x)) / eps. ``x`` is perturbed in place
    and restored exactly.

    Args:
        f: Called as ``f(x)`` after each nudge; returns the (float) loss.
        x: Float array (use float64: float32 rounding swamps the difference).
        eps: Step size.

    Returns:
        An array with the shape of ``x``.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x must be a float NumPy array, got {type(x).__name__}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """``|a - b| / (|a| + |b|)`` with Euclidean norms; 0 when both are zero.

    Examples:
        >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-8])) < 1e-8
        True
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def check_gradients(net, X, y, loss="mse", eps: float = 1e-6) -> float:
    """Largest relative error between ``net.backward`` and finite differences.

    The error is measured for each parameter array (``W`` and ``b`` of every
    layer) on its own, and the largest is returned, so a small wrong array
    cannot hide among large right ones.

    Runs in evaluation mode (no dropout). Below about 1e-7 in float64 means
    the backward pass is right; above 1e-4 means something is wrong.

    Examples:
        >>> from nnscratch.network import mlp
        >>> net = mlp([2, 3, 1], "tanh", seed=0)
        >>> X = np.array([[0.5, -1.0], [1.5, 0.2]]); y = np.array([[1.0], [0.0]])
        >>> check_gradients(net, X, y, "mse") < 1e-7
        True
    """
    loss_fn = losses.get(loss)
    out = net.forward(X)
    net.backward(loss_fn.gradient(out, y))
    worst = 0.0
    for param, grad in net.parameters_by_layer():  # W1, b1, W2, ...: the worst array counts
        analytic = grad.copy()
        numeric = numerical_gradient(lambda _: loss_fn(net.forward(X), y), param, eps)
        worst = max(worst, relative_error(analytic, numeric))
    return worst
