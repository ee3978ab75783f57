/* dotnet-pprof web UI: menus, selection, Refine, search highlighting, sortable Top table, flame graph and graph
   wiring. Everything the page needs is served by dotnet-pprof itself. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page-data').textContent);
  var params = new URLSearchParams(location.search);
  var selection = [];
  var searchBox = document.getElementById('search');
  var selectionLabel = document.getElementById('selection');
  var flame = null;

  function query(p) { var s = p.toString(); return s ? '?' + s : ''; }
  function go(path, p) { location.href = path + query(p); }

  // Links keep the current parameters, so that switching views keeps filters and the sample type.
  Array.prototype.forEach.call(document.querySelectorAll('#views a.view'), function (a) {
    a.href = a.getAttribute('data-path') + query(params);
  });
  document.getElementById('download').href = (page.base || '') + '/ui/download' + query(params);

  document.getElementById('sample-type').addEventListener('change', function (e) {
    var p = new URLSearchParams(params);
    p.set('si', e.target.value);
    go(page.path, p);
  });

  // Drop-down menus.
  Array.prototype.forEach.call(document.querySelectorAll('.menu'), function (m) {
    m.querySelector('.menu-button').addEventListener('click', function (e) {
      e.stopPropagation();
      var open = m.classList.contains('open');
      closeMenus();
      if (!open) m.classList.add('open');
    });
  });
  function closeMenus() {
    Array.prototype.forEach.call(document.querySelectorAll('.menu.open'), function (m) { m.classList.remove('open'); });
  }
  document.addEventListener('click', closeMenus);

  // Selection: rows, graph nodes or flame-graph frames; Refine applies to them.
  function escapeRegExp(s) { return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'); }
  function setSelection(names) {
    selection = names.filter(function (n) { return n; });
    selectionLabel.textContent = selection.length === 0 ? '' :
      selection.length === 1 ? 'Selected: ' + selection[0] : selection.length + ' selected';
  }
  function toggle(name) {
    var i = selection.indexOf(name);
    if (i >= 0) selection.splice(i, 1); else selection.push(name);
    setSelection(selection);
    return i < 0;
  }
  function refineRegExp() {
    if (selection.length > 0) return '^(?:' + selection.map(escapeRegExp).join('|') + ')$';
    return searchBox.value;
  }
  Array.prototype.forEach.call(document.querySelectorAll('#refine button[data-param]'), function (b) {
    b.addEventListener('click', function () {
      var rx = refineRegExp();
      if (!rx) {
        selectionLabel.textContent = 'Select rows or frames, or type a regexp in the search box, then refine.';
        return;
      }
      var p = new URLSearchParams(params);
      p.set(b.getAttribute('data-param'), rx);
      go(page.path, p);
    });
  });
  document.getElementById('refine-reset').addEventListener('click', function () {
    var p = new URLSearchParams();
    if (params.get('si')) p.set('si', params.get('si'));
    go(page.path, p);
  });

  // Saved configurations: named sets of URL parameters.
  document.getElementById('config-save').addEventListener('click', function () {
    var name = window.prompt('Save the current settings as:', '');
    if (!name) return;
    fetch((page.base || '') + '/ui/saveconfig?config=' + encodeURIComponent(name), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: params.toString() })
    }).then(function (r) {
      if (r.ok) { location.reload(); return; }
      r.text().then(function (t) { window.alert('Not saved: ' + t); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('.config-link'), function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      go(page.path, new URLSearchParams(a.getAttribute('data-query')));
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('.config-delete'), function (b) {
    b.addEventListener('click', function (e) {
      e.stopPropagation();
      fetch((page.base || '') + '/ui/deleteconfig?config=' + encodeURIComponent(b.getAttribute('data-name')), {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}'
      })
        .then(function () { location.reload(); });
    });
  });

  // Search highlighting, in every view.
  function compile(text) {
    if (!text) return null;
    try { return new RegExp(text); } catch (e) { return undefined; }
  }
  var highlighters = [];
  searchBox.addEventListener('input', function () {
    var rx = compile(searchBox.value);
    searchBox.classList.toggle('bad', rx === undefined);
    if (rx === undefined) return;
    highlighters.forEach(function (h) { h(rx, searchBox.value); });
  });

  // Top: sortable, selectable rows.
  var table = document.getElementById('toptable');
  if (table) {
    var tbody = table.tBodies[0];
    var sortKey = null, descending = true;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'num';
        if (sortKey === col) descending = !descending; else { sortKey = col; descending = numeric; }
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var c;
          if (numeric) c = parseFloat(a.cells[col].getAttribute('data-sort')) - parseFloat(b.cells[col].getAttribute('data-sort'));
          else c = a.getAttribute('data-name') < b.getAttribute('data-name') ? -1 : a.getAttribute('data-name') > b.getAttribute('data-name') ? 1 : 0;
          if (descending) c = -c;
          return c || (parseInt(a.getAttribute('data-order'), 10) - parseInt(b.getAttribute('data-order'), 10));
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
        th.classList.add(descending ? 'sorted-desc' : 'sorted-asc');
      });
    });
    tbody.addEventListener('click', function (e) {
      var tr = e.target.closest('tr');
      if (!tr) return;
      tr.classList.toggle('selected', toggle(tr.getAttribute('data-name')));
    });
    highlighters.push(function (rx) {
      Array.prototype.forEach.call(tbody.rows, function (r) {
        r.classList.toggle('match', !!rx && rx.test(r.getAttribute('data-name')));
      });
    });
  }

  // Graph: pan and zoom, node selection, highlighting.
  var graph = document.getElementById('graph');
  if (graph) {
    var svg = graph.querySelector('svg');
    if (svg) {
      graph.style.height = Math.max(300, window.innerHeight - graph.getBoundingClientRect().top - 8) + 'px';
      pprofPanZoom(svg);
      var nodeName = function (g) {
        var a = g.querySelector('a');
        var t = a && (a.getAttribute('xlink:title') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'title'));
        if (t) { var k = t.lastIndexOf(' ('); return k > 0 ? t.substring(0, k) : t; }
        return Array.prototype.map.call(g.querySelectorAll('text'), function (x) { return x.textContent; }).join('');
      };
      Array.prototype.forEach.call(svg.querySelectorAll('g.node'), function (g) {
        g.addEventListener('click', function (e) {
          e.preventDefault();
          g.classList.toggle('selected', toggle(nodeName(g)));
        });
      });
      highlighters.push(function (rx) {
        Array.prototype.forEach.call(svg.querySelectorAll('g.node'), function (g) {
          g.classList.toggle('match', !!rx && rx.test(nodeName(g)));
        });
      });
    }
  }

  // Peek and Source: mark matching text.
  var report = document.getElementById('report');
  if (report) {
    var original = report.textContent;
    var esc = function (s) { return s.replace(/[&<>]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;' }[c]; }); };
    highlighters.push(function (rx, text) {
      if (!rx) { report.textContent = original; return; }
      var g = new RegExp(text, 'g'), out = '', last = 0, m, marks = 0;
      while ((m = g.exec(original)) !== null) {
        if (m[0].length === 0) { g.lastIndex++; continue; }
        out += esc(original.substring(last, m.index)) + '<mark>' + esc(m[0]) + '</mark>';
        last = m.index + m[0].length;
        if (++marks > 20000) break;
      }
      report.innerHTML = out + esc(original.substring(last));
    });
  }

  // Flame graph.
  var host = document.getElementById('flamegraph');
  if (host) {
    var data = JSON.parse(document.getElementById('flame-data').textContent);
    var status = document.getElementById('fg-status');
    flame = new PprofFlameGraph(host, data, {
      onSelect: function (name) { setSelection(name ? [name] : []); },
      onZoom: function (i) { status.textContent = i === 0 ? '' : 'Zoomed to ' + flame.nameOf(i) + ' (click the root or press Esc to zoom out)'; },
      onSearch: function (matched, total) { status.textContent = 'Matched: ' + PprofFlameGraph.percent(matched, total) + ' of the total'; }
    });
    document.getElementById('fg-orientation').addEventListener('change', function (e) { flame.setOrientation(e.target.value); });
    document.getElementById('fg-reset').addEventListener('click', function () { flame.resetZoom(); setSelection([]); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && e.target === document.body) flame.resetZoom();
    });
    highlighters.push(function (rx, text) { flame.search(rx ? text : ''); if (!rx) status.textContent = ''; });
    window.pprofFlameGraph = flame;
  }

  window.pprofUi = { setSelection: setSelection, selection: function () { return selection.slice(); } };
  document.body.setAttribute('data-ready', '1');
  if (window.performance && performance.mark) performance.mark('pprof-interactive');
})();
