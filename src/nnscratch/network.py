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

import numpy as np

from . import training
from ._checks import as_array, make_rng
from .layers import Dense, Dropout


class Sequential:
    """A feed-forward network: the output of each layer is the input of the next.

    Args:
        layers: ``Dense`` and ``Dropout`` layers; consecutive ``Dense`` sizes
            must chain (``n_out`` of one equals ``n_in`` of the next).

    Examples:
        >>> net = Sequential([Dense(2, 3, "tanh", seed=0), Dense(3, 1, seed=1)])
        >>> print(net.summary())
        Layer  Activation  Output shape  Parameters
        Dense  tanh        (n, 3)                 9
        Dense  identity    (n, 1)                 4
        Total parameters: 13
    """

    def __init__(self, layers):
        self.layers = list(layers)
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        if not dense:
            raise ValueError("layers must contain at least one Dense layer, got none")
        for layer in self.layers:
            if not isinstance(layer, (Dense, Dropout)):
                raise TypeError(f"layers must be Dense or Dropout, got {type(layer).__name__}")
        for i, (a, b) in enumerate(zip(dense[:-1], dense[1:], strict=True)):
            if a.n_out != b.n_in:
                raise ValueError(
                    f"layer sizes must chain: Dense layer {i} has n_out={a.n_out} but "
                    f"Dense layer {i + 1} has n_in={b.n_in}"
                )
        self.n_in, self.n_out = dense[0].n_in, dense[-1].n_out
        # All parameters live in one vector theta, their gradients in another,
        # and each layer's W, b, dW, db are views into them: an optimizer can
        # then update the whole network in a few array operations per step.
        sizes = [layer.W.size + layer.b.size for layer in dense]
        self.theta = np.empty(sum(sizes), dtype=dense[0].W.dtype)
        self.grad = np.zeros_like(self.theta)
        ends = np.cumsum(sizes)
        for layer, start, end in zip(dense, ends - sizes, ends, strict=True):
            layer.bind(self.theta[start:end], self.grad[start:end])

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Run ``X (n_samples, n_in)`` through every layer; caches for ``backward``."""
        for layer in self.layers:
            X = layer.forward(X, training=training)
        return X

    def backward(self, grad, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dL/d(output) through every layer; returns dL/dX.

        ``input_grad=False`` skips dL/dX (training never needs it) and returns ``None``.
        """
        for i, layer in enumerate(reversed(self.layers)):
            last = i == len(self.layers) - 1
            grad = layer.backward(grad, input_grad=input_grad or not last)
        return grad

    def predict(self, X) -> np.ndarray:
        """Outputs for ``X (n_samples, n_in)`` in evaluation mode (no dropout)."""
        X = as_array(X, "X", (2, 3))
        if X.shape[-1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} columns, got shape {X.shape}")
        return self.forward(X, training=False)

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(parameter, gradient)`` pairs, layer by layer: W1, b1, W2, b2, ..."""
        return [pair for layer in self.layers for pair in layer.parameters()]

    @property
    def n_params(self) -> int:
        """Number of trainable numbers in one model (weights and biases)."""
        return sum(layer.n_params for layer in self.layers)

    @property
    def n_models(self) -> int | None:
        """How many models are stacked along a leading axis (``None`` for one)."""
        W = self.layers[0].W if isinstance(self.layers[0], Dense) else self.parameters()[0][0]
        return W.shape[0] if W.ndim == 3 else None

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all parameters, in ``parameters()`` order."""
        return [p.copy() for p, _ in self.parameters()]

    def set_weights(self, weights) -> None:
        """Overwrite all parameters in place from a list like ``get_weights()``."""
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"weights must hold {len(params)} arrays, got {len(weights)}")
        for (p, _), w in zip(params, weights, strict=True):
            if np.shape(w) != p.shape:
                raise ValueError(f"weights must have shape {p.shape}, got {np.shape(w)}")
            p[...] = w

    def summary(self) -> str:
        """A table of layers, their output shapes and parameter counts."""
        rows = [("Layer", "Activation", "Output shape", "Parameters")]
        width = self.n_in
        for layer in self.layers:
            width = getattr(layer, "n_out", width)
            act = layer.activation.name if isinstance(layer, Dense) else f"rate {layer.rate}"
            rows.append((type(layer).__name__, act, f"(n, {width})", str(layer.n_params)))
        cols = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "  ".join(
                [r[0].ljust(cols[0]), r[1].ljust(cols[1]), r[2].ljust(cols[2]), r[3].rjust(cols[3])]
            )
            for r in rows
        ]
        return "\n".join(lines + [f"Total parameters: {self.n_params}"])

    def fit(
        self,
        X,
        y,
        loss="mse",
        optimizer=None,
        epochs: int = 100,
        batch_size=None,
        validation_data=None,
        early_stopping=None,
        weight_decay: float = 0.0,
        metrics=(),
        shuffle: bool = True,
        seed=None,
        verbose: bool = False,
    ):
        """Train with gradient descent; see ``training.fit`` for every argument.

        Returns:
            A ``training.History`` with the loss per epoch.

        Examples:
            >>> from nnscratch.datasets import xor
            >>> from nnscratch.optimizers import SGD
            >>> X, y = xor()
            >>> net = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0)
            >>> history = net.fit(X, y, "mse", SGD(lr=2.0), epochs=5000)
            >>> net.predict(X).round().ravel().tolist()
            [0.0, 1.0, 1.0, 0.0]
        """
        return training.fit(
            self,
            X,
            y,
            loss=loss,
            optimizer=optimizer,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=validation_data,
            early_stopping=early_stopping,
            weight_decay=weight_decay,
            metrics=metrics,
            shuffle=shuffle,
            seed=seed,
            verbose=verbose,
        )

    def model(self, j: int) -> Sequential:
        """Model ``j`` of a stacked network (see ``stack``) as a network of its own."""
        if self.n_models is None:
            raise ValueError("model(j) needs a stacked network; this one holds one model")
        return Sequential(
            Dense.from_weights(layer.W[j], layer.b[j, 0], layer.activation)
            if isinstance(layer, Dense)
            else Dropout(layer.rate, rng=layer.rng)
            for layer in self.layers
        )

    def __repr__(self) -> str:
        return f"Sequential({self.layers!r})"


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


def stack(networks) -> Sequential:
    """Stack networks of the same shape into one that trains them side by side.

    Each ``W (n_in, n_out)`` becomes ``W (m, n_in, n_out)`` and each ``b``
    becomes ``(m, 1, n_out)``; matrix products broadcast over the leading
    axis, so one forward pass runs all ``m`` models at once, each exactly as
    it would alone. (A ``Dropout`` layer is shared: it draws the masks of all
    models from the first network's generator, so with dropout the models are
    not bit-identical to training each alone.)

    Examples:
        >>> nets = [mlp([2, 4, 1], "sigmoid", "sigmoid", seed=s) for s in range(3)]
        >>> big = stack(nets)
        >>> big.n_models, big.forward(np.zeros((5, 2))).shape
        (3, (3, 5, 1))
    """
    networks = list(networks)
    if not networks:
        raise ValueError("networks must not be empty")
    shapes = {tuple(repr(layer) for layer in net.layers) for net in networks}
    if len(shapes) != 1:
        raise ValueError("networks must all have the same layers and sizes")
    layers = []
    for group in zip(*(net.layers for net in networks), strict=True):
        if isinstance(group[0], Dropout):
            layers.append(Dropout(group[0].rate, rng=group[0].rng))
            continue
        W = np.stack([layer.W for layer in group])
        b = np.stack([layer.b[None, :] for layer in group])
        layers.append(Dense.from_weights(W, b, group[0].activation))
    return Sequential(layers)
