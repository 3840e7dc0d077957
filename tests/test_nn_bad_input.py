"""Bad input gets a clear error naming the argument, what was expected and what was given."""

import re

import numpy as np
import pytest

from nnscratch import SGD, Adam, Momentum, activations, experiments, losses, mlp
from nnscratch.datasets import logic_gate, one_hot, xor
from nnscratch.gradcheck import numerical_gradient
from nnscratch.layers import Dense, Dropout
from nnscratch.network import Sequential
from nnscratch.neuron import Neuron, Perceptron
from nnscratch.stacked import StackedDense, loss_per_model, stack
from nnscratch.training import EarlyStopping

X, Y = xor()


def net():
    return mlp([2, 3, 1], "sigmoid", "sigmoid", seed=0)


def fit(**kwargs):
    args = {"X": X, "y": Y, "loss": "mse", "optimizer": SGD(0.1), "epochs": 2} | kwargs
    return net().fit(args.pop("X"), args.pop("y"), **args)


NAN_X = X.copy()
NAN_X[0, 0] = np.nan
INF_Y = Y.copy()
INF_Y[1, 0] = np.inf

CASES = [
    # (what, call, error type, words the message must contain)
    (
        "wrong width",
        lambda: net().predict(np.ones((4, 3))),
        ValueError,
        ["X", "2 columns", "Dense(2, 3, 'sigmoid')", "(4, 3)"],
    ),
    (
        "wrong width in fit",
        lambda: fit(X=np.ones((4, 3))),
        ValueError,
        ["X", "2 columns", "(4, 3)"],
    ),
    ("1-D X", lambda: fit(X=np.ones(4)), ValueError, ["X", "2-D", "1-D"]),
    ("1-D y", lambda: fit(y=np.ones(4)), ValueError, ["y", "2-D", "1-D"]),
    (
        "mismatched lengths",
        lambda: fit(y=Y[:3]),
        ValueError,
        ["X and y must have the same length", "4", "3"],
    ),
    ("empty X", lambda: fit(X=np.ones((0, 2))), ValueError, ["X", "empty"]),
    ("NaN in X", lambda: fit(X=NAN_X), ValueError, ["X", "finite", "NaN"]),
    ("inf in y", lambda: fit(y=INF_Y), ValueError, ["y", "finite", "inf"]),
    (
        "labels out of range",
        lambda: mlp([2, 3], output="softmax", seed=0).fit(
            X, np.array([0, 1, 2, 3]), "cce", SGD(0.1), epochs=1
        ),
        ValueError,
        ["labels", "[0, 2]", "3"],
    ),
    (
        "unknown activation",
        lambda: activations.get("sigmoidd"),
        ValueError,
        ["unknown activation 'sigmoidd'", "relu"],
    ),
    ("unknown loss", lambda: losses.get("hinge"), ValueError, ["unknown loss 'hinge'", "mse"]),
    ("unknown gate", lambda: logic_gate("xnor"), ValueError, ["unknown gate 'xnor'", "and"]),
    ("non-positive size", lambda: Dense(0, 3), ValueError, ["n_in", ">= 1", "0"]),
    ("non-integer size", lambda: Dense(2.5, 3), TypeError, ["n_in", "integer", "2.5"]),
    ("lr <= 0", lambda: SGD(lr=0), ValueError, ["lr", "> 0", "0"]),
    ("negative lr", lambda: Momentum(lr=-0.1), ValueError, ["lr", "> 0", "-0.1"]),
    ("beta outside [0, 1)", lambda: Momentum(0.1, beta=1.0), ValueError, ["beta", "[0, 1)", "1.0"]),
    ("beta2 outside [0, 1)", lambda: Adam(beta2=-0.5), ValueError, ["beta2", "[0, 1)", "-0.5"]),
    ("epochs < 1", lambda: fit(epochs=0), ValueError, ["epochs", ">= 1", "0"]),
    ("batch_size < 1", lambda: fit(batch_size=0), ValueError, ["batch_size", ">= 1", "0"]),
    ("dropout rate 1", lambda: Dropout(1.0), ValueError, ["rate", "[0, 1)", "1.0"]),
    (
        "BCE prediction > 1",
        lambda: losses.BinaryCrossEntropy()(np.array([[1.5]]), np.array([[1.0]])),
        ValueError,
        ["y_pred", "[0, 1]", "1.5"],
    ),
    (
        "layers do not chain",
        lambda: Sequential([Dense(2, 3), Dense(4, 1)]).predict(np.ones((5, 2))),
        ValueError,
        ["X", "4 columns", "Dense(4, 1, 'identity')", "(5, 3)"],
    ),
    (
        "y with the wrong width",
        lambda: fit(y=np.ones((4, 2))),
        ValueError,
        ["y", "1 columns", "(4, 2)"],
    ),
    (
        "validation data of two lengths",
        lambda: fit(validation_data=(X, Y[:2])),
        ValueError,
        ["X_val", "y_val", "same length", "4", "2"],
    ),
    (
        "validation labels too wide",
        lambda: fit(validation_data=(X, np.ones((4, 3)))),
        ValueError,
        ["y_val", "1 columns", "(4, 3)"],
    ),
    (
        "negative weight decay",
        lambda: fit(weight_decay=-0.1),
        ValueError,
        ["weight_decay", ">= 0", "-0.1"],
    ),
    (
        "W of one dimension",
        lambda: Dense.from_weights([1.0, 2.0], [0.0]),
        ValueError,
        ["W", "2-D", "1-D"],
    ),
    (
        "b that does not match W",
        lambda: Dense.from_weights([[1.0, 2.0]], [0.0]),
        ValueError,
        ["b", "(2,)", "(1,)"],
    ),
    (
        "b of two dimensions",
        lambda: Dense.from_weights([[1.0, 2.0]], [[0.0, 0.0]]),
        ValueError,
        ["b", "1-D", "2-D"],
    ),
    (
        "negative min_delta",
        lambda: EarlyStopping(min_delta=-1),
        ValueError,
        ["min_delta", ">= 0", "-1"],
    ),
    (
        "an optimizer that is not one",
        lambda: fit(optimizer="sgd"),
        TypeError,
        ["optimizer", "SGD(lr=0.1)", "'sgd'"],
    ),
    (
        "loss of 1-D predictions",
        lambda: losses.MSE()(np.ones(3), np.ones(3)),
        ValueError,
        ["y_pred", "2-D", "(3,)"],
    ),
    (
        "integer labels that do not match the rows",
        lambda: losses.CategoricalCrossEntropy()(np.full((3, 2), 0.5), np.array([0, 1])),
        ValueError,
        ["y_true", "(3, 2)", "(2, 2)"],
    ),
    (
        "BCE prediction < 0",
        lambda: losses.BinaryCrossEntropy().gradient(np.array([[-0.5]]), np.array([[1.0]])),
        ValueError,
        ["y_pred", "[0, 1]", "-0.5"],
    ),
    (
        "neuron with 2-D weights",
        lambda: Neuron([[1.0, 2.0]], 0.0),
        ValueError,
        ["w", "1-D", "2-D"],
    ),
    (
        "perceptron input width",
        lambda: Perceptron(3, seed=0).predict(X),
        ValueError,
        ["X", "3 columns", "(4, 2)"],
    ),
    (
        "perceptron y of another length",
        lambda: Perceptron(2, seed=0).fit(X, Y[:3]),
        ValueError,
        ["y", "0/1 label per row of X (4)", "(3, 1)"],
    ),
    (
        "perceptron y with two columns",
        lambda: Perceptron(2, seed=0).fit(X, np.ones((4, 2))),
        ValueError,
        ["y", "(4, 2)"],
    ),
    (
        "loss shapes differ",
        lambda: losses.MSE()(np.ones((4, 1)), np.ones((4, 2))),
        ValueError,
        ["y_true", "(4, 1)", "(4, 2)"],
    ),
    ("missing optimizer", lambda: fit(optimizer=None), TypeError, ["optimizer", "SGD"]),
    ("text instead of data", lambda: fit(X="abc"), TypeError, ["X", "str"]),
    (
        "neuron input width",
        lambda: Neuron([1.0, 2.0], 0.0)([1.0, 2.0, 3.0]),
        ValueError,
        ["x", "2 inputs", "(3,)"],
    ),
    (
        "neuron input of three dimensions",
        lambda: Neuron([1.0, 2.0], 0.0)(np.ones((1, 1, 2))),
        ValueError,
        ["x", "1-D or 2-D", "3-D"],
    ),
    (
        "perceptron labels",
        lambda: Perceptron(2, seed=0).fit(X, Y * 2),
        ValueError,
        ["y", "0 and 1"],
    ),
    ("patience < 1", lambda: EarlyStopping(patience=0), ValueError, ["patience", ">= 1"]),
    ("one_hot of floats", lambda: one_hot([0.5, 1.0]), TypeError, ["labels", "integers"]),
    ("unknown init", lambda: Dense(2, 2, init="lecun"), ValueError, ["unknown init 'lecun'", "he"]),
]

MORE = [
    ("n_out < 1", lambda: Dense(2, 0), ValueError, ["n_out", ">= 1", "0"]),
    ("scale <= 0", lambda: Dense(2, 2, init="normal", scale=0), ValueError, ["scale", "> 0"]),
    ("negative dropout rate", lambda: Dropout(-0.1), ValueError, ["rate", "[0, 1)"]),
    (
        "neuron bias of two numbers",
        lambda: Neuron([1.0], [0.5, 0.5]),
        ValueError,
        ["b", "0-D", "1-D"],
    ),
    ("perceptron of no inputs", lambda: Perceptron(0), ValueError, ["n_in", ">= 1"]),
    ("perceptron lr 0", lambda: Perceptron(2, lr=0), ValueError, ["lr", "> 0"]),
    (
        "perceptron 1-D X",
        lambda: Perceptron(2, seed=0).predict([1.0, 2.0]),
        ValueError,
        ["X", "2-D", "1-D"],
    ),
    (
        "perceptron fit 1-D X",
        lambda: Perceptron(2, seed=0).fit(np.ones(4), Y),
        ValueError,
        ["X", "2-D"],
    ),
    (
        "perceptron y of 3-D",
        lambda: Perceptron(2, seed=0).fit(X, np.ones((4, 1, 1))),
        ValueError,
        ["y", "1-D or 2-D", "3-D"],
    ),
    (
        "perceptron epochs 0",
        lambda: Perceptron(2, seed=0).fit(X, Y, epochs=0),
        ValueError,
        ["epochs", ">= 1"],
    ),
    ("momentum beta < 0", lambda: Momentum(0.1, beta=-1), ValueError, ["beta", "[0, 1)"]),
    ("adam beta1 1", lambda: Adam(beta1=1.0), ValueError, ["beta1", "[0, 1)"]),
    ("adam eps 0", lambda: Adam(eps=0), ValueError, ["eps", "> 0"]),
    ("lr that is text", lambda: SGD("x"), TypeError, ["lr", "number > 0", "'x'"]),
    (
        "stacked W of 2-D",
        lambda: StackedDense(np.ones((2, 2)), np.ones((2, 1, 2))),
        ValueError,
        ["W", "3-D", "2-D"],
    ),
    (
        "stacked b of 2-D",
        lambda: StackedDense(np.ones((2, 2, 2)), np.ones((2, 2))),
        ValueError,
        ["b", "3-D", "2-D"],
    ),
    ("stack of nothing", lambda: stack([]), ValueError, ["networks must not be empty"]),
    (
        "stack of two shapes",
        lambda: stack([mlp([2, 1], seed=0), mlp([2, 2], seed=0)]),
        ValueError,
        ["networks must all have the same layers and sizes"],
    ),
    (
        "stack without Dense",
        lambda: stack([Sequential([Dropout(0.1)])]),
        ValueError,
        ["networks must contain at least one Dense layer"],
    ),
    (
        "stacked epochs 0",
        lambda: stack([net()]).fit(X, Y, "mse", SGD(0.1), epochs=0),
        ValueError,
        ["epochs", ">= 1"],
    ),
    (
        "stacked batch_size 0",
        lambda: stack([net()]).fit(X, Y, "mse", SGD(0.1), batch_size=0),
        ValueError,
        ["batch_size", ">= 1"],
    ),
    (
        "stacked BCE prediction < 0",
        lambda: loss_per_model(losses.BinaryCrossEntropy(), -np.ones((1, 2, 1)), np.ones((2, 1))),
        ValueError,
        ["y_pred must be probabilities in [0, 1] for binary cross-entropy"],
    ),
    (
        "run with no seeds",
        lambda: experiments.run(lambda s: net(), X, Y, [], optimizer=SGD(0.1)),
        ValueError,
        ["seeds must not be empty"],
    ),
    ("empty network", lambda: Sequential([]), ValueError, ["layers must not be empty"]),
    (
        "a layer in two networks",
        lambda: (lambda n: Sequential(n.layers[:1]))(net()),
        ValueError,
        [
            "layer 0, Dense(2, 3, 'sigmoid'), already belongs to a network: a layer can be in one "
            "network only (build a new layer, or copy.deepcopy the network)"
        ],
    ),
    (
        "seed and rng",
        lambda: Dense(2, 2, seed=1, rng=np.random.default_rng(1)),
        ValueError,
        ["give seed or rng, not both"],
    ),
    (
        "activation of a number",
        lambda: activations.get(3),
        TypeError,
        ["activation must be a name (str) or an object, got 3"],
    ),
    ("loss of a number", lambda: losses.get(3), TypeError, ["loss must be a name"]),
    (
        "nudging a list",
        lambda: numerical_gradient(lambda v: 0.0, [1.0]),
        TypeError,
        ["x must be a float NumPy array, got list"],
    ),
    (
        "validation one-hot too narrow",
        lambda: losses.CategoricalCrossEntropy().targets(np.eye(2), 3, "y_val"),
        ValueError,
        ["y_val", "3 columns"],
    ),
    (
        "targets named y by default",
        lambda: losses.MSE().targets([[1.0], [2.0]], 2),
        ValueError,
        ["y", "2 columns"],
    ),
    ("predict of 1-D", lambda: net().predict([1.0, 2.0]), ValueError, ["X", "2-D", "1-D"]),
    (
        "validation X of 1-D",
        lambda: fit(validation_data=(np.ones(4), Y)),
        ValueError,
        ["X_val", "2-D", "1-D"],
    ),
    (
        "one-hot of the wrong shape",
        lambda: losses.CategoricalCrossEntropy()(np.full((3, 2), 0.5), np.eye(3)),
        ValueError,
        ["y_true", "the shape of y_pred (3, 2)"],
    ),
]
CASES += MORE


@pytest.mark.parametrize("what, call, error, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_clearly(what, call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    # the message starts with the argument's name (the first word), then says the rest
    assert re.match(re.escape(words[0]) + r"(?!\w)", message), f"{what}: {message!r}"
    for word in words[1:]:
        assert word in message, f"{what}: {word!r} missing from {message!r}"


def test_a_rejected_call_loses_nothing():
    model = net()
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.fit(X, Y[:3], "mse", SGD(0.1), epochs=5)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
