"""Explorable figures: a slider (and play button) over frames computed at build time.

The page embeds every frame's data as JSON; ``docs/javascripts/nn-widgets.js``
draws it. Without JavaScript the widget stays hidden and the page's ordinary
static figure is what the reader sees. WRITING.md ("Explorable figures")
shows how a chapter uses these.
"""

from __future__ import annotations

import html

WIDGET_MAX_BYTES = 150 * 1024
"""Largest HTML a widget may add to a page (the browser check's figure limit)."""


def _round(values, digits: int = 4):
    """Nested lists of floats with ``digits`` significant digits; non-finite -> None."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        value = float(array)
        return float(f"{value:.{digits}g}") if np.isfinite(value) else None
    return [_round(v, digits) for v in array]


PANEL_TYPES = ("curves", "path", "heatmap", "bars")


def _check_panel(panel: dict, n_frames: int) -> None:
    kind = panel.get("type")
    if kind not in PANEL_TYPES:
        raise ValueError(f"panel type must be one of {PANEL_TYPES}, got {kind!r}")
    per_frame = [s["frames"] for s in panel.get("series", []) if "frames" in s]
    if kind != "curves" and "frames" in panel:
        per_frame.append(panel["frames"])
    if "marker" in panel:
        per_frame.append(panel["marker"])
    for frames in per_frame:
        if len(frames) != n_frames:
            raise ValueError(
                f"{kind} panel {panel.get('title', '')!r}: per-frame data must have "
                f"{n_frames} entries (one per frame), got {len(frames)}"
            )


def scrubber(
    name: str,
    frames_label: str,
    frame_values,
    panels: list[dict],
    caption: str,
    alt: str,
    *,
    status=None,
    value_labels=None,
    start: int = 0,
    play: bool = False,
    interval: int = 120,
) -> str:
    """HTML of an explorable figure: panels redrawn by a slider over frames.

    Print the result from a block with ``html="1"``. The container is hidden
    until ``nn-widgets.js`` runs, so readers without JavaScript see only the
    page's static figure. Everything is drawn in the browser from the JSON
    embedded here: no request leaves the page.

    Args:
        name: Unique on the site; the widget's id is ``widget-<name>``.
        frames_label: What the slider picks, e.g. ``"learning rate"`` or ``"epoch"``.
        frame_values: One number per frame (the slider's steps).
        panels: Panel specs (dicts with ``"type"``): ``"curves"``, ``"path"``,
            ``"heatmap"`` or ``"bars"``; see ``docs/javascripts/nn-widgets.js``
            for their fields. ``lr_explorer`` and ``training_scrubber`` build them.
        caption: Shown under the widget (plain text).
        alt: What the panels show, for readers who cannot see them.
        status: One sentence per frame, announced politely when the frame
            changes (e.g. ``"learning rate 0.3: final loss 0.0021"``); by
            default ``"<frames_label> <value>"``.
        value_labels: Text of each frame's value shown next to the slider.
        start: Frame shown first.
        play: Add a play/pause button that steps through the frames.
        interval: Milliseconds per frame while playing.

    Returns:
        HTML: ``<figure class="nn-widget" hidden data-nn-spec='{JSON}'>`` with
        the controls.
    """
    import json

    from nnscratch.plotting import slug as make_slug

    slug = make_slug(name)
    values = [float(v) for v in frame_values]
    n = len(values)
    if n < 2:
        raise ValueError(f"scrubber {name!r}: frame_values must have at least 2 frames, got {n}")
    if not alt or not alt.strip():
        raise ValueError(f"scrubber {name!r}: alt text is required")
    if not 0 <= start < n:
        raise ValueError(f"scrubber {name!r}: start must be in [0, {n - 1}], got {start}")
    labels = [f"{v:g}" for v in values] if value_labels is None else [str(v) for v in value_labels]
    status = [f"{frames_label} {v}" for v in labels] if status is None else [str(s) for s in status]
    if len(labels) != n or len(status) != n:
        raise ValueError(f"scrubber {name!r}: value_labels and status need {n} entries each")
    for panel in panels:
        _check_panel(panel, n)
    spec = {
        "name": slug, "label": frames_label, "values": values, "valueLabels": labels,
        "status": status, "start": start, "interval": int(interval), "panels": panels,
    }  # fmt: skip
    data = json.dumps(spec, separators=(",", ":"), allow_nan=False)
    # The spec rides in an attribute, not in <script type="application/json">:
    # Material's instant navigation re-creates every inline <script> of the new
    # page without its type, and would run the JSON as JavaScript.
    data = html.escape(data, quote=False).replace("'", "&#39;")
    esc = html.escape
    sid = f"widget-{slug}-slider"
    button = (
        f'<button type="button" class="nn-widget__play" aria-controls="{sid}">Play</button>'
        if play
        else ""
    )
    out = (
        f'<figure class="nn-widget" id="widget-{slug}" data-nn-widget="{slug}" hidden '
        f"data-nn-spec='{data}'>\n"
        f'<div class="nn-widget__panels" role="group" aria-label="{esc(alt.strip())}"></div>\n'
        f'<div class="nn-widget__controls">{button}'
        f'<label for="{sid}">{esc(frames_label[:1].upper() + frames_label[1:])}</label>'
        f'<input type="range" id="{sid}" min="0" max="{n - 1}" step="1" value="{start}" '
        f'aria-valuetext="{esc(labels[start])}">'
        f'<output for="{sid}">{esc(labels[start])}</output></div>\n'
        f'<p class="nn-widget__status" aria-live="polite">{esc(status[start])}</p>\n'
        f"<figcaption>{esc(caption)}</figcaption>\n</figure>"
    )
    if len(out.encode()) > WIDGET_MAX_BYTES:
        raise ValueError(
            f"scrubber {name!r}: {len(out.encode()) // 1024} KB of HTML, over the "
            f"{WIDGET_MAX_BYTES // 1024} KB limit; use fewer frames or a coarser grid"
        )
    return out


def contour_lines(f, xlim, ylim, levels, n: int = 80, digits: int = 3) -> list[list[float]]:
    """Contour polylines of ``f(x, y)`` (vectorised) as flat ``[x0, y0, x1, y1, ...]`` lists."""
    import contourpy
    import numpy as np

    gx, gy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    gen = contourpy.contour_generator(gx, gy, f(gx, gy))
    lines = []
    for level in levels:
        for line in gen.lines(level):
            line = np.asarray(line)
            keep = np.unique(np.r_[np.arange(0, len(line), max(1, len(line) // 60)), len(line) - 1])
            lines.append(_round(line[keep].ravel(), digits))  # about 60 points, ends kept
    return lines


def _loss_text(value: float, limit: float = 1e6) -> str:
    import numpy as np

    if not np.isfinite(value) or value > limit:
        return "diverged"
    return f"{value:.2g}"


def lr_explorer(name: str, data: dict, alt: str, caption: str, start: float = 0.3) -> str:
    """The learning-rate explorer: one slider over ``data["lrs"]`` redraws three panels.

    Args:
        name: Unique on the site.
        data: From ``nnscratch.experiments.lr_sweep``.
        alt: What the panels show.
        caption: Shown under the widget.
        start: Learning rate shown first (the nearest of ``data["lrs"]``).
    """
    import numpy as np

    from nnscratch.plotting import COLORS, thin

    lrs = np.asarray(data["lrs"])
    c, w_star, w0 = data["valley"]
    a, b, w_start = data["surface"]
    big = 1e4  # coordinates far outside the view are clipped anyway; keep JSON finite
    span = max(abs(w0 - w_star), 1.0) * 1.5
    wlim = (w_star - span, w_star + span)
    valley_line = np.linspace(*wlim, 121)
    vw = np.clip(np.nan_to_num(data["valley_w"], nan=big), -big, big)
    valley_paths = [
        _round(np.column_stack([row, np.minimum(c / 2 * (row - w_star) ** 2, big)]).ravel(), 4)
        for row in vw
    ]
    r1, r2 = abs(w_start[0]) * 1.25, abs(w_start[1]) * 1.6
    surf = np.clip(np.nan_to_num(data["surface_w"], nan=big), -big, big)
    level0 = (a * w_start[0] ** 2 + b * w_start[1] ** 2) / 2
    levels = level0 * np.geomspace(1 / 128, 2, 9)
    contours = contour_lines(lambda x, y: (a * x**2 + b * y**2) / 2, (-r1, r1), (-r2, r2), levels)
    net_loss = np.asarray(data["net_loss"])
    idx = thin(len(net_loss), 100)
    epochs = idx + 1
    curves = np.clip(np.nan_to_num(net_loss[idx].T, nan=big, posinf=big), 1e-12, big)
    final = net_loss[-1]
    status = [
        f"learning rate {lr:.3g}: network loss {_loss_text(final[k])} after "
        f"{len(net_loss):,} epochs; valley loss {_loss_text(data['valley_loss'][k, -1])} "
        f"and surface loss {_loss_text(data['surface_loss'][k, -1])} after "
        f"{data['steps']} steps"
        for k, lr in enumerate(lrs)
    ]
    panels = [
        {"type": "path", "title": f"Valley L(w) = {c:g}/2·(w − {w_star:g})²",
         "xlabel": "w", "ylabel": "loss", "xlim": _round(wlim),
         "ylim": [0, _round(c / 2 * span**2 * 1.05)],
         "lines": [_round(np.column_stack([valley_line, c / 2 * (valley_line - w_star) ** 2])
                          .ravel())],
         "frames": valley_paths, "color": COLORS[1]},
        {"type": "path", "title": f"Surface ({a:g}·w₁² + {b:g}·w₂²)/2",
         "xlabel": "w₁", "ylabel": "w₂", "xlim": _round((-r1, r1)), "ylim": _round((-r2, r2)),
         "lines": contours, "frames": [_round(p.ravel()) for p in surf], "color": COLORS[3]},
        {"type": "curves", "title": "XOR network [2, 4, 1]", "xlabel": "epoch",
         "ylabel": "loss (MSE)", "ylog": True,
         "series": [{"x": epochs.tolist(), "frames": [_round(row, 3) for row in curves],
                     "color": COLORS[0], "ghosts": True}]},
    ]  # fmt: skip
    return scrubber(
        name, "learning rate", lrs, panels, caption, alt, status=status,
        value_labels=[f"{lr:.3g}" for lr in lrs],
        start=int(np.argmin(np.abs(np.log(lrs / start)))),
    )  # fmt: skip


def _encode_grid(values, n_classes: int | None = None) -> str:
    """One frame of a heatmap as base64 bytes: probabilities in [0, 1] -> 0..255."""
    import base64

    import numpy as np

    values = np.asarray(values, dtype=float)
    if n_classes is None:
        data = np.rint(np.clip(values, 0, 1) * 255)
    else:
        data = np.clip(values, 0, n_classes - 1)
    return base64.b64encode(data.astype(np.uint8).tobytes()).decode("ascii")


def training_scrubber(
    name: str,
    snaps: dict,
    alt: str,
    caption: str,
    *,
    input_labels=None,
    unit_label: str = "h",
    play: bool = True,
) -> str:
    """The training scrubber: decision boundary, hidden activations and loss per snapshot.

    Args:
        name: Unique on the site.
        snaps: From ``nnscratch.experiments.training_snapshots``.
        alt: What the panels show.
        caption: Shown under the widget.
        input_labels: Names of the recorded inputs (default: their coordinates).
        unit_label: Prefix of the hidden units' names (``h1``, ``h2``, ...).
        play: Add the play/pause button.
    """
    import numpy as np

    from nnscratch.plotting import COLORS, thin

    loss = np.asarray(snaps["loss"])
    marks = snaps["epochs"]
    grids = np.asarray(snaps["grid"])
    hidden = np.asarray(snaps["hidden"])
    n_out = snaps["n_out"]
    classes = None if n_out == 1 else n_out
    inputs = np.asarray(snaps["inputs"])
    if input_labels is None:
        input_labels = ["(" + ", ".join(f"{v:g}" for v in row) + ")" for row in inputs]
    units = [f"{unit_label}{j + 1}" for j in range(hidden.shape[2])]
    idx = thin(len(loss), 200)
    # loss after epoch e is loss[e - 1]; before training, the first epoch's loss
    at = [float(loss[max(e, 1) - 1]) for e in marks]
    status = [
        f"epoch {e:,}: loss {v:.3g}" + (" (before training)" if e == 0 else "")
        for e, v in zip(marks, at, strict=True)
    ]
    low, high = float(min(0.0, hidden.min())), float(max(1.0, hidden.max()))
    X = np.asarray(snaps["X"])
    panels = [
        {"type": "heatmap", "title": "Decision boundary", "xlabel": "x₁", "ylabel": "x₂",
         "xlim": _round(snaps["xlim"]), "ylim": _round(snaps["ylim"]),
         "nx": grids.shape[2], "ny": grids.shape[1], "classes": classes,
         "colors": COLORS[: max(2, n_out)],
         "frames": [_encode_grid(g, classes) for g in grids],
         "points": [[*_round(p, 3), int(k)] for p, k in zip(X, snaps["labels"], strict=True)]},
        {"type": "bars", "title": "Hidden activations", "ylabel": "activation",
         "groups": list(input_labels), "series": units, "colors": COLORS,
         "ylim": _round((low, high)), "frames": [_round(h, 3) for h in hidden]},
        {"type": "curves", "title": "Loss", "xlabel": "epoch", "ylabel": "loss", "ylog": True,
         "series": [
             {"x": (idx + 1).tolist(), "y": _round(loss[idx], 3), "color": COLORS[0],
              "faint": True},
             {"x": (idx + 1).tolist(), "y": _round(loss[idx], 3), "color": COLORS[0],
              "reveal": True}],
         "marker": [max(e, 1) for e in marks]},
    ]  # fmt: skip
    return scrubber(
        name, "epoch", marks, panels, caption, alt, status=status,
        value_labels=[f"{e:,}" for e in marks], play=play,
    )  # fmt: skip
