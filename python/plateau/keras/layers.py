"""Keras layers, spelled as keras.layers spells them; each becomes a layer of plateau's model spec."""
from .._spec import spec_arguments
from . import mixed_precision


class Layer:
    """A layer: its type and arguments, as plateau's model spec (and Keras' get_config) name them. Its
    dtype policy is the global one when it is made (keras.mixed_precision), unless dtype= names one."""

    def __init__(self, type_name, input_shape=None, name=None, dtype=None, **config):
        self.type = type_name
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        self.name = name
        self.dtype_policy = mixed_precision.DTypePolicy(dtype) if dtype is not None else mixed_precision.global_policy()
        self.config = spec_arguments(config)
        if self.dtype_policy.name != "float32":
            self.config["dtype"] = self.dtype_policy.name

    def get_config(self):
        return {"type": self.type, **self.config}

    def __repr__(self):
        return f"{self.type}({', '.join(f'{k}={v!r}' for k, v in self.config.items())})"


class Conv2D(Layer):
    def __init__(self, filters, kernel_size, strides=None, padding=None, activation=None, use_bias=None, **kwargs):
        super().__init__("Conv2D", filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                         activation=activation, use_bias=use_bias, **kwargs)


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=None, **kwargs):
        super().__init__("Dense", units=units, activation=activation, use_bias=use_bias, **kwargs)


class BatchNormalization(Layer):
    def __init__(self, momentum=None, epsilon=None, **kwargs):
        super().__init__("BatchNormalization", momentum=momentum, epsilon=epsilon, **kwargs)


class MaxPooling2D(Layer):
    def __init__(self, pool_size=2, strides=None, padding=None, **kwargs):
        super().__init__("MaxPooling2D", pool_size=pool_size, strides=strides, padding=padding, **kwargs)


class Dropout(Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__("Dropout", rate=rate, seed=seed, **kwargs)


class Flatten(Layer):
    def __init__(self, **kwargs):
        super().__init__("Flatten", **kwargs)


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__("Activation", activation=activation, **kwargs)


class Input:
    """keras.Input(shape=…): the input shape of a Sequential model, as its first element."""

    def __init__(self, shape):
        self.input_shape = tuple(shape)
