"""PyTorch's optimizer names (torch.optim), with PyTorch's update rules; the model supplies the
parameters, so the first argument of torch's constructors (params) is not given:

    model.compile(optimizer=plateau.optim.SGD(lr=0.1, momentum=0.9), loss="sparse_categorical_crossentropy")
"""
from .._spec import Spec
from . import lr_scheduler


class Optimizer(Spec):
    """An optimizer, as the engine's spec: {"name": …, its arguments}."""


class SGD(Optimizer):
    def __init__(self, lr=0.001, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__("SGD", lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                         nesterov=nesterov)


class RMSprop(Optimizer):
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__("RMSprop", lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                         centered=centered)


class Adam(Optimizer):
    def __init__(self, lr=0.001, betas=None, eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__("Adam", lr=lr, betas=list(betas) if betas else None, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)


class AdamW(Optimizer):
    def __init__(self, lr=0.001, betas=None, eps=1e-8, weight_decay=0.01, amsgrad=False):
        super().__init__("AdamW", lr=lr, betas=list(betas) if betas else None, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)


class Adagrad(Optimizer):
    def __init__(self, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__("Adagrad", lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps)


class Adadelta(Optimizer):
    def __init__(self, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        super().__init__("Adadelta", lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
