"""Callbacks that act every N epochs."""

import keras

from kerasgan.engine.validation import logs_are_finite


def check_every(every):
    """Validates an epoch interval and returns it as an int."""
    if int(every) < 1:
        raise ValueError(f"every must be a positive number of epochs; got {every}.")
    return int(every)


class PeriodicWriter(keras.callbacks.Callback):
    """Calls `write(epoch)` every `every` epochs and after the last epoch of `fit()`.

    Subclasses implement `write(epoch)` (1-based epoch number).

    Args:
        every: the interval in epochs.
    """

    def __init__(self, every):
        super().__init__()
        self.every = check_every(every)
        self.written = []
        self._epochs_seen = 0
        self._diverged = False

    def on_train_begin(self, logs=None):
        self._diverged = False

    def on_epoch_end(self, epoch, logs=None):
        if not logs_are_finite(logs):
            # Training turned NaN/inf (the NonFiniteLossGuard stops it): a picture
            # of those weights is all black, and would replace a good one.
            self._diverged = True
        if self._diverged:
            return
        self._epochs_seen = epoch + 1
        if (epoch + 1) % self.every == 0:
            self.write(epoch + 1)

    def on_train_end(self, logs=None):
        # The last state of a run is always worth a picture, even off the interval.
        if self._epochs_seen and self._epochs_seen % self.every and not self._diverged:
            self.write(self._epochs_seen)

    def write(self, epoch):
        raise NotImplementedError

