//! Shrinking to a maximum width and height: separable Lanczos3 on premultiplied alpha, in linear
//! light by default. Written here rather than taken from a resizing crate: fast_image_resize alone
//! was 289 KB of wasm code, this is a few KB.

use crate::error::Result;
use crate::pixels::{Image, Rgba16, Rgba8};

/// The size `width` x `height` shrinks to within the bounds, keeping the aspect ratio; never larger.
pub fn fitted_size(width: u32, height: u32, max_w: Option<u32>, max_h: Option<u32>) -> (u32, u32) {
    let scale_w = max_w.map_or(1.0, |m| f64::from(m) / f64::from(width));
    let scale_h = max_h.map_or(1.0, |m| f64::from(m) / f64::from(height));
    let scale = scale_w.min(scale_h).min(1.0);
    if scale >= 1.0 {
        return (width, height);
    }
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    (side(width), side(height))
}

fn lanczos3(x: f64) -> f64 {
    let x = x.abs();
    if x < 1e-9 {
        1.0
    } else if x >= 3.0 {
        0.0
    } else {
        let px = std::f64::consts::PI * x;
        3.0 * px.sin() * (px / 3.0).sin() / (px * px)
    }
}

/// For each output position along one axis: the first source index and the normalised weights.
struct Taps {
    first: Vec<usize>,
    len: Vec<usize>,
    weights: Vec<f32>,
    stride: usize,
}

impl Taps {
    fn new(src: usize, dst: usize) -> Taps {
        let scale = src as f64 / dst as f64;
        // When shrinking, the kernel widens with the scale so every source pixel contributes.
        let support = 3.0 * scale.max(1.0);
        let stride = (2.0 * support).ceil() as usize + 2;
        let mut taps = Taps {
            first: Vec::with_capacity(dst),
            len: Vec::with_capacity(dst),
            weights: vec![0.0; dst * stride],
            stride,
        };
        for i in 0..dst {
            let center = (i as f64 + 0.5) * scale - 0.5;
            let lo = (center - support).ceil().max(0.0) as usize;
            let hi = ((center + support).floor() as usize).min(src - 1);
            let row = &mut taps.weights[i * stride..(i + 1) * stride];
            let mut sum = 0.0;
            let count = (hi + 1 - lo).min(stride);
            for (k, w) in row.iter_mut().take(count).enumerate() {
                let v = lanczos3((lo + k) as f64 - center) / scale.max(1.0);
                *w = v as f32;
                sum += v;
            }
            if sum != 0.0 {
                for w in row.iter_mut().take(count) {
                    *w /= sum as f32;
                }
            }
            taps.first.push(lo);
            taps.len.push(count);
        }
        taps
    }

    fn of(&self, i: usize) -> (usize, &[f32]) {
        let w = &self.weights[i * self.stride..i * self.stride + self.len[i]];
        (self.first[i], w)
    }
}

/// Resamples premultiplied float RGBA rows, streaming: `row(y, out)` fills source row `y`, and
/// `emit(y, out)` receives output row `y` (`nw` premultiplied pixels), in order. Only the source rows
/// one output row's vertical taps reach are kept, each already resampled to the new width: a ring of
/// about `6 * h / nh + 2` rows of `nw` pixels, never a plane of the whole image.
fn resample(
    (w, h): (usize, usize),
    (nw, nh): (usize, usize),
    mut row: impl FnMut(usize, &mut [f32]),
    mut emit: impl FnMut(usize, &[f32]),
) {
    let across = Taps::new(w, nw);
    let down = Taps::new(h, nh);
    // Output rows' first taps only move forward, so a ring as deep as the widest tap span holds
    // every narrowed source row an output row needs.
    let depth = (0..nh)
        .map(|y| down.of(y).1.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut ring = vec![0f32; depth * nw * 4];
    // Which source row each ring slot holds.
    let mut held = vec![usize::MAX; depth];
    let mut src = vec![0f32; w * 4];
    let mut next_source = 0;
    let mut out = vec![0f32; nw * 4];
    for y in 0..nh {
        let (first, weights) = down.of(y);
        let last = first + weights.len();
        // Narrow every source row up to the last this output row needs (earlier ones are done).
        while next_source < last {
            row(next_source, &mut src);
            let slot = next_source % depth;
            let narrow = &mut ring[slot * nw * 4..(slot + 1) * nw * 4];
            for (x, px) in narrow.chunks_exact_mut(4).enumerate() {
                let (first, weights) = across.of(x);
                let mut acc = [0f32; 4];
                for (k, &wt) in weights.iter().enumerate() {
                    let p = &src[(first + k) * 4..(first + k) * 4 + 4];
                    for c in 0..4 {
                        acc[c] += wt * p[c];
                    }
                }
                px.copy_from_slice(&acc);
            }
            held[slot] = next_source;
            next_source += 1;
        }
        out.fill(0.0);
        for (k, &wt) in weights.iter().enumerate() {
            let slot = (first + k) % depth;
            debug_assert_eq!(held[slot], first + k);
            let narrow = &ring[slot * nw * 4..(slot + 1) * nw * 4];
            for (d, s) in out.iter_mut().zip(narrow) {
                *d += wt * s;
            }
        }
        emit(y, &out);
    }
}

fn srgb_to_linear(v: f32) -> f32 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn linear_to_srgb(v: f32) -> f32 {
    if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

/// The 8-bit sRGB code of a linear light in [0, 1], `round(linear_to_srgb(light) * 255)`, without a
/// `powf` per sample (a software routine in wasm, and most of a shrink's time there): the code is a
/// step function of the light, so the 255 lights where it steps are found once by bisection over the
/// f32s (they are ordered as their bits), and a sample's code is the number of steps at or below it,
/// started from a table of 4096 equal spans so that at most a step or two is left to count. The same
/// codes as the formula wherever it never decreases, which `powf`, accurate to an ulp or so, can only
/// break within a few ulps of a step: the tests compare the two there and on random lights.
struct SrgbCodes {
    /// `steps[k]`: the least light whose code is at least `k` (`steps[0]` is 0, `steps[256]` +∞).
    steps: [f32; 257],
    /// The code of each span's first light, `k / SPANS`.
    span_code: Vec<u8>,
}

const SPANS: usize = 4096;

impl SrgbCodes {
    fn formula(light: f32) -> f32 {
        (linear_to_srgb(light) * 255.0).round()
    }

    fn new() -> SrgbCodes {
        let mut steps = [0.0; 257];
        steps[256] = f32::INFINITY;
        for (k, step) in steps.iter_mut().enumerate().take(256).skip(1) {
            // The least f32 in [0, 1] whose code reaches k, bisecting its bits (1.0's code is 255).
            let (mut lo, mut hi) = (0u32, 1.0f32.to_bits());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if Self::formula(f32::from_bits(mid)) >= k as f32 {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            *step = f32::from_bits(lo);
        }
        let span_code = (0..=SPANS)
            .map(|j| {
                let light = j as f32 / SPANS as f32;
                (steps.partition_point(|&s| s <= light) - 1) as u8
            })
            .collect();
        SrgbCodes { steps, span_code }
    }

    /// The code of `light`, which is in [0, 1].
    #[inline(always)]
    fn code(&self, light: f32) -> u8 {
        // Exact: a power-of-two scaling, and truncation never passes the span holding `light`.
        let mut code = self.span_code[(light * SPANS as f32) as usize];
        while light >= self.steps[usize::from(code) + 1] {
            code += 1;
        }
        code
    }
}

/// Resamples `src` (RGBA samples with maximum value `max`) from `w` x `h` to `nw` x `nh`.
fn resize_samples<T: Copy + Into<u32>>(
    src: &[T],
    (w, h): (usize, usize),
    (nw, nh): (usize, usize),
    max: u32,
    linear: bool,
    from_f32: impl Fn(f32) -> T,
) -> Vec<T> {
    let scale = max as f32;
    // One table entry a possible sample value: decoding the transfer curve once, not per pixel.
    let to_light: Vec<f32> = (0..=max)
        .map(|v| {
            let v = v as f32 / scale;
            if linear {
                srgb_to_linear(v)
            } else {
                v
            }
        })
        .collect();
    let codes = (linear && max == 255).then(SrgbCodes::new);
    let mut out = Vec::with_capacity(nw * nh * 4);
    resample(
        (w, h),
        (nw, nh),
        |y, row| {
            for (px, out) in src[y * w * 4..(y + 1) * w * 4]
                .chunks_exact(4)
                .zip(row.chunks_exact_mut(4))
            {
                let a = px[3].into() as f32 / scale;
                for c in 0..3 {
                    out[c] = to_light[px[c].into() as usize] * a;
                }
                out[3] = a;
            }
        },
        |_, row| {
            for px in row.chunks_exact(4) {
                let a = px[3].clamp(0.0, 1.0);
                for &c in &px[..3] {
                    let light = if a > 0.0 {
                        (c / a).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    out.push(match &codes {
                        Some(codes) => from_f32(f32::from(codes.code(light))),
                        None if linear => from_f32((linear_to_srgb(light) * scale).round()),
                        None => from_f32((light * scale).round()),
                    });
                }
                out.push(from_f32((a * scale).round()));
            }
        },
    );
    out
}

/// `image` shrunk to fit the bounds, or `None` when it already fits. The source is only read: the
/// caller decides whether to keep it, and the only new buffer of the whole image's size is the
/// result's.
///
/// # Errors
/// Only if the resized buffer cannot be described (never for a valid image).
pub fn fit(
    image: &Image,
    max_w: Option<u32>,
    max_h: Option<u32>,
    linear: bool,
) -> Result<Option<Image>> {
    let (w, h) = (image.width(), image.height());
    let (nw, nh) = fitted_size(w, h, max_w, max_h);
    if (nw, nh) == (w, h) {
        return Ok(None);
    }
    let dims = ((w as usize, h as usize), (nw as usize, nh as usize));
    Ok(Some(match image {
        Image::Rgba8(i) => {
            let data = resize_samples(i.data(), dims.0, dims.1, 255, linear, |v| v as u8);
            Image::Rgba8(Rgba8::new(nw, nh, data)?)
        }
        Image::Rgba16(i) => {
            let data = resize_samples(i.data(), dims.0, dims.1, 65_535, linear, |v| v as u16);
            Image::Rgba16(Rgba16::new(nw, nh, data)?)
        }
    }))
}

/// [`fit`] for an image the caller no longer needs: the source is freed as soon as the result exists.
///
/// # Errors
/// As [`fit`].
pub fn fit_owned(
    image: Image,
    max_w: Option<u32>,
    max_h: Option<u32>,
    linear: bool,
) -> Result<Image> {
    Ok(fit(&image, max_w, max_h, linear)?.unwrap_or(image))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::twin_test;

    twin_test!(srgb_codes_without_powf_equal_the_formula, {
        let codes = SrgbCodes::new();
        let check = |light: f32| {
            assert_eq!(
                f32::from(codes.code(light)),
                SrgbCodes::formula(light),
                "light {light:e} ({:#x})",
                light.to_bits()
            );
        };
        // Around every step, where an inexact powf could make the formula step back.
        for &step in &codes.steps[1..256] {
            let bits = step.to_bits();
            for b in bits.saturating_sub(300)..=(bits + 300).min(1.0f32.to_bits()) {
                check(f32::from_bits(b));
            }
        }
        let mut next = crate::test_rng::xorshift32(0x0bad_cafe);
        for _ in 0..300_000 {
            let r = next();
            check(f32::from_bits(r % (1.0f32.to_bits() + 1)));
            check(r as f32 / u32::MAX as f32);
        }
        for light in [
            0.0,
            f32::MIN_POSITIVE,
            1e-45,
            0.003_130_8,
            0.5,
            1.0 - f32::EPSILON,
            1.0,
        ] {
            check(light);
        }
    });

    #[test]
    fn fitted_size_keeps_aspect_and_never_enlarges() {
        assert_eq!(fitted_size(4000, 3000, Some(1000), None), (1000, 750));
        assert_eq!(fitted_size(4000, 3000, None, Some(300)), (400, 300));
        assert_eq!(fitted_size(4000, 3000, Some(1000), Some(300)), (400, 300));
        assert_eq!(fitted_size(400, 300, Some(1000), Some(1000)), (400, 300));
        assert_eq!(fitted_size(10_000, 1, Some(100), None), (100, 1));
    }

    #[test]
    fn flat_colour_stays_flat_and_transparent_colour_does_not_bleed() {
        let flat = Rgba8::new(40, 30, [200, 100, 50, 255].repeat(1200)).unwrap();
        let small = fit_owned(Image::Rgba8(flat), Some(7), None, true)
            .unwrap()
            .into_rgba8();
        assert_eq!((small.width(), small.height()), (7, 5));
        assert!(small
            .data()
            .chunks_exact(4)
            .all(|p| p == [200, 100, 50, 255]));
        // Left half opaque white, right half transparent red: red must not tint the edge.
        let mut data = Vec::new();
        for _ in 0..20 {
            for x in 0..40 {
                data.extend(if x < 20 {
                    [255, 255, 255, 255]
                } else {
                    [255, 0, 0, 0]
                });
            }
        }
        let half = Rgba8::new(40, 20, data).unwrap();
        let small = fit_owned(Image::Rgba8(half), Some(10), None, true)
            .unwrap()
            .into_rgba8();
        for p in small.data().chunks_exact(4).filter(|p| p[3] > 0) {
            assert!(
                p[1] > 250 && p[2] > 250,
                "edge pixel {p:?} picked up hidden red"
            );
        }
    }

    #[test]
    fn linear_light_keeps_a_checkerboard_at_its_true_brightness() {
        // Black/white pixels average to 50 % light: sRGB 188, not 128.
        let data: Vec<u8> = (0..64 * 64)
            .flat_map(|i| {
                let v = if (i % 64 + i / 64) % 2 == 0 { 0 } else { 255 };
                [v, v, v, 255]
            })
            .collect();
        let board = Image::Rgba8(Rgba8::new(64, 64, data).unwrap());
        let linear = fit_owned(board.clone(), Some(8), None, true)
            .unwrap()
            .into_rgba8();
        let gamma = fit_owned(board, Some(8), None, false).unwrap().into_rgba8();
        assert!(
            (i32::from(linear.data()[4 * 27]) - 188).abs() <= 2,
            "{}",
            linear.data()[4 * 27]
        );
        assert!(
            (i32::from(gamma.data()[4 * 27]) - 128).abs() <= 2,
            "{}",
            gamma.data()[4 * 27]
        );
    }
}
