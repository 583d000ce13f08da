"""keras.datasets.fashion_mnist, from Debian's dataset-fashion-mnist (or $PLATEAU_DATA)."""
from .. import _plateau


def load_data():
    """((x_train, y_train), (x_test, y_test)): uint8 arrays of shape (60000, 28, 28) and (60000,), and
    (10000, 28, 28) and (10000,), as keras.datasets.fashion_mnist.load_data() returns them."""
    return _plateau.load_fashion_mnist("train"), _plateau.load_fashion_mnist("test")
