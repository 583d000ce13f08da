"""Fashion-MNIST from Debian's package ($PLATEAU_DATA or /usr/share/datasets/fashion-mnist) as NumPy
arrays, for the peer scripts (torch_seed_cnn.py, keras_seed_cnn.py), which must not need plateau."""
import gzip
import os
import struct

import numpy as np

DATA = os.environ.get("PLATEAU_DATA", "/usr/share/datasets/fashion-mnist")


def idx(name):
    """One IDX file of the data set (e.g. "train-images-idx3-ubyte.gz") as a uint8 array of its shape."""
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw[4 + 4 * ndim:], dtype=np.uint8).reshape(dims)
