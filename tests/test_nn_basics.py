"""Neurons, the perceptron, data sets."""

import numpy as np
import pytest

from nnscratch import datasets
from nnscratch.layers import Dense
from nnscratch.neuron import Neuron, Perceptron


def test_neuron_by_hand():
    n = Neuron([0.4, -0.6], 0.1, "sigmoid")
    z = 0.4 * 2.0 + (-0.6) * 1.0 + 0.1
    assert float(n.weighted_sum([2.0, 1.0])) == pytest.approx(z, abs=1e-15)
    assert float(n([2.0, 1.0])) == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-15)


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
def test_perceptron_learns_linearly_separable_gates(gate):
    X, y = datasets.logic_gate(gate)
    p = Perceptron(2, lr=0.1, seed=0)
    errors = p.fit(X, y, epochs=100)
    assert errors[-1] == 0 and len(errors) < 100
    assert p.predict(X).tolist() == y.ravel().tolist()


@pytest.mark.parametrize("seed", range(20))
def test_perceptron_never_learns_xor(seed):
    X, y = datasets.xor()
    errors = Perceptron(2, lr=0.1, seed=seed).fit(X, y, epochs=500)
    assert len(errors) == 500 and min(errors) >= 1


def test_house_prices_are_about_200_per_square_foot():
    X, y = datasets.house_prices(n=200, seed=0)
    slope = np.polyfit(X[:, 0], y[:, 0], 1)[0]
    assert slope == pytest.approx(200, rel=0.05)


def test_nonlinear_house_prices_interact():
    X, y = datasets.house_prices_nonlinear(n=2000, seed=0)
    per_sqft = y[:, 0] / X[:, 0]
    both = per_sqft[(X[:, 1] == 1) & (X[:, 2] == 1)].mean()
    neither = per_sqft[(X[:, 1] == 0) & (X[:, 2] == 0)].mean()
    metro = per_sqft[(X[:, 1] == 1) & (X[:, 2] == 0)].mean()
    luxury = per_sqft[(X[:, 1] == 0) & (X[:, 2] == 1)].mean()
    assert both - neither > (metro - neither) + (luxury - neither) + 100  # not additive


def test_spam_toy_is_spam_exactly_when_sender_unknown():
    X, y = datasets.spam_toy()
    assert y.ravel().tolist() == (1 - X[:, 1]).tolist()


def test_datasets_are_seeded():
    a, b = datasets.spiral(seed=3), datasets.spiral(seed=3)
    assert np.array_equal(a[0], b[0])
    assert not np.array_equal(a[0], datasets.spiral(seed=4)[0])


def test_digits_shapes_scale_and_split():
    X_train, X_test, y_train, y_test = datasets.digits(seed=0)
    assert X_train.shape[1] == 64 and len(X_train) + len(X_test) == 1797
    assert X_train.min() >= 0 and X_train.max() <= 1
    assert set(y_train.tolist()) == set(range(10))


def test_dense_from_weights_and_default_inits():
    layer = Dense.from_weights([[1.0, 2.0]], [0.5, -0.5], "relu")
    assert layer.forward([[1.0]]).tolist() == [[1.5, 1.5]]
    he = Dense(400, 300, "relu", seed=0).W
    glorot = Dense(400, 300, "tanh", seed=0).W
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert glorot.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
