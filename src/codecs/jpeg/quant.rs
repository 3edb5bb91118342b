//! Quantisation: each coefficient rounded to the nearest step, except that a coefficient needs 0.6 of
//! a step (not 0.5) to be coded as ±1 rather than 0.
//!
//! That small dead zone saved 2.2 % at equal SSIMULACRA2 on Kodak; widening it for every magnitude,
//! narrowing it, and rate–distortion optimised choices (MozJPEG's trellis, uniform or adapted to block
//! activity) all measured worse or no better for much more time (jpeg-notes.md).

use super::fdct::Block4;
use super::tables::ZIGZAG;
use crate::simd::{F32x4, I16x8};

/// The magnitude, in quantiser steps, from which an AC coefficient is coded nonzero.
const ZERO_BELOW: f32 = 0.6;

/// Magnitude category: bits needed for |v|.
#[inline]
pub(super) fn category(v: i32) -> u32 {
    32 - v.unsigned_abs().leading_zeros()
}

/// Quantises coefficients given in quantiser steps (zigzag order), within what baseline Huffman
/// coding can carry (DC 11 bits, AC 10): only deringing's overshoot at quality 100 reaches past that.
#[inline]
pub(super) fn block(x: &[f32; 64], out: &mut [i16; 64]) {
    out[0] = nearest(x[0]).clamp(-1024, 1023) as i16;
    for (o, &v) in out.iter_mut().zip(x.iter()).skip(1) {
        let n = if v.abs() < ZERO_BELOW { 0 } else { nearest(v) };
        *o = n.clamp(-1023, 1023) as i16;
    }
}

/// Round half away from zero without `f32::round`, which wasm lowers to a libm call.
#[inline]
fn nearest(v: f32) -> i32 {
    (v + 0.5f32.copysign(v)) as i32
}

/// [`block`] four coefficients at a time, on a transformed block still in natural (row-major) order
/// and scaled by `divisors` (natural order, four per vector); writes the zigzag-ordered result. The
/// same float arithmetic as the scalar path: the clamp before the conversion gives what clamping
/// the converted integer does.
#[inline]
pub(super) fn block_x4(b: &Block4, divisors: &[F32x4; 16], out: &mut [i16; 64]) {
    let half = F32x4::splat(0.5);
    let zero = F32x4::splat(0.0);
    let ac_below = F32x4::splat(ZERO_BELOW);
    let ac_low = F32x4::splat(-1023.0);
    let high = F32x4::splat(1023.0);
    // The first vector holds DC (no dead zone, 11 bits) and three AC coefficients.
    let dc_below = F32x4::new(0.0, ZERO_BELOW, ZERO_BELOW, ZERO_BELOW);
    let dc_low = F32x4::new(-1024.0, -1023.0, -1023.0, -1023.0);
    let mut natural = [0i16; 64];
    for (r, row) in b.iter().enumerate() {
        let ints = [0, 1].map(|q| {
            let i = 2 * r + q;
            let (below, low) = if i == 0 {
                (dc_below, dc_low)
            } else {
                (ac_below, ac_low)
            };
            let v = row[q] * divisors[i];
            let n = (v + half.copysign(v)).max(low).min(high);
            F32x4::select(v.abs().lt(below), zero, n).trunc_i32()
        });
        I16x8::narrow(ints[0], ints[1]).store(&mut natural[r * 8..]);
    }
    for (o, &n) in out.iter_mut().zip(ZIGZAG.iter()) {
        *o = natural[n];
    }
}

/// [`block_x4`]'s divisors: the zigzag-ordered ones of [`super::fdct::divisors`] in natural order.
pub(super) fn natural_divisors(zigzag: &[f32; 64]) -> [F32x4; 16] {
    let mut natural = [0.0f32; 64];
    for (&d, &n) in zigzag.iter().zip(ZIGZAG.iter()) {
        natural[n] = d;
    }
    std::array::from_fn(|i| F32x4::load(&natural[4 * i..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::twin_test;

    twin_test!(vector_quantiser_matches_the_scalar_one, {
        // Divisors from a real table at a few qualities, coefficients around every threshold.
        for quality in [10, 75, 100] {
            let zigzag = super::super::fdct::divisors(&super::super::tables::scaled(quality));
            let natural = natural_divisors(&zigzag);
            for seed in 0..300u32 {
                let coef: [f32; 64] = std::array::from_fn(|i| {
                    let h = (seed * 64 + i as u32).wrapping_mul(2_654_435_761);
                    let unit = (h >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                    // Steps from about ±0.3 to ±1500, dense near 0.5, 0.6 and 1023.
                    let scale = [0.8, 1.3, 3.0, 40.0, 2100.0, 4400.0][(seed as usize + i) % 6];
                    unit * scale / zigzag[ZIGZAG.iter().position(|&n| n == i).unwrap_or(0)]
                });
                let mut steps = [0.0f32; 64];
                for (zz, &n) in ZIGZAG.iter().enumerate() {
                    steps[zz] = coef[n] * zigzag[zz];
                }
                let mut want = [0i16; 64];
                block(&steps, &mut want);
                let b: Block4 =
                    std::array::from_fn(|r| [0, 1].map(|q| F32x4::load(&coef[r * 8 + q * 4..])));
                let mut got = [0i16; 64];
                block_x4(&b, &natural, &mut got);
                assert_eq!(got, want, "quality {quality}, seed {seed}");
            }
        }
    });
}
