"""The seed notebook's experiment in Python: five ReduceLROnPlateau strategies on Fashion-MNIST, with the
Keras API over plateau's engine. Plots the validation accuracy and the lr of each strategy into PNGs
when matplotlib is installed (pip install plateau[plots]), and prints a table.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/python/seed_notebook.py --limit 2000 --epochs 3

(a quick look: with a few dozen steps BatchNormalization's moving statistics, momentum 0.99 as in Keras,
have not settled and the test accuracy is low, in Keras as here; the defaults, 12 epochs on all 60,000
images, are the notebook's experiment.) The same code for Keras differs only in its imports
(docs/python_api.md shows both).
"""
import argparse

import plateau
from plateau import keras
from plateau.keras import layers
from plateau.keras.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau


class LearningRateMonitor(keras.callbacks.Callback):
    """Records the lr at the end of every epoch (the seed notebook's callback, unchanged)."""

    def __init__(self):
        super().__init__()
        self.lrs = []

    def on_epoch_end(self, epoch, logs=None):
        self.lrs.append(float(self.model.optimizer.learning_rate.numpy()))


def seed_cnn():
    """The notebook's CNN (plateau train's default model), not yet compiled."""
    return keras.Sequential([
        layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Conv2D(128, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def build_model():
    model = seed_cnn()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


STRATEGIES = {
    "fixed": [],
    "standard": [ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, min_lr=1e-6)],
    "aggressive": [ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=2, min_lr=1e-6)],
    "conservative": [ReduceLROnPlateau(monitor="val_loss", factor=0.7, patience=5, min_lr=1e-6)],
    "combined": [ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, min_lr=1e-6),
                 EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True),
                 ModelCheckpoint("best.safetensors", monitor="val_accuracy", save_best_only=True)],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use the first N training images (default: all)")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--plots", default="seed_notebook", help="PNG file prefix (needs matplotlib)")
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = plateau.datasets.fashion_mnist.load_data()
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    x_train, x_test = x_train / 255.0, x_test / 255.0

    results = {}
    for name, callbacks in STRATEGIES.items():
        keras.utils.set_random_seed(42)
        model = build_model()
        monitor = LearningRateMonitor()
        history = model.fit(x_train, y_train, batch_size=128, epochs=args.epochs, validation_split=0.2, verbose=0,
                            callbacks=callbacks + [monitor])
        test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
        results[name] = (history.history, monitor.lrs, test_accuracy)
        print(f"{name:13s} epochs {len(monitor.lrs):2d}  final lr {monitor.lrs[-1]:.2e}  "
              f"best val_accuracy {max(history.history['val_accuracy']):.4f}  test accuracy {test_accuracy:.4f}")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plots")
        return
    for key, label in [("val_accuracy", "validation accuracy"), ("learning_rate", "learning rate")]:
        fig, ax = plt.subplots(figsize=(7, 4))
        for name, (history, _, _) in results.items():
            ax.plot(range(1, len(history[key]) + 1), history[key], marker="o", label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        if key == "learning_rate":
            ax.set_yscale("log")
        ax.legend()
        fig.tight_layout()
        fig.savefig(f"{args.plots}_{key}.png", dpi=120)
        print(f"wrote {args.plots}_{key}.png")


if __name__ == "__main__":
    main()
