"""Spec: an object the engine takes as a JSON spec (optimizers, schedulers): its name and arguments."""


def spec_arguments(config):
    """Keyword arguments as a spec's: those given as None are left to the engine's defaults; tuples become
    JSON lists."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if v is not None}


class Spec:
    def __init__(self, name, **config):
        self.name = name
        self.config = spec_arguments(config)

    def get_config(self):
        return {"name": self.name, **self.config}

    def __repr__(self):
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.config.items())})"
