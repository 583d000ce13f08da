"""keras.callbacks: the built-in ones run in C++ with Keras 3's rules (plateau's callbacks/); a subclass
of Callback written in Python runs inside the C++ fit loop, with Keras' hooks and arguments, and can read
and set self.model.optimizer.learning_rate and self.model.stop_training."""
import json

from .._spec import spec_arguments


class Callback:
    """keras.callbacks.Callback: override the hooks you need; self.model is the model being trained."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


class _BuiltIn:
    """A callback plateau runs in C++, given by its spec (callbacks/callback_spec.h)."""

    def __init__(self, name, **config):
        config.pop("verbose", None)  # plateau prints what they do through the progress lines
        self.spec = {"name": name, **spec_arguments(config)}

    def get_config(self):
        return dict(self.spec)

    def _spec_text(self):
        return json.dumps(self.spec)


class ReduceLROnPlateau(_BuiltIn):
    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        super().__init__("ReduceLROnPlateau", monitor=monitor, factor=factor, patience=patience, verbose=verbose,
                         mode=mode, min_delta=min_delta, cooldown=cooldown, min_lr=min_lr)


class EarlyStopping(_BuiltIn):
    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__("EarlyStopping", monitor=monitor, min_delta=min_delta, patience=patience, verbose=verbose,
                         mode=mode, baseline=baseline, restore_best_weights=restore_best_weights,
                         start_from_epoch=start_from_epoch)


class ModelCheckpoint(_BuiltIn):
    """Saves weights (.safetensors) as keras.callbacks.ModelCheckpoint(save_weights_only=True) does."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=True,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        del save_weights_only  # plateau saves weights files
        super().__init__("ModelCheckpoint", filepath=str(filepath), monitor=monitor, verbose=verbose,
                         save_best_only=save_best_only, mode=mode, save_freq=save_freq,
                         initial_value_threshold=initial_value_threshold)


class CSVLogger(_BuiltIn):
    def __init__(self, filename, separator=",", append=False):
        super().__init__("CSVLogger", filename=str(filename), separator=separator, append=append)


class TerminateOnNaN(_BuiltIn):
    def __init__(self):
        super().__init__("TerminateOnNaN")


class BackupAndRestore:
    """keras.callbacks.BackupAndRestore(backup_dir): fit() saves its whole state there after every epoch
    and when interrupted (Ctrl-C: KeyboardInterrupt after the checkpoint), and a fit() given the same
    directory again continues exactly where it stopped."""

    def __init__(self, backup_dir):
        self.backup_dir = str(backup_dir)


class LearningRateScheduler(Callback):
    """keras.callbacks.LearningRateScheduler(schedule): schedule(epoch, lr) -> the lr of the epoch."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = self.schedule(epoch, float(self.model.optimizer.learning_rate))
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(lr)}.")


class History:
    """What fit() returns: history.history maps each log key to its value per epoch; history.epoch."""

    def __init__(self, history, epochs):
        self.history = history
        self.epoch = epochs
        self.model = None
