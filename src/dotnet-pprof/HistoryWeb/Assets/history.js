/* dotnet-pprof history: the timeline of a profile store (samples over time per profile type, a label split, the
   memory series) and range selection; the selected range's profile is shown below by the analysis UI, in a frame.
   Everything is served by dotnet-pprof itself. */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var LEFT = 170, RIGHT = 80, ROW = 46, GAP = 8, SPLIT = 130, MEMORY = 140, AXIS = 22;
  var TYPE_COLORS = { cpu: '#c0392b', allocs: '#2e86c1', heap: '#1f618d', mutex: '#8e44ad', block: '#d35400', exceptions: '#b7950b', goroutine: '#16a085' };
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];
  var MEMORY_STYLE = {
    rss_bytes: { name: 'RSS', color: '#6b4e16' },
    gc_heap_size_bytes: { name: 'GC heap', color: '#2e86c1' },
    memory_limit_bytes: { name: 'memory limit', color: '#c0392b', dash: '6 4' }
  };

  var el = function (id) { return document.getElementById(id); };
  var serviceSel = el('service'), typeSel = el('type'), splitSel = el('split'), focusSel = el('focus');
  var compareBox = el('compare'), clearBtn = el('clear'), zoomBtn = el('zoom'), statusLine = el('status');
  var host = el('timeline'), legend = el('legend'), frame = el('view'), hint = el('hint');

  var state = {
    series: [], service: '', type: '', split: '', focus: '',
    from: 0, to: 0, first: 0, last: 0,
    a: null, b: null, view: '/ui/flamegraph', search: ''
  };
  var data = null, loads = 0, pending = 0;

  // ---- State in the URL's fragment, so that a reload (or a shared link) shows the same thing.
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    var num = function (k) { var v = parseInt(p.get(k) || '', 10); return isFinite(v) ? v : 0; };
    state.service = p.get('service') || '';
    state.type = p.get('type') || '';
    state.split = p.get('split') || '';
    state.focus = p.get('focus') || '';
    state.from = num('from'); state.to = num('to');
    if (num('a_to') > num('a_from')) state.a = { from: num('a_from'), to: num('a_to') };
    if (state.a && num('b_to') > num('b_from')) state.b = { from: num('b_from'), to: num('b_to') };
    if (/^\/ui\/[a-z]*$/.test(p.get('view') || '')) state.view = p.get('view');
    state.search = p.get('q') || '';
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (state.service) p.set('service', state.service);
    if (state.type) p.set('type', state.type);
    if (state.split) p.set('split', state.split);
    if (state.focus) p.set('focus', state.focus);
    p.set('from', state.from); p.set('to', state.to);
    if (state.a) { p.set('a_from', state.a.from); p.set('a_to', state.a.to); }
    if (state.b) { p.set('b_from', state.b.from); p.set('b_to', state.b.to); }
    p.set('view', state.view);
    if (state.search) p.set('q', state.search);
    history.replaceState(null, '', '#' + p.toString());
  }

  // ---- Formatting.
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function timeText(ms, span) {
    var d = new Date(ms);
    var t = pad(d.getHours()) + ':' + pad(d.getMinutes());
    if (span < 3 * 3600000) t += ':' + pad(d.getSeconds());
    if (span > 36 * 3600000) t = (d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + t;
    return t;
  }
  function rangeText(r) {
    var span = r.to - r.from;
    return timeText(r.from, span < 3 * 3600000 ? 0 : span) + '\u2013' + timeText(r.to, span < 3 * 3600000 ? 0 : span) + ' (' + durationText(span) + ')';
  }
  function durationText(ms) {
    if (ms < 60000) return Math.round(ms / 1000) + 's';
    if (ms < 3600000) return (Math.round(ms / 6000) / 10) + 'min';
    if (ms < 86400000) return (Math.round(ms / 360000) / 10) + 'h';
    return (Math.round(ms / 8640000) / 10) + 'd';
  }
  function scaled(v, unit) {
    var steps;
    if (unit === 'nanoseconds') { steps = [[1e9, 's'], [1e6, 'ms'], [1e3, 'us'], [1, 'ns']]; }
    else if (unit === 'bytes') { steps = [[1099511627776, 'TB'], [1073741824, 'GB'], [1048576, 'MB'], [1024, 'kB'], [1, 'B']]; }
    else { steps = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, '']]; }
    var a = Math.abs(v);
    for (var i = 0; i < steps.length; i++) {
      if (a >= steps[i][0] || i === steps.length - 1) {
        var x = v / steps[i][0];
        return (Math.abs(x) >= 100 || x === Math.round(x) ? Math.round(x) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2)) + (steps[i][1] ? (unit === 'count' || unit === '' ? steps[i][1] : ' ' + steps[i][1]) : '');
      }
    }
    return String(v);
  }

  // ---- The selection's address: the canonical query string (as the server writes it), base64url-encoded.
  function esc(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); });
  }
  function labels() {
    var l = {};
    if (state.split && state.focus) l[state.split] = state.focus;
    return l;
  }
  function token() {
    var range = state.b || state.a, parts = [];
    if (state.service) parts.push('service=' + esc(state.service));
    parts.push('type=' + esc(state.type));
    parts.push('from=' + range.from, 'to=' + range.to);
    if (state.b) parts.push('base_from=' + state.a.from, 'base_to=' + state.a.to);
    var l = labels();
    Object.keys(l).sort().forEach(function (k) { parts.push(esc('l.' + k) + '=' + esc(l[k])); });
    var bytes = new TextEncoder().encode(parts.join('&')), bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // ---- Reading the store.
  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(t.trim() || r.statusText); });
      return r.json();
    });
  }
  function fail(e) {
    statusLine.textContent = 'Error: ' + e.message;
    statusLine.classList.add('error');
    document.body.setAttribute('data-error', e.message);
    document.body.setAttribute('data-ready', '1');
  }

  function loadSeries() {
    return getJson('/api/series').then(function (s) {
      state.series = s.series;
      fillSelect(serviceSel, [['', s.services.length > 1 ? '(all services)' : '(all)']].concat(s.services.map(function (x) { return [x, x]; })),
        state.service || (s.services.length === 1 ? s.services[0] : ''));
      state.service = serviceSel.value;
      fillTypes();
    });
  }
  function mySeries() {
    return state.series.filter(function (s) { return !state.service || s.service === state.service; });
  }
  function fillTypes() {
    var types = [], order = ['cpu', 'allocs', 'heap', 'mutex', 'block', 'exceptions', 'goroutine'];
    mySeries().forEach(function (s) { if (s.type !== 'stats' && types.indexOf(s.type) < 0) types.push(s.type); });
    types.sort(function (x, y) {
      var i = order.indexOf(x), j = order.indexOf(y);
      return (i < 0 ? 99 : i) - (j < 0 ? 99 : j) || (x < y ? -1 : x > y ? 1 : 0);
    });
    fillSelect(typeSel, types.map(function (t) { return [t, t]; }), types.indexOf(state.type) >= 0 ? state.type : types[0] || '');
    state.type = typeSel.value;
    fillSplit();
    var first = Infinity, last = -Infinity;
    mySeries().forEach(function (s) { first = Math.min(first, s.first); last = Math.max(last, s.last); });
    state.first = isFinite(first) ? first : 0;
    state.last = isFinite(last) ? last : 0;
    if (state.last <= state.first) state.last = state.first + 60000;
  }
  function fillSplit() {
    var keys = [];
    mySeries().forEach(function (s) {
      if (s.type !== state.type) return;
      Object.keys(s.labels).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    });
    keys.sort();
    fillSelect(splitSel, [['', '(none)']].concat(keys.map(function (k) { return [k, k]; })), keys.indexOf(state.split) >= 0 ? state.split : '');
    state.split = splitSel.value;
    fillFocus();
  }
  function fillFocus() {
    var values = [];
    if (state.split) {
      mySeries().forEach(function (s) {
        if (s.type !== state.type || !s.labels[state.split]) return;
        s.labels[state.split].forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
      });
      values.sort();
    }
    fillSelect(focusSel, [['', '(all values)']].concat(values.map(function (v) { return [v, v]; })), values.indexOf(state.focus) >= 0 ? state.focus : '');
    state.focus = focusSel.value;
    focusSel.disabled = !state.split;
  }
  function fillSelect(sel, options, value) {
    sel.textContent = '';
    options.forEach(function (o) {
      var opt = document.createElement('option');
      opt.value = o[0];
      opt.textContent = o[1];
      sel.appendChild(opt);
    });
    sel.value = value;
    if (sel.value !== value && options.length > 0) sel.value = options[0][0];
  }

  // Buckets: about one per 5 pixels, but never narrower than the profiles' interval and a whole number of intervals
  // wide, so that each bucket holds as many profiles as the next (no comb of full and empty buckets).
  function interval() {
    var longest = 1000;
    mySeries().forEach(function (s) {
      var processes = 1;
      Object.keys(s.labels).forEach(function (k) { processes = Math.max(processes, s.labels[k].length); });
      var count = s.type === 'stats' ? s.profiles - processes : s.profiles;
      if (count <= 0 || s.last <= s.first) return;
      longest = Math.max(longest, Math.round((s.last - s.first) * processes / count / 1000) * 1000);
    });
    return longest;
  }
  function buckets() {
    var w = Math.max(200, host.clientWidth - LEFT - RIGHT), most = Math.max(4, Math.min(600, Math.round(w / 5)));
    var span = state.to - state.from, step = interval();
    var k = Math.max(1, Math.ceil(span / (most * step)));
    return Math.max(1, Math.min(most, Math.round(span / (k * step))));
  }
  function loadTimeline() {
    if (!state.type) {
      statusLine.textContent = 'The store holds no profiles' + (state.service ? ' of ' + state.service : '') + '.';
      host.textContent = '';
      document.body.setAttribute('data-ready', '1');
      return Promise.resolve();
    }
    var p = new URLSearchParams();
    p.set('from', state.from); p.set('to', state.to); p.set('buckets', buckets());
    if (state.service) p.set('service', state.service);
    p.set('type', state.type);
    if (state.split) p.set('split', state.split);
    var l = labels();
    Object.keys(l).forEach(function (k) { p.set('l.' + k, l[k]); });
    var mine = ++pending;
    statusLine.textContent = 'Loading\u2026';
    return getJson('/api/timeline?' + p.toString()).then(function (d) {
      if (mine !== pending) return;
      data = d;
      statusLine.classList.remove('error');
      document.body.removeAttribute('data-error');
      draw();
      showStatus();
      loads++;
      document.body.setAttribute('data-loads', loads);
      document.body.setAttribute('data-ready', '1');
    });
  }

  // ---- Drawing.
  function svgEl(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, cls, anchor) {
    var t = svgEl('text', { x: x, y: y, 'class': cls || '', 'text-anchor': anchor || 'start' }, parent);
    t.textContent = s;
    return t;
  }
  var geometry = null;

  // A line (and optionally its area) through values[i] at bucket centres; null values break the line.
  function line(parent, values, x0, width, top, height, max, attrs, area) {
    var n = values.length, d = '', fill = '', open = false, count = 0, total = 0, peak = 0, gap = 0;
    for (var i = 0; i < n; i++) {
      var v = values[i];
      // A line bridges up to three empty buckets (points a little apart); a longer gap (no data) breaks it.
      if (v === null || v === undefined) { if (++gap > 3) open = false; continue; }
      gap = 0;
      count++; total += v; peak = Math.max(peak, v);
      var x = x0 + (i + 0.5) * width / n, y = top + height - (max > 0 ? Math.min(v, max) / max : 0) * height;
      d += (open ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
      if (area) fill += (open ? 'L' : 'M' + x.toFixed(1) + ' ' + (top + height) + 'L') + x.toFixed(1) + ' ' + y.toFixed(1);
      if (area && (i === n - 1 || values[i + 1] === null || values[i + 1] === undefined)) fill += 'L' + x.toFixed(1) + ' ' + (top + height) + 'Z';
      open = true;
    }
    if (area && fill) svgEl('path', { d: fill, fill: attrs.stroke, 'fill-opacity': 0.18, stroke: 'none', 'class': 'tl-area' }, parent);
    var path = svgEl('path', Object.assign({ d: d || 'M0 0', fill: 'none', 'stroke-width': 1.5, 'data-points': count, 'data-total': total, 'data-max': peak }, attrs), parent);
    return path;
  }

  function draw() {
    var d = data;
    host.textContent = '';
    legend.textContent = '';
    var width = Math.max(400, host.clientWidth), plot = width - LEFT - RIGHT;
    var types = d.types, split = d.split, memory = d.memory;
    var height = types.length * (ROW + GAP) + (split ? SPLIT + GAP : 0) + (memory.length ? MEMORY + GAP : 0) + AXIS + 4;
    var svg = svgEl('svg', { width: width, height: height, 'class': 'tl', 'data-buckets': d.buckets, 'data-types': types.length,
      'data-split-lines': split ? split.lines.length : 0, 'data-memory-lines': memory.length }, host);
    var y = 2;
    geometry = { x0: LEFT, width: plot, top: 0, bottom: 0 };

    types.forEach(function (t) {
      var max = Math.max.apply(null, t.values.concat([0]));
      var g = svgEl('g', { 'class': 'tl-row' + (t.type === state.type ? ' selected' : ''), 'data-type': t.type }, svg);
      svgEl('rect', { x: 0, y: y - 2, width: width, height: ROW + 4, 'class': 'tl-row-bg' }, g);
      var label = text(g, 8, y + 18, t.type, 'tl-label');
      label.style.cursor = 'pointer';
      text(g, 8, y + 34, t.unit, 'tl-sub');
      text(g, LEFT + plot + 6, y + 10, scaled(max, t.unit), 'tl-max');
      svgEl('line', { x1: LEFT, x2: LEFT + plot, y1: y + ROW, y2: y + ROW, 'class': 'tl-base' }, g);
      line(g, t.values, LEFT, plot, y, ROW, max, { stroke: TYPE_COLORS[t.type] || '#555', 'class': 'tl-type', 'data-type': t.type }, true);
      g.addEventListener('click', function (e) {
        if (e.offsetX < LEFT && t.type !== state.type) { typeSel.value = t.type; typeSel.dispatchEvent(new Event('change')); }
      });
      y += ROW + GAP;
    });

    if (split) {
      var max = 0;
      split.lines.forEach(function (l) { max = Math.max(max, Math.max.apply(null, l.values.concat([0]))); });
      var g = svgEl('g', { 'class': 'tl-split-chart' }, svg);
      text(g, 8, y + 18, split.type + ' by', 'tl-label');
      text(g, 8, y + 34, split.key, 'tl-sub');
      text(g, LEFT + plot + 6, y + 10, scaled(max, split.unit), 'tl-max');
      svgEl('line', { x1: LEFT, x2: LEFT + plot, y1: y + SPLIT, y2: y + SPLIT, 'class': 'tl-base' }, g);
      split.lines.forEach(function (l, i) {
        var focused = !state.focus || state.focus === l.value;
        line(g, l.values, LEFT, plot, y, SPLIT, max, { stroke: PALETTE[i % PALETTE.length], 'class': 'tl-split' + (focused ? '' : ' dimmed'), 'data-value': l.value });
        var item = document.createElement('button');
        item.type = 'button';
        item.className = 'legend-item' + (state.focus === l.value ? ' focused' : '') + (focused ? '' : ' dimmed');
        item.setAttribute('data-value', l.value);
        item.title = 'Focus on ' + split.key + '=' + l.value + ' (click again for every value)';
        var sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = PALETTE[i % PALETTE.length];
        item.appendChild(sw);
        item.appendChild(document.createTextNode(split.key + '=' + l.value));
        item.addEventListener('click', function () { setFocus(state.focus === l.value ? '' : l.value); });
        legend.appendChild(item);
      });
      if (split.omitted > 0) {
        var more = document.createElement('span');
        more.className = 'legend-more';
        more.textContent = '+' + split.omitted + ' more values not drawn';
        legend.appendChild(more);
      }
      y += SPLIT + GAP;
    }

    if (memory.length) {
      var g2 = svgEl('g', { 'class': 'tl-memory' }, svg);
      var peak = 0, limit = 0;
      memory.forEach(function (m) {
        var mx = Math.max.apply(null, m.values.map(function (v) { return v || 0; }));
        if (m.metric === 'memory_limit_bytes') limit = mx; else peak = Math.max(peak, mx);
      });
      // A limit far above the process's memory (the machine's memory, no cgroup limit) would flatten the sawtooth: it
      // is then named, not drawn.
      var limitDrawn = limit > 0 && limit <= 4 * peak;
      var top = niceTicks(Math.max(peak, limitDrawn ? limit : 0) || 1), scale = top.max;
      text(g2, 8, y + 18, 'memory', 'tl-label');
      text(g2, 8, y + 34, d.processes > 1 ? d.processes + ' processes, summed' : 'bytes', 'tl-sub');
      for (var v = 0; v <= scale + top.step / 2; v += top.step) {
        var gy = y + MEMORY - v / scale * MEMORY;
        svgEl('line', { x1: LEFT, x2: LEFT + plot, y1: gy, y2: gy, 'class': v === 0 ? 'tl-base' : 'tl-grid' }, g2);
        if (v > 0) text(g2, LEFT + plot + 6, gy + 4, scaled(v, 'bytes'), 'tl-max');
      }
      var ly = y + 50;
      memory.forEach(function (m) {
        var st = MEMORY_STYLE[m.metric] || { name: m.metric, color: '#555' };
        var drawn = m.metric !== 'memory_limit_bytes' || limitDrawn;
        if (drawn) {
          var attrs = { stroke: st.color, 'class': 'tl-mem', 'data-metric': m.metric };
          if (st.dash) attrs['stroke-dasharray'] = st.dash;
          line(g2, m.values, LEFT, plot, y, MEMORY, scale, attrs, false);
        }
        var key = text(g2, 8, ly, '\u25a0 ' + st.name + (drawn ? '' : ' ' + scaled(limit, 'bytes') + ' (above)'), 'tl-key');
        key.setAttribute('fill', st.color);
        ly += 15;
      });
      if (d.memoryUnfiltered) text(g2, LEFT + 4, y + 12, 'not narrowed by the label focus (runtime stats carry no such label)', 'tl-note');
      y += MEMORY + GAP;
    }

    // Time axis.
    var span = d.to - d.from, ticks = Math.max(2, Math.floor(plot / 110)), stepMs = niceStep(span / ticks);
    for (var t = Math.ceil(d.from / stepMs) * stepMs; t <= d.to; t += stepMs) {
      var x = LEFT + (t - d.from) / span * plot;
      svgEl('line', { x1: x, x2: x, y1: 0, y2: y, 'class': 'tl-tick' }, svg);
      text(svg, x, y + 14, timeText(t, span), 'tl-time', 'middle');
    }
    geometry.bottom = y;

    // Selections, and the surface that takes drags.
    ['a', 'b'].forEach(function (w) {
      var r = state[w];
      if (!r) return;
      var x1 = LEFT + (Math.max(r.from, d.from) - d.from) / span * plot, x2 = LEFT + (Math.min(r.to, d.to) - d.from) / span * plot;
      if (x2 <= x1) return;
      svgEl('rect', { x: x1, y: 0, width: x2 - x1, height: y, 'class': 'tl-sel tl-sel-' + w + (state.b ? ' compare' : ''), 'data-which': w, 'data-from': r.from, 'data-to': r.to }, svg);
      text(svg, x1 + 3, 11, w === 'a' ? (state.b ? 'base' : 'selected') : 'compared', 'tl-sel-label');
    });
    var drag = svgEl('rect', { x: LEFT, y: 0, width: plot, height: y, 'class': 'tl-drag', id: 'tl-drag' }, svg);
    var band = svgEl('rect', { x: 0, y: 0, width: 0, height: y, 'class': 'tl-band', visibility: 'hidden' }, svg);
    attachDrag(drag, band);
  }

  // A round top for a byte axis (a few steps of 1, 2 or 5 times a power of ten of the binary unit).
  function niceTicks(max) {
    var unit = Math.pow(1024, Math.max(0, Math.floor(Math.log(max) / Math.log(1024)))), m = max / unit;
    var raw = m / 3, e = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / e;
    var step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
    return { max: Math.ceil(m / step) * step * unit, step: step * unit };
  }
  function niceStep(ms) {
    var steps = [1000, 5000, 10000, 15000, 30000, 60000, 300000, 600000, 900000, 1800000, 3600000, 7200000, 10800000, 21600000, 43200000, 86400000, 172800000, 604800000];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= ms) return steps[i];
    return steps[steps.length - 1];
  }

  // ---- Selecting ranges by dragging.
  function attachDrag(surface, band) {
    var start = null;
    function xAt(e) {
      var r = surface.getBoundingClientRect();
      return Math.max(0, Math.min(r.width, e.clientX - r.left));
    }
    surface.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) return;
      start = { x: xAt(e), second: (compareBox.checked || e.shiftKey) && !!state.a };
      surface.setPointerCapture(e.pointerId);
      band.setAttribute('x', LEFT + start.x);
      band.setAttribute('width', 0);
      band.setAttribute('class', 'tl-band' + (start.second ? ' second' : ''));
      band.setAttribute('visibility', 'visible');
      e.preventDefault();
    });
    surface.addEventListener('pointermove', function (e) {
      if (!start) return;
      var x = xAt(e);
      band.setAttribute('x', LEFT + Math.min(x, start.x));
      band.setAttribute('width', Math.abs(x - start.x));
    });
    surface.addEventListener('pointerup', function (e) {
      if (!start) return;
      var x = xAt(e), s = start;
      start = null;
      band.setAttribute('visibility', 'hidden');
      select(Math.min(x, s.x), Math.max(x, s.x), s.second);
    });
  }

  // Pixels to a range snapped to the buckets drawn (a click selects one bucket).
  function select(x1, x2, second) {
    var n = data.buckets, w = geometry.width, step = data.step;
    var i1 = Math.floor(x1 / w * n), i2 = Math.ceil(x2 / w * n);
    if (i2 <= i1) i2 = i1 + 1;
    i1 = Math.max(0, Math.min(n - 1, i1));
    i2 = Math.max(i1 + 1, Math.min(n, i2));
    var r = { from: Math.round(data.from + i1 * step), to: Math.round(data.from + i2 * step) };
    if (second) state.b = r; else { state.a = r; state.b = null; }
    changed(false);
  }

  // ---- The selected range's profile, below.
  function showSelection() {
    var sel = state.a;
    clearBtn.disabled = !sel;
    zoomBtn.disabled = !sel;
    if (!sel || !state.type) {
      frame.hidden = true;
      frame.removeAttribute('src');
      frame.removeAttribute('data-token');
      hint.hidden = false;
      return;
    }
    hint.hidden = true;
    var t = token();
    if (frame.getAttribute('data-token') === t) return;
    frame.setAttribute('data-token', t);
    frame.hidden = false;
    frame.src = '/s/' + t + state.view + state.search;
    sizeFrame();
  }
  function sizeFrame() {
    var top = frame.getBoundingClientRect().top + window.scrollY;
    frame.style.height = Math.max(520, window.innerHeight - top - 6) + 'px';
  }
  frame.addEventListener('load', function () {
    // Follow the view the user opens in the frame (Top, Graph, a Refine...), to keep it when the range changes.
    try {
      var loc = frame.contentWindow.location, m = /^\/s\/[^/]+(\/ui\/[a-z]*)$/.exec(loc.pathname);
      if (m) {
        state.view = m[1];
        state.search = loc.search;
        writeHash();
      }
    } catch (e) {
      // Not our page.
    }
  });

  function showStatus() {
    var parts = [];
    if (state.a && state.b) parts.push('Base ' + rangeText(state.a) + ' \u2192 compared ' + rangeText(state.b) + ': red frames grew, blue shrank');
    else if (state.a) parts.push('Selected ' + rangeText(state.a) + (compareBox.checked ? ': drag a second range to compare' : ''));
    else parts.push('Timeline ' + rangeText({ from: data.from, to: data.to }) + ', ' + data.buckets + ' buckets of ' + durationText(data.step));
    if (state.split && state.focus) parts.push('focus ' + state.split + '=' + state.focus);
    statusLine.textContent = parts.join(' \u00b7 ');
  }

  function changed(reload) {
    writeHash();
    showSelection();
    if (reload) return loadTimeline().catch(fail);
    draw();
    showStatus();
    return Promise.resolve();
  }
  function setFocus(v) {
    state.focus = v;
    focusSel.value = v;
    changed(true);
  }
  function setWindow(from, to) {
    state.from = Math.floor(from);
    state.to = Math.ceil(to);
    if (state.to <= state.from) state.to = state.from + 1000;
    changed(true);
  }

  // ---- Controls.
  serviceSel.addEventListener('change', function () {
    state.service = serviceSel.value;
    fillTypes();
    state.a = state.b = null;
    setWindow(state.first, state.last);
  });
  typeSel.addEventListener('change', function () {
    state.type = typeSel.value;
    state.search = '';
    fillSplit();
    changed(true);
  });
  splitSel.addEventListener('change', function () {
    state.split = splitSel.value;
    state.focus = '';
    fillFocus();
    changed(true);
  });
  focusSel.addEventListener('change', function () { setFocus(focusSel.value); });
  Array.prototype.forEach.call(document.querySelectorAll('#ranges button[data-range]'), function (b) {
    b.addEventListener('click', function () {
      var r = b.getAttribute('data-range');
      if (r === 'all') setWindow(state.first, state.last);
      else setWindow(state.last - parseInt(r, 10), state.last);
    });
  });
  zoomBtn.addEventListener('click', function () {
    if (!state.a) return;
    var from = state.b ? Math.min(state.a.from, state.b.from) : state.a.from, to = state.b ? Math.max(state.a.to, state.b.to) : state.a.to;
    setWindow(from, to);
  });
  el('refresh').addEventListener('click', function () {
    loadSeries().then(function () { return loadTimeline(); }).catch(fail);
  });
  clearBtn.addEventListener('click', function () {
    state.a = state.b = null;
    changed(false);
  });
  compareBox.addEventListener('change', function () { if (data) showStatus(); });
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (data) { draw(); if (!frame.hidden) sizeFrame(); } }, 150);
  });

  window.pprofHistory = { state: state, data: function () { return data; }, token: token };

  readHash();
  loadSeries().then(function () {
    if (!(state.to > state.from)) { state.from = state.first; state.to = state.last; }
    writeHash();
    showSelection();
    return loadTimeline();
  }).catch(fail);
})();
