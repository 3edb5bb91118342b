//! Overshoot deringing (MozJPEG's idea): a decoder clamps samples to 0–255, so in a block where some
//! samples sit at white, any value above white decodes the same. Raising those samples into a smooth
//! dome that continues the edge's slope leaves the decoded block unchanged but removes much of the
//! step's high-frequency energy, so quantisation rings less around dark-on-white text and lines.

use super::fdct::Block4;
use crate::simd::F32x4;

/// Level-shifted white, less a little for the float colour conversion's rounding.
const WHITE: f32 = 127.0 - 0.02;

/// Level-shifted sample value that decodes as white.
const TOP: f32 = 127.0;

/// How much each step away from the nearest non-white sample may rise, and the most any may.
const RISE_PER_STEP: f32 = 12.0;
const MAX_OVERSHOOT: f32 = 31.0;

/// [`dering`] on a block of vectors: most blocks have no white sample, or only white ones, and are
/// left alone after a four-lane minimum and maximum (samples are never NaN: no white sample is a
/// maximum below white, only white ones a minimum at white or above); the rest go through the
/// scalar code.
#[inline]
pub(super) fn dering_x4(b: &mut Block4) {
    let white = F32x4::splat(WHITE);
    let (low, high) = b
        .iter()
        .flatten()
        .fold((b[0][0], b[0][0]), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if high.ge(white).mask_count() == 0 || low.ge(white).mask_count() == 4 {
        return;
    }
    let mut block = [0.0f32; 64];
    for (r, row) in b.iter().enumerate() {
        row[0].store(&mut block[r * 8..]);
        row[1].store(&mut block[r * 8 + 4..]);
    }
    dering(&mut block);
    for (r, row) in b.iter_mut().enumerate() {
        *row = [
            F32x4::load(&block[r * 8..]),
            F32x4::load(&block[r * 8 + 4..]),
        ];
    }
}

/// Raises the white samples of a row-major, level-shifted block when it also holds darker ones.
pub(super) fn dering(block: &mut [f32; 64]) {
    let whites = block.iter().filter(|&&v| v >= WHITE).count();
    if whites == 0 || whites == 64 {
        return;
    }
    // Keep the block's mean from rising much: the overshoot is at most the darker samples' average
    // deficit, so DC (and the decoded average) stays close.
    let deficit: f32 = block.iter().map(|&v| (TOP - v).max(0.0)).sum();
    let cap = MAX_OVERSHOOT.min(deficit / whites as f32);
    if cap <= 0.0 {
        return;
    }
    // Chessboard distance of each white sample to the nearest darker one (two-pass chamfer).
    let mut dist = [0u8; 64];
    for (d, &v) in dist.iter_mut().zip(block.iter()) {
        *d = if v >= WHITE { 64 } else { 0 };
    }
    for y in 0..8 {
        for x in 0..8 {
            let mut d = dist[y * 8 + x];
            if d == 0 {
                continue;
            }
            for (dy, dx) in [(-1i32, -1i32), (-1, 0), (-1, 1), (0, -1)] {
                let (ny, nx) = (y as i32 + dy, x as i32 + dx);
                if (0..8).contains(&ny) && (0..8).contains(&nx) {
                    d = d.min(dist[(ny * 8 + nx) as usize].saturating_add(1));
                }
            }
            dist[y * 8 + x] = d;
        }
    }
    for y in (0..8).rev() {
        for x in (0..8).rev() {
            let mut d = dist[y * 8 + x];
            if d == 0 {
                continue;
            }
            for (dy, dx) in [(1i32, 1i32), (1, 0), (1, -1), (0, 1)] {
                let (ny, nx) = (y as i32 + dy, x as i32 + dx);
                if (0..8).contains(&ny) && (0..8).contains(&nx) {
                    d = d.min(dist[(ny * 8 + nx) as usize].saturating_add(1));
                }
            }
            dist[y * 8 + x] = d;
        }
    }
    for (v, &d) in block.iter_mut().zip(dist.iter()) {
        if d > 0 {
            *v = TOP + (RISE_PER_STEP * f32::from(d)).min(cap);
        }
    }
}
