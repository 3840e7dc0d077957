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
