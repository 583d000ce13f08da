"""plateau from Python: the Keras API over the C++ engine (run by ctest: python_api)."""
import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import plateau
from plateau import keras
from plateau.keras import layers

# The example's model and callback, as a user writes them: the tests run that code itself.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python"))
from seed_notebook import LearningRateMonitor, seed_cnn  # noqa: E402

PLATEAU = os.environ.get("PLATEAU_BINARY", "plateau")


@pytest.fixture(scope="module")
def data():
    (x, y), (x_test, y_test) = plateau.datasets.fashion_mnist.load_data()
    return x[:600], y[:600], x_test[:300], y_test[:300]


def compiled(optimizer=None):
    model = seed_cnn()
    model.compile(optimizer=optimizer or keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_load_data_returns_keras_arrays():
    (x, y), (x_test, y_test) = plateau.datasets.fashion_mnist.load_data()
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8
    assert y.shape == (60000,) and y.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)


def test_fit_equals_plateau_train_bit_for_bit(data, tmp_path):
    """Same seed: history equals the CLI's metrics.csv and the weights file is byte-identical."""
    x, y, _, _ = data
    run = tmp_path / "run"
    subprocess.run([PLATEAU, "train", "--epochs", "2", "--limit", "600", "--verbose", "0", "--run-dir", str(run)],
                   check=True)
    keras.utils.set_random_seed(42)
    model = compiled()
    history = model.fit(x / 255.0, y, batch_size=128, epochs=2, validation_split=0.2, verbose=0)
    with open(run / "metrics.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    for key, column in [("loss", "loss"), ("accuracy", "accuracy"), ("val_loss", "val_loss"),
                        ("val_accuracy", "val_accuracy"), ("learning_rate", "lr")]:
        assert history.history[key] == [float(r[column]) for r in rows], key
    model.save_weights(tmp_path / "python.safetensors")
    assert (tmp_path / "python.safetensors").read_bytes() == (run / "final.safetensors").read_bytes()


def test_mixed_bfloat16_policy_equals_the_cli_bit_for_bit(data, tmp_path):
    """keras.mixed_precision.set_global_policy("mixed_bfloat16") gives the layers made next that policy, and
    training equals `plateau train --dtype-policy mixed_bfloat16` to the bit; it is not float32's run."""
    x, y, _, _ = data
    run = tmp_path / "run"
    subprocess.run([PLATEAU, "train", "--epochs", "1", "--limit", "600", "--verbose", "0", "--dtype-policy",
                    "mixed_bfloat16", "--run-dir", str(run)], check=True)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        keras.utils.set_random_seed(42)
        model = compiled()
        assert keras.mixed_precision.global_policy().compute_dtype == "bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert all(layer.get_config()["dtype"] == "mixed_bfloat16" for layer in model.layers)
    assert "dtype" not in layers.Dense(3).get_config()  # made after the policy was set back
    assert layers.Dense(3, dtype="mixed_bfloat16").get_config()["dtype"] == "mixed_bfloat16"
    history = model.fit(x / 255.0, y, batch_size=128, epochs=1, validation_split=0.2, verbose=0)
    with open(run / "metrics.csv") as f:
        row = next(csv.DictReader(f))
    assert history.history["loss"] == [float(row["loss"])]
    model.save_weights(tmp_path / "python.safetensors")
    assert (tmp_path / "python.safetensors").read_bytes() == (run / "final.safetensors").read_bytes()
    keras.utils.set_random_seed(42)
    float32 = compiled().fit(x / 255.0, y, batch_size=128, epochs=1, validation_split=0.2, verbose=0)
    assert float32.history["loss"] != history.history["loss"]
    with pytest.raises(ValueError, match="mixed_float16"):
        keras.mixed_precision.set_global_policy("mixed_float16")


class Halve(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) / 2


class StopAfter(keras.callbacks.Callback):
    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append((epoch, sorted(logs)))
        if epoch + 1 == self.epochs:
            self.model.stop_training = True


def test_python_callbacks_set_the_lr_and_stop_training(data):
    x, y, _, _ = data
    model = compiled()
    stop, monitor = StopAfter(2), LearningRateMonitor()
    history = model.fit(x / 255.0, y, batch_size=64, epochs=5, validation_split=0.2, verbose=0,
                        callbacks=[Halve(), stop, monitor])
    assert len(history.history["loss"]) == 2  # stopped after epoch 2 of 5
    assert stop.seen == [(0, ["accuracy", "learning_rate", "loss", "val_accuracy", "val_loss"])] * 1 + \
        [(1, ["accuracy", "learning_rate", "loss", "val_accuracy", "val_loss"])]
    assert monitor.lrs == pytest.approx([5e-4, 5e-4])  # halved at the end of epoch 0
    assert history.history["learning_rate"][1] == pytest.approx(5e-4)


def test_builtin_callbacks_and_torch_names(data, tmp_path):
    x, y, _, _ = data
    model = compiled(plateau.optim.SGD(lr=0.05, momentum=0.9))
    steps = 8  # 480 training images in batches of 64
    history = model.fit(
        x / 255.0, y, batch_size=64, epochs=3, validation_split=0.2, verbose=0,
        callbacks=[plateau.optim.lr_scheduler.OneCycleLR(max_lr=0.05, total_steps=3 * steps),
                   keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True),
                   keras.callbacks.ModelCheckpoint(tmp_path / "best.safetensors", monitor="val_loss",
                                                   save_best_only=True)])
    lrs = history.history["learning_rate"]
    assert len(lrs) == 3 and lrs[0] > lrs[-1] and lrs[-1] < 0.001  # one cycle, annealed at the end
    assert (tmp_path / "best.safetensors").exists()


def test_schedule_preview():
    lrs = plateau.schedule_preview(plateau.optim.lr_scheduler.StepLR(step_size=2, gamma=0.5), 5, initial_lr=0.1)
    assert isinstance(lrs, np.ndarray)
    assert lrs.tolist() == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_evaluate_predict_and_weights_round_trip(data, tmp_path):
    x, y, x_test, y_test = data
    model = compiled()
    model.fit(x / 255.0, y, batch_size=128, epochs=1, verbose=0)
    loss, accuracy = model.evaluate(x_test / 255.0, y_test)
    assert 0 < loss and 0 <= accuracy <= 1
    probs = model.predict(x_test[:5] / 255.0)
    assert probs.shape == (5, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    model.save_weights(tmp_path / "w.safetensors")
    other = compiled()
    other.load_weights(tmp_path / "w.safetensors")
    assert np.array_equal(other.predict(x_test[:5] / 255.0), probs)
    assert json.loads(json.dumps(model.evaluate(x_test / 255.0, y_test, return_dict=True)))["loss"] == loss


def test_bad_input_raises_value_error_naming_the_value(data):
    x, y, _, _ = data
    model = compiled()
    with pytest.raises(ValueError, match=r"x must have shape \(N, H, W\) or \(N, H, W, 1\), got 2 dimensions"):
        model.fit(x.reshape(600, -1), y)
    with pytest.raises(ValueError, match=r"y\[3\] = 11.5 is not a class label"):
        bad = y.astype(np.float64)
        bad[3] = 11.5
        model.fit(x / 255.0, bad)
    with pytest.raises(ValueError, match="y must be 600 class labels"):
        model.fit(x / 255.0, y[:10])
    with pytest.raises(ValueError, match="kernel_sise"):
        broken = keras.Sequential([layers.Conv2D(8, 3, kernel_sise=3, input_shape=(28, 28, 1))])
        broken.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="unknown optimizer 'adamax'"):
        seed_cnn().compile(optimizer="adamax", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="no-such-file.safetensors"):
        model.load_weights("/tmp/no-such-file.safetensors")


def test_ctrl_c_checkpoints_and_backup_and_restore_continues_exactly(data, tmp_path):
    """SIGINT during fit: KeyboardInterrupt after a checkpoint; fit again with the same BackupAndRestore
    ends with the weights of a run never interrupted."""
    import signal
    import threading
    import time

    x, y, x_test, _ = data
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal or notebook
    keras.utils.set_random_seed(7)
    whole = compiled()
    start = time.perf_counter()
    whole.fit(x / 255.0, y, batch_size=32, epochs=12, validation_split=0.2, verbose=0)
    seconds = time.perf_counter() - start
    expected = whole.predict(x_test[:20] / 255.0)

    keras.utils.set_random_seed(7)
    model = compiled()
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
    # a third of the way through the same fit (a fixed 1 s raced it: the fit got faster than that)
    timer = threading.Timer(seconds / 3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x / 255.0, y, batch_size=32, epochs=12, validation_split=0.2, verbose=0, callbacks=[backup])
    assert any(p.name.startswith("ckpt-") for p in (tmp_path / "backup").iterdir())
    keras.utils.set_random_seed(7)
    again = compiled()
    history = again.fit(x / 255.0, y, batch_size=32, epochs=12, validation_split=0.2, verbose=0, callbacks=[backup])
    assert len(history.history["loss"]) >= 1
    assert np.array_equal(again.predict(x_test[:20] / 255.0), expected)


def test_weights_loaded_before_compile_are_kept(data, tmp_path):
    """Keras allows load_weights before compile(); compile must not build the model anew."""
    x, y, x_test, _ = data
    trained = compiled()
    trained.fit(x / 255.0, y, batch_size=128, epochs=1, verbose=0)
    trained.save_weights(tmp_path / "w.safetensors")
    fresh = seed_cnn()
    fresh.load_weights(tmp_path / "w.safetensors")
    fresh.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert np.array_equal(fresh.predict(x_test[:5] / 255.0), trained.predict(x_test[:5] / 255.0))
