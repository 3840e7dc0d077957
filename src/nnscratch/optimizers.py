"""Optimizers: turn gradients into parameter updates, in place.

The contract: ``optimizer.step(pairs)`` takes a list of ``(parameter,
gradient)`` array pairs and updates every parameter in place. For a network,
pass ``net.parameters()`` (one pair, ``(net.theta, net.grad)``); ``fit`` does
exactly that after each backward pass, so one optimizer can carry on in a
hand-written loop where ``fit`` stopped. State such as momentum is kept per
position in the list, so pass the same pairs, in the same order, at every step.

Examples:
    >>> import numpy as np
    >>> w, g = np.array([0.8]), np.array([0.2])
    >>> SGD(lr=0.1).step([(w, g)])
    >>> w
    array([0.78])
"""

from __future__ import annotations

import numpy as np

from ._checks import positive_float, unit_interval


class Optimizer:
    """Base class: validates the pairs and keeps per-parameter state."""

    def __init__(self, lr: float):
        self.lr = positive_float(lr, "lr")
        self.state: list[dict] = []
        self.t = 0  # number of steps taken

    def step(self, parameters) -> None:
        """Update each parameter in place from its gradient.

        Args:
            parameters: ``(parameter, gradient)`` pairs, e.g. ``net.parameters()``.
        """
        parameters = list(parameters)
        if not self.state:
            self.state = [{} for _ in parameters]
        if len(parameters) != len(self.state):
            raise ValueError(
                f"parameters must be the same {len(self.state)} pairs at every step, "
                f"got {len(parameters)}"
            )
        self.t += 1
        for (param, grad), state in zip(parameters, self.state, strict=True):
            self.update(param, grad, state)

    def update(self, param, grad, state) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in vars(self).items() if k not in ("state", "t"))
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain gradient descent: theta <- theta - lr * g.

    Examples:
        >>> SGD(lr=0.5)
        SGD(lr=0.5)
    """

    def update(self, param, grad, state):
        param -= self.lr * grad


class Momentum(Optimizer):
    """Gradient descent with momentum: v <- beta v + g, then theta <- theta - lr v.

    The velocity ``v`` is a running sum of past gradients that decays by
    ``beta`` each step, so steps grow along directions that agree over time
    and cancel along directions that zig-zag.

    Examples:
        >>> w, g = np.array([1.0]), np.array([1.0])
        >>> opt = Momentum(lr=0.1, beta=0.9)
        >>> opt.step([(w, g)]); opt.step([(w, g)])
        >>> w  # steps of 0.1 and then 0.1 * (0.9 + 1)
        array([0.71])
    """

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = unit_interval(beta, "beta")

    def update(self, param, grad, state):
        if not state:
            state["v"] = np.zeros_like(param)
        v = state["v"]
        v *= self.beta
        v += grad
        param -= self.lr * v


class Adam(Optimizer):
    """Adam: momentum on the gradient and a per-parameter step size.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    m_hat = m / (1 - b1^t);  v_hat = v / (1 - b2^t);
    theta <- theta - lr m_hat / (sqrt(v_hat) + eps).

    The bias corrections undo the pull towards 0 of ``m`` and ``v``, which
    start at zero; without them the first steps would be far too small.

    Examples:
        >>> w, g = np.array([1.0]), np.array([0.5])
        >>> Adam(lr=0.1).step([(w, g)])
        >>> w  # the first step has size lr whatever the gradient's scale
        array([0.9])
    """

    def __init__(
        self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ):
        super().__init__(lr)
        self.beta1 = unit_interval(beta1, "beta1")
        self.beta2 = unit_interval(beta2, "beta2")
        self.eps = positive_float(eps, "eps")

    def update(self, param, grad, state):
        if not state:  # moments start at zero; buf avoids new arrays at every step
            state.update(m=np.zeros_like(param), v=np.zeros_like(param), buf=np.empty_like(param))
        m, v, buf = state["m"], state["v"], state["buf"]
        np.subtract(grad, m, out=buf)
        buf *= 1 - self.beta1
        m += buf  # m + (1 - beta1) (g - m) = beta1 m + (1 - beta1) g
        np.square(grad, out=buf)
        buf -= v
        buf *= 1 - self.beta2
        v += buf  # v + (1 - beta2) (g^2 - v) = beta2 v + (1 - beta2) g^2
        # lr * m_hat / (sqrt(v_hat) + eps) with m_hat = m / c1 and v_hat = v / c2^2,
        # rearranged so the bias corrections scale numbers, not whole arrays
        c1, c2 = 1 - self.beta1**self.t, np.sqrt(1 - self.beta2**self.t)
        np.sqrt(v, out=buf)
        buf += self.eps * c2
        np.divide(m, buf, out=buf)
        buf *= self.lr * c2 / c1
        param -= buf
