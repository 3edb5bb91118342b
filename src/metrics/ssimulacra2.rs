//! SSIMULACRA2 (Jon Sneyers, Cloudinary; libjxl's `tools/ssimulacra2.cc`) as the `ssimulacra2`
//! crate (0.5) computes it, restructured for speed: planar buffers reused across scales and tiles,
//! products of planes formed as the blur reads them, and four lanes at a time (simd128 in wasm,
//! SSE2 on x86-64, AVX for the f64 steps of the colour conversion and the blurs where the CPU has
//! it), each kernel written once over [`Lane`] so that on `f32` it is its own scalar twin with
//! identical output.
//!
//! The arithmetic is the crate's, operation for operation. That matters: on nearly equal images
//! (a JPEG at quality 95) the variances SSIM needs, blur(x²) − blur(x)², are mostly rounding noise,
//! and the clamp of 1 − SSIM at 0 turns noise into score, so rounding the blur differently moved
//! high-quality scores by up to 0.66 (an earlier attempt). The crate's fused multiply-adds
//! (`mul_add`, a slow software routine in wasm and on x86-64 without FMA) are computed in f64 and
//! rounded once ([`crate::simd::fma_via_f64`]); its f64 sums stay f64.

use crate::simd::{self, F32x4, F64x4, Lane, Wide, WideKernel};

/// Planar linear-light RGB, 0–1.
pub(crate) struct LinearPlanes {
    pub width: usize,
    pub height: usize,
    pub planes: [Vec<f32>; 3],
}

const SCALES: usize = 6;

/// The recursive Gaussian (Charalampidis 2016, σ = 1.5) as the crate's build script derives it:
/// radius N, and per cosine term k ∈ {1, 3, 5} the input weight and the previous output's weight
/// (the one before has weight −1). The row pass and the column pass order their operations
/// differently in the crate, and so here.
const RADIUS: usize = 5;
const MUL_IN: [f32; 3] = [0.055_295_236, -0.058_836_687, 0.012_955_819];
const MUL_PREV: [f32; 3] = [1.902_113_1, 1.175_570_5, 0.000_000_000_000_000_122_464_69];

/// The score of `distorted` against `original` (same size, at least 8 × 8).
pub(crate) fn score(original: &LinearPlanes, distorted: &LinearPlanes, work: &mut Work) -> f64 {
    score_with::<{ simd::ACCELERATED }>(original, distorted, work)
}

/// [`score`] on the vector kernels (`VECTOR`) or their scalar twins: a constant, so that a build
/// holds only the path it runs (the tests hold both).
pub(crate) fn score_with<const VECTOR: bool>(
    original: &LinearPlanes,
    distorted: &LinearPlanes,
    work: &mut Work,
) -> f64 {
    let mut scales = Vec::with_capacity(SCALES);
    let mut small: Option<(LinearPlanes, LinearPlanes)> = None;
    for scale in 0..SCALES {
        let (a, b) = small
            .as_ref()
            .map_or((original, distorted), |(a, b)| (a, b));
        if a.width < 8 || a.height < 8 {
            break;
        }
        if scale > 0 {
            // As the crate: a scale is scored while the one before it is 8 pixels or more a side.
            small = Some((downscale::<VECTOR>(a), downscale::<VECTOR>(b)));
        }
        let (a, b) = small
            .as_ref()
            .map_or((original, distorted), |(a, b)| (a, b));
        scales.push(scale_scores::<VECTOR>(a, b, work));
    }
    combine(&scales)
}

/// Buffers reused across scales, channels and tiles.
#[derive(Default)]
pub(crate) struct Work {
    temp: Vec<f32>,
    mu1: Vec<f32>,
    mu2: Vec<f32>,
    s11: Vec<f32>,
    s22: Vec<f32>,
    s12: Vec<f32>,
    xyb1: [Vec<f32>; 3],
    xyb2: [Vec<f32>; 3],
    lines: Vec<F32x4>,
    done: Vec<F32x4>,
    /// Keeps the vector kernels on SSE2 where AVX exists (the tests compare the two).
    pub(crate) sse_only: bool,
}

/// Per channel: SSIM's mean and 4-norm, then the edge map's artifact mean and 4-norm and detail-lost
/// mean and 4-norm.
type ScaleScores = [[f64; 6]; 3];

fn scale_scores<const VECTOR: bool>(
    a: &LinearPlanes,
    b: &LinearPlanes,
    w: &mut Work,
) -> ScaleScores {
    let (width, height) = (a.width, a.height);
    let n = width * height;
    for buf in [
        &mut w.temp,
        &mut w.mu1,
        &mut w.mu2,
        &mut w.s11,
        &mut w.s22,
        &mut w.s12,
    ] {
        buf.resize(n, 0.0);
    }
    let avx = !w.sse_only;
    to_xyb::<VECTOR>(a, &mut w.xyb1, avx);
    to_xyb::<VECTOR>(b, &mut w.xyb2, avx);
    let mut out = [[0.0; 6]; 3];
    for (c, out) in out.iter_mut().enumerate() {
        let (x1, x2) = (&w.xyb1[c][..], &w.xyb2[c][..]);
        let mut blurs = Blurs::<VECTOR> {
            temp: &mut w.temp,
            lines: &mut w.lines,
            done: &mut w.done,
            width,
            height,
            avx,
        };
        blurs.run(x1, Some(x1), &mut w.s11);
        blurs.run(x2, Some(x2), &mut w.s22);
        blurs.run(x1, Some(x2), &mut w.s12);
        blurs.run(x1, None, &mut w.mu1);
        blurs.run(x2, None, &mut w.mu2);
        let ssim = ssim_sums::<VECTOR>(&w.mu1, &w.mu2, &w.s11, &w.s22, &w.s12);
        let edge = edge_sums::<VECTOR>(x1, &w.mu1, x2, &w.mu2);
        let per = 1.0 / n as f64;
        let norm4 = |s: f64| (per * s).sqrt().sqrt();
        *out = [
            per * ssim[0],
            norm4(ssim[1]),
            per * edge[0],
            norm4(edge[1]),
            per * edge[2],
            norm4(edge[3]),
        ];
    }
    out
}

/// 2 × 2 box average in linear light; an odd last row or column averages with itself. The vector
/// path takes four output pixels at a time where all eight columns they read exist.
fn downscale<const VECTOR: bool>(img: &LinearPlanes) -> LinearPlanes {
    let (w, h) = (img.width, img.height);
    let (ow, oh) = (w.div_ceil(2), h.div_ceil(2));
    let wide = if VECTOR { w / 8 * 4 } else { 0 };
    let planes = std::array::from_fn(|c| {
        let src = &img.planes[c];
        let mut out = vec![0.0f32; ow * oh];
        for (oy, out) in out.chunks_exact_mut(ow).enumerate() {
            let (y0, y1) = (2 * oy, (2 * oy + 1).min(h - 1));
            let (r0, r1) = (&src[y0 * w..][..w], &src[y1 * w..][..w]);
            for ox in (0..wide).step_by(4) {
                let x = 2 * ox;
                let (e0, o0) =
                    F32x4::deinterleave(F32x4::load(&r0[x..]), F32x4::load(&r0[x + 4..]));
                let (e1, o1) =
                    F32x4::deinterleave(F32x4::load(&r1[x..]), F32x4::load(&r1[x + 4..]));
                (((e0 + o0) + e1 + o1) * F32x4::splat(0.25)).store(&mut out[ox..]);
            }
            for (ox, o) in out.iter_mut().enumerate().skip(wide) {
                let (x0, x1) = (2 * ox, (2 * ox + 1).min(w - 1));
                let sum = r0[x0] + r0[x1] + r1[x0] + r1[x1];
                *o = sum * 0.25;
            }
        }
        out
    });
    LinearPlanes {
        width: ow,
        height: oh,
        planes,
    }
}

/// Linear RGB to XYB (JPEG XL's opsin absorbance, cube root, bias), then shifted into
/// SSIMULACRA2's positive ranges; four pixels at a time on the vector path, whose last few pixels
/// go through the vector kernel too (padded), so that a build holds one kernel. `avx`: on AVX lanes
/// where the CPU has them.
fn to_xyb<const VECTOR: bool>(img: &LinearPlanes, out: &mut [Vec<f32>; 3], avx: bool) {
    let n = img.width * img.height;
    for o in out.iter_mut() {
        o.resize(n, 0.0);
    }
    if VECTOR {
        simd::with_wide(ToXyb { img, out }, avx);
        return;
    }
    let [r, g, b] = &img.planes;
    let [ox, oy, ob] = out;
    let mut dst = [&mut ox[..], &mut oy[..], &mut ob[..]];
    for i in 0..n {
        xyb_at::<f32>(i, [r, g, b], &mut dst);
    }
}

/// [`to_xyb`]'s vector path, on whichever lanes [`simd::with_wide`] picks.
struct ToXyb<'a> {
    img: &'a LinearPlanes,
    out: &'a mut [Vec<f32>; 3],
}

impl WideKernel for ToXyb<'_> {
    type Output = ();
    #[inline(always)]
    fn run<V: Wide>(self) {
        let n = self.img.width * self.img.height;
        let [r, g, b] = &self.img.planes;
        let [ox, oy, ob] = self.out;
        let mut dst = [&mut ox[..], &mut oy[..], &mut ob[..]];
        let whole = n - n % 4;
        for i in (0..whole).step_by(4) {
            xyb_at::<V>(i, [r, g, b], &mut dst);
        }
        if whole < n {
            let pad = |p: &[f32]| {
                std::array::from_fn::<f32, 4, _>(|k| p.get(whole + k).map_or(0.0, |v| *v))
            };
            let (pr, pg, pb) = (pad(r), pad(g), pad(b));
            let mut tail = [[0.0f32; 4]; 3];
            let [tx, ty, tb] = &mut tail;
            xyb_at::<V>(
                0,
                [&pr, &pg, &pb],
                &mut [&mut tx[..], &mut ty[..], &mut tb[..]],
            );
            for (d, t) in dst.iter_mut().zip(&tail) {
                d[whole..].copy_from_slice(&t[..n - whole]);
            }
        }
    }
}

/// One pixel (or four) to XYB. No closures over lanes, here or below: see [`WideKernel`].
#[inline(always)]
fn xyb_at<T: Lane>(i: usize, rgb: [&[f32]; 3], dst: &mut [&mut [f32]; 3]) {
    let (r, g, b) = (
        T::load(&rgb[0][i..]),
        T::load(&rgb[1][i..]),
        T::load(&rgb[2][i..]),
    );
    let bias = T::splat(-simd::cbrt(K_B));
    let mixed = [
        opsin_mix(OPSIN[0], [r, g, b], bias),
        opsin_mix(OPSIN[1], [r, g, b], bias),
        opsin_mix(OPSIN[2], [r, g, b], bias),
    ];
    let x = T::splat(0.5) * (mixed[0] - mixed[1]);
    let y = T::splat(0.5) * (mixed[0] + mixed[1]);
    ((mixed[2] - y) + T::splat(0.55)).store(&mut dst[2][i..]);
    x.mul_add_exact(T::splat(14.0), T::splat(0.42))
        .store(&mut dst[0][i..]);
    (y + T::splat(0.01)).store(&mut dst[1][i..]);
}

/// One row of the opsin absorbance matrix applied to a pixel, cube-rooted and biased.
#[inline(always)]
fn opsin_mix<T: Lane>(m: [f32; 3], [r, g, b]: [T; 3], bias: T) -> T {
    let v = T::splat(m[0]).mul_add_exact(
        r,
        T::splat(m[1]).mul_add_exact(g, T::splat(m[2]).mul_add_exact(b, T::splat(K_B))),
    );
    cube_root(v.max(T::splat(0.0))) + bias
}

/// One copy of the (long) cube root, called three times a pixel group: inlined, it tripled the code.
#[inline(never)]
fn cube_root<T: Lane>(v: T) -> T {
    v.cbrt()
}

const K_M02: f32 = 0.078;
const K_M00: f32 = 0.30;
const K_M01: f32 = 1.0 - K_M02 - K_M00;
const K_M12: f32 = 0.078;
const K_M10: f32 = 0.23;
const K_M11: f32 = 1.0 - K_M12 - K_M10;
const K_M20: f32 = 0.243_422_69;
const K_M21: f32 = 0.204_767_45;
const K_M22: f32 = 1.0 - K_M20 - K_M21;
const K_B: f32 = 0.003_793_073_4;
const OPSIN: [[f32; 3]; 3] = [
    [K_M00, K_M01, K_M02],
    [K_M10, K_M11, K_M12],
    [K_M20, K_M21, K_M22],
];

/// The Gaussian blurs of one scale's planes, sharing a row-pass buffer.
struct Blurs<'a, const VECTOR: bool> {
    temp: &'a mut Vec<f32>,
    lines: &'a mut Vec<F32x4>,
    done: &'a mut Vec<F32x4>,
    width: usize,
    height: usize,
    /// On AVX lanes where the CPU has them.
    avx: bool,
}

impl<const VECTOR: bool> Blurs<'_, VECTOR> {
    /// Blurs `a` (or the product `a * b`, formed as it is read) into `out`: rows, then columns. One
    /// copy, called five times a channel: inlined at each call, it was most of the core module's
    /// SSIMULACRA2 code (the scale's scoring 34.7 KB of wasm before wasm-opt).
    #[inline(never)]
    fn run(&mut self, a: &[f32], b: Option<&[f32]>, out: &mut [f32]) {
        if VECTOR {
            let avx = self.avx;
            simd::with_wide(
                BlurRun {
                    blurs: self,
                    a,
                    b,
                    out,
                },
                avx,
            );
        } else {
            self.run_on::<F32x4>(a, b, out);
        }
    }

    /// [`Self::run`] on `V` lanes (four rows at a time on the vector path).
    #[inline(always)]
    fn run_on<V: Wide>(&mut self, a: &[f32], b: Option<&[f32]>, out: &mut [f32]) {
        let (width, height) = (self.width, self.height);
        let groups = if VECTOR { height / 4 } else { 0 };
        self.lines.resize(width, F32x4::splat(0.0));
        self.done.resize(width, F32x4::splat(0.0));
        let (lines, done) = (&mut self.lines[..], &mut self.done[..]);
        for g in 0..groups {
            let base = 4 * g * width;
            let ra = four_rows(a, base, width);
            match b {
                Some(b) => {
                    let rb = four_rows(b, base, width);
                    transpose_in(
                        width,
                        lines,
                        |r, x| F32x4::load(&ra[r][x..]) * F32x4::load(&rb[r][x..]),
                        |r, x| ra[r][x] * rb[r][x],
                    );
                }
                None => transpose_in(
                    width,
                    lines,
                    |r, x| F32x4::load(&ra[r][x..]),
                    |r, x| ra[r][x],
                ),
            }
            row_iir::<V>(width, |i| V::from_x4(lines[i]), |i, v| done[i] = v.x4());
            transpose_out(done, width, &mut self.temp[base..base + 4 * width]);
        }
        for y in 4 * groups..height {
            let row = y * width..(y + 1) * width;
            let (ra, dst) = (&a[row.clone()], &mut self.temp[row.clone()]);
            match b {
                Some(b) => {
                    let rb = &b[row];
                    row_iir(width, |i| ra[i] * rb[i], |i, v| dst[i] = v);
                }
                None => row_iir(width, |i| ra[i], |i, v| dst[i] = v),
            }
        }
        column_pass::<VECTOR, V>(self.temp, out, width, height);
    }
}

/// One [`Blurs::run`] as a [`WideKernel`].
struct BlurRun<'b, 'a, const VECTOR: bool> {
    blurs: &'b mut Blurs<'a, VECTOR>,
    a: &'b [f32],
    b: Option<&'b [f32]>,
    out: &'b mut [f32],
}

impl<const VECTOR: bool> WideKernel for BlurRun<'_, '_, VECTOR> {
    type Output = ();
    #[inline(always)]
    fn run<V: Wide>(self) {
        self.blurs.run_on::<V>(self.a, self.b, self.out);
    }
}

/// Rows `base / width ..` + 4 of a plane `width` wide.
fn four_rows(s: &[f32], base: usize, width: usize) -> [&[f32]; 4] {
    std::array::from_fn(|r| &s[base + r * width..base + (r + 1) * width])
}

/// The crate's row recursion along one line of `len` values, each a `T` (one value, or four rows
/// at once): `load(i)` reads input `i`, `store(i, v)` writes output `i`. Each term is a second-order
/// recursion over the sum of the inputs `N + 1` before and `N − 1` after.
#[inline(always)]
fn row_iir<T: Lane>(len: usize, load: impl Fn(usize) -> T, mut store: impl FnMut(usize, T)) {
    let zero = T::splat(0.0);
    let (mut prev, mut prev2) = ([zero; 3], [zero; 3]);
    let mul_in = [
        T::splat(MUL_IN[0]),
        T::splat(MUL_IN[1]),
        T::splat(MUL_IN[2]),
    ];
    let mul_prev = [T::splat(MUL_PREV[0]), T::splat(MUL_PREV[1])];
    let radius = RADIUS as isize;
    for n in (1 - radius)..len as isize {
        let left = n - radius - 1;
        let right = n + radius - 1;
        let l = if left >= 0 { load(left as usize) } else { zero };
        let r = if right < len as isize {
            load(right as usize)
        } else {
            zero
        };
        let sum = l + r;
        let c = [
            sum * mul_in[0] - prev2[0],
            sum * mul_in[1] - prev2[1],
            sum * mul_in[2] - prev2[2],
        ];
        let out = [
            mul_prev[0].mul_add_exact(prev[0], c[0]),
            mul_prev[1].mul_add_exact(prev[1], c[1]),
            add_tiny_product(MUL_PREV[2], prev[2], c[2]),
        ];
        prev2 = prev;
        prev = out;
        if n >= 0 {
            store(n as usize, out[0] + out[1] + out[2]);
        }
    }
}

/// Four rows (read lane by lane through `wide(row, x)` at every fourth `x`, `narrow(row, x)` for
/// the rest) as one vector per column.
#[inline(always)]
fn transpose_in(
    width: usize,
    out: &mut [F32x4],
    wide: impl Fn(usize, usize) -> F32x4,
    narrow: impl Fn(usize, usize) -> f32,
) {
    let whole = width - width % 4;
    for x in (0..whole).step_by(4) {
        let t = F32x4::transpose([0, 1, 2, 3].map(|r| wide(r, x)));
        out[x..x + 4].copy_from_slice(&t);
    }
    for (x, o) in out.iter_mut().enumerate().take(width).skip(whole) {
        *o = F32x4::new(narrow(0, x), narrow(1, x), narrow(2, x), narrow(3, x));
    }
}

/// Columns back to four rows (`width` apart in `rows`).
fn transpose_out(cols: &[F32x4], width: usize, rows: &mut [f32]) {
    let whole = width - width % 4;
    for x in (0..whole).step_by(4) {
        let t = F32x4::transpose([cols[x], cols[x + 1], cols[x + 2], cols[x + 3]]);
        for (r, v) in t.into_iter().enumerate() {
            v.store(&mut rows[r * width + x..]);
        }
    }
    for (x, c) in cols.iter().enumerate().take(width).skip(whole) {
        for (r, v) in c.to_array().into_iter().enumerate() {
            rows[r * width + x] = v;
        }
    }
}

/// The crate's column recursion down every column, all columns advancing together row by row (so
/// memory is read in order), four columns to a vector.
#[inline(always)]
fn column_pass<const VECTOR: bool, V: Wide>(
    input: &[f32],
    out: &mut [f32],
    width: usize,
    height: usize,
) {
    let whole = if VECTOR { width - width % 4 } else { 0 };
    let mut state_v = vec![[V::splat(0.0); 6]; whole / 4];
    let mut state_s = vec![[0.0f32; 6]; width - whole];
    let radius = RADIUS as isize;
    for n in (1 - radius)..height as isize {
        let top = n - radius - 1;
        let bottom = n + radius - 1;
        let top_row = (top >= 0).then(|| &input[top as usize * width..][..width]);
        let bottom_row =
            (bottom < height as isize).then(|| &input[bottom as usize * width..][..width]);
        let row_out = (n >= 0).then(|| n as usize * width);
        for (v, st) in state_v.iter_mut().enumerate() {
            let x = 4 * v;
            let o = column_step::<V>(st, column_sum(top_row, bottom_row, x));
            if let Some(at) = row_out {
                o.store(&mut out[at + x..]);
            }
        }
        for (i, st) in state_s.iter_mut().enumerate() {
            let x = whole + i;
            let o = column_step::<f32>(st, column_sum(top_row, bottom_row, x));
            if let Some(at) = row_out {
                out[at + x] = o;
            }
        }
    }
}

#[inline(always)]
fn column_sum<T: Lane>(top: Option<&[f32]>, bottom: Option<&[f32]>, x: usize) -> T {
    let zero = T::splat(0.0);
    top.map_or(zero, |r| T::load(&r[x..])) + bottom.map_or(zero, |r| T::load(&r[x..]))
}

/// One step of the three column recursions: `st` holds (previous, one before) per term.
#[inline(always)]
fn column_step<T: Lane>(st: &mut [T; 6], sum: T) -> T {
    let zero = T::splat(0.0);
    let t = [
        st[0].mul_add_exact(T::splat(-MUL_PREV[0]), st[1]),
        st[2].mul_add_exact(T::splat(-MUL_PREV[1]), st[3]),
        add_tiny_product(-MUL_PREV[2], st[4], st[5]),
    ];
    let out = [
        sum.mul_add_exact(T::splat(MUL_IN[0]), zero - t[0]),
        sum.mul_add_exact(T::splat(MUL_IN[1]), zero - t[1]),
        sum.mul_add_exact(T::splat(MUL_IN[2]), zero - t[2]),
    ];
    for k in 0..3 {
        st[2 * k + 1] = st[2 * k];
        st[2 * k] = out[k];
    }
    out[0] + out[1] + out[2]
}

/// `w.mul_add_exact(p, c)` for a weight under 2⁻⁵² (the third term's ±1.2e-16): `c` itself when
/// |p| · 2⁻²⁶ < |c|, which saves the emulated fused multiply-add nearly always. The same bits: the
/// product is then under 2⁻²⁶ · |c| (plus 2⁻¹⁷⁶ should |p| · 2⁻²⁶ round as a subnormal), less than
/// half a unit in the last place of `c` (a nonzero f32), and the f64 sum rounds to between `c` and
/// `c` plus the product, so it rounds back to `c`.
#[inline(always)]
fn add_tiny_product<T: Lane>(w: f32, p: T, c: T) -> T {
    if (p.abs() * T::splat(TWO_TO_MINUS_26)).all_lt(c.abs()) {
        c
    } else {
        T::splat(w).mul_add_exact(p, c)
    }
}

const TWO_TO_MINUS_26: f32 = 1.0 / 67_108_864.0;

/// Runs a kernel over `0..len`: `wide` at every fourth index on the vector path, then `narrow` at
/// each index left (all of them on the scalar path). Kernels written once over [`Lane`] that hand
/// their lanes to `acc` in index order give identical results on both paths.
#[inline(always)]
fn lanes<A: ?Sized, const VECTOR: bool>(
    len: usize,
    acc: &mut A,
    mut wide: impl FnMut(usize, &mut A),
    mut narrow: impl FnMut(usize, &mut A),
) {
    let whole = if VECTOR { len - len % 4 } else { 0 };
    for i in (0..whole).step_by(4) {
        wide(i, acc);
    }
    for i in whole..len {
        narrow(i, acc);
    }
}

/// Sums over the SSIM map of 1 − SSIM' (clamped at 0) and of its fourth power, in f64 as the crate,
/// in index order. The vector path forms the terms four at a time in f64 lanes (the same
/// operations): one lane at a time, with the clamp a branch on noise, they took a fifth of `measure`.
fn ssim_sums<const VECTOR: bool>(
    m1: &[f32],
    m2: &[f32],
    s11: &[f32],
    s22: &[f32],
    s12: &[f32],
) -> [f64; 2] {
    let mut sums = [0.0f64; 2];
    let mut add = |d: f64, d4: f64| {
        sums[0] += d;
        sums[1] += d4;
    };
    lanes::<_, VECTOR>(
        m1.len(),
        &mut add,
        |i, add| {
            let ratio = F64x4::from_f32(ssim_at::<F32x4>(i, m1, m2, s11, s22, s12));
            let d = (F64x4::splat(1.0) - ratio).positive_part();
            let d2 = d * d;
            for (d, d4) in d.to_array().into_iter().zip((d2 * d2).to_array()) {
                add(d, d4);
            }
        },
        |i, add| {
            let d = positive_part(1.0 - f64::from(ssim_at::<f32>(i, m1, m2, s11, s22, s12)));
            let d2 = d * d;
            add(d, d2 * d2);
        },
    );
    sums
}

/// `v.max(0.0)` as far as the sums can tell (a NaN gives 0, as `max` does; `max` may keep a −0, which
/// adds and raises to the fourth power as +0 does), without the call to the software `fmax` that `max`
/// becomes in wasm, whose `f64.max` treats NaN otherwise. [`F64x4::positive_part`] is its twin.
#[inline(always)]
fn positive_part(v: f64) -> f64 {
    if v > 0.0 {
        v
    } else {
        0.0
    }
}

/// SSIM without the luminance term's denominator (the metric's correction of SSIM), in f32.
#[inline(always)]
fn ssim_at<T: Lane>(i: usize, m1: &[f32], m2: &[f32], s11: &[f32], s22: &[f32], s12: &[f32]) -> T {
    let c2 = T::splat(0.0009);
    let (mu1, mu2) = (T::load(&m1[i..]), T::load(&m2[i..]));
    let (mu11, mu22, mu12) = (mu1 * mu1, mu2 * mu2, mu1 * mu2);
    let diff = mu1 - mu2;
    let num_m = diff.mul_add_exact(T::splat(0.0) - diff, T::splat(1.0));
    // 2x + C2 is exact in 2x, so a plain multiply-add equals the crate's fused one.
    let num_s = T::splat(2.0) * (T::load(&s12[i..]) - mu12) + c2;
    let den_s = (T::load(&s11[i..]) - mu11) + (T::load(&s22[i..]) - mu22) + c2;
    (num_m * num_s) / den_s
}

/// Sums over the edge maps: artifacts (edges in the result but not the original), their fourth
/// powers, detail lost (the reverse) and its fourth powers, in f64 as the crate, in index order (the
/// vector path forms the terms four at a time, as [`ssim_sums`]).
fn edge_sums<const VECTOR: bool>(x1: &[f32], mu1: &[f32], x2: &[f32], mu2: &[f32]) -> [f64; 4] {
    let mut sums = [0.0f64; 4];
    let mut add = |terms: [f64; 4]| {
        for (sum, term) in sums.iter_mut().zip(terms) {
            *sum += term;
        }
    };
    lanes::<_, VECTOR>(
        x1.len(),
        &mut add,
        |i, add| {
            let (e1, e2) = edge_at::<F32x4>(i, x1, mu1, x2, mu2);
            let one = F64x4::splat(1.0);
            let d = (one + F64x4::from_f32(e2)) / (one + F64x4::from_f32(e1)) - one;
            let artifact = d.positive_part();
            // 0 − d, not −d: the same positive part (both zeros give +0), one operation in f64x2.
            let lost = (F64x4::splat(0.0) - d).positive_part();
            let (a2, l2) = (artifact * artifact, lost * lost);
            let terms = [artifact, a2 * a2, lost, l2 * l2].map(F64x4::to_array);
            for k in 0..4 {
                add(terms.map(|t| t[k]));
            }
        },
        |i, add| {
            let (e1, e2) = edge_at::<f32>(i, x1, mu1, x2, mu2);
            let d = (1.0 + f64::from(e2)) / (1.0 + f64::from(e1)) - 1.0;
            let (artifact, lost) = (positive_part(d), positive_part(-d));
            let (a2, l2) = (artifact * artifact, lost * lost);
            add([artifact, a2 * a2, lost, l2 * l2]);
        },
    );
    sums
}

/// |x − blur(x)| of the original and of the result, in f32.
#[inline(always)]
fn edge_at<T: Lane>(i: usize, x1: &[f32], mu1: &[f32], x2: &[f32], mu2: &[f32]) -> (T, T) {
    (
        (T::load(&x1[i..]) - T::load(&mu1[i..])).abs(),
        (T::load(&x2[i..]) - T::load(&mu2[i..])).abs(),
    )
}

/// The weighted sum of the 108 sub-scores, then SSIMULACRA2's final mapping to 0–100, with the
/// crate's fused multiply-adds (a few hundred, so their cost does not matter).
fn combine(scales: &[ScaleScores]) -> f64 {
    let mut ssim = 0.0f64;
    let mut i = 0;
    for c in 0..3 {
        for scale in scales {
            let s = &scale[c];
            for n in 0..2 {
                for value in [s[n], s[2 + n], s[4 + n]] {
                    ssim = WEIGHT[i].mul_add(value.abs(), ssim);
                    i += 1;
                }
            }
        }
    }
    ssim *= 0.956_238_261_683_484_4;
    ssim = (6.248_496_625_763_138e-5 * ssim * ssim).mul_add(
        ssim,
        2.326_765_642_916_932f64.mul_add(ssim, -0.020_884_521_182_843_837 * ssim * ssim),
    );
    if ssim > 0.0 {
        ssim.powf(0.627_633_646_783_138_7).mul_add(-10.0, 100.0)
    } else {
        100.0
    }
}

/// The metric's weights, in the order channel → scale → norm → (SSIM, artifact, detail lost).
#[rustfmt::skip]
const WEIGHT: [f64; 108] = [
    0.0, 0.000_737_660_670_740_658_6, 0.0, 0.0, 0.000_779_348_168_286_730_9, 0.0,
    0.0, 0.000_437_115_573_010_737_9, 0.0, 1.104_172_642_665_734_6, 0.000_662_848_341_292_71, 0.000_152_316_327_837_187_52,
    0.0, 0.001_640_643_745_659_975_4, 0.0, 1.842_245_552_053_929_8, 11.441_172_603_757_666, 0.0,
    0.000_798_910_943_601_516_3, 0.000_176_816_438_078_653, 0.0, 1.878_759_497_954_638_7, 10.949_069_906_051_42, 0.0,
    0.000_728_934_699_150_807_2, 0.967_793_708_062_683_3, 0.0, 0.000_140_034_242_854_358_84, 0.998_176_697_785_496_7, 0.000_319_497_559_344_350_53,
    0.000_455_099_211_379_206_3, 0.0, 0.0, 0.001_364_876_616_324_339_8, 0.0, 0.0,
    0.0, 0.0, 0.0, 7.466_890_328_078_848, 0.0, 17.445_833_984_131_262,
    0.000_623_560_163_404_146_6, 0.0, 0.0, 6.683_678_146_179_332, 0.000_377_244_079_796_112_96, 1.027_889_937_768_264,
    225.205_153_008_492_74, 0.0, 0.0, 19.213_238_186_143_016, 0.001_140_152_458_661_836_1, 0.001_237_755_635_509_985,
    176.393_175_984_506_94, 0.0, 0.0, 24.433_009_998_704_76, 0.285_208_026_121_177_57, 0.000_448_543_692_383_340_8,
    0.0, 0.0, 0.0, 34.779_063_444_837_72, 44.835_625_328_877_896, 0.0,
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.000_868_055_657_329_169_8, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.000_531_319_187_435_874_7, 0.0, 0.000_165_338_141_613_791_12, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.000_417_917_180_325_133_6, 0.001_729_082_823_472_283_3, 0.0,
    0.002_082_700_584_663_643_7, 0.0, 0.0, 8.826_982_764_996_862, 23.192_433_439_989_26, 0.0,
    95.108_049_881_108_6, 0.986_397_803_440_068_2, 0.983_438_279_246_535_3, 0.001_228_640_504_827_849_3, 171.266_725_589_730_7, 0.980_785_887_243_537_9,
    0.0, 0.0, 0.0, 0.000_513_006_458_899_067_9, 0.0, 0.000_108_540_578_584_115_37,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::twin_test;

    /// A photo-like pair made in code: smooth colour with texture, and a copy with blocky, noisy
    /// error of the given strength (0.02: a high-quality result; 1: a poor one).
    fn pair(width: usize, height: usize, strength: f32) -> (LinearPlanes, LinearPlanes) {
        let mut raw = crate::test_rng::xorshift32(0x2545_f491_u32);
        let mut noise = move || (raw() % 1000) as f32 / 1000.0 - 0.5;
        let n = width * height;
        let mut a = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
        let mut b = a.clone();
        for y in 0..height {
            for x in 0..width {
                let i = y * width + x;
                let base = [
                    (x as f32 / width as f32).powf(2.2),
                    0.5 + 0.4 * ((x + 2 * y) as f32 * 0.3).sin(),
                    ((y / 7 + x / 5) % 3) as f32 * 0.3,
                ];
                for c in 0..3 {
                    let v = (base[c] + 0.05 * noise()).clamp(0.0, 1.0);
                    a[c][i] = v;
                    let block = ((x / 8 + y / 8) % 2) as f32 - 0.5;
                    b[c][i] = (v + strength * (0.1 * block + 0.05 * noise())).clamp(0.0, 1.0);
                }
            }
        }
        let planes = |planes| LinearPlanes {
            width,
            height,
            planes,
        };
        (planes(a), planes(b))
    }

    /// The `ssimulacra2` crate's score of the same planes.
    fn reference(a: &LinearPlanes, b: &LinearPlanes) -> f64 {
        let frame = |p: &LinearPlanes| {
            let data = (0..p.width * p.height)
                .map(|i| [p.planes[0][i], p.planes[1][i], p.planes[2][i]])
                .collect();
            ::ssimulacra2::LinearRgb::new(data, p.width, p.height).expect("consistent planes")
        };
        ::ssimulacra2::compute_frame_ssimulacra2(frame(a), frame(b)).expect("scores")
    }

    twin_test!(vector_kernels_match_their_scalar_twins, {
        let mut work = Work::default();
        for (w, h, strength) in [(8, 8, 1.0), (9, 13, 0.3), (67, 45, 1.0), (130, 64, 0.02)] {
            let (a, b) = pair(w, h, strength);
            let scalar = score_with::<false>(&a, &b, &mut work);
            let vector = score_with::<true>(&a, &b, &mut work);
            work.sse_only = true;
            let sse = score_with::<true>(&a, &b, &mut work);
            work.sse_only = false;
            assert_eq!(
                scalar.to_bits(),
                vector.to_bits(),
                "{w}x{h}: {scalar} vs {vector}"
            );
            // Natively that was AVX where the CPU has it; this is SSE2 (in wasm, simd128 again).
            assert_eq!(
                sse.to_bits(),
                vector.to_bits(),
                "{w}x{h}: {sse} vs {vector}"
            );
        }
    });

    /// The same arithmetic as the crate, operation for operation, so the same score to the last
    /// digits or so (the crate's fused multiply-adds are rounded through f64 here, which can differ
    /// in the last bit about once in 2^29), from poor to nearly lossless.
    #[test]
    fn scores_equal_the_ssimulacra2_crate() {
        let mut work = Work::default();
        for (w, h, strength) in [
            (8, 8, 1.0),
            (64, 48, 0.2),
            (67, 45, 1.0),
            (200, 150, 0.02),
            (256, 256, 2.0),
            (300, 200, 0.005),
        ] {
            let (a, b) = pair(w, h, strength);
            let ours = score(&a, &b, &mut work);
            let theirs = reference(&a, &b);
            assert!(
                (ours - theirs).abs() < 1e-9,
                "{w}x{h} at {strength}: {ours} vs {theirs}"
            );
        }
        let (a, _) = pair(120, 120, 0.0);
        assert_eq!(score(&a, &a, &mut work), 100.0);
    }

    twin_test!(tiny_products_add_as_fused_multiply_adds, {
        assert!(f64::from(MUL_PREV[2]) < 2f64.powi(-52));
        let mut next = crate::test_rng::xorshift32(0x9e37_79b9_u32);
        let mut values = vec![
            0.0f32,
            -0.0,
            1e-45,
            -1e-45,
            1e-38,
            f32::MIN_POSITIVE,
            1.0,
            3e5,
        ];
        for _ in 0..20_000 {
            // Magnitudes from 2^-150 to 2^20, either sign, so that |p| / |c| spans the threshold.
            let bits = next();
            let v = f32::from_bits((bits & 0x8000_0000) | (bits % (147 << 23)));
            values.push(v);
        }
        let mut shortcuts = 0;
        for w in [MUL_PREV[2], -MUL_PREV[2]] {
            for pair in values.windows(2) {
                let (p, c) = (pair[0], pair[1]);
                for (p, c) in [
                    (p, c),
                    (c, p),
                    (p, c * 2f32.powi(-26)),
                    (p, p * 2f32.powi(-26)),
                ] {
                    let want = simd::fma_via_f64(w, p, c);
                    assert_eq!(
                        add_tiny_product(w, p, c).to_bits(),
                        want.to_bits(),
                        "{p} {c}"
                    );
                    let lanes = add_tiny_product(w, F32x4::splat(p), F32x4::splat(c));
                    assert_eq!(lanes.to_array().map(f32::to_bits), [want.to_bits(); 4]);
                    shortcuts += usize::from(want.to_bits() == c.to_bits());
                }
            }
        }
        assert!(shortcuts > 1000);
    });

    #[test]
    fn cube_roots_round_to_the_nearest_f32() {
        for i in 0..=100_000 {
            let v = i as f32 / 100_000.0 * 1.2 + 0.003;
            let exact = f64::from(v).cbrt();
            let got = f64::from(simd::cbrt(v));
            let ulp = f64::from(f32::EPSILON) * exact;
            assert!(
                (got - exact).abs() <= 0.5 * ulp + 1e-12,
                "{v}: {got} vs {exact}"
            );
        }
    }
}
