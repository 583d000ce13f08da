"""PyTorch's scheduler names (torch.optim.lr_scheduler), with PyTorch's rules. The optimizer argument of
torch's constructors is optional here (the model's is used); give a scheduler to fit() among the
callbacks, or to plateau.schedule_preview():

    model.fit(x, y, epochs=3, callbacks=[plateau.optim.lr_scheduler.OneCycleLR(max_lr=0.01, total_steps=300)])
"""
from .._spec import Spec


class LRScheduler(Spec):
    """A scheduler, as the engine's spec: {"name": …, its arguments}."""


def _scheduler(name):
    def make(optimizer=None, **kwargs):  # optimizer: as in torch; the model's own is the one scheduled
        del optimizer
        return LRScheduler(name, **kwargs)

    make.__name__ = name
    make.__doc__ = f"torch.optim.lr_scheduler.{name}(optimizer, **kwargs): the same arguments, optimizer optional."
    return make


StepLR = _scheduler("StepLR")
MultiStepLR = _scheduler("MultiStepLR")
ExponentialLR = _scheduler("ExponentialLR")
CosineAnnealingLR = _scheduler("CosineAnnealingLR")
CosineAnnealingWarmRestarts = _scheduler("CosineAnnealingWarmRestarts")
CyclicLR = _scheduler("CyclicLR")
OneCycleLR = _scheduler("OneCycleLR")
LinearLR = _scheduler("LinearLR")
ConstantLR = _scheduler("ConstantLR")
PolynomialLR = _scheduler("PolynomialLR")
