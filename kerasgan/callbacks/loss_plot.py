"""A fit() callback plotting the per-epoch losses and writing the history as CSV."""

import csv
import pathlib

import keras

from kerasgan.utils.files import atomic_path
from kerasgan.utils.plots import save_history_plot


class LossPlot(keras.callbacks.Callback):
    """Rewrites a PNG of the per-epoch logs and a CSV of them after every epoch.

    The left panel shows the losses (`d_loss`, `g_loss`, penalties), the right one
    D(real), D(fake) and any other logged figure (e.g. `diversity`). Both files are
    written atomically. When the CSV already exists (a run resumed with
    `keras.callbacks.BackupAndRestore`), its rows for the epochs before the first
    new one are kept, so the plot covers the whole run.

    Args:
        path: the PNG path, e.g. "runs/losses.png".
        csv_path: the CSV path; default: the PNG path with a `.csv` suffix.

    Example:

    ```python
    gan.fit(ds, epochs=50, callbacks=[kerasgan.callbacks.LossPlot("runs/losses.png")])
    ```
    """

    def __init__(self, path, csv_path=None):
        super().__init__()
        self.path = pathlib.Path(path)
        self.csv_path = pathlib.Path(csv_path or self.path.with_suffix(".csv"))
        self.rows = []

    def on_train_begin(self, logs=None):
        self.rows = read_history_csv(self.csv_path)

    def on_epoch_end(self, epoch, logs=None):
        # Rows from epoch `epoch + 1` on belong to an earlier run this one replaces.
        self.rows = [row for row in self.rows if int(row["epoch"]) <= epoch]
        self.rows.append({"epoch": epoch + 1, **{k: float(v) for k, v in logs.items()}})
        self.write()

    def history(self):
        """`{name: [value per epoch]}` of the rows so far."""
        names = [k for k in self.rows[-1] if k != "epoch"] if self.rows else []
        return {n: [float(row.get(n, "nan")) for row in self.rows] for n in names}

    def write(self):
        names = ["epoch", *[k for k in self.rows[-1] if k != "epoch"]]
        with atomic_path(self.csv_path) as tmp:
            with open(tmp, "w", newline="") as handle:
                writer = csv.DictWriter(
                    handle, fieldnames=names, restval="nan", extrasaction="ignore"
                )
                writer.writeheader()
                writer.writerows(self.rows)
        save_history_plot(self.history(), self.path)


def read_history_csv(path):
    """The rows of a history CSV written by `LossPlot`; [] when there is none."""
    path = pathlib.Path(path)
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
