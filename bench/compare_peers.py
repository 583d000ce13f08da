#!/usr/bin/python3
"""plateau against its peers on whole training epochs of the seed CNN (48,000 images, batch 128, Adam
1e-3, validation on 12,000 included), as a user times them: plateau, PyTorch (Debian's python3-torch,
bench/torch_seed_cnn.py) and Keras 3 on TensorFlow and on JAX (bench/keras_seed_cnn.py, with the Python
of a virtualenv holding keras, tensorflow-cpu and jax). Each runs --epochs epochs per round; the first
epoch (graph tracing, compilation, warm caches) is left out and the others' seconds are kept. Rounds
alternate the peers; the table gives medians, images/s and each peer's ratio to plateau. A peer that is
not installed is skipped with a line saying so. plateau runs once per --dtype-policy (float32 and
mixed_bfloat16 by default). With --load, a second `plateau train` runs at nice 5 for the whole
measurement: every peer then shares the machine with one CPU-bound competitor.

  /usr/bin/python3 bench/compare_peers.py --plateau build/release/plateau --keras-python venv/bin/python
  /usr/bin/python3 bench/compare_peers.py --keras-python venv/bin/python --peers Keras/tensorflow --load
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN_IMAGES = 48000


def epoch_seconds(text):
    return [float(s) for s in re.findall(r"\(([0-9.]+)s\)", text)]


def plateau_epochs(binary, epochs, env, policy):
    with tempfile.TemporaryDirectory() as run:
        subprocess.run([binary, "train", "--epochs", str(epochs), "--verbose", "0", "--dtype-policy", policy,
                        "--run-dir", run + "/r"], check=True, env=env, capture_output=True)
        with open(run + "/r/metrics.csv") as f:
            return [float(r["seconds"]) for r in csv.DictReader(f)]


def script_epochs(cmd, env):
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    return epoch_seconds(done.stdout)


def available(python, module):
    return python and os.path.exists(python) and subprocess.run(
        [python, "-c", f"import {module}"], capture_output=True).returncode == 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--plateau", default="build/release/plateau")
    p.add_argument("--keras-python", default="", help="a virtualenv's python with keras, tensorflow-cpu, jax")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--dtype-policy", nargs="+", default=["float32", "mixed_bfloat16"], dest="policies")
    p.add_argument("--peers", nargs="+", default=["PyTorch", "Keras/tensorflow", "Keras/jax"],
                   help="which peers to run (default: all)")
    p.add_argument("--load", action="store_true", help="a second plateau train at nice 5 throughout")
    a = p.parse_args()
    env = dict(os.environ, PLATEAU_NUM_THREADS=str(a.threads), OMP_NUM_THREADS=str(a.threads))
    peers = {}
    for policy in a.policies:
        name = "plateau" if policy == "float32" else f"plateau {policy}"
        peers[name] = lambda policy=policy: plateau_epochs(a.plateau, a.epochs, env, policy)
    if "PyTorch" in a.peers and available("/usr/bin/python3", "torch"):
        peers["PyTorch"] = lambda: script_epochs(
            ["/usr/bin/python3", os.path.join(HERE, "torch_seed_cnn.py"), "--mode", "train", "--epochs",
             str(a.epochs), "--threads", str(a.threads)], env)
    elif "PyTorch" in a.peers:
        print("PyTorch: not installed (apt-get install python3-torch); skipped")
    for backend, module in [("tensorflow", "tensorflow"), ("jax", "jax")]:
        if f"Keras/{backend}" not in a.peers:
            continue
        if available(a.keras_python, "keras") and available(a.keras_python, module):
            peers[f"Keras/{backend}"] = lambda backend=backend: script_epochs(
                [a.keras_python, os.path.join(HERE, "keras_seed_cnn.py"), "--epochs", str(a.epochs), "--threads",
                 str(a.threads)], dict(env, KERAS_BACKEND=backend))
        else:
            print(f"Keras/{backend}: no --keras-python with keras and {module}; skipped")
    seconds = {name: [] for name in peers}
    competitor = None
    if a.load:  # the competing process: plateau training for as long as this runs, at nice 5
        scratch = tempfile.TemporaryDirectory()
        competitor = subprocess.Popen(["nice", "-n", "5", a.plateau, "train", "--epochs", "1000000", "--verbose",
                                       "0", "--run-dir", scratch.name + "/load"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for r in range(a.rounds):
            for name, run in peers.items():
                times = run()[1:]  # whole epochs after the first
                seconds[name].extend(times)
                print(f"round {r + 1} {name:26s} " + " ".join(f"{t:.2f}s" for t in times), flush=True)
    finally:
        if competitor:
            competitor.kill()
            competitor.wait()
    base = statistics.median(seconds[next(iter(seconds))])
    load = ", beside a second plateau train at nice 5" if a.load else ""
    print(f"\nthreads {a.threads}, whole epochs of {TRAIN_IMAGES} images (validation included){load}, medians:")
    print(f"{'':26s} {'s/epoch':>8s} {'images/s':>9s} {'plateau is':>11s}")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(f"{name:26s} {median:8.2f} {TRAIN_IMAGES / median:9.0f} {median / base:10.2f}x")


if __name__ == "__main__":
    main()
