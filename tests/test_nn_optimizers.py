"""Optimizer updates recomputed from their formulas."""

import numpy as np
import pytest

from nnscratch.optimizers import SGD, Adam, Momentum


def grads(steps=4):
    return [np.array([0.5, -2.0, 3.0]) * (k + 1) for k in range(steps)]


def test_sgd_one_update_by_hand():
    w = np.array([0.8])
    SGD(lr=0.1).step([(w, np.array([0.2]))])
    assert w[0] == pytest.approx(0.78, abs=1e-15)


def test_momentum_matches_its_formula():
    w, opt = np.array([1.0, 1.0, 1.0]), Momentum(lr=0.1, beta=0.8)
    expected, v = w.copy(), np.zeros(3)
    for g in grads():
        opt.step([(w, g.copy())])
        v = 0.8 * v + g
        expected = expected - 0.1 * v
        np.testing.assert_allclose(w, expected, rtol=1e-14)


def test_adam_matches_its_formula_with_bias_correction():
    w, opt = np.array([1.0, 1.0, 1.0]), Adam(lr=0.01, beta1=0.8, beta2=0.95, eps=1e-6)
    expected, m, v = w.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads(), start=1):
        opt.step([(w, g.copy())])
        m = 0.8 * m + 0.2 * g
        v = 0.95 * v + 0.05 * g**2
        m_hat, v_hat = m / (1 - 0.8**t), v / (1 - 0.95**t)
        expected = expected - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-6)
        np.testing.assert_allclose(w, expected, rtol=1e-12)


def test_first_adam_step_has_size_lr():
    w = np.array([0.0, 0.0])
    Adam(lr=0.05).step([(w, np.array([1e-3, -1e3]))])
    np.testing.assert_allclose(w, [-0.05, 0.05], rtol=1e-4)


def test_state_is_per_parameter_and_order_is_checked():
    a, b = np.zeros(2), np.zeros(3)
    opt = Momentum(lr=0.1)
    opt.step([(a, np.ones(2)), (b, np.ones(3))])
    with pytest.raises(ValueError, match="same 2 pairs"):
        opt.step([(a, np.ones(2))])


def test_defaults_and_reprs():
    assert repr(SGD(lr=0.5)) == "SGD(lr=0.5)"
    assert repr(Momentum(0.1)) == "Momentum(lr=0.1, beta=0.9)"
    assert repr(Adam()) == "Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)"
    adam = Adam(0.2, 0.5, 0.6, 1e-3)
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.2, 0.5, 0.6, 1e-3)
    with pytest.raises(ValueError, match="eps must be a finite number > 0, got 0"):
        Adam(eps=0)
    with pytest.raises(ValueError, match=r"beta1 must be in \[0, 1\)"):
        Adam(beta1=1.0)


def test_each_pair_keeps_its_own_state_and_steps_are_counted():
    a, b = np.zeros(2), np.zeros(3)
    opt = Adam(lr=0.1)
    assert opt.t == 0 and opt.state == []
    for k in range(3):
        opt.step([(a, np.array([1.0, -1.0])), (b, np.full(3, 100.0 * (k + 1)))])
    assert opt.t == 3 and len(opt.state) == 2
    alone_a, alone_b = np.zeros(2), np.zeros(3)
    opt_a, opt_b = Adam(lr=0.1), Adam(lr=0.1)
    for k in range(3):
        opt_a.step([(alone_a, np.array([1.0, -1.0]))])
        opt_b.step([(alone_b, np.full(3, 100.0 * (k + 1)))])
    assert np.array_equal(a, alone_a) and np.array_equal(b, alone_b)
    momentum = Momentum(lr=1.0, beta=0.5)
    x, y = np.zeros(1), np.zeros(1)
    momentum.step([(x, np.ones(1)), (y, -np.ones(1))])
    momentum.step([(x, np.ones(1)), (y, -np.ones(1))])
    assert x.tolist() == [-2.5] and y.tolist() == [2.5]  # steps of 1, then 1.5
    with pytest.raises(ValueError, match="same 2 pairs at every step, got 1"):
        momentum.step([(x, np.ones(1))])


def test_sgd_updates_every_pair_and_leaves_the_gradients_alone():
    w, b, g = np.array([1.0, 2.0]), np.array([3.0]), np.array([0.5, -0.5])
    SGD(lr=2.0).step([(w, g), (b, np.array([1.0]))])
    assert w.tolist() == [0.0, 3.0] and b.tolist() == [1.0] and g.tolist() == [0.5, -0.5]


def test_adam_with_zero_momentum_divides_by_the_gradient_size():
    w = np.zeros(3)
    Adam(lr=1.0, beta1=0.0, beta2=0.0, eps=1e-12).step([(w, np.array([2.0, -0.5, 8.0]))])
    np.testing.assert_allclose(w, [-1.0, 1.0, -1.0], rtol=1e-9)  # m/sqrt(v) = sign(g)
