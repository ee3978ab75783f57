/* The stand-alone flame graph page: wires the toolbar to the graph. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('fg-data').textContent);
  var status = document.getElementById('fg-status');
  var search = document.getElementById('fg-search');
  var fg = new PprofFlameGraph(document.getElementById('fg-graph'), data, {
    onZoom: function (i) {
      status.textContent = i === 0 ? '' : 'Zoomed to ' + fg.nameOf(i) + ' \u2014 click the bottom frame or press Esc to zoom out';
    },
    onSearch: function (matched, total) {
      status.textContent = 'Matched: ' + PprofFlameGraph.percent(matched, total) + ' of the total';
    }
  });
  function doSearch() {
    var r = fg.search(search.value);
    search.classList.toggle('fg-bad', r < 0);
    if (!search.value) status.textContent = '';
  }
  search.addEventListener('input', doSearch);
  document.getElementById('fg-orientation').addEventListener('change', function (e) { fg.setOrientation(e.target.value); });
  document.getElementById('fg-reset').addEventListener('click', function () { fg.resetZoom(); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') fg.resetZoom();
    if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); search.focus(); }
  });
  window.pprofFlameGraph = fg;
  document.body.setAttribute('data-ready', '1');
  if (window.performance && performance.mark) performance.mark('pprof-interactive');
})();
