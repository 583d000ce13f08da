#!/usr/bin/python3
"""Test accuracy of the seed recipe (plateau train's defaults: seed CNN, Adam 1e-3, batch 128, 12 epochs,
validation_split 0.2) under the float32 and mixed_bfloat16 dtype policies, for several seeds, alternating
the policies; prints each run and the mean per policy. The issue's bar: mixed_bfloat16 within 0.3
percentage points of float32, mean of 4 seeds.

  /usr/bin/python3 bench/dtype_policy_accuracy.py --plateau build/release/plateau --seeds 42 1 2 3
  /usr/bin/python3 bench/dtype_policy_accuracy.py --seeds 4 5 6 7 --policies float32
"""
import argparse
import re
import statistics
import subprocess
import tempfile


def test_accuracy(binary, policy, seed, epochs):
    with tempfile.TemporaryDirectory() as run:
        done = subprocess.run([binary, "train", "--dtype-policy", policy, "--seed", str(seed), "--epochs", str(epochs),
                               "--verbose", "0", "--run-dir", run + "/r"], check=True, capture_output=True, text=True)
    return float(re.search(r"Test: loss [0-9.]+ - accuracy ([0-9.]+)", done.stdout).group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--plateau", default="build/release/plateau")
    p.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2, 3])
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--policies", nargs="+", choices=["float32", "mixed_bfloat16"], default=["float32", "mixed_bfloat16"],
                   help="the policies to train (both by default); with one, no difference is printed")
    a = p.parse_args()
    results = {policy: [] for policy in a.policies}
    for seed in a.seeds:
        for policy in results:
            acc = test_accuracy(a.plateau, policy, seed, a.epochs)
            results[policy].append(acc)
            print(f"seed {seed:3d} {policy:15s} test accuracy {acc:.4f}", flush=True)
    means = {policy: statistics.mean(v) for policy, v in results.items()}
    for policy, mean in means.items():
        print(f"{policy:15s} mean of {len(a.seeds)}: {100 * mean:.2f}%")
    if len(means) == 2:
        print(f"mixed_bfloat16 - float32: {100 * (means['mixed_bfloat16'] - means['float32']):+.2f} pp")


if __name__ == "__main__":
    main()
