"""The input checks every module shares, and the activation functions one by one."""

import numpy as np
import pytest

from nnscratch import activations as act
from nnscratch._checks import (
    as_array,
    lookup,
    make_rng,
    positive_float,
    positive_int,
    unit_interval,
)


def test_as_array_converts_and_keeps_the_float_type():
    ints = as_array([[1, 2]], "X")
    assert ints.dtype == np.float64 and ints.tolist() == [[1.0, 2.0]]
    assert as_array([True, False], "mask").dtype == np.float64
    small = np.ones(3, dtype=np.float32)
    assert as_array(small, "X").dtype == np.float32
    assert as_array(np.float64(2.5), "b", 0).ndim == 0


@pytest.mark.parametrize(
    "value, ndim, error, message",
    [
        ("abc", None, TypeError, "X must be an array of numbers, got str"),
        (b"ab", None, TypeError, "got bytes"),
        (None, None, TypeError, "got NoneType"),
        ([[1, 2], [3]], None, ValueError, "X must be a rectangular array of numbers"),
        (np.array(["a"]), None, TypeError, "X must hold real numbers, got dtype <U1"),
        (np.array([1 + 2j]), None, TypeError, "got dtype complex128"),
        (np.ones(3), 2, ValueError, r"X must be 2-D, got 1-D with shape \(3,\)"),
        (np.ones(3), (2, 3), ValueError, r"X must be 2-D or 3-D, got 1-D"),
        (np.ones((0, 2)), 2, ValueError, r"X must not be empty, got shape \(0, 2\)"),
        (np.array([1.0, np.nan]), None, ValueError, "X must contain only finite numbers"),
        (np.array([np.inf]), 1, ValueError, "got NaN or inf"),
    ],
)
def test_as_array_rejects_bad_input_by_name(value, ndim, error, message):
    with pytest.raises(error, match=message):
        as_array(value, "X", ndim)


def test_number_checks():
    assert positive_int(np.int64(3), "n") == 3 and type(positive_int(np.int64(3), "n")) is int
    assert positive_int(1, "n") == 1
    for bad, error in [(True, TypeError), (2.0, TypeError), ("2", TypeError), (0, ValueError)]:
        with pytest.raises(error, match="n must be an integer >= 1"):
            positive_int(bad, "n")
    assert positive_float(np.float32(0.5), "lr") == 0.5 and type(positive_float(1, "lr")) is float
    assert positive_float(1e-300, "lr") == 1e-300
    for bad, error in [(True, TypeError), ("1", TypeError), (0.0, ValueError), (-1, ValueError),
                       (np.inf, ValueError), (np.nan, ValueError)]:  # fmt: skip
        with pytest.raises(error, match="lr must be a"):
            positive_float(bad, "lr")
    assert unit_interval(0, "beta") == 0.0 and unit_interval(0.999, "beta") == 0.999
    assert type(unit_interval(0, "beta")) is float
    bad_values = [(False, TypeError), ("0.5", TypeError), (1.0, ValueError), (-0.01, ValueError)]
    for bad, error in bad_values:
        with pytest.raises(error, match=r"beta must be (a number )?in \[0, 1\)"):
            unit_interval(bad, "beta")


def test_lookup_normalises_names_and_lists_the_choices():
    table = {"leaky_relu": 1, "elu": 2}
    assert lookup("Leaky-ReLU", table, "activation") == 1
    choices = r"unknown activation 'selu'; choose one of \['elu', 'leaky_relu'\]"
    with pytest.raises(ValueError, match=choices):
        lookup("selu", table, "activation")
    with pytest.raises(TypeError, match="activation must be a name \\(str\\) or an object, got 3"):
        lookup(3, table, "activation")


def test_make_rng_never_touches_global_state():
    assert make_rng(5).random() == np.random.default_rng(5).random()
    rng = np.random.default_rng(1)
    assert make_rng(rng=rng) is rng and make_rng(None, rng) is rng
    assert isinstance(make_rng(), np.random.Generator)
    with pytest.raises(ValueError, match="give seed or rng, not both"):
        make_rng(1, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator, got RandomState"):
        make_rng(rng=np.random.RandomState(0))
    assert make_rng(seed=0, rng=None).random() == np.random.default_rng(0).random()


Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


def test_each_function_by_hand():
    e = np.exp
    np.testing.assert_allclose(act.sigmoid(Z), 1 / (1 + e(-Z)), rtol=1e-15)
    np.testing.assert_allclose(act.sigmoid_prime(Z), e(-Z) / (1 + e(-Z)) ** 2, rtol=1e-14)
    np.testing.assert_allclose(act.tanh_prime(Z), 1 / np.cosh(Z) ** 2, rtol=1e-14)
    assert act.relu(Z).tolist() == [0, 0, 0, 0.5, 2]
    assert act.relu_prime(Z).tolist() == [0, 0, 0, 1, 1]
    assert act.leaky_relu(Z).tolist() == [-0.02, -0.005, 0, 0.5, 2]
    assert act.leaky_relu(Z, 0.2).tolist() == pytest.approx([-0.4, -0.1, 0, 0.5, 2])
    assert act.leaky_relu_prime(Z).tolist() == [0.01, 0.01, 0.01, 1, 1]
    assert act.leaky_relu_prime(Z, 0.2).tolist() == [0.2, 0.2, 0.2, 1, 1]
    np.testing.assert_allclose(act.elu(Z), [e(-2) - 1, e(-0.5) - 1, 0, 0.5, 2], rtol=1e-15)
    np.testing.assert_allclose(act.elu(Z, 2.0)[:2], 2 * (e(Z[:2]) - 1), rtol=1e-15)
    np.testing.assert_allclose(act.elu_prime(Z), [e(-2), e(-0.5), 1, 1, 1], rtol=1e-15)
    np.testing.assert_allclose(act.elu_prime(Z, 2.0), [2 * e(-2), 2 * e(-0.5), 2, 1, 1], rtol=1e-15)
    with np.errstate(over="raise"):
        assert act.elu(np.array([1000.0])).tolist() == [1000.0]  # no e^1000 computed
        assert act.elu_prime(np.array([1000.0])).tolist() == [1.0]
    s = 1 / (1 + e(-Z))
    np.testing.assert_allclose(act.swish(Z), Z * s, rtol=1e-15)
    np.testing.assert_allclose(act.swish_prime(Z), s + Z * s * (1 - s), rtol=1e-14)
    assert act.step(Z).tolist() == [0, 0, 1, 1, 1]
    assert act.step_prime(Z.reshape(1, 5)).tolist() == [[0.0] * 5]
    assert act.identity(Z) is Z and act.identity_prime(Z.reshape(5, 1)).tolist() == [[1.0]] * 5
    rows = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(act.softmax(rows)[0], e([1, 2, 3]) / e([1, 2, 3]).sum(), rtol=1e-15)
    assert act.softmax(rows)[1].tolist() == pytest.approx([1 / 3] * 3)
    one_row = act.softmax(np.array([[1.0, 2.0]]))[0]
    np.testing.assert_allclose(act.softmax(np.array([1.0, 2.0])), one_row)


def test_activation_objects_and_their_names():
    assert [type(act.get(n)).__name__ for n in ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
            "swish", "softmax", "step", "identity", "linear"]] == [
        "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Swish", "Softmax", "Step", "Identity",
        "Identity",
    ]  # fmt: skip
    assert act.get("relu") is not act.get("relu")  # a fresh object each time
    leaky = act.LeakyReLU(alpha=0.2)
    assert act.get(leaky) is leaky and repr(leaky) == "LeakyReLU(alpha=0.2)"
    assert repr(act.Tanh()) == "Tanh()" and repr(act.ELU()) == "ELU(alpha=1.0)"
    assert repr(act.LeakyReLU()) == "LeakyReLU(alpha=0.01)"
    assert leaky(np.array([-1.0])).tolist() == [-0.2]
    assert leaky.derivative(np.array([-1.0, 1.0])).tolist() == [0.2, 1.0]
    elu = act.ELU(alpha=3.0)
    np.testing.assert_allclose(elu(np.array([-1.0])), 3 * (np.exp(-1) - 1))
    np.testing.assert_allclose(elu.derivative(np.array([-1.0])), 3 * np.exp(-1))
    assert [act.get(n).family for n in ["sigmoid", "tanh", "softmax", "relu", "elu", "swish",
                                        "step", "identity"]] == [
        "sigmoid", "sigmoid", "sigmoid", "relu", "relu", "relu", "linear", "linear"
    ]  # fmt: skip
    assert [act.get(n).name for n in ["leaky_relu", "softmax", "linear"]] == [
        "leaky_relu",
        "softmax",
        "identity",
    ]
    with pytest.raises(ValueError, match="unknown activation"):
        act.get("gelu")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softmax", "relu", "identity", "step"])
def test_backward_uses_the_cached_output_only_for_the_same_input(name):
    f = act.get(name)
    z1, z2 = np.array([[0.3, -1.2, 2.0]]), np.array([[1.5, 0.1, -0.4]])
    g = np.array([[1.0, -2.0, 0.5]])
    f(z1)
    fresh = act.get(name)
    assert np.array_equal(f.backward(z2, g), fresh.backward(z2, g))  # z2 was never seen by f
    f(z1)
    assert np.array_equal(f.backward(z1.copy(), g), fresh.backward(z1.copy(), g))
    assert np.array_equal(f.backward(z1, g), fresh.backward(z1, g))


def test_softmax_shifts_each_row_by_its_own_maximum():
    p = act.softmax(np.array([[0.0, 0.0], [1000.0, 1000.0]]))
    assert p.tolist() == [[0.5, 0.5], [0.5, 0.5]]
