"""Training outcomes, determinism, and what fit records."""

import numpy as np
import pytest

from nnscratch import SGD, Adam, Momentum, experiments, mlp, stack
from nnscratch.datasets import digits, spiral, xor
from nnscratch.layers import Dense, Dropout
from nnscratch.network import Sequential
from nnscratch.training import EarlyStopping, accuracy, batches

BOOK_XOR_SEED = 0  # the seed chapter 9 trains with


def test_xor_2_4_1_converges_for_the_books_seed():
    X, y = xor()
    net = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=BOOK_XOR_SEED)
    history = net.fit(X, y, "mse", SGD(lr=2.0), epochs=10_000)
    assert history.loss[-1] < 1e-3
    assert history.loss[-1] < history.loss[0] / 100
    assert net.predict(X).round().tolist() == y.tolist()


def test_two_class_spiral_reaches_95_percent_with_relu():
    X, labels = spiral(100, 2, noise=0.2, seed=0)
    y = labels.reshape(-1, 1).astype(float)
    net = mlp([2, 32, 32, 1], "relu", "sigmoid", seed=0)
    net.fit(X, y, "bce", Adam(0.01), epochs=1000)
    assert accuracy(net.predict(X), y) >= 0.95


def test_digits_reach_97_percent_test_accuracy():
    X_train, X_test, y_train, y_test = digits(seed=0)
    net = mlp([64, 100, 50, 10], "relu", "softmax", seed=0)
    net.fit(X_train, y_train, "cross_entropy", Adam(1e-3), epochs=44, batch_size=32, seed=0)
    assert accuracy(net.predict(X_test), y_test) >= 0.97


def train_small(seed, **kwargs):
    X, y = spiral(30, 2, seed=1)
    net = mlp([2, 8, 1], "tanh", "sigmoid", seed=seed)
    net.fit(X, y.reshape(-1, 1), "bce", Momentum(0.1), epochs=30, batch_size=8, seed=seed)
    return net.get_weights()


def test_same_seed_gives_bit_identical_weights_and_different_seeds_differ():
    a, b, c = train_small(3), train_small(3), train_small(4)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not all(np.array_equal(p, q) for p, q in zip(a, c, strict=True))


def test_stacked_training_equals_training_each_seed_alone():
    X, labels = spiral(20, 2, seed=2)
    y = labels.reshape(-1, 1).astype(float)
    seeds = [5, 6, 7]

    def build(s):
        return mlp([2, 5, 1], "sigmoid", "sigmoid", seed=s)

    together = stack(build(s) for s in seeds)
    h_all = together.fit(X, y, "mse", Adam(0.05), epochs=40, batch_size=7, seed=seeds)
    for j, s in enumerate(seeds):
        alone = build(s)
        h = alone.fit(X, y, "mse", Adam(0.05), epochs=40, batch_size=7, seed=s)
        np.testing.assert_allclose(h_all.loss[:, j], h.loss, rtol=1e-12, atol=0)
        for a, b in zip(together.model(j).get_weights(), alone.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_experiments_run_summarises_over_seeds():
    X, y = xor()
    result = experiments.run(
        lambda s: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=s),
        X,
        y,
        seeds=range(20),
        optimizer=SGD(lr=2.0),
        epochs=3000,
    )
    assert result.loss.shape == (3000, 20)
    manual = [bool((result.predictions[j].round() == y).all()) for j in range(20)]
    assert result.success.tolist() == manual
    summary = result.summary()
    assert summary["seeds"] == 20 and summary["success_rate"] == np.mean(manual)
    assert summary["final_loss_q10"] <= summary["final_loss_median"] <= summary["final_loss_q90"]


def test_no_hidden_layer_never_learns_xor_over_many_seeds():
    X, y = xor()
    result = experiments.run(
        lambda s: mlp([2, 1], output="sigmoid", seed=s),
        X,
        y,
        seeds=range(50),
        optimizer=SGD(lr=1.0),
        epochs=2000,
    )
    assert result.success_rate == 0
    assert np.allclose(result.predictions, 0.5, atol=0.02)  # stuck at 0.5


def test_divergence_stops_training_with_a_warning():
    X = np.linspace(0, 10, 20).reshape(-1, 1)
    net = mlp([1, 1], seed=0)
    with pytest.warns(RuntimeWarning, match="non-finite|became"):
        history = net.fit(X, 3 * X, "mse", SGD(lr=10.0), epochs=500)
    assert history.diverged is True
    assert len(history.loss) < 500 and not np.isfinite(history.loss[-1])


def test_stacked_divergence_is_flagged_per_model():
    X = np.linspace(0, 10, 20).reshape(-1, 1)
    nets = stack([mlp([1, 1], seed=0), mlp([1, 1], seed=1)])
    with pytest.warns(RuntimeWarning, match="2 of 2 models diverged"):
        history = nets.fit(X, 3 * X, "mse", SGD(lr=10.0), epochs=300)
    assert history.diverged.tolist() == [True, True]


def test_early_stopping_restores_the_best_weights():
    r = np.random.default_rng(0)
    X, X_val = r.normal(size=(20, 5)), r.normal(size=(20, 5))
    y, y_val = r.normal(size=(20, 1)), r.normal(size=(20, 1))  # pure noise: it must overfit
    net = mlp([5, 64, 1], "tanh", seed=0)
    history = net.fit(
        X,
        y,
        "mse",
        Adam(0.01),
        epochs=2000,
        validation_data=(X_val, y_val),
        early_stopping=EarlyStopping(patience=20),
    )
    assert history.stopped_epoch < 2000
    assert history.stopped_epoch == history.best_epoch + 21
    restored = ((net.predict(X_val) - y_val) ** 2).mean()
    assert restored == pytest.approx(history.val_loss.min(), rel=1e-12)


def test_weight_decay_shrinks_weights():
    X, labels = spiral(30, 2, seed=0)
    y = labels.reshape(-1, 1).astype(float)
    norms = []
    for wd in (0.0, 0.05):
        net = mlp([2, 16, 1], "tanh", "sigmoid", seed=0)
        net.fit(X, y, "bce", SGD(0.5), epochs=300, weight_decay=wd)
        norms.append(sum(float((layer.W**2).sum()) for layer in net.layers))
    assert norms[1] < 0.5 * norms[0]


def test_dropout_only_in_training_mode():
    net = Sequential([Dense(3, 50, "relu", seed=0), Dropout(0.5, seed=0), Dense(50, 1, seed=1)])
    X = np.ones((4, 3))
    assert np.array_equal(net.predict(X), net.predict(X))
    assert not np.array_equal(net.forward(X, training=True), net.forward(X, training=True))
    drop = Dropout(0.3, seed=0)
    out = drop.forward(np.ones((400, 50)), training=True)
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.01)  # the rate
    assert out.mean() == pytest.approx(1.0, abs=0.02)  # inverted scaling keeps the mean


def test_history_records_validation_and_accuracy():
    X, labels = spiral(20, 3, seed=0)
    net = mlp([2, 10, 3], "relu", "softmax", seed=0)
    h = net.fit(
        X,
        labels,
        "cross_entropy",
        Adam(0.01),
        epochs=7,
        batch_size=16,
        validation_data=(X, labels),
        metrics=["accuracy"],
        seed=0,
    )
    assert h.loss.shape == h.val_loss.shape == (7,)
    assert set(h.metrics) == {"accuracy", "val_accuracy"}
    assert h.metrics["val_accuracy"][-1] == accuracy(net.predict(X), labels)


def test_verbose_shows_progress_on_stderr(capsys):
    X, y = xor()
    mlp([2, 2, 1], seed=0).fit(X, y, "mse", SGD(0.1), epochs=50, verbose=True)
    err = capsys.readouterr().err
    assert "epoch 50/50" in err and "loss" in err


def test_batches_cover_every_sample_once():
    parts = batches(10, 3, np.random.default_rng(0))
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert sorted(np.concatenate(parts).tolist()) == list(range(10))


def test_float32_is_selectable_end_to_end():
    X, y = xor()
    net = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0, dtype=np.float32)
    net.fit(X, y, "mse", SGD(2.0), epochs=10)
    assert net.predict(X).dtype == np.float32 and net.theta.dtype == np.float32


def test_networks_with_dropout_stack_and_unstack():
    def build(seed):
        return Sequential([Dense(2, 8, "relu", seed=seed), Dropout(0.25, seed=seed),
                           Dense(8, 1, "sigmoid", seed=seed + 100)])  # fmt: skip

    together = stack(build(s) for s in (1, 2, 3))
    X = np.random.default_rng(0).normal(size=(5, 2))
    assert together.forward(X, training=True).shape == (3, 5, 1)
    one = together.model(1)
    assert [type(layer).__name__ for layer in one.layers] == ["Dense", "Dropout", "Dense"]
    np.testing.assert_array_equal(one.predict(X), build(2).predict(X))  # eval mode: no dropout
