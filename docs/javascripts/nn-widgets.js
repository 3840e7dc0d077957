/* Explorable figures of "Neural Networks from Scratch".
 *
 * One generic widget, the scrubber: a slider over N precomputed frames (and
 * an optional play/pause button) redraws a few panels. Everything it draws
 * comes from a JSON spec that the build embedded in the page
 * (docs/_book/bookkit.py: scrubber, lr_explorer, training_scrubber):
 *
 *   <figure class="nn-widget" data-nn-widget="NAME" data-nn-spec='{JSON}' hidden>
 *     <div class="nn-widget__panels">            filled here, one SVG per panel
 *     <div class="nn-widget__controls">          button, label, range, output
 *     <p class="nn-widget__status" aria-live>    one sentence per frame
 *
 * (The spec is an attribute, not a <script type="application/json">:
 * Material's instant navigation re-creates inline scripts without their
 * type, which would run the JSON as JavaScript.)
 *
 * The figure stays hidden without JavaScript (the page's static figure is
 * what such a reader sees); this script unhides it once it is drawn.
 *
 * Spec: {name, label, values[N], valueLabels[N], status[N], start, interval,
 *        panels: [...]}. Panel types and their fields:
 *   curves   {title, xlabel, ylabel, xlog?, ylog?, xlim?, ylim?, marker?[N],
 *             series: [{x[], y[] | frames[N][], color, label?,
 *                       faint?, ghosts?, reveal?}]}
 *            y: a static curve; frames: one curve per frame (ghosts: draw the
 *            other frames' curves faintly too); reveal: only the part with
 *            x <= the frame's marker; marker: a vertical line per frame.
 *   path     {title, xlabel, ylabel, xlim, ylim, lines: [[x0,y0,x1,y1,...]],
 *             frames[N]: [x0,y0,x1,y1,...], color}
 *            lines: static polylines (contours, a loss curve); frames: the
 *            points visited, joined, start hollow and the last point large.
 *   heatmap  {title, xlabel, ylabel, xlim, ylim, nx, ny, classes, colors,
 *             frames[N]: base64 of nx*ny bytes (row 0 at the top),
 *             points: [[x, y, class]]}
 *            classes null: a byte is a probability of class 1 (0..255),
 *            shown as a blend of colors[0] and colors[1], with the 0.5 contour;
 *            classes k: a byte is a class index, shown in colors[index].
 *   bars     {title, ylabel, groups[G], series[S], colors, ylim,
 *             frames[N]: [G][S] values}
 *
 * Text and axes use currentColor (the page's text colour), so they follow
 * the light and the dark palette; data use the book's mid-tone colours.
 * Plain JavaScript, no library, no request: works from file:// too.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  // Every panel is drawn in a 320 x 240 user-unit box (the SVG's viewBox),
  // scaled by CSS to the column width. The plot area leaves margins for the
  // title (top) and for tick labels and axis labels (left, bottom).
  var W = 320, H = 240;
  var M = { left: 54, right: 12, top: 24, bottom: 38 };
  var PX0 = M.left, PX1 = W - M.right, PY0 = M.top, PY1 = H - M.bottom;
  var BIG = 1e4; // user units: clamp far-off points before they reach the SVG

  // --- small helpers ------------------------------------------------------

  function el(tag, attrs, parent) {
    var node = document.createElementNS(SVGNS, tag);
    for (var key in attrs) {
      if (attrs[key] !== undefined && attrs[key] !== null) node.setAttribute(key, attrs[key]);
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, str, attrs) {
    var node = el("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    node.textContent = str;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function clamp(v, lo, hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  function finite(v) {
    return typeof v === "number" && isFinite(v);
  }

  // Tick label: short, without trailing zeros ("0.5", "1e-3", "2,000").
  function fmt(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e5 || a < 1e-2) return v.toExponential(0).replace("e+", "e");
    if (a >= 1000) return Math.round(v).toLocaleString("en");
    return String(parseFloat(v.toPrecision(3)));
  }

  // "Nice" linear ticks: a step of 1, 2 or 5 times a power of ten giving
  // about `n` ticks between lo and hi.
  function linearTicks(lo, hi, n) {
    var raw = (hi - lo) / (n || 5);
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; })
      .find(function (s) { return s >= raw; });
    var ticks = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return ticks;
  }

  // Log ticks: the powers of ten in [lo, hi], thinned to at most 6.
  function logTicks(lo, hi) {
    var a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9);
    var every = Math.max(1, Math.ceil((b - a + 1) / 6));
    var ticks = [];
    for (var k = a; k <= b; k += every) ticks.push(Math.pow(10, k));
    return ticks;
  }

  // A scale maps data [d0, d1] to user units [r0, r1], linearly or linearly
  // in log10 (a log scale). Non-positive values on a log scale map to NaN.
  function scale(d0, d1, r0, r1, log) {
    var f = log ? Math.log10 : function (v) { return v; };
    var a = f(d0), b = f(d1);
    var s = function (v) {
      var u = f(v);
      return r0 + (u - a) / (b - a || 1) * (r1 - r0);
    };
    s.domain = [d0, d1];
    s.log = !!log;
    return s;
  }

  // Data limits over a list of arrays (finite values, positive ones on a log axis).
  function extent(arrays, log) {
    var lo = Infinity, hi = -Infinity;
    arrays.forEach(function (arr) {
      arr.forEach(function (v) {
        if (finite(v) && (!log || v > 0)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      });
    });
    if (!(lo < hi)) { lo = (finite(lo) ? lo : 0) - 1; hi = lo + 2; }
    if (log) { // whole decades
      lo = Math.pow(10, Math.floor(Math.log10(lo)));
      hi = Math.pow(10, Math.ceil(Math.log10(hi)));
      if (hi / lo > 1e12) lo = hi / 1e12; // diverging runs: keep the useful range
    }
    return [lo, hi];
  }

  // A path "M x y L x y ..." through the points (xs[i], ys[i]); a gap
  // (missing or out-of-domain value) starts a new piece.
  function linePath(xs, ys, sx, sy) {
    var d = "", pen = false;
    for (var i = 0; i < xs.length; i++) {
      var px = sx(xs[i]), py = sy(ys[i]);
      if (!finite(xs[i]) || !finite(ys[i]) || !finite(px) || !finite(py)) { pen = false; continue; }
      d += (pen ? "L" : "M") + clamp(px, -BIG, BIG).toFixed(1) + " " +
        clamp(py, -BIG, BIG).toFixed(1);
      pen = true;
    }
    return d;
  }

  // Axes, ticks, labels and title of a panel; returns the scales and a
  // group clipped to the plot area, where the data go.
  function axes(svg, panel, sx, sy, id) {
    var fg = { fill: "currentColor" };
    text(svg, W / 2, 15, panel.title || "", Object.assign({ "text-anchor": "middle",
      "class": "nn-widget__title" }, fg));
    var frame = el("g", { "class": "nn-widget__axes", stroke: "currentColor" }, svg);
    el("line", { x1: PX0, y1: PY1, x2: PX1, y2: PY1 }, frame);
    el("line", { x1: PX0, y1: PY0, x2: PX0, y2: PY1 }, frame);
    if (sx) {
      var xt = sx.log ? logTicks(sx.domain[0], sx.domain[1])
        : linearTicks(sx.domain[0], sx.domain[1], 5);
      xt.forEach(function (t) {
        var x = sx(t);
        el("line", { x1: x, y1: PY1, x2: x, y2: PY1 + 4 }, frame);
        text(svg, x, PY1 + 15, fmt(t), { "text-anchor": "middle", fill: "currentColor" });
      });
    }
    var yt = sy.log ? logTicks(sy.domain[0], sy.domain[1])
      : linearTicks(sy.domain[0], sy.domain[1], 4);
    yt.forEach(function (t) {
      var y = sy(t);
      el("line", { x1: PX0 - 4, y1: y, x2: PX0, y2: y }, frame);
      el("line", { x1: PX0, y1: y, x2: PX1, y2: y, "class": "nn-widget__grid" }, frame);
      text(svg, PX0 - 7, y + 3.5, fmt(t), { "text-anchor": "end", fill: "currentColor" });
    });
    if (panel.xlabel) {
      text(svg, (PX0 + PX1) / 2, H - 6, panel.xlabel, { "text-anchor": "middle", fill: "currentColor" });
    }
    if (panel.ylabel) {
      var ly = (PY0 + PY1) / 2;
      text(svg, 12, ly, panel.ylabel, { "text-anchor": "middle", fill: "currentColor",
        transform: "rotate(-90 12 " + ly + ")" });
    }
    var clip = el("clipPath", { id: id + "-clip" }, el("defs", {}, svg));
    el("rect", { x: PX0, y: PY0 - 1, width: PX1 - PX0, height: PY1 - PY0 + 1 }, clip);
    return el("g", { "clip-path": "url(#" + id + "-clip)" }, svg);
  }

  // --- panels: each returns {draw(frame)} ---------------------------------

  function curvesPanel(svg, panel, id) {
    var arrays = [];
    panel.series.forEach(function (s) {
      if (s.y) arrays.push(s.y);
      if (s.frames) arrays.push.apply(arrays, s.frames);
    });
    var xs = panel.series.map(function (s) { return s.x; });
    var xl = panel.xlim || extent(xs, panel.xlog);
    var yl = panel.ylim || extent(arrays, panel.ylog);
    var sx = scale(xl[0], xl[1], PX0, PX1, panel.xlog);
    var sy = scale(yl[0], yl[1], PY1, PY0, panel.ylog);
    var plot = axes(svg, panel, sx, sy, id);
    // Static curves and the ghosts are drawn once, underneath.
    panel.series.forEach(function (s) {
      if (s.y && !s.reveal) {
        el("path", { d: linePath(s.x, s.y, sx, sy), stroke: s.color, fill: "none",
          "stroke-width": s.faint ? 1.2 : 2, "stroke-opacity": s.faint ? 0.5 : 1 }, plot);
      }
      if (s.frames && s.ghosts) {
        s.frames.forEach(function (ys) {
          el("path", { d: linePath(s.x, ys, sx, sy), stroke: s.color, fill: "none",
            "stroke-width": 0.8, "stroke-opacity": 0.22 }, plot);
        });
      }
    });
    var live = el("g", {}, plot);
    return {
      draw: function (f) {
        clear(live);
        var mx = panel.marker ? panel.marker[f] : null;
        panel.series.forEach(function (s) {
          var ys = s.frames ? s.frames[f] : s.reveal ? s.y : null;
          if (!ys) return;
          var x = s.x;
          if (s.reveal && mx !== null) { // only the part up to the marker
            var n = x.findIndex(function (v) { return v > mx; });
            if (n >= 0) { x = x.slice(0, n); ys = ys.slice(0, n); }
          }
          el("path", { d: linePath(x, ys, sx, sy), stroke: s.color, fill: "none",
            "stroke-width": 2.4, "stroke-linejoin": "round" }, live);
        });
        if (mx !== null) {
          var px = sx(mx);
          el("line", { x1: px, y1: PY0, x2: px, y2: PY1, stroke: "currentColor",
            "stroke-width": 1, "stroke-dasharray": "3 3" }, live);
        }
      },
    };
  }

  function pathPanel(svg, panel, id) {
    var sx = scale(panel.xlim[0], panel.xlim[1], PX0, PX1, false);
    var sy = scale(panel.ylim[0], panel.ylim[1], PY1, PY0, false);
    var plot = axes(svg, panel, sx, sy, id);
    // Flat [x0, y0, x1, y1, ...] -> separate x and y arrays.
    function split(flat) {
      var x = [], y = [];
      for (var i = 0; i + 1 < flat.length; i += 2) { x.push(flat[i]); y.push(flat[i + 1]); }
      return [x, y];
    }
    (panel.lines || []).forEach(function (flat) {
      var p = split(flat);
      el("path", { d: linePath(p[0], p[1], sx, sy), stroke: "currentColor", fill: "none",
        "stroke-width": 1, "stroke-opacity": 0.45 }, plot);
    });
    var live = el("g", {}, plot);
    return {
      draw: function (f) {
        clear(live);
        var p = split(panel.frames[f]);
        el("path", { d: linePath(p[0], p[1], sx, sy), stroke: panel.color, fill: "none",
          "stroke-width": 1.6, "stroke-linejoin": "round" }, live);
        for (var i = 0; i < p[0].length; i++) {
          var cx = sx(p[0][i]), cy = sy(p[1][i]);
          if (!finite(cx) || !finite(cy) || Math.abs(cx) > BIG || Math.abs(cy) > BIG) continue;
          var last = i === p[0].length - 1;
          el("circle", { cx: cx.toFixed(1), cy: cy.toFixed(1), r: last ? 5 : i === 0 ? 4 : 2.6,
            fill: i === 0 ? "none" : panel.color, stroke: i === 0 || last ? "currentColor" : "none",
            "stroke-width": 1.2 }, live);
        }
      },
    };
  }

  // "#3b82c4" -> [59, 130, 196]
  function rgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function decode(b64) {
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  // The 0.5 level of a grid of probabilities (marching squares). Grid
  // values sit at cell centres; each square of four neighbouring centres
  // that has values on both sides of 0.5 gets a segment between the points
  // where linear interpolation along its edges crosses 0.5.
  function contourPath(v, nx, ny, cellX, cellY) {
    var level = 127.5, d = "";
    // centre of cell (i, j) in user units: cellX(i + 0.5), cellY(j + 0.5)
    function cross(i0, j0, i1, j1) {
      var a = v[j0 * nx + i0], b = v[j1 * nx + i1];
      var t = (level - a) / (b - a);
      return [cellX(i0 + 0.5 + t * (i1 - i0)), cellY(j0 + 0.5 + t * (j1 - j0))];
    }
    for (var j = 0; j + 1 < ny; j++) {
      for (var i = 0; i + 1 < nx; i++) {
        var corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
        var pts = [];
        for (var k = 0; k < 4; k++) {
          var c0 = corners[k], c1 = corners[(k + 1) % 4];
          var above0 = v[c0[1] * nx + c0[0]] > level, above1 = v[c1[1] * nx + c1[0]] > level;
          if (above0 !== above1) pts.push(cross(c0[0], c0[1], c1[0], c1[1]));
        }
        for (var m = 0; m + 1 < pts.length; m += 2) { // 2 crossings, or 4 (a saddle)
          d += "M" + pts[m][0].toFixed(1) + " " + pts[m][1].toFixed(1) +
            "L" + pts[m + 1][0].toFixed(1) + " " + pts[m + 1][1].toFixed(1);
        }
      }
    }
    return d;
  }

  function heatmapPanel(svg, panel, id, box) {
    var sx = scale(panel.xlim[0], panel.xlim[1], PX0, PX1, false);
    var sy = scale(panel.ylim[0], panel.ylim[1], PY1, PY0, false);
    // The canvas holds one pixel per grid cell; CSS stretches it (smoothly)
    // over the plot area, under the SVG, which is positioned on top.
    var canvas = document.createElement("canvas");
    canvas.width = panel.nx;
    canvas.height = panel.ny;
    canvas.setAttribute("aria-hidden", "true");
    canvas.className = "nn-widget__canvas";
    canvas.style.left = (PX0 / W * 100) + "%";
    canvas.style.top = (PY0 / H * 100) + "%";
    canvas.style.width = ((PX1 - PX0) / W * 100) + "%";
    canvas.style.height = ((PY1 - PY0) / H * 100) + "%";
    box.insertBefore(canvas, svg);
    var ctx = canvas.getContext("2d");
    var image = ctx.createImageData(panel.nx, panel.ny);
    var colors = panel.colors.map(rgb);
    var frames = panel.frames.map(decode);
    // grid cell index -> user units
    var cellX = function (i) { return PX0 + i / panel.nx * (PX1 - PX0); };
    var cellY = function (j) { return PY0 + j / panel.ny * (PY1 - PY0); };
    var plot = axes(svg, panel, sx, sy, id);
    var boundary = el("path", { fill: "none", stroke: "currentColor", "stroke-width": 1.4 }, plot);
    (panel.points || []).forEach(function (p) {
      el("circle", { cx: sx(p[0]).toFixed(1), cy: sy(p[1]).toFixed(1), r: 4.5,
        fill: panel.colors[p[2] % panel.colors.length], stroke: "currentColor",
        "stroke-width": 1 }, plot);
    });
    return {
      draw: function (f) {
        var v = frames[f], px = image.data;
        for (var k = 0; k < v.length; k++) {
          var c;
          if (panel.classes) {
            c = colors[v[k] % colors.length];
          } else { // blend: probability p of class 1 -> (1 - p) colour 0 + p colour 1
            var p = v[k] / 255, c0 = colors[0], c1 = colors[1];
            c = [c0[0] + p * (c1[0] - c0[0]), c0[1] + p * (c1[1] - c0[1]),
              c0[2] + p * (c1[2] - c0[2])];
          }
          px[4 * k] = c[0]; px[4 * k + 1] = c[1]; px[4 * k + 2] = c[2];
          px[4 * k + 3] = 115; // about 45 % opaque: the page background shows through
        }
        ctx.putImageData(image, 0, 0);
        boundary.setAttribute("d", panel.classes ? "" : contourPath(v, panel.nx, panel.ny, cellX, cellY));
      },
    };
  }

  function barsPanel(svg, panel, id) {
    var G = panel.groups.length, S = panel.series.length;
    var sy = scale(panel.ylim[0], panel.ylim[1], PY1, PY0, false);
    var plot = axes(svg, panel, null, sy, id);
    // G groups side by side; inside a group, S bars with a small gap.
    var gw = (PX1 - PX0) / G, bw = gw * 0.8 / S;
    panel.groups.forEach(function (g, i) {
      text(svg, PX0 + (i + 0.5) * gw, PY1 + 15, g, { "text-anchor": "middle", fill: "currentColor" });
    });
    // Legend: one swatch per series, centred along the bottom (where other
    // panels have their x label).
    var step = 40, left = (PX0 + PX1) / 2 - S * step / 2;
    panel.series.forEach(function (name, k) {
      var x = left + k * step;
      el("rect", { x: x, y: H - 14, width: 9, height: 9,
        fill: panel.colors[k % panel.colors.length] }, svg);
      text(svg, x + 12, H - 6, name, { fill: "currentColor", "class": "nn-widget__legend" });
    });
    var zero = sy(clamp(0, panel.ylim[0], panel.ylim[1]));
    var live = el("g", {}, plot);
    return {
      draw: function (f) {
        clear(live);
        panel.frames[f].forEach(function (row, i) {
          row.forEach(function (v, k) {
            var y = sy(v);
            el("rect", { x: (PX0 + i * gw + gw * 0.1 + k * bw).toFixed(1),
              y: Math.min(y, zero).toFixed(1), width: (bw * 0.85).toFixed(1),
              height: Math.max(0.5, Math.abs(zero - y)).toFixed(1),
              fill: panel.colors[k % panel.colors.length] }, live);
          });
        });
      },
    };
  }

  var PANELS = { curves: curvesPanel, path: pathPanel, heatmap: heatmapPanel, bars: barsPanel };

  // --- the widget ---------------------------------------------------------

  var timers = []; // play timers of widgets on the page, stopped on navigation

  function setup(root) {
    if (root.dataset.nnReady) return;
    var spec = JSON.parse(root.dataset.nnSpec);
    var holder = root.querySelector(".nn-widget__panels");
    var slider = root.querySelector("input[type=range]");
    var output = root.querySelector("output");
    var status = root.querySelector(".nn-widget__status");
    var button = root.querySelector(".nn-widget__play");
    var n = spec.values.length;
    var panels = spec.panels.map(function (panel, k) {
      var box = document.createElement("div");
      box.className = "nn-widget__panel";
      holder.appendChild(box);
      var id = "nnw-" + spec.name + "-" + k;
      var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img",
        "aria-label": panel.title || spec.label, "class": "nn-widget__svg" }, box);
      return PANELS[panel.type](svg, panel, id, box);
    });

    function show(f) {
      f = clamp(f | 0, 0, n - 1);
      panels.forEach(function (p) { p.draw(f); });
      var label = spec.valueLabels[f];
      output.textContent = label;
      slider.setAttribute("aria-valuetext", label);
      status.textContent = spec.status[f];
      if (String(slider.value) !== String(f)) slider.value = f;
    }

    var timer = null;
    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (button) button.textContent = "Play";
      status.setAttribute("aria-live", "polite");
    }
    function play() {
      if (+slider.value >= n - 1) show(0); // at the end: start again
      button.textContent = "Pause";
      // while playing, the status changes many times a second: do not announce it
      status.setAttribute("aria-live", "off");
      timer = setInterval(function () {
        if (!root.isConnected) { stop(); return; } // the page was left
        var f = +slider.value + 1;
        show(f);
        if (f >= n - 1) {
          stop();
        }
      }, spec.interval || 120);
    }
    timers.push(stop);

    slider.addEventListener("input", function () {
      stop();
      show(+slider.value);
    });
    if (button) {
      button.addEventListener("click", function () {
        if (timer !== null) stop();
        else play();
      });
    }
    show(spec.start || 0);
    root.dataset.nnReady = "true";
    root.hidden = false;
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (button && spec.autoplay && !reduced) play();
  }

  function init() {
    while (timers.length) timers.pop()();
    document.querySelectorAll("[data-nn-widget]").forEach(function (root) {
      try {
        setup(root);
      } catch (err) { // a broken spec must not take the page down; keep it hidden
        root.hidden = true;
        console.error("nn-widgets: " + root.dataset.nnWidget + ": " + err);
      }
    });
  }

  // Material's instant navigation swaps pages without reloading scripts and
  // announces each new page on document$; without it, run once on load.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
