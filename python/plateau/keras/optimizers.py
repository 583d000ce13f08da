"""keras.optimizers: Keras' update rules (plateau's keras.* optimizers), spelled as Keras spells them."""
from .._spec import Spec


class Optimizer(Spec):
    """An optimizer, as the engine's spec: {"name": …, its arguments}."""


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__("keras.SGD", learning_rate=learning_rate, momentum=float(momentum), nesterov=nesterov,
                         **kwargs)


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, **kwargs):
        super().__init__("keras.RMSprop", learning_rate=learning_rate, rho=rho, momentum=momentum, epsilon=epsilon,
                         **kwargs)


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__("keras.Adam", learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         **kwargs)


def get(identifier):
    """An optimizer from what compile() was given: an Optimizer (Keras or plateau.optim), or a name."""
    if hasattr(identifier, "get_config"):
        return identifier
    names = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}
    if isinstance(identifier, str) and identifier.lower() in names:
        return names[identifier.lower()]()
    raise ValueError(f"unknown optimizer {identifier!r} (valid: {', '.join(names)}, or an optimizer object)")
