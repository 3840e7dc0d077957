"""experiments: one recipe over many seeds, a learning-rate sweep, a run watched."""

import re
import warnings

import numpy as np
import pytest

from nnscratch import SGD, Momentum, experiments, mlp
from nnscratch.datasets import xor
from nnscratch.experiments import (
    SeedResults,
    _snapshot_epochs,
    all_correct,
    lr_sweep,
    run,
    training_snapshots,
)

X, Y = xor()


def xor_net(seed):
    return mlp([2, 4, 1], "sigmoid", "sigmoid", seed=seed)


def test_run_trains_every_seed_as_alone_and_judges_each():
    result = run(xor_net, X, Y, seeds=range(20), optimizer=SGD(lr=2.0), epochs=300)
    assert result.loss.shape == (300, 20) and result.predictions.shape == (20, 4, 1)
    assert result.seeds.tolist() == list(range(20))
    manual = [bool((result.predictions[j].round() == Y).all()) for j in range(20)]
    assert result.success.tolist() == manual and 0 < sum(manual) < 20
    alone = xor_net(7)
    h = alone.fit(X, Y, "mse", SGD(lr=2.0), epochs=300)
    np.testing.assert_allclose(result.loss[:, 7], h.loss, rtol=1e-12)
    np.testing.assert_allclose(result.network.model(7).theta, alone.theta, rtol=1e-12)
    assert result.final_loss.tolist() == result.loss[-1].tolist()
    assert result.success_rate == np.mean(manual)


def test_run_copies_the_optimizer_and_passes_every_option():
    opt = SGD(lr=0.5)
    result = run(xor_net, X, Y, seeds=[3, 4], optimizer=opt, loss="bce", epochs=30,
                 batch_size=3, shuffle=False, weight_decay=0.01)  # fmt: skip
    assert opt.t == 0  # the optimizer given stays fresh
    for j, s in enumerate([3, 4]):
        alone = xor_net(s)
        from nnscratch.stacked import fit, stack

        one = stack([alone])
        h = fit(one, X, Y, "bce", SGD(lr=0.5), 30, 3, shuffle=False, weight_decay=0.01)
        np.testing.assert_array_equal(result.loss[:, j], h.loss[:, 0])
    shuffled = run(xor_net, X, Y, seeds=[3, 4], optimizer=opt, loss="bce", epochs=30, batch_size=3)
    assert not np.array_equal(shuffled.loss, result.loss)  # each seed shuffles its own way


def test_a_diverged_seed_never_counts_as_a_success():
    def always(y_pred, y_true):
        return np.ones(len(y_pred), dtype=bool)

    result = run(lambda s: mlp([2, 1], seed=s), X, Y, seeds=range(4), optimizer=SGD(lr=10.0),
                 epochs=500, success=always)  # fmt: skip
    assert result.diverged.all() and not result.success.any()
    assert result.summary()["diverged"] == 4


def test_all_correct_is_per_model():
    predictions = np.array([[[0.1], [0.9], [0.8], [0.2]], [[0.6], [0.9], [0.8], [0.2]]])
    assert all_correct(predictions, Y).tolist() == [True, False]
    classes = np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.9, 0.1], [0.9, 0.1]]])
    assert all_correct(classes, np.array([0, 1])).tolist() == [True, False]


def test_all_correct_refuses_targets_that_are_not_classes():
    one, two = np.zeros((1, 2, 1)), np.zeros((1, 2, 2))  # one output, two outputs
    for out, targets in [(one, [[0.5], [1.8]]), (two, [[0.9, 0.1], [0.2, 0.8]]),
                         (two, [0.0, 1.5])]:  # fmt: skip
        with pytest.raises(ValueError, match="y_true must be class targets"):
            all_correct(out, np.array(targets))
    with pytest.raises(ValueError, match=r"a single 1, got a row \[1, 1\]"):
        all_correct(two, np.array([[1, 0], [1, 1]]))
    for out, targets in [(one, [[0.0], [1.0]]), (two, [[1, 0], [0, 1]]), (two, [0, 1])]:
        assert all_correct(out, np.array(targets)).shape == (1,)  # 0/1, one-hot, labels


def test_run_refuses_regression_targets_with_the_default_success_before_training():
    built = []

    def build(seed):
        built.append(seed)
        return mlp([1, 1], output="identity", seed=seed)

    x = np.linspace(0, 1, 5).reshape(-1, 1)
    with pytest.raises(ValueError, match=r"values such as 0.25.*run\(success=\.\.\.\)"):
        run(build, x, 2 * x + 0.25, seeds=range(3), optimizer=SGD(0.1), epochs=5)
    assert built == []  # refused before a single network was built or trained
    close = run(build, x, 2 * x + 0.25, seeds=range(3), optimizer=SGD(0.1), epochs=5,
                success=lambda p, y: np.abs(p - y).max(axis=(1, 2)) < 10)  # fmt: skip
    assert close.success.tolist() == [True, True, True] and built == [0, 1, 2]


def test_summary_reports_the_spread_of_the_final_loss():
    final = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.inf])  # the last seed diverged
    result = SeedResults(
        seeds=np.arange(11), loss=np.vstack([final * 2, final]), predictions=np.zeros((11, 4, 1)),
        success=np.array([True] * 3 + [False] * 8), diverged=np.arange(11) == 10, network=None,
    )  # fmt: skip
    assert result.summary() == {
        "seeds": 11,
        "success_rate": 3 / 11,
        "diverged": 1,
        "final_loss_mean": 5.5,
        "final_loss_std": pytest.approx(np.sqrt(8.25)),
        "final_loss_q10": pytest.approx(1.9),  # 10% of the way from the 1st to the 10th
        "final_loss_median": 5.5,
        "final_loss_q90": pytest.approx(9.1),
    }
    nothing = SeedResults(np.arange(2), np.full((3, 2), np.nan), np.zeros((2, 4, 1)),
                          np.zeros(2, bool), np.ones(2, bool), None)  # fmt: skip
    summary = nothing.summary()
    assert summary["diverged"] == 2 and summary["success_rate"] == 0.0
    assert all(np.isnan(summary[k]) for k in summary if k.startswith("final_loss"))


def test_no_hidden_layer_never_learns_xor_over_many_seeds():
    result = run(lambda s: mlp([2, 1], output="sigmoid", seed=s), X, Y, seeds=range(50),
                 optimizer=SGD(lr=1.0), epochs=2000)  # fmt: skip
    assert result.success_rate == 0
    assert np.allclose(result.predictions, 0.5, atol=0.02)  # stuck at 0.5


def test_run_needs_seeds_and_an_optimizer():
    with pytest.raises(ValueError, match="seeds must not be empty"):
        run(xor_net, X, Y, seeds=[], optimizer=SGD(1.0))
    with pytest.raises(TypeError, match="optimizer"):
        run(xor_net, X, Y, range(3))  # noqa
    assert experiments.all_correct is all_correct


def test_run_defaults_determinism_shuffling_and_a_fresh_optimizer():
    assert run(xor_net, X, Y, seeds=[0, 1], optimizer=SGD(2.0)).loss.shape == (1000, 2)
    args = dict(seeds=[3, 4], loss="bce", epochs=20, batch_size=3)
    a = run(xor_net, X, Y, optimizer=SGD(0.5), **args)
    b = run(xor_net, X, Y, optimizer=SGD(0.5), **args)
    assert np.array_equal(a.loss, b.loss)  # each seed shuffles with its own seed
    from nnscratch.stacked import fit, stack

    one = stack([xor_net(3), xor_net(4)])
    h = fit(one, X, Y, "bce", SGD(0.5), 20, 3, seeds=[3, 4])
    assert np.array_equal(a.loss, h.loss)
    fixed = run(xor_net, X, Y, optimizer=SGD(0.5), shuffle=False, **args)
    assert not np.array_equal(fixed.loss, a.loss)
    used = Momentum(0.5)
    xor_net(0).fit(X, Y, "mse", used, epochs=3)
    velocity = used.state[0]["v"].copy()
    run(xor_net, X, Y, seeds=[0], optimizer=used, epochs=5)
    assert np.array_equal(used.state[0]["v"], velocity) and used.t == 3  # a deep copy was used


def test_success_as_numbers_becomes_true_and_false():
    result = run(xor_net, X, Y, seeds=[0, 1], optimizer=SGD(2.0), epochs=10,
                 success=lambda y_pred, y_true: np.array([1, 0]))  # fmt: skip
    assert result.success.dtype == bool and result.success.tolist() == [True, False]


@pytest.fixture(scope="module")
def lr_data():
    return lr_sweep()


@pytest.fixture(scope="module")
def snaps():
    return training_snapshots(
        lambda: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0),
        X, Y, "mse", SGD(lr=2.0), epochs=5000, n_snapshots=50,
    )  # fmt: skip


def test_lr_sweep_diverges_at_the_largest_rates(lr_data):
    lrs = lr_data["lrs"]
    assert len(lrs) == 20 and lrs[0] == pytest.approx(0.01) and lrs[-1] == pytest.approx(100)
    c = lr_data["valley"][0]
    # plain gradient descent on curvature c diverges exactly when lr > 2 / c
    grows = lr_data["valley_loss"][:, -1] > lr_data["valley_loss"][:, 0]
    assert (grows == (lrs > 2 / c)).all()
    assert lr_data["valley_loss"][-1, -1] > 1e6
    assert lr_data["surface_loss"][-1, -1] > 1e6
    # lr 100 never learns XOR: its loss stays at the plateau (0.25) or above,
    # chaotically, so where it ends depends on the last bits; its median does not
    assert np.median(lr_data["net_loss"][-500:, -1]) > 0.2


def test_lr_sweep_converges_at_a_moderate_rate(lr_data):
    k = int(np.argmin(np.abs(np.log(lr_data["lrs"] / 5.0))))  # lr about 5
    assert lr_data["valley_loss"][k, -1] < 1e-6
    assert lr_data["surface_loss"][k, -1] < 0.05 * lr_data["surface_loss"][k, 0]
    assert lr_data["net_loss"][-1, k] < 1e-3
    assert lr_data["net_loss"][-1, 0] > 0.2  # lr 0.01 has barely started


def test_snapshots_follow_training(snaps):
    marks = snaps["epochs"]
    assert len(marks) == 50 and marks[0] == 0 and marks[-1] == 5000
    assert all(b > a for a, b in zip(marks, marks[1:], strict=False))
    assert snaps["grid"].shape == (50, 32, 32) and snaps["hidden"].shape == (50, 4, 4)
    assert len(snaps["loss"]) == 5000
    at = np.array([snaps["loss"][max(e, 1) - 1] for e in marks])
    # non-increasing overall: each snapshot's loss is at most the best so far plus a little
    assert (at <= np.minimum.accumulate(at) * 1.05).all()
    assert at[-1] < 0.01 * at[0]
    final = snaps["net"].predict(xor()[0]).round().ravel().tolist()
    assert final == [0.0, 1.0, 1.0, 0.0]
    # the last grid agrees with the network on the XOR corners: row 0 is the top
    grid = snaps["grid"][-1]
    assert grid[-1, 0] < 0.5 and grid[0, 0] > 0.5  # near (0, 0) class 0; near (0, 1) class 1


def test_snapshot_epochs_are_distinct_and_end_at_the_last():
    for epochs, n in [(10, 50), (60, 50), (5000, 50), (200, 7)]:
        marks = _snapshot_epochs(epochs, n, "log")
        assert marks[0] == 0 and marks[-1] == epochs
        assert len(marks) == min(n, epochs + 1) and len(set(marks)) == len(marks)
        assert marks == sorted(marks)
    assert _snapshot_epochs(100, 5, "linear") == [0, 25, 50, 75, 100]


def test_lr_sweep_defaults(lr_data):
    # the signature's defaults: 30 steps on the quadratics, 2000 epochs on XOR
    assert lr_data["steps"] == 30 and lr_data["epochs"] == 2000
    assert lr_data["valley_w"].shape == (20, 31) and lr_data["surface_w"].shape == (20, 31, 2)
    assert lr_data["net_loss"].shape == (2000, 20)
    np.testing.assert_allclose(lr_data["lrs"], 10.0 ** np.linspace(-2, 2, 20), rtol=1e-12)


def test_lr_sweep_follows_the_closed_form_and_single_runs():
    # integers everywhere: the rates and the problems' parameters are taken as floats
    lrs, (c, w_star, w0), (a, b, start) = [1, 3, 25], (2, 1, -3), (1, 4, (2, -1))
    # each sweep starts from its own start (not from memory left by the one before)
    other = lr_sweep(lrs, steps=6, epochs=1, surface=(a, b, (5, 7)))["surface_w"][:, 0]
    assert other.tolist() == [[5.0, 7.0]] * 3
    data = lr_sweep(lrs, steps=6, epochs=15, seed=3, valley=(c, w_star, w0), surface=(a, b, start))
    assert data["lrs"].dtype == float and data["lrs"].tolist() == [1.0, 3.0, 25.0]  # in order
    assert data["valley"] == (2, 1, -3) and data["surface"] == (1, 4, (2, -1))
    assert data["steps"] == 6 and data["epochs"] == 15
    assert data["valley_w"].shape == (3, 7) and data["surface_w"].shape == (3, 7, 2)
    assert data["net_loss"].shape == (15, 3)
    t = np.arange(7.0)
    for k, lr in enumerate(lrs):
        # each step multiplies the distance to the minimum by 1 - lr * curvature
        w = w_star + (1 - lr * c) ** t * (w0 - w_star)
        v = np.column_stack([(1 - lr * a) ** t * start[0], (1 - lr * b) ** t * start[1]])
        np.testing.assert_allclose(data["valley_w"][k], w, rtol=1e-12)
        np.testing.assert_allclose(data["surface_w"][k], v, rtol=1e-12)
        np.testing.assert_allclose(data["valley_loss"][k], c / 2 * (w - w_star) ** 2, rtol=1e-12)
        loss = (a * v[:, 0] ** 2 + b * v[:, 1] ** 2) / 2
        np.testing.assert_allclose(data["surface_loss"][k], loss, rtol=1e-12)
        # the XOR column of rate lr is that network trained alone at lr
        alone = mlp([2, 4, 1], "sigmoid", "sigmoid", seed=3)
        h = alone.fit(X, Y, "mse", SGD(lr=float(lr)), epochs=15)
        np.testing.assert_allclose(data["net_loss"][:, k], h.loss, rtol=1e-12)


def test_lr_sweep_overflows_silently_at_absurd_rates():
    # lr = 1e6 on curvature 0.1: |1 - lr c| = 1e5 a step, inf after some 62 steps, then nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = lr_sweep([1e6], steps=80, epochs=3)
    assert np.isnan(data["valley_w"][0, -1]) and np.isnan(data["surface_w"][0, -1]).all()
    assert np.isinf(data["valley_w"]).any()


def test_snapshot_epochs_by_hand():
    # log: epoch 0, then n - 1 epochs geometric from max(1, epochs / 500) to epochs, rounded,
    # each at least one past the one before
    assert _snapshot_epochs(100, 5, "log") == [0, 1, 5, 22, 100]  # 100^(k/3): 1, 4.6, 21.5, 100
    # 10^(k/6): 1, 1.47, 2.15, 3.16, 4.64, 6.81, 10 round to 1, 1, 2, 3, 5, 7, 10
    assert _snapshot_epochs(10, 8, "log") == [0, 1, 2, 3, 4, 5, 7, 10]
    assert _snapshot_epochs(2251, 3, "log") == [0, 5, 2251]  # 2251 / 500 = 4.502
    # regression: two snapshots are the untrained and the trained network (was [0, 4])
    assert _snapshot_epochs(2000, 2, "log") == [0, 2000]
    assert _snapshot_epochs(2, 5, "log") == [0, 1, 2]
    assert _snapshot_epochs(2, 1, "log") == [0] and _snapshot_epochs(0, 5, "linear") == [0]
    # epochs + 1 distinct epochs from 0 to epochs are all of them; from epochs / 500 = 1.6
    # (and 2.6) the rounded log marks start at 2 (3), so they are pulled back to fit
    assert _snapshot_epochs(800, 801, "log") == list(range(801))
    assert _snapshot_epochs(1300, 5000, "log") == list(range(1301))
    assert _snapshot_epochs(7, 100, "linear") == list(range(8))
    with pytest.raises(ValueError, match="spacing must be 'log' or 'linear', got 'cubic'"):
        _snapshot_epochs(10, 3, "cubic")


# x1 spans [1, 2] and x2 [-1, 3]: with padding 0.5, a grid of 4 has cells 0.5 wide
# (centres 0.75, 1.25, 1.75, 2.25) and 1.25 high (centres 2.875, 1.625, 0.375, -0.875)
X4 = np.array([[1.0, -1.0], [2.0, 3.0], [1.5, 0.0], [2.0, -1.0]])
Y4 = np.array([[0.0], [1.0], [1.0], [0.0]])
CELLS = np.array(
    [[x1, x2] for x2 in [2.875, 1.625, 0.375, -0.875] for x1 in [0.75, 1.25, 1.75, 2.25]]
)


def test_snapshots_are_the_network_trained_by_hand():
    def build():
        return mlp([2, 3, 3, 1], "tanh", "sigmoid", seed=1)

    snaps = training_snapshots(build, X4, Y4, "mse", SGD(lr=0.5), epochs=12, n_snapshots=4,
                               grid=4, spacing="linear", layer=1)  # fmt: skip
    assert snaps["epochs"] == [0, 4, 8, 12]
    assert snaps["xlim"] == (0.5, 2.5) and snaps["ylim"] == (-1.5, 3.5)
    assert snaps["labels"].dtype.kind == "i" and snaps["labels"].tolist() == [0, 1, 1, 0]
    assert snaps["n_out"] == 1 and snaps["X"].dtype == float
    np.testing.assert_array_equal(snaps["X"], X4)
    np.testing.assert_array_equal(snaps["inputs"], X4)  # at most 8 rows: all of them
    assert snaps["grid"].shape == (4, 4, 4) and snaps["hidden"].shape == (4, 4, 3)
    net, opt, losses = build(), SGD(lr=0.5), []
    for s in range(4):
        if s:
            losses.extend(net.fit(X4, Y4, "mse", opt, epochs=4).loss)  # one optimizer throughout
        np.testing.assert_allclose(snaps["grid"][s].ravel(), net.predict(CELLS)[:, 0], rtol=1e-12)
        hidden = net.layers[1].forward(net.layers[0].forward(X4))  # the second hidden layer
        np.testing.assert_allclose(snaps["hidden"][s], hidden, rtol=1e-12)
    np.testing.assert_allclose(snaps["loss"], losses, rtol=1e-12)
    np.testing.assert_allclose(snaps["net"].theta, net.theta, rtol=1e-12)
    first = training_snapshots(build, X4, Y4, "mse", SGD(lr=0.5), epochs=12, n_snapshots=4,
                               grid=4, spacing="linear", layer=0)  # fmt: skip
    np.testing.assert_allclose(first["hidden"][-1], net.layers[0].forward(X4), rtol=1e-12)
    np.testing.assert_array_equal(first["grid"], snaps["grid"])


def test_snapshots_of_several_classes():
    def build():
        return mlp([2, 3, 2], "tanh", "softmax", seed=2)

    onehot = np.eye(2)[[0, 1, 1, 0]]
    snaps = training_snapshots(build, X4, onehot, "cross_entropy", SGD(lr=0.5), epochs=3,
                               n_snapshots=2, grid=4, spacing="linear")  # fmt: skip
    assert snaps["labels"].tolist() == [0, 1, 1, 0] and snaps["n_out"] == 2
    net = build()
    classes = net.predict(CELLS).argmax(axis=1)  # class indices, as floats in the grid
    assert snaps["grid"].dtype == float and snaps["grid"][0].ravel().tolist() == classes.tolist()
    net.fit(X4, onehot, "cross_entropy", SGD(lr=0.5), epochs=3)
    assert snaps["grid"][1].ravel().tolist() == net.predict(CELLS).argmax(axis=1).tolist()
    labels = training_snapshots(build, X4, np.array([0, 1, 1, 0]), "cross_entropy", SGD(lr=0.5),
                                epochs=3, n_snapshots=2, grid=4)["labels"]  # fmt: skip
    assert labels.tolist() == [0, 1, 1, 0]


def test_snapshot_defaults_inputs_and_a_network_given():
    snaps = training_snapshots(xor_net(0), X, Y, "mse", SGD(lr=2.0), epochs=60)  # the net itself
    assert len(snaps["epochs"]) == 50 and snaps["grid"].shape == (50, 32, 32)  # the defaults
    assert snaps["xlim"] == (-0.5, 1.5) and snaps["ylim"] == (-0.5, 1.5)  # padding 0.5
    X8 = [[0, 0], [1, 1], [0, 1], [1, 0], [2, 0], [0, 2], [2, 2], [2, 1]]  # integers
    Y8 = [[0], [0], [1], [1], [0], [0], [0], [1]]

    def run8(X, **options):
        y = Y8[: len(X)] + [[1]] * (len(X) - 8)
        return training_snapshots(xor_net(0), X, y, "mse", SGD(lr=1.0), epochs=1, n_snapshots=2,
                                  grid=2, **options)  # fmt: skip

    eight = run8(X8)
    assert eight["inputs"].shape == (8, 2) and eight["hidden"].shape == (2, 8, 4)
    assert eight["X"].dtype == float and eight["X"].tolist() == X8
    nine = run8(X8 + [[1, 2]])
    np.testing.assert_array_equal(nine["inputs"], np.array(X8[:4]))  # more than 8: the first 4
    chosen = run8(X8, inputs=[[1, 1], [0, 2]])
    assert chosen["inputs"].dtype == float and chosen["inputs"].tolist() == [[1, 1], [0, 2]]
    assert chosen["hidden"].shape == (2, 2, 4)


def test_snapshots_record_hidden_units_in_evaluation_mode():
    from nnscratch import Dense, Dropout, Sequential

    layers = [Dense(2, 4, "tanh", seed=0), Dropout(0.5, seed=0), Dense(4, 3, "tanh", seed=1)]
    net = Sequential([*layers, Dense(3, 1, "sigmoid", seed=2)])
    fresh = net.layers[2].forward(net.layers[0].forward(X))
    snaps = training_snapshots(net, X, Y, "mse", SGD(lr=1.0), epochs=2, n_snapshots=2, layer=1)
    assert snaps["epochs"] == [0, 2]  # the untrained and the trained network
    # no unit dropped: the activations of the network as it predicts
    np.testing.assert_allclose(snaps["hidden"][0], fresh, rtol=1e-12)
    trained = net.layers[2].forward(net.layers[0].forward(X))
    np.testing.assert_allclose(snaps["hidden"][1], trained, rtol=1e-12)


def test_snapshots_check_the_layer_and_divergence():
    deep = mlp([2, 3, 3, 1], "tanh", "sigmoid", seed=0)  # hidden Dense layers 0 and 1
    for layer in [2, 3, -1]:
        with pytest.raises(ValueError, match=re.escape(f"(0..1), got {layer}")):
            training_snapshots(deep, X, Y, "mse", SGD(lr=1.0), epochs=2, layer=layer)
    with pytest.raises(ValueError, match=re.escape("hidden Dense layer (0..0), got 1")):
        training_snapshots(xor_net(0), X, Y, "mse", SGD(lr=1.0), epochs=2, layer=1)

    def wild():
        return mlp([2, 3, 1], "tanh", "identity", seed=0)

    with pytest.warns(RuntimeWarning, match="training stopped"):
        stopped = len(wild().fit(X, Y, "mse", SGD(lr=30.0), epochs=500).loss)
    assert stopped < 500
    with (
        pytest.warns(RuntimeWarning),
        pytest.raises(ValueError, match=f"diverged at epoch {stopped}$"),
    ):
        training_snapshots(wild, X, Y, "mse", SGD(lr=30.0), epochs=500)


@pytest.mark.parametrize("k, n", [(0, 100), (5, 100), (50, 100), (93, 100), (20, 20), (1, 7)])
def test_wilson_interval_matches_scipy(k, n):
    from scipy.stats import binomtest

    reference = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = experiments.wilson(k, n)
    assert low == pytest.approx(reference.low, abs=1e-9)
    assert high == pytest.approx(reference.high, abs=1e-9)
    wider = experiments.wilson(k, n, confidence=0.99)  # more confidence, a wider interval
    assert wider[0] <= low and wider[1] >= high - 1e-12 and wider[1] - wider[0] > high - low


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="trials must be a positive integer, got 0"):
        experiments.wilson(0, 0)
    with pytest.raises(ValueError, match=r"successes must be between 0 and trials \(10\), got 11"):
        experiments.wilson(11, 10)
    with pytest.raises(ValueError, match=r"successes must be between 0 and trials \(10\), got -1"):
        experiments.wilson(-1, 10)
