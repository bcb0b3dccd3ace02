"""Matplotlib figures (loss curves, 2-D samples) written as PNGs, without pyplot.

`matplotlib.figure.Figure` draws with the Agg canvas directly: no GUI backend, no
global pyplot state shared with the user's own figures.
"""

from matplotlib.figure import Figure

from kerasgan.utils.files import atomic_path


def save_figure(figure, path, dpi=100):
    """Writes a matplotlib figure as a PNG, atomically."""
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight")
    return path


def save_scatter(points, path, reference=None, limit=None):
    """A scatter plot of 2-D samples, optionally over reference (real) points."""
    figure = Figure(figsize=(4, 4))
    axes = figure.add_subplot()
    if reference is not None:
        axes.scatter(*reference.T, s=2, c="tab:gray", alpha=0.3, label="real")
    axes.scatter(*points.T, s=2, c="tab:blue", label="generated")
    if limit is not None:
        axes.set_xlim(-limit, limit)
        axes.set_ylim(-limit, limit)
    axes.set_aspect("equal")
    return save_figure(figure, path)


def save_history_plot(history, path):
    """Plots per-epoch logs: losses, D(real)/D(fake), and any others (e.g. diversity).

    Args:
        history: `{name: [value per epoch]}`.
        path: the PNG path.
    """
    panels = {"losses": [], "D(real), D(fake)": [], "other logs": []}
    for name in history:
        if "loss" in name:
            panels["losses"].append(name)
        elif name in ("d_real", "d_fake"):
            panels["D(real), D(fake)"].append(name)
        else:
            panels["other logs"].append(name)
    panels = {title: names for title, names in panels.items() if names}
    figure = Figure(figsize=(5 * len(panels), 3.5))
    for axes, (title, names) in zip(
        figure.subplots(1, len(panels), squeeze=False)[0], panels.items()
    ):
        for name in names:
            values = history[name]
            axes.plot(range(1, len(values) + 1), values, marker=".", label=name)
        axes.set_title(title)
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
        axes.legend()
    return save_figure(figure, path)
