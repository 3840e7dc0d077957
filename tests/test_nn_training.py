"""fit: outcomes, determinism, what History records, callbacks, weight decay."""

import inspect
import os

import numpy as np
import pytest

from nnscratch import SGD, Adam, Momentum, mlp
from nnscratch.datasets import digits, one_hot, spiral, xor
from nnscratch.layers import Dense, Dropout
from nnscratch.losses import MSE, CategoricalCrossEntropy
from nnscratch.network import Sequential
from nnscratch.training import EarlyStopping, History, Progress, accuracy, batches, fit

BOOK_XOR_SEED = 0  # the seed chapter 9 trains with
X, Y = xor()


class Frozen:
    """An optimizer that never moves anything: the loss of fixed weights."""

    def step(self, parameters):
        pass


def test_xor_2_4_1_converges_for_the_books_seed():
    net = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=BOOK_XOR_SEED)
    history = net.fit(X, Y, "mse", SGD(lr=2.0), epochs=10_000)
    assert history.loss[-1] < 1e-3
    assert history.loss[-1] < history.loss[0] / 100
    assert net.predict(X).round().tolist() == Y.tolist()


def test_two_class_spiral_reaches_95_percent_with_relu():
    X_s, labels = spiral(100, 2, noise=0.2, seed=0)
    y = labels.reshape(-1, 1).astype(float)
    net = mlp([2, 32, 32, 1], "relu", "sigmoid", seed=0)
    net.fit(X_s, y, "bce", Adam(0.01), epochs=1000)
    assert accuracy(net.predict(X_s), y) >= 0.95


def test_digits_reach_97_percent_test_accuracy():
    X_train, X_test, y_train, y_test = digits(seed=0)
    net = mlp([64, 100, 50, 10], "relu", "softmax", seed=0)
    net.fit(X_train, y_train, "cross_entropy", Adam(1e-3), epochs=44, batch_size=32, seed=0)
    assert accuracy(net.predict(X_test), y_test) >= 0.97


def test_fit_is_the_loop_of_chapter_9_bit_for_bit():
    X_s, labels = spiral(20, 3, seed=0)
    a, b = mlp([2, 6, 3], "tanh", "softmax", seed=1), mlp([2, 6, 3], "tanh", "softmax", seed=1)
    history = a.fit(X_s, labels, "cce", Adam(0.05), epochs=6, batch_size=16, seed=4)
    cce, opt, rng = CategoricalCrossEntropy(), Adam(0.05), np.random.default_rng(4)
    Y_s, by_hand = one_hot(labels), []
    for _ in range(6):
        total = 0.0
        for idx in batches(len(X_s), 16, rng):
            out = b.forward(X_s[idx], training=True)
            total += cce(out, Y_s[idx]) * len(idx)
            b.backward(cce.gradient(out, Y_s[idx]))
            opt.step(b.parameters())
        by_hand.append(total / len(X_s))
    assert np.array_equal(a.theta, b.theta)
    assert np.array_equal(history.loss, by_hand)


def test_the_epoch_loss_weights_each_batch_by_its_size():
    r = np.random.default_rng(0)
    X_r, y_r = r.normal(size=(10, 3)), r.normal(size=(10, 1))
    net = mlp([3, 4, 1], "tanh", seed=0)
    history = net.fit(X_r, y_r, "mse", Frozen(), epochs=1, batch_size=4)  # batches 4, 4, 2
    assert history.loss[0] == pytest.approx(MSE()(net.predict(X_r), y_r), rel=1e-12)


def test_same_seed_gives_bit_identical_weights_and_different_seeds_differ():
    def train_small(seed):
        X_s, y = spiral(30, 2, seed=1)
        net = mlp([2, 8, 1], "tanh", "sigmoid", seed=3)
        net.fit(X_s, y.reshape(-1, 1), "bce", Momentum(0.1), epochs=30, batch_size=8, seed=seed)
        return net.theta

    a, b, c = train_small(3), train_small(3), train_small(4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_divergence_stops_training_with_a_warning():
    X_l = np.linspace(0, 10, 20).reshape(-1, 1)
    net = mlp([1, 1], seed=0)
    message = r"loss became (inf|nan) at epoch \d+; training stopped"
    with pytest.warns(RuntimeWarning, match=message):
        history = net.fit(X_l, 3 * X_l, "mse", SGD(lr=10.0), epochs=500)
    assert history.diverged is True
    assert 1 < len(history.loss) < 500 and not np.isfinite(history.loss[-1])
    assert np.isfinite(history.loss[:-1]).all()


def test_history_arrays_validation_and_callbacks():
    X_s, labels = spiral(20, 3, seed=0)
    seen = []

    def record(net, history):  # a callback sees the history as it grows
        seen.append((len(history.loss), len(history.val_loss), history.epochs))
        history.metrics.setdefault("accuracy", []).append(accuracy(net.predict(X_s), labels))

    net = mlp([2, 10, 3], "relu", "softmax", seed=0)
    h = net.fit(X_s, labels, "cross_entropy", Adam(0.01), epochs=7, batch_size=16, seed=0,
                validation_data=(X_s[:30], labels[:30]), callbacks=[record])  # fmt: skip
    assert isinstance(h, History) and h.loss.shape == h.val_loss.shape == (7,)
    assert seen == [(e, e, 7) for e in range(1, 8)] and h.stopped_epoch == 7
    assert h.metrics["accuracy"][-1] == accuracy(net.predict(X_s), labels)
    assert h.val_loss[-1] == CategoricalCrossEntropy()(net.predict(X_s[:30]), labels[:30])
    assert h.diverged is False and h.best_epoch is None
    empty = mlp([2, 3], output="softmax", seed=0).fit(X_s, labels, "cce", SGD(0.1), epochs=2)
    assert empty.val_loss.shape == (0,)


def test_a_callback_that_returns_true_stops_training_but_every_callback_runs():
    calls = []
    stop = lambda net, history: calls.append("stop") or len(history.loss) == 3  # noqa: E731
    count = lambda net, history: calls.append("count")  # noqa: E731
    h = mlp([2, 2, 1], seed=0).fit(X, Y, "mse", SGD(0.1), epochs=50, callbacks=[stop, count])
    assert len(h.loss) == 3 and calls == ["stop", "count"] * 3


def test_early_stopping_restores_the_best_weights():
    r = np.random.default_rng(0)
    X_r, X_v = r.normal(size=(20, 5)), r.normal(size=(20, 5))
    y_r, y_v = r.normal(size=(20, 1)), r.normal(size=(20, 1))  # pure noise: it must overfit
    net = mlp([5, 64, 1], "tanh", seed=0)
    stopper = EarlyStopping(patience=20)
    history = net.fit(X_r, y_r, "mse", Adam(0.01), epochs=2000, validation_data=(X_v, y_v),
                      callbacks=[stopper])  # fmt: skip
    assert history.stopped_epoch < 2000
    assert history.stopped_epoch == history.best_epoch + 21
    assert history.best_epoch == int(np.argmin(history.val_loss))
    restored = MSE()(net.predict(X_v), y_v)
    assert restored == history.val_loss.min()
    # the same callback object in a second run starts afresh
    again = mlp([5, 64, 1], "tanh", seed=0).fit(
        X_r, y_r, "mse", Adam(0.01), epochs=2000, validation_data=(X_v, y_v), callbacks=[stopper]
    )
    assert again.best_epoch == history.best_epoch and again.stopped_epoch == history.stopped_epoch


def test_early_stopping_watches_the_training_loss_without_validation_data():
    losses = []

    def record(net, history):
        losses.append(history.loss[-1])

    net = mlp([2, 3, 1], "sigmoid", "sigmoid", seed=0)
    h = net.fit(X, Y, "mse", SGD(50.0), epochs=40, callbacks=[record, EarlyStopping(patience=3)])
    assert h.best_epoch == int(np.argmin(losses)) and h.stopped_epoch == h.best_epoch + 4


def test_early_stopping_min_delta_needs_a_real_improvement():
    def run(min_delta, restore_best=True):
        net = mlp([2, 3, 1], "sigmoid", "sigmoid", seed=0)
        stopper = EarlyStopping(patience=5, min_delta=min_delta, restore_best=restore_best)
        return net, net.fit(X, Y, "mse", SGD(0.5), epochs=400, callbacks=[stopper])

    _, steady = run(0.0)
    assert steady.stopped_epoch == 400 and steady.best_epoch == 399  # it always improves a bit
    net, strict = run(1e-3)  # tiny improvements do not count
    assert strict.stopped_epoch < 400 and strict.best_epoch == strict.stopped_epoch - 6
    best = strict.loss[strict.best_epoch]
    assert all(best - later <= 1e-3 for later in strict.loss[strict.best_epoch + 1 :])
    assert strict.loss[0] - best > 1e-3
    kept, not_restored = run(1e-3, restore_best=False)
    assert not np.array_equal(kept.theta, net.theta)  # the last weights, not the best


def test_early_stopping_restores_the_best_weights_when_the_epochs_run_out():
    r = np.random.default_rng(1)
    X_r, y_r = r.normal(size=(10, 2)), r.normal(size=(10, 1))
    best = {}

    def remember(net, history):
        if history.loss[-1] == min(history.loss):
            best["theta"] = net.theta.copy()

    net = mlp([2, 8, 1], "tanh", seed=0)
    net.fit(X_r, y_r, "mse", SGD(3.0), epochs=30, callbacks=[remember, EarlyStopping(patience=100)])
    assert np.array_equal(net.theta, best["theta"])


def test_weight_decay_adds_lambda_w_to_the_weight_gradients_only():
    def one_step(weight_decay):
        net = mlp([2, 3, 1], "tanh", seed=0)
        net.fit(X, Y, "mse", SGD(0.5), epochs=1, weight_decay=weight_decay)
        return net

    start, plain, decayed = mlp([2, 3, 1], "tanh", seed=0), one_step(0.0), one_step(0.1)
    for s, p, d in zip(start.layers, plain.layers, decayed.layers, strict=True):
        np.testing.assert_allclose(d.W - p.W, -0.5 * 0.1 * s.W, rtol=1e-9, atol=1e-15)
        assert np.array_equal(d.b, p.b)  # biases are not decayed


def test_weight_decay_shrinks_weights():
    X_s, labels = spiral(30, 2, seed=0)
    y = labels.reshape(-1, 1).astype(float)
    norms = []
    for wd in (0.0, 0.05):
        net = mlp([2, 16, 1], "tanh", "sigmoid", seed=0)
        net.fit(X_s, y, "bce", SGD(0.5), epochs=300, weight_decay=wd)
        norms.append(sum(float((layer.W**2).sum()) for layer in net.layers))
    assert norms[1] < 0.5 * norms[0]


def test_dropout_only_in_training_mode():
    net = Sequential([Dense(3, 50, "relu", seed=0), Dropout(0.5, seed=0), Dense(50, 1, seed=1)])
    X_o = np.ones((4, 3))
    assert np.array_equal(net.predict(X_o), net.predict(X_o))
    assert not np.array_equal(net.forward(X_o, training=True), net.forward(X_o, training=True))
    drop = Dropout(0.3, seed=0)
    out = drop.forward(np.ones((400, 50)), training=True)
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.01)  # the rate
    assert out.mean() == pytest.approx(1.0, abs=0.02)  # inverted scaling keeps the mean
    assert Dropout(0.0, seed=0).forward(np.ones((2, 2)), training=True).tolist() == [[1, 1], [1, 1]]


def test_progress_shows_a_bar_on_stderr(capsys):
    mlp([2, 2, 1], seed=0).fit(X, Y, "mse", SGD(0.1), epochs=250, callbacks=[Progress()])
    err = capsys.readouterr().err
    frames = err.split("\r")[1:]
    assert len(frames) == 125  # every other epoch (250 // 100 = 2), the last one included
    assert frames[-1].startswith("epoch 250/250 [" + "=" * 30 + "] loss ") and err.endswith("\n")
    assert frames[0].startswith("epoch   2/250 [" + " " * 30 + "] loss ")
    assert frames[62].startswith("epoch 126/250 [" + "=" * 15 + " " * 15 + "]")
    assert repr(Progress()) == "Progress()"


def test_batches_cover_every_sample_once():
    parts = batches(10, 3, np.random.default_rng(0))
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert sorted(np.concatenate(parts).tolist()) == list(range(10))
    assert [p.tolist() for p in batches(5, None)] == [[0, 1, 2, 3, 4]]
    assert np.array_equal(np.concatenate(batches(6, 4, np.random.default_rng(5))),
                          np.random.default_rng(5).permutation(6))  # fmt: skip


def test_accuracy_for_one_output_and_for_classes():
    assert accuracy(np.array([[0.9], [0.4], [0.5]]), np.array([[1.0], [1.0], [1.0]])) == 2 / 3
    assert accuracy(np.array([[0.2], [0.7]]), np.array([0.0, 0.0])) == 0.5
    scores = np.array([[0.1, 0.7, 0.2], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4]])
    assert accuracy(scores, np.array([1, 0, 0])) == 2 / 3
    assert accuracy(scores, np.eye(3)[[1, 1, 2]]) == 2 / 3
    assert isinstance(accuracy(scores, np.array([1, 0, 2])), float)


def test_the_optimizer_is_a_required_argument():
    for function in (fit, Sequential.fit):
        parameters = inspect.signature(function).parameters
        assert parameters["loss"].default is inspect.Parameter.empty
        assert parameters["optimizer"].default is inspect.Parameter.empty
    with pytest.raises(TypeError, match="optimizer"):
        mlp([2, 1], seed=0).fit(X, Y, "mse")  # noqa


def test_history_defaults():
    h = History()
    assert (h.loss, h.val_loss, h.epochs, h.diverged, h.best_epoch, h.metrics) == (
        [],
        [],
        0,
        False,
        None,
        {},
    )
    assert h.stopped_epoch == 0
    assert repr(EarlyStopping(3, 0.5, False)) == (
        "EarlyStopping(patience=3, min_delta=0.5, restore_best=False)"
    )


def test_early_stopping_defaults_and_ties():
    stopper = EarlyStopping()
    assert (stopper.patience, stopper.min_delta, stopper.restore_best) == (10, 0.0, True)
    h = mlp([2, 3, 1], seed=0).fit(X, Y, "mse", Frozen(), epochs=50, callbacks=[stopper])
    assert h.best_epoch == 0 and h.stopped_epoch == 11  # an equal loss is no improvement


def test_early_stopping_changes_nothing_before_it_stops():
    r = np.random.default_rng(0)
    X_r, X_v = r.normal(size=(20, 5)), r.normal(size=(20, 5))
    y_r, y_v = r.normal(size=(20, 1)), r.normal(size=(20, 1))
    watched = mlp([5, 16, 1], "tanh", seed=0).fit(
        X_r, y_r, "mse", Adam(0.01), epochs=500, validation_data=(X_v, y_v),
        callbacks=[EarlyStopping(patience=10)])  # fmt: skip
    plain = mlp([5, 16, 1], "tanh", seed=0).fit(
        X_r, y_r, "mse", Adam(0.01), epochs=watched.stopped_epoch, validation_data=(X_v, y_v)
    )
    assert watched.stopped_epoch < 500
    assert np.array_equal(watched.loss, plain.loss)
    assert np.array_equal(watched.val_loss, plain.val_loss)


def test_progress_redraws_about_a_hundred_times(capsys):
    for epochs, frames in [(50, 50), (300, 100)]:
        h = mlp([2, 2, 1], seed=0).fit(X, Y, "mse", SGD(0.1), epochs=epochs, callbacks=[Progress()])
        err = capsys.readouterr().err
        assert err.count("\r") == frames and err.count("\n") == 1 and err.endswith("\n")
        last = err.split("\r")[-1]
        assert last == f"epoch {epochs}/{epochs} [{'=' * 30}] loss {h.loss[-1]:.4g}\n"


def test_accuracy_counts_one_half_as_class_one():
    assert accuracy(np.array([[0.5], [0.49]]), np.array([[1.0], [1.0]])) == 0.5
    assert accuracy(np.array([[0.7]]), np.array([[0.5]])) == 1.0


def test_fit_trains_in_training_mode():
    def trained(rate):
        layers = [Dense(2, 16, "relu", seed=0), Dropout(rate, seed=1), Dense(16, 1, seed=2)]
        net = Sequential(layers)
        net.fit(X, Y, "mse", SGD(0.1), epochs=3)
        return net.theta

    assert not np.array_equal(trained(0.5), trained(0.0))  # the masks were drawn


def test_float32_fit_uses_float32_targets():
    a = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0, dtype=np.float32)
    b = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0, dtype=np.float32)
    a.fit(X, Y, "mse", SGD(2.0), epochs=20)  # float64 data, converted once
    X32, Y32, mse, opt = X.astype(np.float32), Y.astype(np.float32), MSE(), SGD(2.0)
    for _ in range(20):
        b.backward(mse.gradient(b.forward(X32, training=True), Y32))
        opt.step(b.parameters())
    assert np.array_equal(a.theta, b.theta) and a.theta.dtype == np.float32


def test_divergence_warns_once_at_the_line_that_called_fit():
    X_l = np.linspace(0, 10, 20).reshape(-1, 1)
    with pytest.warns(RuntimeWarning) as record:
        mlp([1, 1], seed=0).fit(X_l, 3 * X_l, "mse", SGD(lr=10.0), epochs=500)
    assert len(record) == 1
    if "MUTANT_UNDER_TEST" not in os.environ:  # mutmut's trampolines add frames
        assert record[0].filename == __file__


def test_fit_runs_100_epochs_by_default_in_evaluation_free_forward():
    assert mlp([2, 1], seed=0).fit(X, Y, "mse", SGD(0.1)).loss.shape == (100,)
    net = Sequential([Dense(2, 8, seed=0), Dropout(0.5, seed=0), Dense(8, 1, seed=1)])
    assert np.array_equal(net.forward(X), net.forward(X))  # forward evaluates by default


def test_early_stopping_when_the_loss_never_improves():
    history, net = History(epochs=10), mlp([2, 1], seed=0)
    before = net.theta.copy()
    stopper = EarlyStopping(patience=2)
    history.loss.append(1.0)
    history.val_loss.append(np.nan)
    assert stopper(net, history) is False  # NaN is no improvement: one epoch waited
    history.loss.append(1.0)
    history.val_loss.append(np.nan)
    assert stopper(net, history) is True and history.best_epoch is None
    assert np.array_equal(net.theta, before)  # nothing to restore, and no error


def test_progress_frames_hold_nothing_else(capsys):
    h = mlp([2, 2, 1], seed=0).fit(X, Y, "mse", SGD(0.1), epochs=7, callbacks=[Progress()])
    frames = capsys.readouterr().err.split("\r")[1:]
    assert frames == [
        f"epoch {e}/7 [{'=' * (30 * e // 7):<30}] loss {loss:.4g}" + ("\n" if e == 7 else "")
        for e, loss in zip(range(1, 8), h.loss, strict=True)
    ]


def test_divergence_gives_one_warning_only_and_fit_defaults_to_100_epochs():
    X_l = np.linspace(0, 10, 20).reshape(-1, 1)
    with pytest.warns(RuntimeWarning) as record:  # inf - inf on the way is not reported
        h = fit(mlp([1, 8, 1], "identity", seed=0), X_l, 3 * X_l, "mse", SGD(lr=10.0), 200)
    assert len(record) == 1 and h.diverged  # no stray "invalid value" warnings
    assert fit(mlp([2, 1], seed=0), X, Y, "mse", SGD(0.1)).loss.shape == (100,)
