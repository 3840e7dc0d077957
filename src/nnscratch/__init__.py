"""nnscratch: neural networks from scratch in NumPy, one module per concept.

The package behind the book *Neural Networks from Scratch*. Read it in the
order of the chapters: ``activations``, ``losses``, ``neuron``, ``layers``,
``network``, ``optimizers``, ``training``, ``gradcheck``, then ``stacked``
(many networks trained side by side) and ``experiments``, with ``datasets``
and ``plotting`` alongside.

Examples:
    >>> import nnscratch
    >>> net = nnscratch.mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0)
    >>> net.n_params
    17
"""

from . import (
    activations,
    datasets,
    experiments,
    gradcheck,
    layers,
    losses,
    network,
    neuron,
    optimizers,
    plotting,
    stacked,
    training,
)
from .layers import Dense, Dropout
from .network import Sequential, mlp
from .optimizers import SGD, Adam, Momentum

__version__ = "0.1.0"
__all__ = [
    "activations",
    "datasets",
    "experiments",
    "gradcheck",
    "layers",
    "losses",
    "network",
    "neuron",
    "optimizers",
    "plotting",
    "stacked",
    "training",
    "Dense",
    "Dropout",
    "Sequential",
    "mlp",
    "SGD",
    "Momentum",
    "Adam",
]
