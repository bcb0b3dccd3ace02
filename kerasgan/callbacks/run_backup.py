"""`BackupAndRestore` for a run folder: two checkpoints, checked before they are used."""

import json
import os
import shutil
import tempfile
import time
import warnings

import keras

from kerasgan.engine.validation import logs_are_finite
from kerasgan.utils.files import write_json


class BackupError(RuntimeError):
    """A backup that cannot be restored; the message names its files."""


class RunBackup(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` that keeps two checkpoints and checks them.

    - Two checkpoints (Keras's `double_checkpoint`): a crash while the newest is
      being written leaves the previous one, which `restore()` falls back to.
    - The backup outlives `fit()` (`delete_checkpoint=False`): the caller deletes it
      once the run's final files are written, so a kill in between loses nothing.
    - A checkpoint is used only when its weights load and its step count is the
      one its metadata's epoch implies (`epoch * steps_per_epoch`): metadata from
      another epoch than the weights would silently skip or repeat epochs.
    - `restore()` runs before `fit()` so that the caller knows the epoch to resume
      from (e.g. to skip that many epochs of data); `fit()` then starts there.
    - A clock (`clock.json`): the run's training seconds at the end of each
      finished epoch, written before that epoch's checkpoint, so that a resumed
      run knows the seconds of the epochs it restored (`earlier_seconds`) and can
      report its whole training time, not the last process's.

    Args:
        backup_dir: the backup folder.
        steps_per_epoch: train steps per epoch.
        hint: a sentence added to errors (e.g. where the last good weights are).
    """

    def __init__(self, backup_dir, steps_per_epoch, hint=""):
        super().__init__(
            os.fspath(backup_dir), double_checkpoint=True, delete_checkpoint=False
        )
        self.steps_per_epoch = int(steps_per_epoch)
        self.hint = hint
        self.restored_epoch = None
        #: Training seconds of the restored epochs: 0 for a new run, None when the
        #: backup has no clock entry for them (a backup older than the clock).
        self.earlier_seconds = None
        self._clock_path = os.path.join(self.backup_dir, "clock.json")
        self._started = None

    def checkpoints(self):
        """`[(weights, metadata)]`, newest first."""
        return [
            (self._weights_path, self._training_metadata_path),
            (self._prev_weights_path, self._prev_training_metadata_path),
        ]

    def has_checkpoint(self):
        return any(os.path.exists(weights) for weights, _ in self.checkpoints())

    def restore(self):
        """Loads the newest usable checkpoint into the model; returns its epoch.

        Returns:
            The number of finished epochs restored; 0 when there is no backup.

        Raises:
            BackupError: naming each checkpoint file and why it is unusable.
        """
        self._build_optimizer()
        problems = []
        for index, (weights, metadata) in enumerate(self.checkpoints()):
            if not os.path.exists(weights):
                continue
            try:
                epoch = self._load(weights, metadata)
            except (OSError, ValueError, KeyError, TypeError) as error:
                problems.append(f"{weights} ({_first_line(error)})")
                continue
            if index:  # the previous checkpoint becomes the newest again
                _copy_pair((weights, metadata), self.checkpoints()[0])
            if problems:
                warnings.warn(
                    f"Resuming from {weights} (epoch {epoch}): {problems[0]} is "
                    "unusable.",
                    stacklevel=2,
                )
            self.restored_epoch = epoch
            self.earlier_seconds = self._clock().get(str(epoch))
            return epoch
        if problems:
            raise BackupError(
                f"Cannot resume from {self.backup_dir}: no checkpoint can be used: "
                + "; ".join(problems)
                + f". {self.hint}".rstrip()
            )
        self.restored_epoch = 0
        self.earlier_seconds = 0.0
        return 0

    def on_train_begin(self, logs=None):
        epoch = self.restore() if self.restored_epoch is None else self.restored_epoch
        self._started = time.perf_counter()
        if epoch:
            self.model._initial_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if logs_are_finite(logs):
            self._record_clock(epoch + 1)
            super().on_epoch_end(epoch, logs)
        # else: training turned NaN/inf; the checkpoints keep the last good epoch.

    def _clock(self):
        try:
            with open(self._clock_path) as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    def _record_clock(self, finished_epochs):
        if self.earlier_seconds is None:
            return  # the restored epochs' seconds are unknown: so are the run's
        seconds = self.earlier_seconds + time.perf_counter() - self._started
        os.makedirs(self.backup_dir, exist_ok=True)
        write_json(self._clock_path, {**self._clock(), str(finished_epochs): round(seconds, 3)})

    def _build_optimizer(self):
        optimizer = self.model.optimizer
        if optimizer is not None and not optimizer.built:
            # Optimizer variables must exist before their values are loaded.
            optimizer.build(self.model.trainable_variables)

    def _load(self, weights, metadata):
        """Loads `weights`; returns the epoch of `metadata` after checking the steps."""
        if weights.endswith(".weights.h5"):
            self.model.load_weights(weights)
        else:
            # Keras loads ".weights.h5" files only; the previous checkpoint ends ".bkp".
            handle, copy = tempfile.mkstemp(dir=self.backup_dir, suffix=".weights.h5")
            os.close(handle)
            try:
                shutil.copyfile(weights, copy)
                self.model.load_weights(copy)
            finally:
                os.remove(copy)
        with open(metadata) as handle:
            epoch = int(json.load(handle)["epoch"])
        steps = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        if steps != epoch * self.steps_per_epoch:
            raise ValueError(
                f"its weights are at step {steps} but {metadata} records epoch "
                f"{epoch} of {self.steps_per_epoch} steps"
            )
        return epoch


def _copy_pair(source, target):
    for source_path, target_path in zip(source, target):
        if os.path.exists(source_path):
            shutil.copyfile(source_path, target_path)



def _first_line(error):
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
