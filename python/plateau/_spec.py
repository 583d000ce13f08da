"""Spec: an object the engine takes as a JSON spec (optimizers, schedulers): its name and arguments."""


class Spec:
    def __init__(self, name, **config):
        self.name = name
        # arguments given as None are left to the engine's defaults; tuples become JSON lists
        self.config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items() if v is not None}

    def get_config(self):
        return {"name": self.name, **self.config}

    def __repr__(self):
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.config.items())})"
