"""What driving plateau from Python costs: training throughput of `plateau train` against the same fit()
from Python (plateau.keras), without and with a Python callback on every batch. Alternating rounds; the
CLI's time is the sum of metrics.csv's epoch seconds, Python's the time of its fit() call (both: the
epochs' batches and validation, no data loading or test evaluation).

    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_overhead.py --plateau build/release/plateau
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time

import plateau
from plateau import keras

# The seed notebook's model, compiled, from the example (so the two cannot drift apart).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "python"))
from seed_notebook import build_model  # noqa: E402


class EveryBatch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


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
            model = build_model()
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
