"""keras.mixed_precision: the dtype policy a layer takes when it is made, as in Keras 3.

    from plateau import keras
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # variables float32, compute bfloat16
    model = keras.Sequential([...])                            # its Conv2D and Dense layers compute in bfloat16

A layer may name its own: layers.Dense(10, dtype="float32"). Under mixed_bfloat16 plateau computes
convolutions and dense layers with bfloat16 operands and float32 sums (AMX where the CPU has it); batch
norm statistics, pooling, softmax and the loss stay float32 (layers/dtype_policy.h).
"""

from .. import _plateau

POLICIES = tuple(_plateau.dtype_policies())  # layers/dtype_policy.h's list
_global_policy = "float32"


class DTypePolicy:
    """A dtype policy by name; compute_dtype and variable_dtype as Keras reports them."""

    def __init__(self, name="float32"):
        name = getattr(name, "name", name)
        if name not in POLICIES:
            raise ValueError(f"unknown dtype policy {name!r} (valid: {', '.join(POLICIES)})")
        self.name = name

    @property
    def compute_dtype(self):
        return "bfloat16" if self.name == "mixed_bfloat16" else "float32"

    @property
    def variable_dtype(self):
        return "float32"

    def __eq__(self, other):
        return self.name == getattr(other, "name", other)

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


Policy = DTypePolicy  # Keras 2's name


def set_global_policy(policy):
    """The policy of the layers made from now on: "float32", "mixed_bfloat16" or a DTypePolicy."""
    global _global_policy
    _global_policy = DTypePolicy(policy).name


def global_policy():
    return DTypePolicy(_global_policy)
