"""The Keras API over plateau's engine: a notebook that uses keras changes its imports.

    from plateau import keras
    from plateau.keras import layers
    model = keras.Sequential([layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
                              layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train / 255.0, y_train, batch_size=128, epochs=12, validation_split=0.2)
"""
import json

import numpy as np

from .. import _plateau
from ..optim import lr_scheduler as _lr_scheduler
from . import callbacks, layers, mixed_precision, optimizers, utils
from . import callbacks as _callbacks  # fit()'s argument is named callbacks, as in Keras

__all__ = ["Sequential", "callbacks", "layers", "mixed_precision", "optimizers", "utils"]


class _LearningRate(float):
    """The optimizer's learning rate as Keras code reads it: a number, with .numpy()."""

    def numpy(self):
        return np.float32(self)


class _Optimizer:
    """model.optimizer: its config, and learning_rate read and set as in Keras (from a callback too)."""

    def __init__(self, model, config):
        self._model = model
        self._config = config

    def get_config(self):
        return dict(self._config)

    @property
    def learning_rate(self):
        return _LearningRate(self._model._engine().learning_rate)

    @learning_rate.setter
    def learning_rate(self, value):
        self._model._engine().learning_rate = float(value)

    lr = learning_rate


class Sequential:
    """keras.Sequential: a stack of layers, built at the first compile (or summary) for the first
    layer's input_shape, with initial weights from plateau.keras.utils.set_random_seed (default 42, as
    `plateau train --seed`)."""

    def __init__(self, layers=None, name="sequential"):
        self.layers = []
        self.name = name
        self._input_shape = None
        self._core = None
        self.optimizer = None
        self.loss = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if self._core is not None:
            raise ValueError("add layers before compile(): the model is built already")
        if isinstance(layer, layers.Input):
            self._input_shape = layer.input_shape
            return
        if not isinstance(layer, layers.Layer):
            raise ValueError(f"{layer!r} is not a plateau.keras.layers layer")
        if layer.input_shape is not None:
            self._input_shape = layer.input_shape
        self.layers.append(layer)

    def get_config(self):
        return {"layers": [layer.get_config() for layer in self.layers]}

    def _build(self):
        if self._core is None:
            if self._input_shape is None:
                raise ValueError("give the first layer an input_shape (or start with keras.Input(shape=...))")
            self._core = _plateau.Model(json.dumps(self.get_config()), [int(d) for d in self._input_shape],
                                        utils.get_random_seed())
        return self._core

    def _engine(self):
        if self._core is None:
            raise ValueError("compile() the model first")
        return self._core

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss=\"sparse_categorical_crossentropy\"")
        if metrics not in (None, [], ["accuracy"], ("accuracy",)):
            raise ValueError(f"metrics {metrics!r}: plateau computes [\"accuracy\"]")
        optimizer = optimizers.get(optimizer)
        self._build().compile(json.dumps(optimizer.get_config()), str(loss))
        self.optimizer = _Optimizer(self, optimizer.get_config())
        self.loss = loss

    @property
    def stop_training(self):
        return self._engine().stop_training

    @stop_training.setter
    def stop_training(self, value):
        self._engine().stop_training = bool(value)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            shuffle=True, initial_epoch=0, validation_freq=1):
        """keras.Model.fit on arrays: x of shape (N, H, W) or (N, H, W, 1), y of N class labels. Returns a
        History whose .history holds loss, accuracy, val_loss, val_accuracy and learning_rate per epoch."""
        engine = self._engine()
        schedule = None
        backup_dir = ""
        cpp_callbacks = []
        for c in callbacks or []:
            if isinstance(c, _callbacks.BackupAndRestore):
                backup_dir = c.backup_dir
            elif isinstance(c, _callbacks._BuiltIn):
                cpp_callbacks.append(c._spec_text())
            elif isinstance(c, _lr_scheduler.LRScheduler):
                schedule = c.get_config()
            elif isinstance(c, _callbacks.Callback):
                c.set_model(self)
                c.set_params({"epochs": epochs, "verbose": verbose})
                cpp_callbacks.append(c)
            else:
                raise ValueError(f"{c!r} is not a callback (plateau.keras.callbacks) or a scheduler (plateau.optim)")
        verbose = 1 if verbose == "auto" else int(verbose)
        history = engine.fit(x, y, int(batch_size or 32), int(epochs), verbose, cpp_callbacks,
                             float(validation_split), bool(shuffle), int(initial_epoch), int(validation_freq),
                             utils.get_random_seed(), json.dumps(schedule), backup_dir)
        result = _callbacks.History(history, list(range(initial_epoch, initial_epoch + len(history.get("loss", [])))))
        result.model = self
        return result

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False):
        logs = self._engine().evaluate(x, y, int(batch_size or 32))
        if return_dict:
            return logs
        return [logs["loss"], logs["accuracy"]] if "accuracy" in logs else logs["loss"]

    def predict(self, x, batch_size=None, verbose="auto"):
        return self._engine().predict(x, int(batch_size or 32))

    def summary(self):
        print(self._build().summary())

    def save_weights(self, filepath):
        self._build().save_weights(str(filepath))

    def load_weights(self, filepath):
        self._build().load_weights(str(filepath))
