"""Bad input gets a clear error naming the argument, what was expected and what was given."""

import numpy as np
import pytest

from nnscratch import SGD, Adam, Momentum, activations, losses, mlp
from nnscratch.datasets import logic_gate, one_hot, xor
from nnscratch.layers import Dense, Dropout
from nnscratch.network import Sequential
from nnscratch.neuron import Neuron, Perceptron
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
        ["X", "2 columns", "(4, 3)"],
    ),
    ("1-D X", lambda: fit(X=np.ones(4)), ValueError, ["X", "2-D", "1-D"]),
    ("1-D y", lambda: fit(y=np.ones(4)), ValueError, ["y", "2-D", "1-D"]),
    ("mismatched lengths", lambda: fit(y=Y[:3]), ValueError, ["same length", "4", "3"]),
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
    ("unknown activation", lambda: activations.get("sigmoidd"), ValueError, ["sigmoidd", "relu"]),
    ("unknown loss", lambda: losses.get("hinge"), ValueError, ["hinge", "mse"]),
    ("unknown gate", lambda: logic_gate("xnor"), ValueError, ["xnor", "and"]),
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
        lambda: Sequential([Dense(2, 3), Dense(4, 1)]),
        ValueError,
        ["chain", "n_out=3", "n_in=4"],
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
        "perceptron labels",
        lambda: Perceptron(2, seed=0).fit(X, Y * 2),
        ValueError,
        ["y", "0 and 1"],
    ),
    ("patience < 1", lambda: EarlyStopping(patience=0), ValueError, ["patience", ">= 1"]),
    ("one_hot of floats", lambda: one_hot([0.5, 1.0]), TypeError, ["labels", "integers"]),
    ("unknown init", lambda: Dense(2, 2, init="lecun"), ValueError, ["lecun", "he"]),
]


@pytest.mark.parametrize("what, call, error, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_clearly(what, call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{what}: {word!r} missing from {message!r}"


def test_a_rejected_call_loses_nothing():
    model = net()
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.fit(X, Y[:3], "mse", SGD(0.1), epochs=5)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
