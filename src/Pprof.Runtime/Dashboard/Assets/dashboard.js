// The live dashboard of dotnet-pprof (MapStatsviz and `dotnet-pprof dashboard`): reads one stats message a second
// from the WebSocket "ws" beside this page and draws the charts on canvases. No dependencies.
(function () {
  'use strict';
  const MAX_POINTS = 3700; // a little over the longest window (1 h at 1 s)
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
  const points = [];
  let received = 0;
  let paused = false;
  let windowSeconds = 300;
  let drawPending = false;
  let closedForGood = false;
  let retryDelay = 1000;

  const bytes = v => {
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + ' GB';
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + ' MB';
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + ' kB';
    return v.toFixed(0) + ' B';
  };
  const num = v => {
    const a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
    if (a >= 100 || Number.isInteger(v)) return v.toFixed(0);
    return v.toFixed(a >= 10 ? 1 : 2);
  };
  const units = {
    bytes: bytes,
    rate: v => bytes(v) + '/s',
    pct: v => num(v) + ' %',
    ms: v => num(v) + ' ms',
    count: num,
    perSec: v => num(v) + '/s',
  };

  // Each chart: title, unit, series [field, label, options].
  const CHARTS = [
    { id: 'cpu', title: 'CPU', unit: 'pct', series: [['cpu', 'CPU (% of one core)'], ['cpuMachine', 'CPU (% of all processors)']] },
    { id: 'memory', title: 'Memory', unit: 'bytes', series: [['rss', 'RSS'], ['committed', 'GC committed'], ['heap', 'GC heap'], ['limit', 'memory limit', { dashed: true, limit: true }]] },
    { id: 'heap', title: 'GC heap by generation (after the last GC)', unit: 'bytes', series: [['gen0', 'gen0'], ['gen1', 'gen1'], ['gen2', 'gen2'], ['loh', 'LOH'], ['poh', 'POH'], ['fragmented', 'fragmentation']] },
    { id: 'alloc', title: 'Allocation rate', unit: 'rate', series: [['allocRate', 'allocated']] },
    { id: 'gcpause', title: 'GC pauses (per interval)', unit: 'ms', series: [['gcPauseMs', 'paused']] },
    { id: 'gcpct', title: '% time in GC', unit: 'pct', series: [['gcPausePercent', 'paused for GC']] },
    { id: 'threads', title: 'Threads and thread pool', unit: 'count', series: [['threads', 'OS threads'], ['threadPoolThreads', 'thread-pool threads'], ['threadPoolQueue', 'thread-pool queue']] },
    { id: 'lock', title: 'Lock contention', unit: 'perSec', series: [['lockContentionRate', 'contentions']] },
    { id: 'exceptions', title: 'Exceptions', unit: 'perSec', series: [['exceptionRate', 'thrown']] },
    { id: 'pending', title: 'Pending work: thread-pool queue, timers', unit: 'count', series: [['threadPoolQueue', 'queued work items'], ['timers', 'active timers']] },
    { id: 'throughput', title: 'Thread-pool work items completed', unit: 'perSec', series: [['threadPoolCompletedRate', 'completed']] },
  ];

  const charts = [];
  const main = document.getElementById('charts');
  for (const def of CHARTS) {
    const box = document.createElement('section');
    box.className = 'chart';
    box.id = 'chart-' + def.id;
    const h = document.createElement('h2');
    h.textContent = def.title;
    const canvas = document.createElement('canvas');
    const keys = document.createElement('div');
    keys.className = 'keys';
    const keySpans = def.series.map((s, i) => {
      const span = document.createElement('span');
      span.style.setProperty('--c', COLORS[i % COLORS.length]);
      if (s[2] && s[2].dashed) span.className = 'dashed';
      span.textContent = s[1];
      keys.appendChild(span);
      return span;
    });
    box.append(h, canvas, keys);
    main.appendChild(box);
    charts.push({ def, canvas, keySpans });
  }

  function draw() {
    drawPending = false;
    document.body.dataset.points = String(received);
    if (points.length === 0) return;
    const tMax = points[points.length - 1].t;
    const tMin = tMax - windowSeconds * 1000;
    let first = points.length - 1;
    while (first > 0 && points[first - 1].t >= tMin) first--;
    const visible = points.slice(first);
    document.body.dataset.drawn = String(visible.length);
    for (const c of charts) drawChart(c, visible, tMin, tMax);
  }

  function drawChart(chart, visible, tMin, tMax) {
    const { def, canvas, keySpans } = chart;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 480, height = canvas.clientHeight || 180;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const fmt = units[def.unit];
    const left = 64, right = 8, top = 6, bottom = 18;
    const w = width - left - right, h = height - top - bottom;
    // The scale: the largest visible value; a limit far above the data is left off the scale and named in its key.
    let max = 0, limitMax = 0;
    for (const p of visible) {
      for (const s of def.series) {
        const v = p[s[0]];
        if (typeof v !== 'number') continue;
        if (s[2] && s[2].limit) limitMax = Math.max(limitMax, v); else max = Math.max(max, v);
      }
    }
    const limitShown = limitMax > 0 && limitMax <= Math.max(max, 1) * 2.5;
    if (limitShown) max = Math.max(max, limitMax);
    if (max <= 0) max = def.unit === 'pct' ? 100 : 1;
    max *= 1.08;
    const x = t => left + (t - tMin) / Math.max(1, tMax - tMin) * w;
    const y = v => top + h - v / max * h;
    // Axes and grid.
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#666';
    g.strokeStyle = '#eee';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4, yy = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(left, yy); g.lineTo(left + w, yy); g.stroke();
      g.fillText(fmt(v), 2, yy + 4);
    }
    const span = (tMax - tMin) / 1000;
    g.fillText('-' + (span >= 120 ? (span / 60).toFixed(0) + ' min' : span.toFixed(0) + ' s'), left, height - 4);
    g.fillText('now', left + w - 20, height - 4);
    // GC events: a vertical line at each interval with GCs, coloured by the oldest generation collected.
    for (const p of visible) {
      const gcs = p.gcs;
      if (!gcs || gcs[0] + gcs[1] + gcs[2] === 0) continue;
      g.strokeStyle = gcs[2] > 0 ? 'rgba(200,0,0,.8)' : gcs[1] > 0 ? 'rgba(230,140,0,.7)' : 'rgba(120,120,120,.35)';
      const xx = Math.round(x(p.t)) + 0.5;
      g.beginPath(); g.moveTo(xx, top); g.lineTo(xx, top + h); g.stroke();
    }
    // The series.
    def.series.forEach((s, i) => {
      const field = s[0], opts = s[2] || {};
      const last = visible.length ? visible[visible.length - 1][field] : null;
      if (opts.limit) {
        keySpans[i].textContent = s[1] + (typeof last === 'number' ? ' ' + fmt(last) + (limitShown ? '' : ' (off scale)') : ' (none)');
        if (!limitShown) return;
      } else {
        keySpans[i].textContent = s[1] + (typeof last === 'number' ? ' ' + fmt(last) : ' (n/a)');
      }
      g.strokeStyle = COLORS[i % COLORS.length];
      g.lineWidth = 1.5;
      g.setLineDash(opts.dashed ? [4, 3] : []);
      g.beginPath();
      let pen = false;
      for (const p of visible) {
        const v = p[field];
        if (typeof v !== 'number') { pen = false; continue; }
        if (pen) g.lineTo(x(p.t), y(v)); else { g.moveTo(x(p.t), y(v)); pen = true; }
      }
      g.stroke();
      g.setLineDash([]);
    });
  }

  function schedule() {
    if (paused || drawPending) return;
    drawPending = true;
    requestAnimationFrame(draw);
  }

  function setStatus(text, cls) {
    const el = document.getElementById('status');
    el.textContent = text;
    el.className = 'status ' + (cls || '');
  }

  function onHello(m) {
    document.getElementById('title').textContent = 'pid ' + m.pid + ' (' + m.source + ')';
    document.title = 'dashboard: pid ' + m.pid;
    const box = document.getElementById('captures');
    box.textContent = '';
    for (const c of m.captures || []) {
      const a = document.createElement('a');
      a.href = c.url;
      a.textContent = c.label;
      a.className = 'capture';
      a.dataset.kind = c.kind;
      a.setAttribute('download', c.kind + '.pb.gz');
      box.appendChild(a);
    }
    const note = document.getElementById('note');
    note.hidden = !m.note;
    note.textContent = m.note || '';
  }

  function connect() {
    const url = new URL('ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    ws.onopen = () => {
      retryDelay = 1000;
      document.body.dataset.connected = 'true';
      setStatus(paused ? 'paused' : 'live', paused ? 'paused' : 'live');
    };
    ws.onmessage = e => {
      let m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      if (m.type === 'hello') { onHello(m); return; }
      if (m.type !== 'stats') return;
      points.push(m);
      if (points.length > MAX_POINTS) points.splice(0, points.length - MAX_POINTS);
      received++;
      document.body.dataset.points = String(received);
      schedule();
    };
    ws.onclose = e => {
      document.body.dataset.connected = 'false';
      if (e.reason === 'process exited') {
        closedForGood = true;
        setStatus('the process exited', 'closed');
        return;
      }
      setStatus('disconnected, retrying…', 'closed');
      if (!closedForGood) setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  document.getElementById('pause').addEventListener('click', e => {
    paused = !paused;
    e.target.textContent = paused ? 'resume' : 'pause';
    if (document.body.dataset.connected === 'true') setStatus(paused ? 'paused' : 'live', paused ? 'paused' : 'live');
    if (!paused) schedule();
  });
  document.getElementById('window').addEventListener('change', e => {
    windowSeconds = Number(e.target.value) || 300;
    drawPending = false;
    if (!paused) schedule(); else draw();
  });
  window.addEventListener('resize', () => { if (!paused) schedule(); });
  // For scripts and tests: the points received so far (copies).
  window.pprofDashboard = { points: () => points.map(p => Object.assign({}, p)), paused: () => paused };
  connect();
})();
