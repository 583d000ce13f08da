"""Reads a weights file written by plateau with only json and numpy (tests/fixtures/safetensors_np.py)
and checks every tensor against the values plateau wrote beside it, bit for bit, and that the model
spec in the metadata is JSON naming the layers. Exit status 0 on success."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import safetensors_np  # noqa: E402


def main(weights_path, expected_path):
    tensors, metadata = safetensors_np.read(weights_path)
    with open(expected_path) as f:
        expected = json.load(f)
    assert list(tensors) == list(expected), f"names differ: {list(tensors)} vs {list(expected)}"
    for name, entry in expected.items():
        want = np.asarray(entry["values"], dtype=np.float32).reshape(entry["shape"])
        got = tensors[name]
        assert got.shape == want.shape, f"{name}: shape {got.shape} != {want.shape}"
        assert np.array_equal(got, want), f"{name}: values differ"
    spec = json.loads(metadata["model"])
    types = [layer["type"] for layer in spec["layers"]]
    assert types[0] == "Conv2D" and types[-1] == "Dense", types
    print(f"ok: {len(tensors)} tensors, {sum(t.size for t in tensors.values())} values, {len(types)} layers")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
