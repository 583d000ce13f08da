"""plateau from Python: the Keras API (plateau.keras) and PyTorch's optimizer and scheduler names
(plateau.optim) over plateau's C++ engine.

    import plateau
    from plateau.keras import layers
    (x, y), (x_test, y_test) = plateau.datasets.fashion_mnist.load_data()
    model = plateau.keras.Sequential([layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), ...])
"""
import json as _json
import os as _os

# A shorter OpenMP spin before idle threads sleep, as the plateau program asks for (apps/openmp_wait.cpp:
# long enough for a step's serial stretches, short enough for a machine shared with another busy
# process). libgomp reads this once, when the extension module loads it below; a user's own
# OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
if "OMP_WAIT_POLICY" not in _os.environ:
    _os.environ.setdefault("GOMP_SPINCOUNT", "30000")

from . import _plateau  # noqa: E402
from . import datasets, keras, optim
from ._plateau import num_threads, set_num_threads

__all__ = ["datasets", "keras", "optim", "schedule_preview", "num_threads", "set_num_threads"]


def schedule_preview(spec, steps, initial_lr=1e-3):
    """The lr of each of `steps` steps of a schedule (a plateau.optim.lr_scheduler object, or a spec dict
    such as {"name": "StepLR", "step_size": 30}), as a NumPy array."""
    if hasattr(spec, "get_config"):
        spec = spec.get_config()
    return _plateau.schedule_preview(_json.dumps(spec), int(steps), float(initial_lr))
