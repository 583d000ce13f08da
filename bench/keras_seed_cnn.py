"""The seed CNN in Keras 3 (the seed notebook's code), for timing peers against plateau: trains --epochs
whole epochs (batch 128, Adam 1e-3, validation_split 0.2) and prints one line per epoch with its wall
time, validation included. The backend comes from KERAS_BACKEND (tensorflow or jax); run it with the
Python of a virtualenv that has keras and the backend (pip install keras tensorflow-cpu jax):

  KERAS_BACKEND=tensorflow venv/bin/python bench/keras_seed_cnn.py --epochs 2 --threads 2
"""
import argparse
import os
import time

from fashion_mnist_idx import idx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--limit", type=int, default=0)
    a = p.parse_args()
    # Threads: TensorFlow reads these before it starts; XLA (JAX) takes the CPU count of the process.
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(a.threads))
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    import keras
    from keras import layers

    x = idx("train-images-idx3-ubyte.gz")[..., None] / 255.0
    y = idx("train-labels-idx1-ubyte.gz")
    if a.limit:
        x, y = x[:a.limit], y[:a.limit]
    keras.utils.set_random_seed(42)
    model = keras.Sequential([keras.Input((28, 28, 1))])
    for filters in (32, 64, 128):
        model.add(layers.Conv2D(filters, 3, activation="relu"))
        model.add(layers.BatchNormalization())
        if filters != 128:
            model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    class EpochTimes(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            print(f"epoch {epoch + 1}: val_accuracy {logs['val_accuracy']:.4f} "
                  f"({time.perf_counter() - self.start:.2f}s)", flush=True)

    model.fit(x, y, batch_size=128, epochs=a.epochs, validation_split=0.2, verbose=0, callbacks=[EpochTimes()])
    print(f"keras {keras.__version__} backend {keras.backend.backend()}")


if __name__ == "__main__":
    main()
