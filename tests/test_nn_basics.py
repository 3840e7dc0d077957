"""Neurons, the perceptron, data sets."""

import numpy as np
import pytest

from nnscratch import datasets
from nnscratch.layers import Dense, Dropout
from nnscratch.neuron import Neuron, Perceptron


def test_neuron_by_hand():
    n = Neuron([0.4, -0.6], 0.1, "sigmoid")
    z = 0.4 * 2.0 + (-0.6) * 1.0 + 0.1
    assert float(n.weighted_sum([2.0, 1.0])) == pytest.approx(z, abs=1e-15)
    assert float(n([2.0, 1.0])) == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-15)
    assert n.weighted_sum([[2.0, 1.0], [0.0, 0.0]]).tolist() == pytest.approx([z, 0.1])
    assert n.w.tolist() == [0.4, -0.6] and n.b == 0.1
    assert repr(n) == "Neuron(w=[0.4, -0.6], b=0.1, Sigmoid())"
    assert Neuron([1.0], 0.0)([3.0]) == pytest.approx(1 / (1 + np.exp(-3.0)))  # sigmoid by default


def test_perceptron_predicts_with_its_step():
    p = Perceptron(2, lr=0.5, seed=0)
    p.w, p.b = np.array([1.0, -1.0]), -0.5
    assert p.predict([[1.0, 0.0], [0.5, 0.0], [0.0, 1.0]]).tolist() == [1.0, 1.0, 0.0]
    assert (p.n_in, p.lr) == (2, 0.5)
    assert Perceptron(2, seed=0).lr == 0.1
    assert len(Perceptron(2, seed=0).fit(*datasets.xor())) == 100  # 100 epochs by default


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
def test_perceptron_learns_linearly_separable_gates(gate):
    X, y = datasets.logic_gate(gate)
    p = Perceptron(2, lr=0.1, seed=0)
    errors = p.fit(X, y, epochs=100)
    assert errors[-1] == 0 and len(errors) < 100
    assert p.predict(X).tolist() == y.ravel().tolist()


def perceptron_by_hand(X, y, w, b, lr, epochs):
    """The perceptron rule written out: w += lr (y - prediction) x, b += lr (y - prediction)."""
    mistakes = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y[:, 0], strict=True):
            error = y_i - (1.0 if x_i @ w + b >= 0 else 0.0)
            w, b, count = w + lr * error * x_i, b + lr * error, count + (error != 0)
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes


@pytest.mark.parametrize("gate, seed", [("xor", 0), ("xor", 1), ("xor", 2), ("and", 3), ("or", 4)])
def test_perceptron_follows_the_rule_sample_by_sample(gate, seed):
    X, y = datasets.logic_gate(gate)
    p = Perceptron(2, lr=0.3, seed=seed)
    w0 = np.random.default_rng(seed).normal(0, 0.1, 2)
    assert np.array_equal(p.w, w0) and p.b == 0.0
    w, b, mistakes = perceptron_by_hand(X, y, w0, 0.0, 0.3, 40)
    assert p.fit(X, y, epochs=40) == mistakes
    np.testing.assert_allclose(p.w, w, rtol=1e-12, atol=1e-15)
    assert p.b == pytest.approx(b, abs=1e-12)
    if gate == "xor":  # no line separates XOR: a mistake in every epoch, to the end
        assert len(mistakes) == 40 and min(mistakes) >= 1


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
    assert layer.forward([[-1.0]]).tolist() == [[0.0, 0.0]]  # relu
    assert (layer.n_in, layer.n_out, layer.n_params) == (1, 2, 4)
    he = Dense(400, 300, "relu", seed=0).W
    glorot = Dense(400, 300, "tanh", seed=0).W
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert glorot.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert abs(glorot).max() <= np.sqrt(6 / 700)  # uniform within the Glorot limit
    assert np.array_equal(Dense(400, 300, "linear", seed=0).W, glorot)  # also Glorot


@pytest.mark.parametrize(
    "init, draw",
    [
        ("normal", lambda r: r.normal(0, 0.3, (5, 4))),
        ("uniform", lambda r: r.uniform(-0.3, 0.3, (5, 4))),
        ("he", lambda r: r.normal(0, np.sqrt(2 / 5), (5, 4))),
        ("glorot", lambda r: r.uniform(-np.sqrt(6 / 9), np.sqrt(6 / 9), (5, 4))),
        ("xavier", lambda r: r.uniform(-np.sqrt(6 / 9), np.sqrt(6 / 9), (5, 4))),
        ("zeros", lambda r: np.zeros((5, 4))),
    ],
)
def test_every_init_draws_what_it_says(init, draw):
    layer = Dense(5, 4, "sigmoid", init=init, scale=0.3, seed=2)
    assert np.array_equal(layer.W, draw(np.random.default_rng(2)))
    assert layer.b.tolist() == [0.0] * 4 and layer.dW.shape == (5, 4) and layer.db.shape == (4,)


def test_dense_backward_by_hand_and_float32():
    layer = Dense.from_weights([[1.0, 0.0], [2.0, -1.0]], [0.5, 0.0], "identity")
    X = np.array([[1.0, 1.0], [2.0, 0.0]])
    assert layer.forward(X).tolist() == [[3.5, -1.0], [2.5, 0.0]]
    dX = layer.backward(np.array([[1.0, 0.0], [0.0, 2.0]]))
    assert layer.dW.tolist() == [[1.0, 4.0], [1.0, 0.0]]  # X^T grad
    assert layer.db.tolist() == [1.0, 2.0]  # the column sums of grad
    assert dX.tolist() == [[1.0, 2.0], [0.0, -2.0]]  # grad W^T
    assert layer.backward(np.ones((2, 2)), input_grad=False) is None
    small = Dense(3, 2, seed=0, dtype=np.float32)
    assert small.W.dtype == small.b.dtype == np.float32
    assert small.forward(np.ones((1, 3))).dtype == np.float32
    assert repr(Dense(3, 2, "tanh")) == "Dense(3, 2, 'tanh')"
    assert Dense(3, 2).activation.name == "identity"
    assert np.array_equal(Dense(3, 2, seed=4).W, Dense(3, 2, rng=np.random.default_rng(4)).W)


def test_dropout_masks_and_gradients():
    drop = Dropout(0.25, seed=1)
    X = np.ones((4, 8))
    out = drop.forward(X, training=True)
    assert set(np.unique(out)) <= {0.0, 1 / 0.75} and drop.mask.shape == X.shape
    assert np.array_equal(drop.backward(np.full((4, 8), 3.0)), 3.0 * drop.mask)
    assert drop.forward(X) is not None and drop.mask is None
    assert np.array_equal(drop.backward(np.full((4, 8), 3.0)), np.full((4, 8), 3.0))
    assert (Dropout(0.5).n_params, Dropout(0.5).parameters(), repr(Dropout(0.5))) == (
        0, [], "Dropout(0.5)",
    )  # fmt: skip
    expected = (np.random.default_rng(1).random((4, 8)) < 0.75) / 0.75
    assert np.array_equal(out, expected)


def test_default_scale_and_dtype_of_from_weights():
    normal = Dense(300, 200, init="normal", seed=0).W
    assert normal.std() == pytest.approx(1.0, rel=0.02)  # scale 1 by default
    from nnscratch.network import mlp

    assert mlp([300, 200], init="uniform", seed=0).layers[0].W.max() == pytest.approx(1.0, abs=0.01)
    small = Dense.from_weights(np.ones((2, 3), dtype=np.float32), np.zeros(3, dtype=np.float32))
    assert small.W.dtype == small.b.dtype == np.float32
    assert Dense.from_weights([[1.0]], [0.0]).activation.name == "identity"


def test_dropout_edge_cases():
    X = np.ones((3, 4))
    assert Dropout(0.0, seed=0).forward(X, training=True) is X
    drop = Dropout(0.5, seed=0)
    assert drop.mask is None and np.array_equal(drop.backward(X), X)  # no forward yet: identity
    out = drop.forward(X.astype(np.float32), training=True)
    assert out.dtype == drop.mask.dtype == np.float32


def test_perceptron_takes_labels_as_a_row_or_a_column():
    X, y = datasets.logic_gate("and")
    a, b = Perceptron(2, seed=0), Perceptron(2, seed=0)
    assert a.fit(X, y.ravel()) == b.fit(X, y) and np.array_equal(a.w, b.w)
