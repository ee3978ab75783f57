/* dotnet-pprof trace: the timeline (View trace). Draws on a canvas what /timeline/data answers for the visible window
   (per-lane state intervals merged to pixel resolution by the server), and fetches again after each zoom or pan.
   Everything is served by dotnet-pprof itself. */
(function () {
  'use strict';
  var ROW = 18;
  var COLORS = {
    running: '#43a047', lock: '#e53935', waithandle: '#fb8c00', net: '#8e24aa', syscall: '#795548', sleep: '#90a4ae'
  };
  var LABELS = {
    running: 'running', lock: 'lock wait', waithandle: 'wait handle', net: 'network I/O', syscall: 'syscall / native', sleep: 'sleep'
  };
  var INSTANT_COLORS = {
    exception: '#c62828', 'threadpool-start': '#2e7d32', 'threadpool-stop': '#616161', 'threadpool-adjust': '#00838f',
    'thread-created': '#6a1b9a', log: '#1565c0'
  };
  var REGION_COLORS = { region: '#00897b', task: '#7cb342', request: '#3949ab', 'http-client': '#5e35b1' };

  var root = document.getElementById('timeline');
  var names = document.getElementById('lane-names');
  var box = document.getElementById('canvas-box');
  var canvas = document.getElementById('canvas');
  var ctx = canvas.getContext('2d');
  var rangeLabel = document.getElementById('range');
  var statusLabel = document.getElementById('status');
  var tooltip = document.getElementById('tooltip');
  var summary = document.getElementById('summary');
  var showFlows = document.getElementById('show-flows');

  var duration = 0;
  var view = { from: 0, to: 1 };
  var data = null;          // the last answer of /timeline/data
  var rows = [];            // {kind: 'ruler'|'gc'|'group'|'lane', lane, group}
  var laneRow = {};         // lane index -> row index
  var collapsed = {};
  var selection = null;     // {from, to}
  var drag = null;
  var seq = 0;
  var timer = 0;
  var lastMouseX = -1;

  // Legend.
  var legend = document.getElementById('legend');
  Object.keys(COLORS).forEach(function (s) {
    var el = document.createElement('span');
    el.innerHTML = '<i></i>';
    el.firstChild.style.background = COLORS[s];
    el.appendChild(document.createTextNode(LABELS[s]));
    legend.appendChild(el);
  });
  var gcLegend = document.createElement('span');
  gcLegend.innerHTML = '<i style="background:#ffb300"></i>GC pause';
  legend.appendChild(gcLegend);

  function fmt(ns) {
    var a = Math.abs(ns);
    if (a >= 1e9) return (ns / 1e9).toFixed(a >= 1e10 ? 2 : 3) + ' s';
    if (a >= 1e6) return (ns / 1e6).toFixed(a >= 1e7 ? 1 : 2) + ' ms';
    if (a >= 1e3) return (ns / 1e3).toFixed(1) + ' \u00b5s';
    return Math.round(ns) + ' ns';
  }

  function width() { return box.clientWidth; }
  function xOf(t) { return (t - view.from) / (view.to - view.from) * width(); }
  function tOf(x) { return view.from + x / width() * (view.to - view.from); }

  function setView(from, to) {
    var span = Math.max(1000, to - from);
    if (span > duration) span = duration;
    from = Math.max(0, Math.min(from, duration - span));
    view = { from: Math.round(from), to: Math.round(from + span) };
    root.setAttribute('data-from', view.from);
    root.setAttribute('data-to', view.to);
    rangeLabel.textContent = fmt(view.from) + ' \u2013 ' + fmt(view.to) + ' (' + fmt(view.to - view.from) + ')';
    draw();
    clearTimeout(timer);
    timer = setTimeout(load, 80);
  }

  function load() {
    var my = ++seq;
    var w = Math.max(1, Math.min(10000, Math.round(width())));
    var from = view.from, to = view.to;
    statusLabel.textContent = 'loading\u2026';
    fetch('/timeline/data?from=' + from + '&to=' + to + '&width=' + w).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(t); });
      return r.json();
    }).then(function (d) {
      if (my !== seq) return;
      var first = data === null;
      data = d;
      if (first || rows.length === 0) buildRows();
      statusLabel.textContent = d.lanes.length + ' lanes, ' + fmt(d.resolution) + '/px' + (d.truncated ? ' (some items left out: zoom in)' : '');
      root.setAttribute('data-loaded', String(my));
      draw();
    }).catch(function (e) {
      if (my === seq) statusLabel.textContent = 'error: ' + e.message;
    });
  }

  function buildRows() {
    rows = [{ kind: 'ruler' }, { kind: 'gc' }];
    laneRow = {};
    var group = null;
    data.lanes.forEach(function (l, i) {
      if (l.group !== group) {
        group = l.group;
        var n = data.lanes.filter(function (x) { return x.group === group; }).length;
        rows.push({ kind: 'group', group: group, count: n });
      }
      if (!collapsed[group]) {
        laneRow[i] = rows.length;
        rows.push({ kind: 'lane', lane: i, group: group });
      }
    });
    names.innerHTML = '';
    rows.forEach(function (r) {
      var d = document.createElement('div');
      if (r.kind === 'ruler') { d.className = 'ruler'; d.textContent = 'time'; }
      else if (r.kind === 'gc') { d.className = 'gc'; d.textContent = 'GC'; }
      else if (r.kind === 'group') {
        d.className = 'group';
        d.textContent = (collapsed[r.group] ? '\u25b8 ' : '\u25be ') + r.group + ' (' + r.count + ')';
        d.addEventListener('click', function () { collapsed[r.group] = !collapsed[r.group]; buildRows(); draw(); });
      } else {
        d.className = 'lane';
        d.textContent = data.lanes[r.lane].name;
        d.title = data.lanes[r.lane].name;
        d.setAttribute('data-lane', r.lane);
      }
      names.appendChild(d);
    });
  }

  function niceStep(span, px) {
    var raw = span / Math.max(1, px / 90);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return (m < 2 ? 2 : m < 5 ? 5 : 10) * p;
  }

  function draw() {
    var dpr = window.devicePixelRatio || 1;
    var w = width(), h = Math.max(rows.length, 2) * ROW;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.height = h + 'px';
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    // Row backgrounds.
    rows.forEach(function (r, i) {
      ctx.fillStyle = r.kind === 'group' ? '#eef1f5' : r.kind === 'ruler' ? '#f2f4f7' : (i % 2 ? '#fcfcfd' : '#fff');
      ctx.fillRect(0, i * ROW, w, ROW);
    });
    // Ruler.
    var step = niceStep(view.to - view.from, w);
    ctx.fillStyle = '#555';
    ctx.strokeStyle = '#e3e6ea';
    for (var t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
      var x = Math.round(xOf(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, ROW - 4); ctx.lineTo(x, h); ctx.stroke();
      ctx.fillText(fmt(t), x + 3, ROW / 2);
    }
    if (!data) return;
    // GC row and pauses across every lane.
    var gcRow = 1;
    data.gcs.forEach(function (g) {
      var x0 = xOf(g.start), x1 = xOf(g.end);
      ctx.fillStyle = '#ffe082';
      ctx.fillRect(x0, gcRow * ROW + 2, Math.max(1, x1 - x0), ROW - 4);
      if (g.pauseStart >= 0) {
        var p0 = xOf(g.pauseStart), p1 = xOf(g.pauseEnd);
        ctx.fillStyle = '#ffb300';
        ctx.fillRect(p0, gcRow * ROW + 2, Math.max(1, p1 - p0), ROW - 4);
        ctx.fillStyle = 'rgba(255,179,0,0.22)';
        ctx.fillRect(p0, 2 * ROW, Math.max(1, p1 - p0), h - 2 * ROW);
      }
      if (x1 - x0 > 40) { ctx.fillStyle = '#5d4037'; ctx.fillText('GC #' + g.n + ' gen' + g.gen, x0 + 3, gcRow * ROW + ROW / 2); }
    });
    // Lanes.
    data.lanes.forEach(function (l, i) {
      var r = laneRow[i];
      if (r === undefined) return;
      var y = r * ROW;
      l.spans.forEach(function (s) {
        var x0 = xOf(s[0]), x1 = xOf(s[1]);
        ctx.fillStyle = COLORS[data.states[s[2]]] || '#999';
        ctx.fillRect(x0, y + 5, Math.max(1, x1 - x0), ROW - 8);
      });
    });
    // Regions, tasks and requests: a bar along the top of their thread's lane.
    data.regions.forEach(function (g) {
      var r = laneRow[g[0]];
      if (r === undefined) return;
      var x0 = xOf(g[1]), x1 = xOf(g[2]);
      ctx.fillStyle = REGION_COLORS[g[3]] || '#00897b';
      ctx.fillRect(x0, r * ROW + 1, Math.max(1, x1 - x0), 3);
      if (x1 - x0 > 60) {
        ctx.fillStyle = '#004d40';
        ctx.save(); ctx.beginPath(); ctx.rect(x0, r * ROW, x1 - x0, ROW); ctx.clip();
        ctx.fillText(g[4], Math.max(x0, 0) + 3, r * ROW + ROW / 2 + 1);
        ctx.restore();
      }
    });
    // Instants.
    data.instants.forEach(function (e) {
      var r = laneRow[e[0]];
      if (r === undefined) return;
      var x = xOf(e[1]), y = r * ROW;
      ctx.fillStyle = INSTANT_COLORS[e[2]] || '#000';
      ctx.beginPath(); ctx.moveTo(x, y + ROW - 1); ctx.lineTo(x - 3.5, y + ROW - 7); ctx.lineTo(x + 3.5, y + ROW - 7); ctx.closePath(); ctx.fill();
    });
    // Flows: from the lock's holder to the waiter it woke.
    if (showFlows.checked) {
      ctx.strokeStyle = 'rgba(30,30,30,0.55)';
      ctx.fillStyle = 'rgba(30,30,30,0.7)';
      data.flows.forEach(function (f) {
        var a = laneRow[f[0]], b = laneRow[f[1]];
        if (a === undefined || b === undefined) return;
        var x = xOf(f[2]), y0 = a * ROW + ROW / 2, y1 = b * ROW + ROW / 2;
        ctx.beginPath(); ctx.moveTo(x - 6, y0); ctx.lineTo(x, y1); ctx.stroke();
        var dir = y1 > y0 ? -1 : 1;
        ctx.beginPath(); ctx.moveTo(x, y1); ctx.lineTo(x - 3, y1 + dir * 6); ctx.lineTo(x + 2, y1 + dir * 6); ctx.closePath(); ctx.fill();
      });
    }
    // Selection.
    if (selection) {
      var s0 = xOf(selection.from), s1 = xOf(selection.to);
      ctx.fillStyle = 'rgba(33,150,243,0.15)';
      ctx.fillRect(s0, 0, s1 - s0, h);
      ctx.strokeStyle = '#1e88e5';
      ctx.strokeRect(s0 + 0.5, 0.5, s1 - s0, h - 1);
    }
  }

  function zoom(factor, atX) {
    var t = tOf(atX);
    var from = t - (t - view.from) * factor, to = t + (view.to - t) * factor;
    setView(from, to);
  }

  box.addEventListener('wheel', function (e) {
    e.preventDefault();
    var rect = canvas.getBoundingClientRect();
    zoom(Math.exp(e.deltaY * 0.002), e.clientX - rect.left);
  }, { passive: false });

  function selecting(e) { return e.shiftKey || document.getElementById('mode-select').checked; }

  canvas.addEventListener('mousedown', function (e) {
    var rect = canvas.getBoundingClientRect();
    var x = e.clientX - rect.left;
    drag = { x: x, from: view.from, to: view.to, select: selecting(e), moved: false };
    if (drag.select) canvas.classList.add('selecting');
    e.preventDefault();
  });
  window.addEventListener('mousemove', function (e) {
    var rect = canvas.getBoundingClientRect();
    var x = e.clientX - rect.left;
    lastMouseX = x;
    if (!drag) { hover(e, x, e.clientY - rect.top); return; }
    if (Math.abs(x - drag.x) > 2) drag.moved = true;
    if (drag.select) {
      var a = tOf(Math.min(x, drag.x)), b = tOf(Math.max(x, drag.x));
      selection = { from: Math.max(0, Math.round(a)), to: Math.min(duration, Math.round(b)) };
      draw();
    } else {
      var dt = (x - drag.x) / width() * (drag.to - drag.from);
      setView(drag.from - dt, drag.to - dt);
    }
  });
  window.addEventListener('mouseup', function () {
    if (!drag) return;
    var d = drag;
    drag = null;
    canvas.classList.remove('selecting');
    if (d.select && d.moved && selection && selection.to > selection.from) loadSummary();
  });

  root.addEventListener('keydown', function (e) {
    var k = e.key.toLowerCase();
    var span = view.to - view.from;
    var at = lastMouseX >= 0 && lastMouseX <= width() ? lastMouseX : width() / 2;
    if (k === 'w') zoom(0.8, at);
    else if (k === 's') zoom(1.25, at);
    else if (k === 'a') setView(view.from - span * 0.2, view.to - span * 0.2);
    else if (k === 'd') setView(view.from + span * 0.2, view.to + span * 0.2);
    else if (k === '0') setView(0, duration);
    else return;
    e.preventDefault();
  });
  document.getElementById('zoom-in').addEventListener('click', function () { zoom(0.5, width() / 2); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom(2, width() / 2); });
  document.getElementById('zoom-reset').addEventListener('click', function () { setView(0, duration); });
  showFlows.addEventListener('change', draw);
  window.addEventListener('resize', function () { draw(); clearTimeout(timer); timer = setTimeout(load, 150); });

  function hover(e, x, y) {
    if (!data || x < 0 || x > width() || y < 0 || y > rows.length * ROW) { tooltip.hidden = true; return; }
    var r = rows[Math.floor(y / ROW)];
    var t = tOf(x), tol = (view.to - view.from) / width() * 3;
    var text = null;
    if (r && r.kind === 'gc') {
      data.gcs.forEach(function (g) {
        if (t >= g.start - tol && t <= g.end + tol) {
          text = 'GC #' + g.n + ' gen' + g.gen + ' ' + g.reason + ' (' + g.type + ')\n' + fmt(g.end - g.start) +
            (g.pauseStart >= 0 ? ', pause ' + fmt(g.pauseEnd - g.pauseStart) : '') + (g.heapAfter >= 0 ? '\nheap after ' + (g.heapAfter / 1048576).toFixed(1) + ' MiB' : '');
        }
      });
    } else if (r && r.kind === 'lane') {
      var l = data.lanes[r.lane];
      var lines = [l.name];
      data.instants.forEach(function (i) {
        if (i[0] === r.lane && Math.abs(i[1] - t) <= tol) lines.push(i[2] + ': ' + i[3] + (i[4] ? ' \u2014 ' + i[4] : '') + ' @' + fmt(i[1]));
      });
      data.regions.forEach(function (g) {
        if (g[0] === r.lane && t >= g[1] && t <= g[2]) lines.push(g[3] + ' ' + g[4] + ': ' + fmt(g[2] - g[1]));
      });
      l.spans.forEach(function (s) {
        if (t >= s[0] - tol / 3 && t <= s[1] + tol / 3) lines.push(LABELS[data.states[s[2]]] + ' ' + fmt(s[1] - s[0]) + ' @' + fmt(s[0]));
      });
      if (lines.length > 1) text = lines.slice(0, 12).join('\n');
    }
    if (!text) { tooltip.hidden = true; return; }
    tooltip.textContent = text;
    tooltip.hidden = false;
    tooltip.style.left = (e.clientX + 12) + 'px';
    tooltip.style.top = (e.clientY + 12) + 'px';
  }
  canvas.addEventListener('mouseleave', function () { tooltip.hidden = true; });

  function loadSummary() {
    var sel = selection;
    fetch('/timeline/summary?from=' + sel.from + '&to=' + sel.to).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(t); });
      return r.json();
    }).then(function (s) {
      if (selection !== sel) return;
      renderSummary(s);
    }).catch(function (e) {
      summary.hidden = false;
      summary.textContent = 'summary failed: ' + e.message;
    });
  }

  function renderSummary(s) {
    var used = s.states.filter(function (st) { return s.total[st] > 0; });
    var h = '<h2>Selection ' + esc(fmt(s.from)) + ' \u2013 ' + esc(fmt(s.to)) + ' (' + esc(fmt(s.to - s.from)) + ')</h2>';
    h += '<p>' + s.gcs + ' GCs, pauses ' + esc(fmt(s.gcPauseNanos));
    Object.keys(s.instants).forEach(function (k) { h += ', ' + s.instants[k] + ' ' + esc(k); });
    h += '</p><table class="data" id="summary-table"><thead><tr><th>lane</th>';
    used.forEach(function (st) { h += '<th data-state="' + st + '">' + esc(LABELS[st] || st) + '</th>'; });
    h += '</tr></thead><tbody>';
    s.lanes.forEach(function (l) {
      h += '<tr><td>' + esc(l.name) + '</td>';
      used.forEach(function (st) { h += '<td data-state="' + st + '" data-nanos="' + (l.nanos[st] || 0) + '">' + (l.nanos[st] ? esc(fmt(l.nanos[st])) : '') + '</td>'; });
      h += '</tr>';
    });
    h += '<tr class="total"><td>total</td>';
    used.forEach(function (st) { h += '<td data-state="' + st + '" data-nanos="' + s.total[st] + '">' + esc(fmt(s.total[st])) + '</td>'; });
    h += '</tr></tbody></table>';
    summary.innerHTML = h;
    summary.hidden = false;
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }

  // First view: the whole trace. The duration comes with the first answer.
  fetch('/timeline/data?width=' + Math.max(1, Math.min(10000, Math.round(width())))).then(function (r) {
    if (!r.ok) return r.text().then(function (t) { throw new Error(t); });
    return r.json();
  }).then(function (d) {
    duration = d.duration;
    data = d;
    buildRows();
    view = { from: d.from, to: d.to };
    root.setAttribute('data-from', view.from);
    root.setAttribute('data-to', view.to);
    rangeLabel.textContent = fmt(view.from) + ' \u2013 ' + fmt(view.to) + ' (' + fmt(view.to - view.from) + ')';
    statusLabel.textContent = d.lanes.length + ' lanes, ' + fmt(d.resolution) + '/px' + (d.truncated ? ' (some items left out: zoom in)' : '');
    draw();
    root.setAttribute('data-loaded', '0');
    root.focus();
  }).catch(function (e) { statusLabel.textContent = 'error: ' + e.message; });
})();
