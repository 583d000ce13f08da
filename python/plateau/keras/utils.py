"""keras.utils.set_random_seed: the seed of the initial weights, the shuffle order and dropout."""

_seed = 42  # plateau train's default --seed


def set_random_seed(seed):
    global _seed
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    _seed = seed


def get_random_seed():
    return _seed
