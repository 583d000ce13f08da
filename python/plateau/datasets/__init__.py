"""Data sets as Keras returns them: plateau.datasets.fashion_mnist.load_data()."""
from . import fashion_mnist

__all__ = ["fashion_mnist"]
