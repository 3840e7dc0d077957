"""Properties that must hold for any input (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnscratch import activations, losses
from nnscratch.layers import Dense
from nnscratch.network import mlp
from nnscratch.neuron import Neuron

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
matrices = st.integers(1, 6).flatmap(
    lambda n: st.integers(1, 5).flatmap(lambda k: arrays(float, (n, k), elements=finite))
)
settings.register_profile("book", max_examples=60, deadline=None)
settings.load_profile("book")


@given(matrices)
def test_softmax_rows_are_probabilities(z):
    p = activations.softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)


@given(matrices, st.floats(-1e3, 1e3))
def test_softmax_ignores_a_common_shift(z, c):
    np.testing.assert_allclose(activations.softmax(z + c), activations.softmax(z), atol=1e-12)


@given(arrays(float, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_is_symmetric(z):
    np.testing.assert_allclose(activations.sigmoid(-z), 1 - activations.sigmoid(z), atol=1e-15)


def test_sigmoid_and_softmax_are_stable_at_extremes():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        s = activations.sigmoid(np.array([-1e4, 0.0, 1e4]))
        p = activations.softmax(np.array([[1e4, 0.0, -1e4]]))
    assert s.tolist() == [0.0, 0.5, 1.0]
    assert p.tolist() == [[1.0, 0.0, 0.0]]


@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 10_000))
def test_dense_layer_equals_its_neurons_one_by_one(n_in, n_out, seed):
    layer = Dense(n_in, n_out, "tanh", seed=seed)
    X = np.random.default_rng(seed).normal(size=(3, n_in))
    together = layer.forward(X)
    for j in range(n_out):
        neuron = Neuron(layer.W[:, j], layer.b[j], "tanh")
        np.testing.assert_allclose(together[:, j], neuron(X), rtol=1e-12, atol=1e-15)


@given(matrices, st.sampled_from(["mse", "mae"]))
def test_regression_losses_nonnegative_and_zero_when_perfect(y, name):
    loss = losses.get(name)
    assert loss(y + 1.0, y) > 0
    assert loss(y, y) == 0


@given(st.integers(1, 8), st.integers(2, 5), st.integers(0, 1000))
def test_cross_entropies_nonnegative_and_near_zero_when_perfect(n, k, seed):
    r = np.random.default_rng(seed)
    labels = r.integers(0, k, n)
    onehot = np.eye(k)[labels]
    cce, bce = losses.CategoricalCrossEntropy(), losses.BinaryCrossEntropy()
    assert cce(activations.softmax(r.normal(size=(n, k))), labels) >= 0
    assert cce(onehot, labels) < 1e-10
    assert bce(r.uniform(size=(n, k)), onehot) >= 0
    assert bce(onehot, onehot) < 1e-10


@given(st.lists(st.integers(1, 6), min_size=2, max_size=5), st.integers(1, 7))
def test_output_shapes(sizes, n):
    net = mlp(sizes, "relu", "sigmoid", seed=0)
    X = np.ones((n, sizes[0]))
    out = net.forward(X)
    assert out.shape == (n, sizes[-1])
    assert net.backward(np.ones_like(out)).shape == X.shape
    assert net.n_params == sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
