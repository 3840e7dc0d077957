"""Every backward pass against central finite differences, in float64."""

import numpy as np
import pytest

from nnscratch import activations, losses
from nnscratch.gradcheck import check_gradients, numerical_gradient, relative_error
from nnscratch.layers import Dense, Dropout
from nnscratch.network import Sequential, mlp

TOL = 1e-6
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "softmax", "identity"]


def rng():
    return np.random.default_rng(1234)


def away_from_kinks(z):
    """Keep inputs off z = 0, where ReLU-like functions have no derivative."""
    return np.where(np.abs(z) < 1e-3, 0.1, z)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_backward_matches_finite_differences(name):
    act = activations.get(name)
    r = rng()
    z = away_from_kinks(r.normal(0, 2, (5, 4)))
    upstream = r.normal(size=z.shape)  # dL/dA for L = sum(upstream * f(z))
    analytic = act.backward(z, upstream)
    numeric = numerical_gradient(lambda v: float(np.sum(upstream * act(v))), z.copy())
    assert relative_error(analytic, numeric) < TOL


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish"])
def test_elementwise_derivative_matches_finite_differences(name):
    act = activations.get(name)
    z = away_from_kinks(rng().normal(0, 2, 50))
    eps = 1e-6
    numeric = (act(z + eps) - act(z - eps)) / (2 * eps)
    assert relative_error(act.derivative(z), numeric) < TOL


def test_softmax_jacobian_matches_finite_differences():
    z = rng().normal(size=4)
    J = activations.softmax_prime(z)
    for j in range(4):
        numeric = numerical_gradient(lambda v, j=j: float(activations.softmax(v)[j]), z.copy())
        assert relative_error(J[j], numeric) < TOL


LOSS_CASES = {
    "mse": lambda r: (r.normal(size=(6, 3)), r.normal(size=(6, 3))),
    "mae": lambda r: (r.normal(size=(6, 3)), r.normal(size=(6, 3))),
    "bce": lambda r: (r.uniform(0.05, 0.95, (6, 2)), r.integers(0, 2, (6, 2)).astype(float)),
    "cce": lambda r: (
        activations.softmax(r.normal(size=(6, 3))),
        np.eye(3)[r.integers(0, 3, 6)],
    ),
}


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_gradient_is_exact_derivative_of_value(name):
    loss = losses.get(name)
    y_pred, y_true = LOSS_CASES[name](rng())
    numeric = numerical_gradient(lambda p: loss(p, y_true), y_pred.copy())
    assert relative_error(loss.gradient(y_pred, y_true), numeric) < TOL


def test_cross_entropy_with_integer_labels_equals_one_hot():
    p = activations.softmax(rng().normal(size=(5, 3)))
    labels = np.array([0, 2, 1, 1, 0])
    cce = losses.CategoricalCrossEntropy()
    assert cce(p, labels) == cce(p, np.eye(3)[labels])
    np.testing.assert_array_equal(cce.gradient(p, labels), cce.gradient(p, np.eye(3)[labels]))


def test_softmax_then_cross_entropy_gives_p_minus_y_over_n():
    z = rng().normal(size=(4, 3))
    y = np.eye(3)[[0, 1, 2, 1]]
    p = activations.softmax(z)
    dz = activations.Softmax().backward(z, losses.CategoricalCrossEntropy().gradient(p, y))
    np.testing.assert_allclose(dz, (p - y) / 4, atol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_dense_layer_gradients(name):
    r = rng()
    layer = Dense(3, 4, name, seed=7)
    X = r.normal(size=(5, 3))
    upstream = r.normal(size=(5, 4))

    def loss_of(_):
        return float(np.sum(upstream * layer.forward(X)))

    layer.forward(X)
    dX = layer.backward(upstream)
    dW, db = layer.dW.copy(), layer.db.copy()
    assert relative_error(dW, numerical_gradient(loss_of, layer.W)) < TOL
    assert relative_error(db, numerical_gradient(loss_of, layer.b)) < TOL
    numeric_dX = numerical_gradient(lambda x: float(np.sum(upstream * layer.forward(x))), X)
    assert relative_error(dX, numeric_dX) < TOL


def test_dropout_gradient_with_fixed_mask():
    X = rng().normal(size=(6, 5))
    upstream = rng().normal(size=(6, 5))

    def f(x):  # a fresh layer with the same seed draws the same mask every time
        return float(np.sum(upstream * Dropout(0.4, seed=3).forward(x, training=True)))

    layer = Dropout(0.4, seed=3)
    layer.forward(X, training=True)
    assert relative_error(layer.backward(upstream), numerical_gradient(f, X.copy())) < TOL
    assert 0 < (layer.mask == 0).mean() < 1  # some units really were dropped


@pytest.mark.parametrize(
    "sizes, hidden, output, loss, targets",
    [
        ([2, 4, 1], "sigmoid", "sigmoid", "mse", "binary"),
        ([3, 5, 4, 2], "tanh", "identity", "mae", "real"),
        ([4, 6, 5, 3], "relu", "softmax", "cce", "classes"),
        ([2, 3, 3, 1], "elu", "sigmoid", "bce", "binary"),
    ],
)
def test_whole_network_gradients(sizes, hidden, output, loss, targets):
    r = rng()
    net = mlp(sizes, hidden, output, seed=11)
    X = r.normal(size=(7, sizes[0]))
    if targets == "binary":
        y = r.integers(0, 2, (7, sizes[-1])).astype(float)
    elif targets == "classes":
        y = np.eye(sizes[-1])[r.integers(0, sizes[-1], 7)]
    else:
        y = r.normal(size=(7, sizes[-1]))
    assert check_gradients(net, X, y, loss) < TOL


def test_gradient_check_catches_a_wrong_backward():
    class Broken(activations.Sigmoid):
        def backward(self, z, grad):
            return grad * self.derivative(z) * 1.01  # off by one percent

    net = Sequential([Dense(2, 3, Broken(), seed=0), Dense(3, 1, "sigmoid", seed=1)])
    X, y = rng().normal(size=(4, 2)), np.array([[0.0], [1.0], [1.0], [0.0]])
    assert check_gradients(net, X, y, "mse") > 1e-3
    net_ok = Sequential([Dense(2, 3, "sigmoid", seed=0), Dense(3, 1, "sigmoid", seed=1)])
    assert check_gradients(net_ok, X, y, "mse") < TOL


def test_worked_example_by_hand():
    """A 1-2-1 network with round numbers, every value worked out in the comments.

    x = 1, target y = 0.
    Hidden layer: W1 = [[1, -1]], b1 = [0, 1], ReLU.
      z1 = [1*1 + 0, 1*(-1) + 1] = [1, 0];   a1 = relu(z1) = [1, 0]
    Output layer: W2 = [[2], [3]], b2 = [0.5], identity.
      z2 = 1*2 + 0*3 + 0.5 = 2.5 = y_hat
    MSE over one value: L = (2.5 - 0)^2 = 6.25;  dL/dy_hat = 2 * 2.5 = 5
    dW2 = a1^T * 5 = [[5], [0]];   db2 = [5]
    dL/da1 = 5 * W2^T = [10, 15];  relu'(z1) = [1, 0] (0 at the kink)
    dZ1 = [10, 0];  dW1 = x^T dZ1 = [[10, 0]];  db1 = [10, 0]
    """
    net = Sequential(
        [
            Dense.from_weights([[1.0, -1.0]], [0.0, 1.0], "relu"),
            Dense.from_weights([[2.0], [3.0]], [0.5], "identity"),
        ]
    )
    X, y = np.array([[1.0]]), np.array([[0.0]])
    out = net.forward(X)
    assert out.tolist() == [[2.5]]
    mse = losses.MSE()
    assert mse(out, y) == 6.25
    net.backward(mse.gradient(out, y))
    first, second = net.layers
    assert second.dW.tolist() == [[5.0], [0.0]]
    assert second.db.tolist() == [5.0]
    assert first.dW.tolist() == [[10.0, 0.0]]
    assert first.db.tolist() == [10.0, 0.0]


def test_numerical_gradient_restores_x_and_uses_its_step():
    x = np.array([[0.5, -1.5], [2.0, 3.0]])
    original = x.copy()
    seen = []
    grad = numerical_gradient(lambda v: seen.append(v.copy()) or float(np.sum(v**3)), x, eps=1e-3)
    assert np.array_equal(x, original) and len(seen) == 8
    assert seen[0][0, 0] == 0.5 + 1e-3 and seen[1][0, 0] == 0.5 - 1e-3  # +eps, then -eps
    np.testing.assert_allclose(grad, 3 * original**2 + 1e-6, rtol=1e-9)  # central: error eps^2
    with pytest.raises(TypeError, match="x must be a float NumPy array, got list"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="got ndarray"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


def test_relative_error_by_hand():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([3.0, 4.0]), np.zeros(2)) == 1.0
    assert relative_error(np.array([2.0]), np.array([1.0])) == pytest.approx(1 / 3)
    assert relative_error([[3.0, 0.0]], [[0.0, 4.0]]) == pytest.approx(5 / 7)
    assert isinstance(relative_error(np.ones(2), np.ones(2)), float)


def test_check_gradients_reports_the_worst_array_in_evaluation_mode():
    class WrongBias(Dense):
        def backward(self, grad, input_grad=True):
            dX = super().backward(grad, input_grad)
            self.db *= 3.0  # only the bias gradient is wrong, by a factor of 3: error 1/2
            return dX

    X, y = rng().normal(size=(5, 2)), rng().normal(size=(5, 1))
    net = Sequential([Dense(2, 6, "tanh", seed=0), WrongBias(6, 1, seed=1)])
    assert check_gradients(net, X, y, "mse") == pytest.approx(0.5, rel=1e-6)
    dropped = Sequential([Dense(2, 6, "tanh", seed=0), Dropout(0.5, seed=0), Dense(6, 1, seed=1)])
    assert check_gradients(dropped, X, y, "mse") < TOL  # dropout is off
    smooth = mlp([2, 3, 1], "tanh", seed=0)
    assert check_gradients(smooth, X, y) < TOL  # mse by default
    assert check_gradients(smooth, X, y, "mse", eps=0.5) > 1e-4  # a coarse step is seen


def test_relative_error_of_booleans_and_lists():
    assert relative_error(np.array([True, False]), np.array([False, False])) == 1.0
    assert relative_error([1, 2], [1, 2]) == 0.0
