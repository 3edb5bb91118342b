// Bjøntegaard delta rate (VCEG-M33): fit log(rate) as a cubic in quality for each codec, integrate both
// fits over the quality range the two curves share, and turn the mean log-rate gap into a percentage.
// Negative: the test codec needs fewer bits than the anchor for the same quality.

/** Least-squares polynomial of `degree` through (x, y): coefficients, lowest power first. */
export function polyfit(xs, ys, degree) {
  const n = degree + 1;
  // Normal equations, with x centred and scaled so the cubic's matrix stays well conditioned.
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const scale = Math.max(...xs.map((x) => Math.abs(x - mean))) || 1;
  const u = xs.map((x) => (x - mean) / scale);
  const a = Array.from({ length: n }, () => new Array(n + 1).fill(0));
  for (let k = 0; k < u.length; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i][j] += u[k] ** (i + j);
      a[i][n] += ys[k] * u[k] ** i;
    }
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= f * a[col][c];
    }
  }
  const coef = a.map((row, i) => row[n] / row[i]);
  return { coef, mean, scale };
}

/** ∫ of the fitted polynomial from lo to hi (in the original x units). */
function integrate({ coef, mean, scale }, lo, hi) {
  const prim = (x) => {
    const u = (x - mean) / scale;
    return coef.reduce((s, c, i) => s + (c * u ** (i + 1)) / (i + 1), 0) * scale;
  };
  return prim(hi) - prim(lo);
}

/**
 * BD-rate of `test` against `anchor`, each a list of `{ rate, quality }` (rate in any unit, e.g. bits
 * per pixel). Returns a fraction (−0.05 = 5 % fewer bits), or null when there are fewer than four
 * points or the quality ranges do not overlap.
 */
export function bdRate(anchor, test) {
  const clean = (pts) => pts.filter((p) => p.rate > 0 && Number.isFinite(p.quality));
  const a = clean(anchor);
  const t = clean(test);
  if (a.length < 4 || t.length < 4) return null;
  const lo = Math.max(Math.min(...a.map((p) => p.quality)), Math.min(...t.map((p) => p.quality)));
  const hi = Math.min(Math.max(...a.map((p) => p.quality)), Math.max(...t.map((p) => p.quality)));
  if (!(hi > lo)) return null;
  const fit = (pts) => polyfit(pts.map((p) => p.quality), pts.map((p) => Math.log(p.rate)), 3);
  const gap = (integrate(fit(t), lo, hi) - integrate(fit(a), lo, hi)) / (hi - lo);
  return Math.exp(gap) - 1;
}
