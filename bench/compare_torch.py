#!/usr/bin/python3
"""plateau against PyTorch on the seed CNN: same network, batch size, thread count and data, runs
alternating, medians of --repeats. Training throughput from `plateau profile` (images/s of a whole
step) and bench/torch_seed_cnn.py --mode throughput; inference from `plateau evaluate --json` on the
10,000 test images and --mode inference. PyTorch comes from Debian's python3-torch
(apt-get install python3-torch); without it the script says so and exits 0.

  /usr/bin/python3 bench/compare_torch.py --plateau build/release/plateau --threads 2 --repeats 3
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--plateau", default="build/release/plateau")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=40)
    a = p.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is not installed (apt-get install python3-torch); skipping the comparison.")
        return
    torch_script = os.path.join(HERE, "torch_seed_cnn.py")
    env = dict(os.environ, PLATEAU_NUM_THREADS=str(a.threads), OMP_NUM_THREADS=str(a.threads))
    weights = os.path.join(tempfile.mkdtemp(), "w")
    run([a.plateau, "train", "--epochs", "0", "--limit", "256", "--verbose", "0", "--run-dir", weights], env)
    train_p, train_t, infer_p, infer_t = [], [], [], []
    for r in range(a.repeats):
        out = run([a.plateau, "profile", "--steps", str(a.steps), "--threads", str(a.threads)], env)
        train_p.append(float(re.search(r"([0-9.]+) images/s", out).group(1)))
        out = run(["/usr/bin/python3", torch_script, "--mode", "throughput", "--steps", str(a.steps),
                   "--threads", str(a.threads)], env)
        train_t.append(float(re.search(r"([0-9.]+) images/s", out).group(1)))
        out = json.loads(run([a.plateau, "evaluate", "--json", "--weights", os.path.join(weights, "final.safetensors")], env))
        infer_p.append(out["samples"] / out["seconds"])
        out = run(["/usr/bin/python3", torch_script, "--mode", "inference", "--threads", str(a.threads)], env)
        infer_t.append(float(re.search(r"([0-9.]+) images/s", out).group(1)))
        print(f"run {r + 1}: train plateau {train_p[-1]:.0f} torch {train_t[-1]:.0f} img/s; "
              f"inference plateau {infer_p[-1]:.0f} torch {infer_t[-1]:.0f} img/s", flush=True)
    mp, mt, ip, it = (statistics.median(x) for x in (train_p, train_t, infer_p, infer_t))
    print(f"threads {a.threads}, medians of {a.repeats}:")
    print(f"  training  plateau {mp:8.0f} images/s   PyTorch {mt:8.0f} images/s   ratio {mp / mt:.2f}x")
    print(f"  inference plateau {ip:8.0f} images/s   PyTorch {it:8.0f} images/s   ratio {ip / it:.2f}x")


if __name__ == "__main__":
    main()
