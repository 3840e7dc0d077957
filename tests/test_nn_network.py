"""Sequential and the layer contract: any object that keeps it is a layer."""

import gc

import numpy as np
import pytest

from nnscratch import SGD, Momentum, mlp
from nnscratch.datasets import xor
from nnscratch.gradcheck import check_gradients
from nnscratch.layers import Dense, Dropout, Layer
from nnscratch.losses import MSE
from nnscratch.network import Sequential

X, Y = xor()


class Scale:
    """A layer written here, not in the package: y = x * s, one factor per column."""

    def __init__(self, width):
        self.s, self.ds = np.full(width, 2.0), np.zeros(width)

    n_params = property(lambda self: self.s.size)

    def forward(self, X, training=False):
        self.X = np.asarray(X)
        return self.X * self.s

    def backward(self, grad, input_grad=True):
        self.ds[:] = (grad * self.X).sum(axis=0)  # dL/ds_j = sum_i grad_ij x_ij
        return grad * self.s

    def parameters(self):
        return [(self.s, self.ds)]

    def bind(self, theta, grad):
        theta[:] = self.s
        self.s, self.ds = theta, grad


def test_a_layer_written_outside_the_package_trains_in_sequential():
    net = Sequential([Dense(2, 3, "tanh", seed=0), Scale(3), Dense(3, 1, "sigmoid", seed=1)])
    assert isinstance(net.layers[1], Layer)
    assert net.n_params == 9 + 3 + 4 and net.theta.shape == (16,)
    assert net.theta[9:12].tolist() == [2.0, 2.0, 2.0]  # its parameters moved into theta
    assert check_gradients(net, X, Y, "mse") < 1e-7
    before = net.layers[1].s.copy()
    history = net.fit(X, Y, "mse", SGD(1.0), epochs=300, weight_decay=1e-3)
    assert history.loss[-1] < history.loss[0]
    assert not np.array_equal(net.layers[1].s, before)  # the new layer learned too
    assert "Scale" in net.summary() and "Total parameters: 16" in net.summary()


def test_objects_that_break_the_contract_are_refused():
    with pytest.raises(TypeError, match="Layer contract.*layer 1 is str"):
        Sequential([Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match="empty"):
        Sequential([])


def test_bug_shared_layers_are_refused_and_the_first_network_keeps_learning():
    """Regression: Sequential(net1.layers) used to re-point net1's weights at net2's
    vector, so net1.fit then changed nothing at all (loss 0.2601 for 2,000 epochs)."""
    net1 = mlp([2, 4, 1], activation="sigmoid", output="sigmoid", seed=0)
    with pytest.raises(ValueError, match=r"layer 0, Dense\(2, 4, 'sigmoid'\), already belongs"):
        Sequential(net1.layers)
    history = net1.fit(X, Y, loss="mse", optimizer=SGD(lr=2.0), epochs=2000)
    assert history.loss[0] > 0.25 and history.loss[-1] < 0.01
    assert net1.predict(X).round().tolist() == Y.tolist()


def test_a_layer_cannot_appear_twice_but_is_free_once_its_network_is_gone():
    layer = Dense(2, 2, seed=0)
    with pytest.raises(ValueError, match="layer 1.*already belongs"):
        Sequential([layer, layer])
    first = Sequential([layer])
    layer.W[0, 0] = 5.0
    del first
    gc.collect()
    second = Sequential([layer])  # the first network is gone: the layer may join another
    assert second.theta[0] == 5.0
    second.theta[0] = 7.0
    assert layer.W[0, 0] == 7.0


def test_theta_and_grad_are_views_of_every_layer():
    net = mlp([2, 3, 1], "tanh", seed=0)
    first, second = net.layers
    assert net.theta.tolist() == (
        first.W.ravel().tolist() + first.b.tolist() + second.W.ravel().tolist() + second.b.tolist()
    )
    net.theta[:] = np.arange(13.0)
    assert first.W.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert first.b.tolist() == [6.0, 7.0, 8.0] and second.b.tolist() == [12.0]
    out = net.forward(X)
    net.backward(MSE().gradient(out, Y))
    assert np.array_equal(net.grad[:6], first.dW.ravel()) and net.grad[12] == second.db[0]
    assert net.parameters() == [(net.theta, net.grad)]
    assert [p.shape for p, _ in net.parameters_by_layer()] == [(2, 3), (3,), (3, 1), (1,)]


def test_float32_networks_keep_float32():
    net = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0, dtype=np.float32)
    assert net.theta.dtype == np.float32 and net.layers[0].W.dtype == np.float32
    net.fit(X, Y, "mse", SGD(2.0), epochs=10)
    assert net.predict(X).dtype == np.float32


def test_backward_returns_the_input_gradient_unless_asked_not_to():
    net = mlp([2, 3, 1], "tanh", seed=0)
    out = net.forward(X)
    dX = net.backward(MSE().gradient(out, Y))
    assert dX.shape == X.shape and np.abs(dX).sum() > 0
    assert net.backward(MSE().gradient(out, Y), input_grad=False) is None
    assert np.array_equal(net.backward(MSE().gradient(out, Y)), dX)  # same again


def test_get_and_set_weights_round_trip_layer_by_layer():
    a, b = mlp([2, 3, 1], seed=0), mlp([2, 3, 1], seed=1)
    weights = a.get_weights()
    assert [w.shape for w in weights] == [(2, 3), (3,), (3, 1), (1,)]
    before = a.layers[0].W[0, 0]
    weights[0][0, 0] += 1.0  # a copy: the network is unchanged
    assert a.layers[0].W[0, 0] == before
    b.set_weights(a.get_weights())
    assert np.array_equal(a.theta, b.theta)
    with pytest.raises(ValueError, match="4 arrays, got 3"):
        b.set_weights(weights[:3])
    with pytest.raises(ValueError, match=r"shape \(3,\), got \(4,\)"):
        b.set_weights([weights[0], np.zeros(4), weights[2], weights[3]])


def test_summary_lists_layers_and_counts():
    net = Sequential([Dense(2, 8, "relu", seed=0), Dropout(0.5), Dense(8, 1, seed=1)])
    assert net.summary().splitlines() == [
        "Layer                    Parameters",
        "Dense(2, 8, 'relu')              24",
        "Dropout(0.5)                      0",
        "Dense(8, 1, 'identity')           9",
        "Total parameters: 33",
    ]
    assert repr(net) == "Sequential([Dense(2, 8, 'relu'), Dropout(0.5), Dense(8, 1, 'identity')])"


def test_mlp_builds_the_sizes_with_one_generator():
    net = mlp([3, 5, 4, 2], "tanh", "softmax", init="normal", scale=0.1, seed=7)
    assert [repr(layer) for layer in net.layers] == [
        "Dense(3, 5, 'tanh')", "Dense(5, 4, 'tanh')", "Dense(4, 2, 'softmax')",
    ]  # fmt: skip
    rng = np.random.default_rng(7)
    for layer in net.layers:  # one generator, drawn from layer after layer
        assert np.array_equal(layer.W, rng.normal(0, 0.1, layer.W.shape))
    with pytest.raises(ValueError, match=r"at least n_in and n_out, got \[3\]"):
        mlp([3])


def test_predict_evaluates_and_checks_its_input():
    net = Sequential([Dense(2, 30, "relu", seed=0), Dropout(0.5, seed=0), Dense(30, 1, seed=1)])
    assert np.array_equal(net.predict(X), net.predict(X))  # no dropout
    assert not np.array_equal(net.forward(X, training=True), net.predict(X))
    with pytest.raises(ValueError, match="X must be 2-D"):
        net.predict([1.0, 2.0])


def test_one_optimizer_carries_on_from_fit_in_a_hand_written_loop():
    """Regression: fit stepped [(theta, grad)] while loops stepped parameters(), so an
    optimizer used in both raised "same 1 pairs". Both now step net.parameters()."""
    a, b = (mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0) for _ in range(2))
    opt_a, mse = Momentum(0.5), MSE()
    a.fit(X, Y, "mse", opt_a, epochs=5)
    for _ in range(5):  # five more epochs by hand, with the same optimizer
        a.backward(mse.gradient(a.forward(X, training=True), Y), input_grad=False)
        opt_a.step(a.parameters())
    b.fit(X, Y, "mse", Momentum(0.5), epochs=10)
    assert np.array_equal(a.theta, b.theta)


def test_summary_widens_to_the_header_for_short_names():
    class Id:
        n_params = 0
        forward = backward = lambda self, X, *args, **kwargs: X
        parameters = lambda self: []  # noqa: E731
        bind = lambda self, theta, grad: None  # noqa: E731
        __repr__ = lambda self: "Id"  # noqa: E731

    assert Sequential([Id()]).summary().splitlines() == [
        "Layer  Parameters", "Id              0", "Total parameters: 0",
    ]  # fmt: skip
