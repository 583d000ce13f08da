#!/usr/bin/python3
"""The seed CNN in PyTorch with Keras' settings (glorot init, BatchNorm momentum 0.99 -> torch 0.01,
eps 1e-3, Adam eps 1e-7, validation_split 0.2 taken from the end), for comparing plateau against
PyTorch: `--mode train` reports per-epoch metrics and test accuracy; `--mode throughput` times
training steps (images/s) on the same batches.

Needs Debian's python3-torch (apt-get install python3-torch); exits 0 with a note when it is absent.
  /usr/bin/python3 bench/torch_seed_cnn.py --mode train --epochs 12
  /usr/bin/python3 bench/torch_seed_cnn.py --mode throughput --steps 60 --threads 2
"""
import argparse
import os
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    from fashion_mnist_idx import idx
except ImportError:
    print("PyTorch is not installed (apt-get install python3-torch); skipping.")
    sys.exit(0)


def load(split):
    prefix = "train" if split == "train" else "t10k"
    x = idx(f"{prefix}-images-idx3-ubyte.gz").astype(np.float32)[:, None] / 255.0
    y = idx(f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


class SeedCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32, eps=1e-3, momentum=0.01)
        self.c2, self.b2 = nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64, eps=1e-3, momentum=0.01)
        self.c3, self.b3 = nn.Conv2d(64, 128, 3), nn.BatchNorm2d(128, eps=1e-3, momentum=0.01)
        self.d1, self.d2 = nn.Linear(1152, 128), nn.Linear(128, 10)
        for m in (self.c1, self.c2, self.c3, self.d1, self.d2):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(self.b1(F.relu(self.c1(x))), 2)
        x = F.max_pool2d(self.b2(F.relu(self.c2(x))), 2)
        x = self.b3(F.relu(self.c3(x)))
        x = F.dropout(F.relu(self.d1(torch.flatten(x, 1))), 0.5, self.training)
        return self.d2(x)  # logits; the softmax lives in the loss


def evaluate(net, x, y, batch=256):
    net.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = net(x[i:i + batch])
            loss += F.cross_entropy(out, y[i:i + batch], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    net.train()
    return loss / len(x), correct / len(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["train", "throughput", "inference"], default="train")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = load("train")
    split = int(np.ceil(len(x) * 0.8))
    xt, yt, xv, yv = x[:split], y[:split], x[split:], y[split:]
    net = SeedCnn()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    if a.mode == "inference":
        tx, ty = load("test")
        evaluate(net, tx[:512], ty[:512])  # warm-up
        start = time.perf_counter()
        evaluate(net, tx, ty)
        elapsed = time.perf_counter() - start
        print(f"torch {torch.__version__} threads {a.threads}: {len(tx) / elapsed:.1f} images/s inference")
        return
    if a.mode == "throughput":
        images = xt[:a.batch_size * a.steps]
        labels = yt[:a.batch_size * a.steps]
        for warm in range(3):
            opt.zero_grad()
            F.cross_entropy(net(images[:a.batch_size]), labels[:a.batch_size]).backward()
            opt.step()
        start = time.perf_counter()
        for s in range(a.steps):
            b = slice(s * a.batch_size, (s + 1) * a.batch_size)
            opt.zero_grad()
            F.cross_entropy(net(images[b]), labels[b]).backward()
            opt.step()
        elapsed = time.perf_counter() - start
        print(f"torch {torch.__version__} threads {a.threads}: {a.steps * a.batch_size / elapsed:.1f} images/s")
        return
    for epoch in range(a.epochs):
        perm = torch.randperm(len(xt))
        start, total, seen = time.perf_counter(), 0.0, 0
        for i in range(0, len(xt), a.batch_size):
            idx_ = perm[i:i + a.batch_size]
            opt.zero_grad()
            loss = F.cross_entropy(net(xt[idx_]), yt[idx_])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx_)
            seen += len(idx_)
        vl, va = evaluate(net, xv, yv)
        print(f"epoch {epoch + 1}: loss {total / seen:.4f} val_loss {vl:.4f} val_accuracy {va:.4f} "
              f"({time.perf_counter() - start:.2f}s)", flush=True)
    tx, ty = load("test")
    tl, ta = evaluate(net, tx, ty)
    print(f"test loss {tl:.4f} accuracy {ta:.4f}")


if __name__ == "__main__":
    main()
