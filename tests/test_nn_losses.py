"""Losses computed by hand, their targets, and their names."""

import numpy as np
import pytest

from nnscratch import losses
from nnscratch.losses import MAE, MSE, BinaryCrossEntropy, CategoricalCrossEntropy

P = np.array([[0.5, 2.0], [1.0, -1.0]])
T = np.array([[0.0, 2.0], [3.0, 1.0]])


def test_mse_and_mae_by_hand():
    assert MSE()(P, T) == (0.25 + 0 + 4 + 4) / 4
    assert MSE().gradient(P, T).tolist() == [[0.25, 0.0], [-1.0, -1.0]]  # 2 (p - y) / 4
    assert MAE()(P, T) == (0.5 + 0 + 2 + 2) / 4
    assert MAE().gradient(P, T).tolist() == [[0.25, 0.0], [-0.25, -0.25]]  # sign / 4
    assert isinstance(MSE()(P, T), float) and isinstance(MAE()(P, T), float)


def test_cross_entropies_by_hand():
    p, y = np.array([[0.8, 0.25]]), np.array([[1.0, 0.0]])
    bce = BinaryCrossEntropy()
    assert bce(p, y) == pytest.approx(-(np.log(0.8) + np.log(0.75)) / 2, rel=1e-15)
    np.testing.assert_allclose(bce.gradient(p, y), [[-1 / 0.8 / 2, 1 / 0.75 / 2]], rtol=1e-14)
    q = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    cce = CategoricalCrossEntropy()
    assert cce(q, np.array([0, 1, 2])) == pytest.approx(-np.log([0.7, 0.8, 0.4]).sum() / 3)
    grad = cce.gradient(q, np.array([0, 1, 2]))
    np.testing.assert_allclose(grad, -np.eye(3) / np.diag(q)[:, None] / 3, rtol=1e-15)
    assert cce(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])) == pytest.approx(-np.log(1e-12))
    assert bce(np.array([[1.0]]), np.array([[0.0]])) == pytest.approx(-np.log(1e-12), rel=1e-4)
    assert np.isfinite(bce.gradient(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))).all()


def test_targets_become_what_each_loss_expects():
    assert MSE().targets([[1], [2]], 1).tolist() == [[1.0], [2.0]]
    message = r"y must have 2 columns, one per network output, got shape \(2, 1\)"
    with pytest.raises(ValueError, match=message):
        MSE().targets([[1], [2]], 2)
    with pytest.raises(ValueError, match="y_val must be 2-D"):
        BinaryCrossEntropy().targets([1.0, 0.0], 1, "y_val")
    assert CategoricalCrossEntropy().targets(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert CategoricalCrossEntropy().targets(np.eye(2), 2).tolist() == np.eye(2).tolist()
    with pytest.raises(ValueError, match=r"^y must have 3 columns"):
        CategoricalCrossEntropy().targets(np.eye(2), 3)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\]"):
        CategoricalCrossEntropy().targets(np.array([0, 2]), 2)


def test_names_and_lookup():
    names = [
        "mse",
        "mean_squared_error",
        "mae",
        "mean_absolute_error",
        "bce",
        "binary_cross_entropy",
        "cce",
        "cross_entropy",
        "categorical_cross_entropy",
    ]
    assert [repr(losses.get(n)) for n in names] == [
        "MSE()", "MSE()", "MAE()", "MAE()", "BinaryCrossEntropy()", "BinaryCrossEntropy()",
        "CategoricalCrossEntropy()", "CategoricalCrossEntropy()", "CategoricalCrossEntropy()",
    ]  # fmt: skip
    mse = MSE()
    assert losses.get(mse) is mse and losses.get("MSE") is not mse
    assert [MSE.name, MAE.name, BinaryCrossEntropy.name, CategoricalCrossEntropy.name] == [
        "mse",
        "mae",
        "binary_cross_entropy",
        "categorical_cross_entropy",
    ]
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        losses.get("hinge")
