"""Small data sets the book uses, and two helpers to prepare data.

Everything random takes a ``seed``; the same seed gives the same data on every
machine. Inputs ``X`` have shape ``(n_samples, n_features)``; targets are
``(n_samples, 1)`` columns for regression and logic gates, and integer class
labels of shape ``(n_samples,)`` for classification.

Examples:
    >>> X, y = xor()
    >>> X.shape, y.ravel().tolist()
    ((4, 2), [0.0, 1.0, 1.0, 0.0])
"""

from __future__ import annotations

import numpy as np

from ._checks import as_array, lookup, make_rng, positive_int

_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input gate: ``and``, ``or``, ``nand``, ``nor``, ``xor``.

    Returns:
        ``X`` of shape ``(4, 2)`` (rows 00, 01, 10, 11) and ``y`` of shape ``(4, 1)``.

    Examples:
        >>> logic_gate("and")[1].ravel().tolist()
        [0.0, 0.0, 0.0, 1.0]
    """
    outputs = lookup(name, _GATES, "gate")
    return _INPUTS.copy(), np.array(outputs, dtype=float).reshape(4, 1)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table, ``X (4, 2)`` and ``y (4, 1)``: 1 when the inputs differ."""
    return logic_gate("xor")


def house_prices(n: int = 40, noise: float = 15_000.0, seed: int = 0):
    """House sizes (square feet) and prices: about $200 per square foot plus noise.

    Returns:
        ``X`` of shape ``(n, 1)`` (sizes from 800 to 3,200 sq ft) and ``y`` of
        shape ``(n, 1)`` (prices in dollars).

    Examples:
        >>> X, y = house_prices(n=5)
        >>> X.shape, y.shape
        ((5, 1), (5, 1))
    """
    rng = make_rng(seed)
    size = np.round(rng.uniform(800, 3200, positive_int(n, "n")), -1)
    price = 200 * size + rng.normal(0, noise, size.shape)
    return size.reshape(-1, 1), price.reshape(-1, 1)


def house_prices_nonlinear(n: int = 200, noise: float = 15_000.0, seed: int = 0):
    """Prices where the features interact: the price per square foot depends on
    metro access and a luxury area, and most of all on having both.

    price = size * (150 + 50 metro + 100 luxury + 150 metro * luxury) + noise

    Returns:
        ``X`` of shape ``(n, 3)``: size (sq ft), metro (0/1), luxury (0/1);
        ``y`` of shape ``(n, 1)``: prices in dollars.

    Examples:
        >>> X, y = house_prices_nonlinear(n=4)
        >>> X.shape
        (4, 3)
    """
    rng = make_rng(seed)
    n = positive_int(n, "n")
    size = np.round(rng.uniform(800, 3200, n), -1)
    metro, luxury = rng.integers(0, 2, n), rng.integers(0, 2, n)
    per_sqft = 150 + 50 * metro + 100 * luxury + 150 * metro * luxury
    price = size * per_sqft + rng.normal(0, noise, n)
    return np.column_stack([size, metro, luxury]).astype(float), price.reshape(-1, 1)


def spiral(
    n_per_class: int = 100, n_classes: int = 2, noise: float = 0.2, seed: int = 0, wind: float = 4.0
):
    """Interleaved spiral arms in the plane, one arm per class.

    Each arm winds through ``wind`` radians from the centre outwards (larger is
    harder to separate); ``noise`` is the standard deviation of the angle jitter.

    Returns:
        ``X`` of shape ``(n_per_class * n_classes, 2)`` and integer labels ``y``
        of shape ``(n_per_class * n_classes,)``.

    Examples:
        >>> X, y = spiral(50, 3, seed=1)
        >>> X.shape, sorted(set(y.tolist()))
        ((150, 2), [0, 1, 2])
    """
    rng = make_rng(seed)
    n, k = positive_int(n_per_class, "n_per_class"), positive_int(n_classes, "n_classes")
    radius = np.tile(np.linspace(0.05, 1, n), k)
    turn = np.linspace(0, wind, n)
    angle = (np.arange(k).repeat(n) * 2 * np.pi / k) + np.tile(turn, k)
    angle = angle + rng.normal(0, noise, n * k)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return X, np.arange(k).repeat(n)


def spam_toy() -> tuple[np.ndarray, np.ndarray]:
    """Four e-mails described by (contains_offer, known_sender) and whether each is spam.

    In this table an e-mail is spam exactly when the sender is unknown, so one
    straight line separates the classes.

    Examples:
        >>> X, y = spam_toy()
        >>> X.tolist(), y.ravel().tolist()
        ([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]], [1.0, 0.0, 0.0, 1.0])
    """
    X = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=float)
    return X, np.array([[1], [0], [0], [1]], dtype=float)


def digits(test_size: float = 0.25, seed: int = 0):
    """The 8x8 handwritten digits that ship with scikit-learn, scaled to [0, 1].

    Returns:
        ``X_train (n_train, 64)``, ``X_test (n_test, 64)``, and integer labels
        ``y_train (n_train,)``, ``y_test (n_test,)``; 1,797 images in all.

    Examples:
        >>> X_train, X_test, y_train, y_test = digits()
        >>> X_train.shape, X_test.shape
        ((1348, 64), (449, 64))
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("digits() needs scikit-learn: pip install scikit-learn") from None
    data = load_digits()
    return train_test_split(data.data / 16.0, data.target, test_size=test_size, seed=seed)


def one_hot(labels, n_classes: int | None = None) -> np.ndarray:
    """Turn integer labels ``(n,)`` into one-hot rows ``(n, n_classes)``.

    Examples:
        >>> one_hot([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D array, got shape {labels.shape}")
    if labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(labels % 1 == 0):
        labels = labels.astype(int)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    k = int(labels.max()) + 1 if n_classes is None else positive_int(n_classes, "n_classes")
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(
            f"labels must lie in [0, {k - 1}], got values from {labels.min()} to {labels.max()}"
        )
    return np.eye(k)[labels]


def train_test_split(X, y, test_size: float = 0.25, seed: int = 0):
    """Shuffle and split ``X (n, d)`` and ``y (n, ...)`` into train and test parts.

    Returns:
        ``X_train, X_test, y_train, y_test``.

    Examples:
        >>> X, y = spiral(10, 2)
        >>> [a.shape[0] for a in train_test_split(X, y, test_size=0.25)]
        [15, 5, 15, 5]
    """
    X, y = as_array(X, "X", 2), np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1, got {test_size}")
    order = make_rng(seed).permutation(len(X))
    n_test = max(1, round(test_size * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
