"""What driving plateau from Python costs: training throughput of `plateau train` against the same fit()
from Python (plateau.keras), without and with a Python callback on every batch. Alternating rounds; the
CLI's time is the sum of metrics.csv's epoch seconds, Python's the time of its fit() call (both: the
epochs' batches and validation, no data loading or test evaluation).

    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_overhead.py --plateau build/release/plateau
"""
import argparse
import csv
import statistics
import subprocess
import tempfile
import time

import plateau
from plateau import keras
from plateau.keras import layers


class EveryBatch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def seed_cnn():
    model = keras.Sequential()
    for i, filters in enumerate((32, 64, 128)):
        model.add(layers.Conv2D(filters, 3, activation="relu", **({"input_shape": (28, 28, 1)} if i == 0 else {})))
        model.add(layers.BatchNormalization())
        if filters != 128:
            model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plateau", default="build/release/plateau")
    parser.add_argument("--limit", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    (x, y), _ = plateau.datasets.fashion_mnist.load_data()
    x, y = x[:args.limit] / 255.0, y[:args.limit]
    train_images = int(args.limit * 0.8) * args.epochs
    times = {"plateau train": [], "Python fit": [], "Python fit + per-batch callback": []}
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as run:
            subprocess.run([args.plateau, "train", "--epochs", str(args.epochs), "--limit", str(args.limit),
                            "--verbose", "0", "--run-dir", run + "/r"], check=True)
            with open(run + "/r/metrics.csv") as f:
                times["plateau train"].append(sum(float(r["seconds"]) for r in csv.DictReader(f)))
        for name, callbacks in [("Python fit", []), ("Python fit + per-batch callback", [EveryBatch()])]:
            model = seed_cnn()
            start = time.perf_counter()
            model.fit(x, y, batch_size=128, epochs=args.epochs, validation_split=0.2, verbose=0, callbacks=callbacks)
            times[name].append(time.perf_counter() - start)
    cli = statistics.median(times["plateau train"])
    print(f"{'':34s} {'median s':>9s} {'images/s':>9s} {'vs CLI':>7s}   rounds")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34s} {median:9.2f} {train_images / median:9.0f} {cli / median:7.1%}   "
              + " ".join(f"{v:.2f}" for v in values))


if __name__ == "__main__":
    main()
