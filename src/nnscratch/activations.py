"""Activation functions, their derivatives, and layer-ready objects.

Each function maps the pre-activation ``z`` (any shape) to an array of that
shape (``softmax`` row-wise) and has its derivative ``f_prime``. The objects add
``backward(z, grad)``, turning dL/dA into dL/dZ as a layer needs.

Examples:
    >>> import numpy as np
    >>> z = np.array([-1.0, 0.0, 2.0])
    >>> pairs = [(sigmoid, sigmoid_prime), (tanh, tanh_prime), (relu, relu_prime),
    ...          (leaky_relu, leaky_relu_prime), (elu, elu_prime), (swish, swish_prime),
    ...          (step, step_prime), (identity, identity_prime)]
    >>> for f, f_prime in pairs:
    ...     print(f"{f.__name__:10}", np.round(f(z), 4), np.round(f_prime(z), 4))
    sigmoid    [0.2689 0.5    0.8808] [0.1966 0.25   0.105 ]
    tanh       [-0.7616  0.      0.964 ] [0.42   1.     0.0707]
    relu       [0. 0. 2.] [0. 0. 1.]
    leaky_relu [-0.01  0.    2.  ] [0.01 0.01 1.  ]
    elu        [-0.6321  0.      2.    ] [0.3679 1.     1.    ]
    swish      [-0.2689  0.      1.7616] [0.0723 0.5    1.0908]
    step       [0. 1. 1.] [0. 0. 0.]
    identity   [-1.  0.  2.] [1. 1. 1.]
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ._checks import lookup


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z) in (0, 1), without overflow for any finite z.

    Examples:
        >>> sigmoid(np.array([-1e4, 0.0, 1e4]))
        array([0. , 0.5, 1. ])
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))  # e <= 1, so nothing overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """sigma(z) (1 - sigma(z)); at most 0.25, at z = 0."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    """Hyperbolic tangent, in (-1, 1) and centred on 0."""
    return np.tanh(z)


def tanh_prime(z):
    """1 - tanh(z)^2; at most 1, at z = 0."""
    return 1 - np.tanh(z) ** 2


def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z):
    """1 where z > 0, else 0 (we take 0 at the kink z = 0)."""
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


def leaky_relu(z, alpha: float = 0.01):
    """z for z > 0, else alpha z: negative inputs keep a small slope."""
    return np.where(z > 0, z, alpha * z)


def leaky_relu_prime(z, alpha: float = 0.01):
    """1 for z > 0, else alpha."""
    return np.where(np.asarray(z) > 0, 1.0, alpha)


def elu(z, alpha: float = 1.0):
    """z for z > 0, else alpha (e^z - 1): smooth, and saturating at -alpha."""
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_prime(z, alpha: float = 1.0):
    """1 for z > 0, else alpha e^z."""
    return np.where(np.asarray(z) > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def swish(z):
    """z sigma(z) (also called SiLU): smooth, and slightly negative for z < 0."""
    return z * sigmoid(z)


def swish_prime(z):
    """sigma(z) + z sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s + z * s * (1 - s)


def softmax(z):
    """Row-wise e^z / sum(e^z) along the last axis: each row sums to 1.

    Subtracting the row maximum first changes nothing (softmax ignores a
    common shift) but keeps ``exp`` from overflowing.

    Examples:
        >>> softmax(np.array([[1.0, 1.0], [0.0, 1e4]]))
        array([[0.5, 0.5],
               [0. , 1. ]])
    """
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_prime(z):
    """Jacobian of each row: J[i, j] = s_i (delta_ij - s_j); shape ``z.shape + (k,)``.

    Examples:
        >>> softmax_prime(np.array([0.0, 0.0]))
        array([[ 0.25, -0.25],
               [-0.25,  0.25]])
    """
    s = softmax(z)
    return s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :])


def step(z):
    """Heaviside step: 1 where z >= 0, else 0. The perceptron's activation."""
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


def step_prime(z):
    """Zero wherever it exists, which is why gradient descent cannot train a step."""
    return np.zeros(np.shape(z))


def identity(z):
    """f(z) = z, for regression outputs and purely linear layers."""
    return z


def identity_prime(z):
    """Ones: the slope of f(z) = z."""
    return np.ones(np.shape(z))


class Activation:
    """An activation as an object: ``f(z)``, ``f.derivative(z)`` and ``f.backward(z, grad)``.

    Subclasses set ``name``, ``function`` and ``prime``; ``family`` tells
    ``layers.Dense`` which initialisation suits it.

    Examples:
        >>> act = Tanh()
        >>> act(np.array([0.0])), act.derivative(np.array([0.0]))
        (array([0.]), array([1.]))
        >>> act.backward(np.array([0.0]), np.array([3.0]))  # dL/dZ = dL/dA * f'(Z)
        array([3.])
    """

    name, family = "identity", "linear"
    function, prime = staticmethod(identity), staticmethod(identity_prime)

    def __call__(self, z):
        """Apply the function element-wise (remembering the result for backward)."""
        self._z, self._a = z, self.function(z)
        return self._a

    def _output(self, z):
        """f(z), reused from the last call when ``z`` is the same array."""
        return self._a if z is getattr(self, "_z", None) else self.function(z)

    def derivative(self, z):
        """Element-wise derivative f'(z)."""
        return self.prime(z)

    def backward(self, z, grad):
        """Turn dL/dA into dL/dZ: ``grad * f'(z)`` (chain rule, element-wise)."""
        return grad * self.prime(z)

    def __repr__(self) -> str:
        alpha = f"alpha={self.alpha}" if hasattr(self, "alpha") else ""
        return f"{type(self).__name__}({alpha})"


class Sigmoid(Activation):
    """Object form of :func:`sigmoid`; ``backward`` reuses the cached output."""

    name, family = "sigmoid", "sigmoid"
    function, prime = staticmethod(sigmoid), staticmethod(sigmoid_prime)

    def backward(self, z, grad):
        s = self._output(z)
        return grad * s * (1 - s)  # sigma' = sigma (1 - sigma), from the cached sigma


class Tanh(Activation):
    """Object form of :func:`tanh`."""

    name, family = "tanh", "sigmoid"
    function, prime = staticmethod(tanh), staticmethod(tanh_prime)

    def backward(self, z, grad):
        t = self._output(z)
        return grad * (1 - t * t)  # tanh' = 1 - tanh^2, from the cached tanh


class ReLU(Activation):
    """Object form of :func:`relu`."""

    name, family = "relu", "relu"
    function, prime = staticmethod(relu), staticmethod(relu_prime)

    def backward(self, z, grad):
        return grad * (z > 0)  # pass the gradient only where the unit was active


class LeakyReLU(Activation):
    """Object form of :func:`leaky_relu` with slope ``alpha`` for z <= 0."""

    name, family = "leaky_relu", "relu"

    def __init__(self, alpha: float = 0.01):
        self.alpha = alpha
        self.function = partial(leaky_relu, alpha=alpha)
        self.prime = partial(leaky_relu_prime, alpha=alpha)


class ELU(Activation):
    """Object form of :func:`elu` with saturation level ``alpha``."""

    name, family = "elu", "relu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha
        self.function = partial(elu, alpha=alpha)
        self.prime = partial(elu_prime, alpha=alpha)


class Swish(Activation):
    """Object form of :func:`swish`."""

    name, family = "swish", "relu"
    function, prime = staticmethod(swish), staticmethod(swish_prime)


class Softmax(Activation):
    """Object form of :func:`softmax`; ``backward`` multiplies by each row's Jacobian.

    Examples:
        >>> z, g = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 1.0]])
        >>> bool(np.allclose(Softmax().backward(z, g), softmax_prime(z)[0] @ g[0]))
        True
    """

    name, family = "softmax", "sigmoid"
    function, prime = staticmethod(softmax), staticmethod(softmax_prime)

    def backward(self, z, grad):
        # J @ g with J = diag(s) - s s^T, without forming J: s * (g - <g, s>)
        s = self._output(z)
        return s * (grad - (grad * s).sum(axis=-1, keepdims=True))


class Step(Activation):
    """Object form of :func:`step`; its derivative is zero."""

    name, family = "step", "linear"
    function, prime = staticmethod(step), staticmethod(step_prime)


class Identity(Activation):
    """Object form of :func:`identity`."""


_NAMES = {
    cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Swish, Softmax, Step, Identity)
}
_NAMES["linear"] = Identity


def get(name: str | Activation) -> Activation:
    """Return a fresh activation object for ``name``, or ``name`` if already one.

    Raises:
        ValueError: for an unknown name; the message lists the choices.

    Examples:
        >>> get("tanh"), get("Leaky-ReLU"), LeakyReLU(alpha=0.1)(np.array([-1.0]))
        (Tanh(), LeakyReLU(alpha=0.01), array([-0.1]))
    """
    if isinstance(name, Activation):
        return name
    return lookup(name, _NAMES, "activation")()
