"""Stacked networks: m models side by side, each as it would train alone."""

import os

import numpy as np
import pytest

from nnscratch import SGD, Adam, Momentum, losses, mlp
from nnscratch.datasets import one_hot, spiral, xor
from nnscratch.layers import Dense, Dropout
from nnscratch.network import Sequential
from nnscratch.stacked import (
    Stack,
    StackedDense,
    accuracy_per_model,
    batches,
    fit,
    gradient_per_model,
    loss_per_model,
    stack,
)
from nnscratch.training import accuracy

X, Y = xor()
LOSSES = ["mse", "mae", "bce", "cce"]


def outputs(name, r, m=3, n=5, k=2):
    if name in ("bce", "cce"):
        p = r.uniform(0.05, 0.95, (m, n, k))
        return p / p.sum(axis=-1, keepdims=True) if name == "cce" else p
    return r.normal(size=(m, n, k))


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("shared", [True, False])
def test_per_model_losses_equal_the_loss_of_each_model_alone(name, shared):
    r = np.random.default_rng(3)
    loss = losses.get(name)
    p = outputs(name, r)
    y = np.eye(2)[r.integers(0, 2, 5)] if shared else np.eye(2)[r.integers(0, 2, (3, 5))]
    values, grads = loss_per_model(loss, p, y), gradient_per_model(loss, p, y)
    assert values.shape == (3,) and grads.shape == p.shape
    for j in range(3):
        y_j = y if shared else y[j]
        assert values[j] == pytest.approx(loss(p[j], y_j), rel=1e-14)
        np.testing.assert_allclose(grads[j], loss.gradient(p[j], y_j), rtol=1e-14)


def test_any_other_loss_is_taken_one_model_at_a_time():
    class Cubic(losses.Loss):
        def __call__(self, y_pred, y_true):
            return float(((y_pred - y_true) ** 3).mean())

        def gradient(self, y_pred, y_true):
            return 3 * (y_pred - y_true) ** 2 / y_pred.size

    p, y = np.arange(12.0).reshape(2, 3, 2), np.ones((3, 2))
    assert loss_per_model(Cubic(), p, y).tolist() == [Cubic()(p[0], y), Cubic()(p[1], y)]
    assert np.array_equal(gradient_per_model(Cubic(), p, y)[1], Cubic().gradient(p[1], y))


class Halved(losses.MSE):
    """A subclass of a known loss, with its own value: computed one model at a time."""

    def __call__(self, y_pred, y_true):
        return super().__call__(y_pred, y_true) / 2


def test_a_subclass_of_a_known_loss_is_not_taken_for_it():
    p, y = np.arange(12.0).reshape(2, 3, 2), np.ones((3, 2))
    assert loss_per_model(Halved(), p, y).tolist() == [Halved()(p[0], y), Halved()(p[1], y)]


def test_per_model_losses_check_and_clip_as_the_losses_do():
    bce, cce = losses.BinaryCrossEntropy(), losses.CategoricalCrossEntropy()
    with pytest.raises(ValueError, match=r"y_pred must be probabilities in \[0, 1\]"):
        loss_per_model(bce, np.full((2, 1, 1), 1.5), np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"y_true must be \(n, k\) or \(m, n, k\)"):
        loss_per_model(losses.MSE(), np.ones((2, 3, 1)), np.ones((4, 1)))
    with pytest.raises(ValueError, match=r"y_true must be"):
        gradient_per_model(losses.MSE(), np.ones((3, 1)), np.ones((3, 1)))
    sure = np.array([[[0.0], [1.0]]])  # certain, and right
    assert loss_per_model(bce, sure, np.array([[0.0], [1.0]]))[0] == pytest.approx(1e-12)
    assert np.isfinite(gradient_per_model(bce, sure, np.array([[1.0], [0.0]]))).all()
    assert loss_per_model(cce, np.array([[[0.0, 1.0]]]), np.array([[1.0, 0.0]]))[0] == (
        pytest.approx(-np.log(1e-12))
    )


def test_stacked_training_equals_training_each_seed_alone():
    X_s, labels = spiral(20, 2, seed=2)
    y = labels.reshape(-1, 1).astype(float)
    seeds = [5, 6, 7]

    def build(s):
        return mlp([2, 5, 1], "sigmoid", "sigmoid", seed=s)

    together = stack(build(s) for s in seeds)
    h_all = together.fit(X_s, y, "mse", Adam(0.05), epochs=40, batch_size=7, seeds=seeds,
                         weight_decay=0.01, validation_data=(X_s[:9], y[:9]))  # fmt: skip
    assert h_all.loss.shape == h_all.val_loss.shape == (40, 3)
    for j, s in enumerate(seeds):
        alone = build(s)
        h = alone.fit(X_s, y, "mse", Adam(0.05), epochs=40, batch_size=7, seed=s,
                      weight_decay=0.01, validation_data=(X_s[:9], y[:9]))  # fmt: skip
        np.testing.assert_allclose(h_all.loss[:, j], h.loss, rtol=1e-12, atol=0)
        np.testing.assert_allclose(h_all.val_loss[:, j], h.val_loss, rtol=1e-12, atol=0)
        for a, b in zip(together.model(j).get_weights(), alone.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_unshuffled_mini_batches_and_integer_labels():
    X_s, labels = spiral(10, 3, seed=0)
    together = stack(mlp([2, 6, 3], "relu", "softmax", seed=s) for s in (0, 1))
    h = fit(together, X_s, labels, "cce", SGD(0.3), 5, 4, shuffle=False)
    for j, s in enumerate((0, 1)):
        alone, opt = mlp([2, 6, 3], "relu", "softmax", seed=s), SGD(0.3)
        cce, Y_s = losses.get("cce"), one_hot(labels)
        for _ in range(5):
            for idx in batches(len(X_s), 4):  # 0..3, 4..7, ...: the same for every model
                alone.backward(cce.gradient(alone.forward(X_s[idx], training=True), Y_s[idx]))
                opt.step(alone.parameters())
        np.testing.assert_allclose(together.model(j).theta, alone.theta, rtol=1e-12, atol=1e-15)
    assert h.loss.shape == (5, 2)


def test_one_optimizer_per_model_gives_a_learning_rate_each():
    lrs = [0.5, 2.0, 8.0]
    together = stack(mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0) for _ in lrs)
    h = fit(together, X, Y, "mse", [SGD(lr) for lr in lrs], epochs=50)
    for j, lr in enumerate(lrs):
        alone = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0)
        h_j = alone.fit(X, Y, "mse", SGD(lr), epochs=50)
        np.testing.assert_allclose(h.loss[:, j], h_j.loss, rtol=1e-12)
        np.testing.assert_allclose(together.model(j).theta, alone.theta, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match=r"one per model \(3\), got a list of 2"):
        fit(together, X, Y, "mse", [SGD(1.0), SGD(2.0)], epochs=1)
    with pytest.raises(TypeError, match="optimizer must be an optimizer"):
        fit(together, X, Y, "mse", "sgd", epochs=1)


def test_momentum_state_is_kept_for_each_model():
    together = stack(mlp([2, 3, 1], "tanh", seed=s) for s in (0, 1))
    opts = [Momentum(0.1), Momentum(0.1)]
    fit(together, X, Y, "mse", opts, epochs=3)
    fit(together, X, Y, "mse", opts, epochs=3)  # carries on with each model's velocity
    alone = mlp([2, 3, 1], "tanh", seed=1)
    opt = Momentum(0.1)
    alone.fit(X, Y, "mse", opt, epochs=3)
    alone.fit(X, Y, "mse", opt, epochs=3)
    np.testing.assert_allclose(together.model(1).theta, alone.theta, rtol=1e-12)


def test_divergence_is_flagged_per_model_and_the_others_carry_on():
    X_l = np.linspace(0, 1, 20).reshape(-1, 1)
    together = stack(mlp([1, 1], seed=s) for s in (0, 1))
    with pytest.warns(RuntimeWarning, match="1 of 2 models diverged"):
        h = fit(together, X_l, 3 * X_l, "mse", [SGD(300.0), SGD(0.5)], epochs=300)
    assert h.diverged.tolist() == [True, False]
    assert not np.isfinite(h.loss[-1, 0]) and h.loss[-1, 1] < 0.01
    assert np.isfinite(h.loss[:3, 0]).all()  # it went wrong only later
    with pytest.warns(RuntimeWarning, match="2 of 2 models diverged"):
        fit(stack(mlp([1, 1], seed=s) for s in (0, 1)), X_l, 3 * X_l, "mse", SGD(300.0), epochs=300)


def test_accuracy_per_model_records_and_matches_accuracy():
    X_s, labels = spiral(15, 2, seed=3)
    together = stack(mlp([2, 8, 2], "relu", "softmax", seed=s) for s in range(3))
    h = together.fit(X_s, labels, "cce", Adam(0.02), epochs=4, metrics=["accuracy"],
                     validation_data=(X_s, labels))  # fmt: skip
    assert set(h.metrics) == {"accuracy", "val_accuracy"} and h.metrics["accuracy"].shape == (4, 3)
    final = accuracy_per_model(together.predict(X_s), labels)
    assert final.tolist() == [accuracy(together.model(j).predict(X_s), labels) for j in range(3)]
    assert h.metrics["val_accuracy"][-1].tolist() == final.tolist()
    assert fit(together, X_s, labels, "cce", SGD(0.1), 1, metrics=["accuracy"]).metrics.keys() == {
        "accuracy"
    }
    assert fit(together, X_s, labels, "cce", SGD(0.1), 1).metrics == {}
    with pytest.raises(ValueError, match=r"metrics can only be \['accuracy'\], got \['f1'\]"):
        fit(together, X_s, labels, "cce", SGD(0.1), 1, metrics=["f1"])
    one = np.array([[[0.9], [0.2]], [[0.1], [0.4]]])
    assert accuracy_per_model(one, np.array([[1.0], [0.0]])).tolist() == [1.0, 0.5]
    assert accuracy_per_model(one, np.array([1.0, 0.0])).tolist() == [1.0, 0.5]


def test_stacked_fit_checks_its_arguments():
    together = stack(mlp([2, 3, 1], seed=s) for s in (0, 1))
    for kwargs, error, words in [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"weight_decay": -1.0}, ValueError, "weight_decay must be >= 0, got -1.0"),
        ({"seeds": [1, 2, 3]}, ValueError, r"one seed per model \(2\), got 3"),
        ({"validation_data": (X, Y[:3])}, ValueError, "X_val and y_val must have the same length"),
    ]:
        with pytest.raises(error, match=words):
            fit(together, X, Y, "mse", SGD(0.1), **({"epochs": 1} | kwargs))
    with pytest.raises(ValueError, match="y must have 1 columns"):
        fit(together, X, np.ones((4, 2)), "mse", SGD(0.1), epochs=1)


def test_stacked_weight_decay_leaves_the_biases_alone():
    plain, decayed = (stack(mlp([2, 3, 1], "tanh", seed=s) for s in (0, 1)) for _ in range(2))
    start = stack(mlp([2, 3, 1], "tanh", seed=s) for s in (0, 1))
    fit(plain, X, Y, "mse", SGD(0.5), 1)
    fit(decayed, X, Y, "mse", SGD(0.5), 1, weight_decay=0.1)
    for s, p, d in zip(start.layers, plain.layers, decayed.layers, strict=True):
        np.testing.assert_allclose(d.W - p.W, -0.05 * s.W, rtol=1e-9, atol=1e-15)
        assert np.array_equal(d.b, p.b)


def test_stack_and_model_round_trip_with_dropout():
    def build(seed):
        return Sequential([Dense(2, 8, "relu", seed=seed), Dropout(0.25, seed=seed),
                           Dense(8, 1, "sigmoid", seed=seed + 100)])  # fmt: skip

    together = stack(build(s) for s in (1, 2, 3))
    assert isinstance(together, Stack) and together.n_models == 3 and together.n_params == 33
    assert together.theta.shape == (99,)
    assert [repr(layer) for layer in together.layers] == [
        "StackedDense(3 models, 2, 8, 'relu')", "Dropout(0.25)",
        "StackedDense(3 models, 8, 1, 'sigmoid')",
    ]  # fmt: skip
    r = np.random.default_rng(0).normal(size=(5, 2))
    assert together.forward(r, training=True).shape == (3, 5, 1)
    one = together.model(1)
    assert [type(layer).__name__ for layer in one.layers] == ["Dense", "Dropout", "Dense"]
    assert one.layers[1].rng is together.layers[1].rng
    np.testing.assert_array_equal(one.predict(r), build(2).predict(r))  # eval mode: no dropout
    np.testing.assert_array_equal(together.predict(r)[2], build(3).predict(r))
    pairs = together.model_parameters(2)
    assert [p.shape for p, _ in pairs] == [(2, 8), (1, 8), (8, 1), (1, 1)]
    pairs[0][0][0, 0] = 9.0  # views: model 2's first weight
    assert together.layers[0].W[2, 0, 0] == 9.0


def test_stack_refuses_what_it_cannot_stack():
    with pytest.raises(ValueError, match="empty"):
        stack([])
    with pytest.raises(ValueError, match="same layers and sizes"):
        stack([mlp([2, 3, 1], seed=0), mlp([2, 4, 1], seed=0)])
    with pytest.raises(ValueError, match="at least one Dense"):
        stack([Sequential([Dropout(0.1)])])

    class Twice:  # keeps the Layer contract, but stack() does not know how to stack it
        n_params = 0
        forward = backward = lambda self, X, *args, **kwargs: 2 * X
        parameters = lambda self: []  # noqa: E731
        bind = lambda self, theta, grad: None  # noqa: E731

    with pytest.raises(TypeError, match="takes Dense and Dropout layers, got Twice"):
        stack([Sequential([Dense(2, 2, seed=0), Twice()])])


def test_stacked_dense_checks_shapes_and_computes_each_model():
    W = np.arange(24.0).reshape(2, 3, 4) / 10
    b = np.ones((2, 1, 4))
    layer = StackedDense(W, b, "relu")
    Xs = np.random.default_rng(0).normal(size=(5, 3))
    out = layer.forward(Xs)
    for j in range(2):
        np.testing.assert_array_equal(out[j], Dense.from_weights(W[j], b[j, 0], "relu").forward(Xs))
    grad = np.random.default_rng(1).normal(size=out.shape)
    dX = layer.backward(grad)
    for j in range(2):
        alone = Dense.from_weights(W[j], b[j, 0], "relu")
        alone.forward(Xs)
        np.testing.assert_allclose(dX[j], alone.backward(grad[j]), rtol=1e-14)
        np.testing.assert_allclose(layer.dW[j], alone.dW, rtol=1e-14)
        np.testing.assert_allclose(layer.db[j, 0], alone.db, rtol=1e-14)
    assert layer.backward(grad, input_grad=False) is None
    assert layer.n_params == 16 and layer.model(1).W.tolist() == W[1].tolist()
    with pytest.raises(ValueError, match=r"b must have shape \(2, 1, 4\)"):
        StackedDense(W, np.ones((2, 4)).reshape(2, 4, 1)[:, :1, :1])
    with pytest.raises(ValueError, match=r"X must have 3 columns for StackedDense\(2 models, 3, 4"):
        layer.forward(np.ones((5, 2)))
    with pytest.raises(ValueError, match="X must have 3 columns"):
        layer.forward(np.ones(3))


def test_stacked_batches_shuffle_each_model_its_own_way():
    parts = batches(7, 3, [np.random.default_rng(s) for s in (0, 1)])
    assert [p.shape for p in parts] == [(2, 3), (2, 3), (2, 1)]
    order = np.concatenate(parts, axis=1)
    assert order[0].tolist() == np.random.default_rng(0).permutation(7).tolist()
    assert order[1].tolist() == np.random.default_rng(1).permutation(7).tolist()
    assert [p.tolist() for p in batches(5, 2)] == [[0, 1], [2, 3], [4]]


def test_the_generic_path_takes_each_models_own_targets():
    class Cubic(losses.Loss):
        def __call__(self, y_pred, y_true):
            return float(((y_pred - y_true) ** 3).mean())

        def gradient(self, y_pred, y_true):
            return 3 * (y_pred - y_true) ** 2 / y_pred.size

    p, y = np.arange(12.0).reshape(2, 3, 2), np.arange(12.0).reshape(2, 3, 2)[::-1]
    assert loss_per_model(Cubic(), p, y).tolist() == [Cubic()(p[0], y[0]), Cubic()(p[1], y[1])]
    assert np.array_equal(gradient_per_model(Cubic(), p, y)[0], Cubic().gradient(p[0], y[0]))


def test_accuracy_per_model_for_every_kind_of_target():
    one = np.array([[[0.5], [0.2]], [[0.49], [0.7]]])  # (2 models, 2 samples, 1 output)
    assert accuracy_per_model(one, np.array([[1.0], [0.0]])).tolist() == [1.0, 0.0]
    targets = np.array([[[1.0], [0.0]], [[0.0], [0.5]]])  # one column per model
    assert accuracy_per_model(one, targets).tolist() == [1.0, 1.0]
    classes = np.array([[[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], [[0.3, 0.7], [0.6, 0.4], [0.1, 0.9]]])
    per_model = np.eye(2)[[[0, 1, 0], [0, 0, 1]]]  # (2 models, 3 samples, 2 classes)
    assert accuracy_per_model(classes, per_model).tolist() == [1.0, 2 / 3]
    assert accuracy_per_model(classes, np.array([0, 1, 1])).tolist() == [2 / 3, 1 / 3]


def test_training_accuracy_is_measured_before_each_full_batch_step():
    X_s, labels = spiral(15, 2, seed=3)
    together = stack(mlp([2, 8, 2], "relu", "softmax", seed=s) for s in range(3))
    h = fit(together, X_s, labels, "cce", SGD(0.5), 6, metrics=["accuracy"],
            validation_data=(X_s, labels))  # fmt: skip
    before = stack(mlp([2, 8, 2], "relu", "softmax", seed=s) for s in range(3))
    assert np.array_equal(h.metrics["accuracy"][0], accuracy_per_model(before.predict(X_s), labels))
    assert np.array_equal(h.metrics["accuracy"][1:], h.metrics["val_accuracy"][:-1])


def test_stacked_fit_trains_with_dropout_on_and_shares_the_first_generator():
    def build(seed, rate):
        return Sequential([Dense(2, 16, "relu", seed=seed), Dropout(rate, seed=9),
                           Dense(16, 1, seed=seed + 1)])  # fmt: skip

    nets = [build(s, 0.5) for s in (0, 1)]
    with_dropout, without = stack(nets), stack(build(s, 0.0) for s in (0, 1))
    assert with_dropout.layers[1].rng is nets[0].layers[1].rng
    fit(with_dropout, X, Y, "mse", SGD(0.1), 3)
    fit(without, X, Y, "mse", SGD(0.1), 3)
    assert not np.array_equal(with_dropout.theta, without.theta)


def test_stacked_divergence_warns_once_where_fit_was_called():
    X_l = np.linspace(0, 10, 20).reshape(-1, 1)
    together = stack(mlp([1, 1], seed=s) for s in (0, 1))
    with pytest.warns(RuntimeWarning) as record:
        together.fit(X_l, 3 * X_l, "mse", SGD(10.0), epochs=300)
    assert len(record) == 1
    if "MUTANT_UNDER_TEST" not in os.environ:  # mutmut's trampolines add frames
        assert record[0].filename == __file__
    assert str(record[0].message) == "2 of 2 models diverged (non-finite loss)"


def test_float32_stacks_stay_float32_and_fit_runs_100_epochs_by_default():
    together = stack(mlp([2, 3, 1], seed=s, dtype=np.float32) for s in (0, 1))
    layer = together.layers[0]
    assert layer.W.dtype == layer.b.dtype == together.theta.dtype == np.float32
    alone = StackedDense(np.ones((2, 2, 3), dtype=np.float32), np.zeros((2, 1, 3)))
    assert alone.b.dtype == alone.db.dtype == np.float32
    assert alone.forward(np.ones((4, 2))).dtype == np.float32
    assert together.fit(X, Y, "mse", SGD(0.1)).loss.shape == (100, 2)
    assert fit(together, X, Y, "mse", SGD(0.1)).loss.shape == (100, 2)


def test_a_saturated_float32_model_is_flagged_without_numpy_warnings():
    W = np.full((1, 1), 100.0, dtype=np.float32)  # sigmoid(100) is exactly 1 in float32
    sure = Sequential([Dense.from_weights(W, np.zeros(1, dtype=np.float32), "sigmoid")])
    with pytest.warns(RuntimeWarning) as record:  # log(1 - 1) on the way is not reported
        h = fit(stack([sure]), np.ones((1, 1)), np.zeros((1, 1)), "bce", SGD(0.01), epochs=1)
    assert len(record) == 1 and h.diverged.tolist() == [True]
