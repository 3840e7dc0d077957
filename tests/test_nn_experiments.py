"""experiments: one recipe over many seeds, a learning-rate sweep, a run watched."""

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
    assert lr_data["net_loss"][-1, -1] > lr_data["net_loss"][0, -1]  # lr 100: worse than start


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
