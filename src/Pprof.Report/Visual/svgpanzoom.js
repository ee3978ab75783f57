/* Pan (drag) and zoom (wheel, + and -, 0 to reset) for an SVG element by rewriting its viewBox. */
function pprofPanZoom(svg) {
  'use strict';
  if (!svg || svg.__pprofPanZoom) return;
  svg.__pprofPanZoom = true;
  var initial = svg.getAttribute('viewBox');
  if (!initial) {
    var b = svg.getBBox();
    initial = b.x + ' ' + b.y + ' ' + b.width + ' ' + b.height;
  }
  var home = initial.split(/[\s,]+/).map(Number);
  var vb = home.slice();
  function apply() { svg.setAttribute('viewBox', vb.join(' ')); }
  function toGraph(clientX, clientY) {
    var r = svg.getBoundingClientRect();
    // With preserveAspectRatio xMidYMid meet, one scale applies on both axes and the picture is centred.
    var s = Math.min(r.width / vb[2], r.height / vb[3]);
    var ox = (r.width - vb[2] * s) / 2, oy = (r.height - vb[3] * s) / 2;
    return { x: vb[0] + (clientX - r.left - ox) / s, y: vb[1] + (clientY - r.top - oy) / s, s: s };
  }
  function zoomAt(factor, clientX, clientY) {
    var p = toGraph(clientX, clientY);
    var w = vb[2] / factor, h = vb[3] / factor;
    if (w < home[2] / 200 || w > home[2] * 20) return;
    vb = [p.x - (p.x - vb[0]) / factor, p.y - (p.y - vb[1]) / factor, w, h];
    apply();
  }
  svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    zoomAt(Math.pow(1.0015, -e.deltaY * (e.deltaMode === 1 ? 30 : 1)), e.clientX, e.clientY);
  }, { passive: false });
  var drag = null;
  svg.addEventListener('mousedown', function (e) {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, vb: vb.slice(), s: toGraph(e.clientX, e.clientY).s, moved: false };
    svg.style.cursor = 'move';
  });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    vb[0] = drag.vb[0] - dx / drag.s;
    vb[1] = drag.vb[1] - dy / drag.s;
    apply();
  });
  window.addEventListener('mouseup', function () { if (drag) { svg.style.cursor = ''; svg.__pprofDragged = drag.moved; drag = null; } });
  svg.addEventListener('click', function (e) { if (svg.__pprofDragged) { e.stopPropagation(); e.preventDefault(); svg.__pprofDragged = false; } }, true);
  (svg.ownerDocument || document).addEventListener('keydown', function (e) {
    var t = e.target && e.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT') return;
    var r = svg.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    if (e.key === '+' || e.key === '=') zoomAt(1.25, cx, cy);
    else if (e.key === '-') zoomAt(0.8, cx, cy);
    else if (e.key === '0') { vb = home.slice(); apply(); }
  });
  svg.pprofResetView = function () { vb = home.slice(); apply(); };
}
