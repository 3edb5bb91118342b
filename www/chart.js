// A small chart of result size and quality score against the quality setting, so the knee (where more
// quality stops buying visible detail but keeps costing bytes) is plain to see. SVG built with the DOM:
// no inline styles, so the page's Content-Security-Policy holds.

/** The qualities the chart samples in the background; results at any other quality join it too. */
export const CHART_QUALITIES = [20, 40, 60, 75, 85, 95];

const NS = 'http://www.w3.org/2000/svg';
const W = 260;
const H = 130;
const PAD = { left: 38, right: 24, top: 8, bottom: 24 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = text;
  return node;
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
}

// Axis labels: short, and never "0 kB" for a file of a few hundred bytes.
const kb = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e4 ? `${Math.round(n / 1e3)} kB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);

/**
 * Draws `points` (`[{ quality, bytes, score }]`, any order) into `host` (an <svg>), with the current
 * quality marked. `scoreName` says what the score is (SSIMULACRA2, or PSNR while the core lacks it);
 * `scoreRange` is its `[low, high]` axis.
 * `table` gets the same figures as text for screen readers.
 */
export function drawChart(host, table, { points, current, scoreName, scoreRange: [scoreLo, scoreHi] }) {
  const sorted = [...points].sort((a, b) => a.quality - b.quality);
  host.replaceChildren();
  host.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const x = (q) => PAD.left + ((q - 1) / 99) * (W - PAD.left - PAD.right);
  const maxBytes = niceMax(Math.max(1, ...sorted.map((p) => p.bytes)));
  const yBytes = (b) => H - PAD.bottom - (b / maxBytes) * (H - PAD.top - PAD.bottom);
  const yScore = (s) => H - PAD.bottom - ((Math.max(scoreLo, Math.min(scoreHi, s)) - scoreLo) / (scoreHi - scoreLo)) * (H - PAD.top - PAD.bottom);

  const axes = svg('g', { class: 'axes' });
  for (const q of [1, 25, 50, 75, 100]) {
    axes.append(svg('line', { x1: x(q), x2: x(q), y1: PAD.top, y2: H - PAD.bottom, class: 'grid' }));
    axes.append(svg('text', { x: x(q), y: H - PAD.bottom + 14, 'text-anchor': 'middle' }, q));
  }
  axes.append(svg('text', { x: W / 2, y: H - 1, 'text-anchor': 'middle' }, 'quality'));
  axes.append(svg('text', { x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end', class: 'size' }, kb(maxBytes)));
  axes.append(svg('text', { x: PAD.left - 4, y: H - PAD.bottom, 'text-anchor': 'end', class: 'size' }, '0'));
  axes.append(svg('text', { x: W - PAD.right + 4, y: PAD.top + 8, class: 'score' }, scoreHi));
  axes.append(svg('text', { x: W - PAD.right + 4, y: H - PAD.bottom, class: 'score' }, scoreLo));
  host.append(axes);

  if (current != null) host.append(svg('line', { x1: x(current), x2: x(current), y1: PAD.top, y2: H - PAD.bottom, class: 'current' }));

  const line = (pts, cls) => {
    if (pts.length > 1) host.append(svg('polyline', { points: pts.map(([a, b]) => `${a},${b}`).join(' '), class: cls }));
    for (const [a, b] of pts) host.append(svg('circle', { cx: a, cy: b, r: 2.5, class: cls }));
  };
  line(sorted.map((p) => [x(p.quality), yBytes(p.bytes)]), 'size');
  line(sorted.filter((p) => Number.isFinite(p.score)).map((p) => [x(p.quality), yScore(p.score)]), 'score');

  const rows = sorted.map((p) => {
    const tr = document.createElement('tr');
    for (const v of [p.quality, kb(p.bytes), Number.isFinite(p.score) ? p.score.toFixed(1) : '–']) {
      tr.append(Object.assign(document.createElement('td'), { textContent: v }));
    }
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
  table.tHead.rows[0].cells[2].textContent = scoreName;
}
