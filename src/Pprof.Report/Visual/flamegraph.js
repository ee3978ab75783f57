/* dotnet-pprof flame graph: draws a profile's call tree on a canvas, drawing only frames that are visible and at
   least half a pixel wide, so that graphs with hundreds of thousands of frames stay smooth. */
(function (global) {
  'use strict';

  var ROW = 18;
  var MIN_PX = 0.5;

  function formatValue(v, unit) {
    var neg = v < 0;
    var a = Math.abs(v);
    var s;
    function fix(x) {
      var t = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
      return t.indexOf('.') < 0 ? t : t.replace(/0+$/, '').replace(/\.$/, '');
    }
    switch (unit) {
      case 'nanoseconds': case 'ns':
        if (a >= 3600e9) s = fix(a / 3600e9) + 'hrs';
        else if (a >= 60e9) s = fix(a / 60e9) + 'mins';
        else if (a >= 1e9) s = fix(a / 1e9) + 's';
        else if (a >= 1e6) s = fix(a / 1e6) + 'ms';
        else if (a >= 1e3) s = fix(a / 1e3) + 'us';
        else s = a + 'ns';
        break;
      case 'microseconds': return formatValue(v * 1e3, 'nanoseconds');
      case 'milliseconds': return formatValue(v * 1e6, 'nanoseconds');
      case 'seconds': return formatValue(v * 1e9, 'nanoseconds');
      case 'bytes': case 'B':
        if (a >= 1 << 30) s = fix(a / (1 << 30)) + 'GB';
        else if (a >= 1 << 20) s = fix(a / (1 << 20)) + 'MB';
        else if (a >= 1 << 10) s = fix(a / (1 << 10)) + 'kB';
        else s = a + 'B';
        break;
      default:
        if (a >= 1e9) s = fix(a / 1e9) + 'G';
        else if (a >= 1e6) s = fix(a / 1e6) + 'M';
        else if (a >= 1e4) s = fix(a / 1e3) + 'k';
        else s = String(a);
        break;
    }
    return (neg ? '-' : '') + s;
  }

  function percent(v, total) {
    if (!total) return '0%';
    var p = 100 * v / total;
    return (Math.abs(p) >= 10 ? p.toFixed(1) : p.toFixed(2)) + '%';
  }

  function hash(s) {
    var h = 2166136261;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
    return h >>> 0;
  }

  // Frames of the same type (everything before the last '.') share a colour.
  function warmColour(name) {
    var cut = name.indexOf('(');
    var base = cut > 0 ? name.substring(0, cut) : name;
    var dot = base.lastIndexOf('.');
    var h = hash(dot > 0 ? base.substring(0, dot) : base);
    var hue = h % 50;
    var sat = 70 + (h >> 8) % 25;
    var light = 55 + (h >> 16) % 12;
    return 'hsl(' + hue + ',' + sat + '%,' + light + '%)';
  }

  function diffColour(cur, base) {
    var m = Math.max(cur, base);
    if (m === 0) return 'hsl(0,0%,85%)';
    var r = (cur - base) / m;
    if (Math.abs(r) < 0.005) return 'hsl(0,0%,85%)';
    var light = Math.round(92 - 42 * Math.min(1, Math.abs(r)));
    return r > 0 ? 'hsl(0,85%,' + light + '%)' : 'hsl(215,85%,' + light + '%)';
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /* Creates a flame graph inside element `host`. options: { orientation: 'flame'|'icicle', onSelect(name, index),
     onZoom(index), onSearch(matchedValue, total) }. */
  function FlameGraph(host, data, options) {
    this.host = host;
    this.options = options || {};
    this.orientation = this.options.orientation || 'flame';
    host.classList.add('fg-host');
    this.legend = document.createElement('div');
    this.legend.className = 'fg-legend';
    this.scroller = document.createElement('div');
    this.scroller.className = 'fg-scroller';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'fg-canvas';
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'fg-tooltip';
    this.tooltip.style.display = 'none';
    this.scroller.appendChild(this.canvas);
    host.appendChild(this.legend);
    host.appendChild(this.scroller);
    document.body.appendChild(this.tooltip);
    this.ctx = this.canvas.getContext('2d');
    var self = this;
    this.canvas.addEventListener('mousemove', function (e) { self._hover(e); });
    this.canvas.addEventListener('mouseleave', function () { self.tooltip.style.display = 'none'; self.hovered = -1; });
    this.canvas.addEventListener('click', function (e) { self._click(e); });
    this._onResize = function () { self.draw(); };
    global.addEventListener('resize', this._onResize);
    this.setData(data);
  }

  FlameGraph.prototype.setData = function (data) {
    this.data = data;
    var n = data.depth.length;
    this.count = n;
    var diff = !!data.diff;
    var w = new Float64Array(n), x = new Float64Array(n);
    var end = new Int32Array(n), parent = new Int32Array(n);
    var maxDepth = 0;
    for (var i = 0; i < n; i++) {
      w[i] = data.cum[i] + (diff ? data.baseCum[i] : 0);
      if (data.depth[i] > maxDepth) maxDepth = data.depth[i];
    }
    var cursor = new Float64Array(maxDepth + 2);
    var open = new Int32Array(maxDepth + 2);
    for (i = 0; i < n; i++) {
      var d = data.depth[i];
      if (d === 0) { x[i] = 0; parent[i] = -1; }
      else { x[i] = cursor[d]; parent[i] = open[d - 1]; }
      cursor[d] += w[i];
      cursor[d + 1] = x[i];
      open[d] = i;
    }
    // end[i]: the index just after node i's subtree.
    var stack = [];
    for (i = 0; i < n; i++) {
      while (stack.length && data.depth[stack[stack.length - 1]] >= data.depth[i]) end[stack.pop()] = i;
      stack.push(i);
    }
    while (stack.length) end[stack.pop()] = n;
    this.w = w; this.x = x; this.end = end; this.parent = parent; this.maxDepth = maxDepth;
    this.matched = null;
    this.zoomed = 0;
    this.hovered = -1;
    this.colours = new Array(data.names.length);
    this._legend();
    this.draw();
  };

  FlameGraph.prototype.nameOf = function (i) { return i === 0 ? 'root' : this.data.names[this.data.name[i]]; };

  FlameGraph.prototype._legend = function () {
    var html = '';
    if (this.data.cutStacks > 0) {
      html += '<div class="fg-legend-label fg-cut">' + this.data.cutStacks + ' stack' + (this.data.cutStacks === 1 ? ' is' : 's are') +
        ' deeper than ' + this.data.maxDepth + ' frames: cut at that depth (the deeper frames count as the last frame\'s own).</div>';
    }
    if (this.data.diff) {
      html += '<span class="fg-legend-label">Comparison with the base profile. Width: current + base.</span>' +
        '<span class="fg-swatch" style="background:hsl(215,85%,50%)"></span>shrank' +
        '<span class="fg-ramp"></span>' +
        '<span class="fg-swatch" style="background:hsl(0,85%,50%)"></span>grew' +
        '<span class="fg-swatch" style="background:hsl(0,0%,85%)"></span>unchanged';
    }
    this.legend.style.display = html ? '' : 'none';
    this.legend.innerHTML = html;
  };

  FlameGraph.prototype.setOrientation = function (o) { this.orientation = o === 'icicle' ? 'icicle' : 'flame'; this.draw(); };

  FlameGraph.prototype.zoom = function (i) {
    this.zoomed = i >= 0 && i < this.count ? i : 0;
    this.draw();
    if (this.options.onZoom) this.options.onZoom(this.zoomed);
  };

  FlameGraph.prototype.resetZoom = function () { this.zoom(0); };

  /* Highlights frames whose name matches the regular expression text `re` (case-sensitive, as pprof's filters are);
     an empty text clears the highlighting. Returns the matched weight (nested matches counted once), or -1 when the
     expression is invalid. */
  FlameGraph.prototype.search = function (re) {
    var matched = 0;
    if (!re) { this.matched = null; this.draw(); return 0; }
    var rx;
    try { rx = new RegExp(re); } catch (e) { return -1; }
    var names = this.data.names, byName = new Uint8Array(names.length);
    for (var k = 0; k < names.length; k++) byName[k] = rx.test(names[k]) ? 1 : 0;
    var m = new Uint8Array(this.count), until = -1;
    for (var i = 1; i < this.count; i++) {
      if (byName[this.data.name[i]]) {
        m[i] = 1;
        if (i >= until) { matched += this.w[i]; until = this.end[i]; }
      }
    }
    this.matched = m;
    this.matchedWeight = matched;
    this.draw();
    if (this.options.onSearch) this.options.onSearch(matched, this.w[0]);
    return matched;
  };

  FlameGraph.prototype._rowY = function (depth) {
    return this.orientation === 'icicle' ? depth * ROW : (this.maxDepth - depth) * ROW;
  };

  FlameGraph.prototype._colour = function (i) {
    var d = this.data;
    if (this.matched && this.matched[i]) return '#d53fe0';
    if (d.diff) return diffColour(d.cum[i], d.baseCum[i]);
    if (i === 0) return 'hsl(30,10%,75%)';
    var k = d.name[i];
    return this.colours[k] || (this.colours[k] = warmColour(d.names[k]));
  };

  FlameGraph.prototype.draw = function () {
    var width = Math.max(200, this.scroller.clientWidth || this.host.clientWidth || 800);
    var height = (this.maxDepth + 1) * ROW;
    var ratio = global.devicePixelRatio || 1;
    var c = this.canvas;
    if (c.width !== Math.round(width * ratio) || c.height !== Math.round(height * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
      c.style.width = width + 'px';
      c.style.height = height + 'px';
    }
    this.width = width;
    var ctx = this.ctx;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    ctx.textBaseline = 'middle';
    var z = this.zoomed, x0 = this.x[z], scale = this.w[z] > 0 ? width / this.w[z] : 0;
    this.scale = scale;
    // Ancestors of the zoomed frame span the whole width, faded.
    for (var a = this.parent[z]; a >= 0; a = this.parent[a]) this._rect(a, 0, width, true);
    var end = this.end[z], drawn = 0;
    for (var i = z; i < end;) {
      var pw = this.w[i] * scale;
      if (pw < MIN_PX) { i = this.end[i]; continue; }
      this._rect(i, (this.x[i] - x0) * scale, pw, false);
      drawn++;
      i++;
    }
    this.drawn = drawn;
    this.host.setAttribute('data-drawn', String(drawn));
    this.host.setAttribute('data-zoomed', String(z));
  };

  FlameGraph.prototype._rect = function (i, px, pw, faded) {
    var ctx = this.ctx, y = this._rowY(this.data.depth[i]);
    ctx.globalAlpha = faded ? 0.55 : 1;
    ctx.fillStyle = this._colour(i);
    ctx.fillRect(px, y, Math.max(pw - (pw > 2 ? 1 : 0), MIN_PX), ROW - 1);
    ctx.globalAlpha = 1;
    if (pw > 28) {
      var name = this.nameOf(i), room = pw - 6, text = name;
      var full = ctx.measureText(name).width;
      if (full > room) {
        var keep = Math.floor(name.length * room / full) - 1;
        text = keep >= 2 ? name.substring(0, keep) + '\u2026' : '';
      }
      if (text) {
        ctx.fillStyle = '#000';
        ctx.fillText(text, px + 3, y + ROW / 2);
      }
    }
  };

  /* The node under canvas point (px, py), or -1. */
  FlameGraph.prototype.nodeAt = function (px, py) {
    var depth = this.orientation === 'icicle' ? Math.floor(py / ROW) : this.maxDepth - Math.floor(py / ROW);
    var z = this.zoomed;
    if (depth < 0) return -1;
    if (depth < this.data.depth[z]) {
      for (var a = this.parent[z]; a >= 0; a = this.parent[a]) if (this.data.depth[a] === depth) return a;
      return -1;
    }
    var v = this.x[z] + px / this.scale, i = z;
    if (v < this.x[z] || v >= this.x[z] + this.w[z]) return -1;
    while (this.data.depth[i] < depth) {
      var found = -1;
      for (var c = i + 1; c < this.end[i]; c = this.end[c]) {
        if (v >= this.x[c] && v < this.x[c] + this.w[c]) { found = c; break; }
      }
      if (found < 0) return -1;
      i = found;
    }
    return this.w[i] * this.scale >= MIN_PX ? i : -1;
  };

  FlameGraph.prototype._event = function (e) {
    var r = this.canvas.getBoundingClientRect();
    return this.nodeAt(e.clientX - r.left, e.clientY - r.top);
  };

  FlameGraph.prototype.describe = function (i) {
    var d = this.data, unit = d.unit, lines = [];
    lines.push('<b>' + escapeHtml(this.nameOf(i)) + '</b>');
    if (!d.diff) {
      lines.push('cum: ' + formatValue(d.cum[i], unit) + ' (' + percent(d.cum[i], d.total) + ')');
      lines.push('flat: ' + formatValue(d.flat[i], unit) + ' (' + percent(d.flat[i], d.total) + ')');
    } else {
      var delta = d.cum[i] - d.baseCum[i];
      lines.push('cum: ' + formatValue(d.cum[i], unit) + ' (' + percent(d.cum[i], d.total) + '), base ' +
        formatValue(d.baseCum[i], unit) + ' (' + percent(d.baseCum[i], d.baseTotal) + ')');
      lines.push('flat: ' + formatValue(d.flat[i], unit) + ' (' + percent(d.flat[i], d.total) + '), base ' +
        formatValue(d.baseFlat[i], unit) + ' (' + percent(d.baseFlat[i], d.baseTotal) + ')');
      lines.push('change: ' + (delta > 0 ? '+' : '') + formatValue(delta, unit) +
        (d.baseCum[i] ? ' (' + (delta > 0 ? '+' : '') + percent(delta, d.baseCum[i]) + ' of base)' : ' (new)'));
    }
    if (this.matched && this.matched[i]) lines.push('<i>matches the search</i>');
    return lines.join('<br>');
  };

  FlameGraph.prototype._hover = function (e) {
    var i = this._event(e);
    if (i < 0) { this.tooltip.style.display = 'none'; this.canvas.style.cursor = 'default'; this.hovered = -1; return; }
    this.canvas.style.cursor = 'pointer';
    if (i !== this.hovered) { this.tooltip.innerHTML = this.describe(i); this.hovered = i; }
    var t = this.tooltip;
    t.style.display = 'block';
    var left = e.pageX + 14, top = e.pageY + 14;
    var vw = document.documentElement.clientWidth;
    if (left + t.offsetWidth > vw + global.pageXOffset - 8) left = Math.max(0, e.pageX - t.offsetWidth - 14);
    t.style.left = left + 'px';
    t.style.top = top + 'px';
  };

  FlameGraph.prototype._click = function (e) {
    var i = this._event(e);
    if (i < 0) return;
    this.zoom(i === this.zoomed && i !== 0 ? Math.max(0, this.parent[i]) : i);
    if (this.options.onSelect) this.options.onSelect(i === 0 ? '' : this.nameOf(i), i);
  };

  FlameGraph.formatValue = formatValue;
  FlameGraph.percent = percent;
  global.PprofFlameGraph = FlameGraph;
})(window);
