//! Forward DCT: Arai, Agui and Nakajima's scaled 8-point transform in f32 (5 multiplies per
//! 8 points). Its outputs carry a known per-coefficient scale, folded into the quantiser's divisors
//! ([`divisors`]) so that dividing yields the JPEG (orthonormal) coefficient in quantiser steps.
//!
//! One 8-point pass, written once over [`Lane`], serves the scalar transform ([`forward`], one
//! value per lane) and the vector one ([`forward_x4`], four rows or columns at a time): the same
//! arithmetic in the same order, so both give identical coefficients.

use super::tables::{QuantTable, ZIGZAG};
use crate::simd::{F32x4, Lane};

/// One 8-point pass over `d[0..8]`, in place.
#[inline(always)]
fn pass<T: Lane>(d: &mut [T; 8]) {
    let (tmp0, tmp7) = (d[0] + d[7], d[0] - d[7]);
    let (tmp1, tmp6) = (d[1] + d[6], d[1] - d[6]);
    let (tmp2, tmp5) = (d[2] + d[5], d[2] - d[5]);
    let (tmp3, tmp4) = (d[3] + d[4], d[3] - d[4]);

    let (tmp10, tmp13) = (tmp0 + tmp3, tmp0 - tmp3);
    let (tmp11, tmp12) = (tmp1 + tmp2, tmp1 - tmp2);
    d[0] = tmp10 + tmp11;
    d[4] = tmp10 - tmp11;
    let z1 = (tmp12 + tmp13) * T::splat(std::f32::consts::FRAC_1_SQRT_2);
    d[2] = tmp13 + z1;
    d[6] = tmp13 - z1;

    let tmp10 = tmp4 + tmp5;
    let tmp11 = tmp5 + tmp6;
    let tmp12 = tmp6 + tmp7;
    let z5 = (tmp10 - tmp12) * T::splat(0.382_683_43);
    let z2 = T::splat(0.541_196_1) * tmp10 + z5;
    let z4 = T::splat(1.306_563) * tmp12 + z5;
    let z3 = tmp11 * T::splat(std::f32::consts::FRAC_1_SQRT_2);
    let z11 = tmp7 + z3;
    let z13 = tmp7 - z3;
    d[5] = z13 + z2;
    d[3] = z13 - z2;
    d[1] = z11 + z4;
    d[7] = z11 - z4;
}

/// Transforms a row-major block of level-shifted samples in place (scaled outputs, row-major): rows
/// first, then columns. The scalar twin of [`forward_x4`].
pub(super) fn forward(block: &mut [f32; 64]) {
    for row in 0..8 {
        let mut d: [f32; 8] = std::array::from_fn(|k| block[row * 8 + k]);
        pass(&mut d);
        block[row * 8..row * 8 + 8].copy_from_slice(&d);
    }
    for col in 0..8 {
        let mut d: [f32; 8] = std::array::from_fn(|k| block[k * 8 + col]);
        pass(&mut d);
        for (k, v) in d.into_iter().enumerate() {
            block[k * 8 + col] = v;
        }
    }
}

/// A block as vectors: `rows[r][0]` holds columns 0–3 of row `r`, `rows[r][1]` columns 4–7.
pub(super) type Block4 = [[F32x4; 2]; 8];

/// [`forward`] four lanes at a time: the row pass on transposed 4 × 4 quarters (lanes = rows), the
/// column pass on the rows as they are (lanes = columns).
#[inline]
pub(super) fn forward_x4(b: &mut Block4) {
    // Transpose each 4 × 4 quarter: cols[h][k] = column k of rows 4h..4h+4, lanes = those rows.
    let mut cols = [[F32x4::splat(0.0); 8]; 2];
    for (h, half) in cols.iter_mut().enumerate() {
        for q in 0..2 {
            let t = F32x4::transpose([0, 1, 2, 3].map(|i| b[4 * h + i][q]));
            half[4 * q..4 * q + 4].copy_from_slice(&t);
        }
        pass(half);
    }
    for (h, half) in cols.iter().enumerate() {
        for q in 0..2 {
            let mut quarter = [F32x4::splat(0.0); 4];
            quarter.copy_from_slice(&half[4 * q..4 * q + 4]);
            let t = F32x4::transpose(quarter);
            for i in 0..4 {
                b[4 * h + i][q] = t[i];
            }
        }
    }
    for q in 0..2 {
        let mut d: [F32x4; 8] = std::array::from_fn(|r| b[r][q]);
        pass(&mut d);
        for (row, v) in b.iter_mut().zip(d) {
            row[q] = v;
        }
    }
}

/// Reciprocals, in zigzag order, that turn [`forward`]'s row-major outputs into coefficients in
/// quantiser steps: 1 / (step × 8 × s(row) × s(col)), with s(0) = 1 and s(k) = √2·cos(kπ/16).
pub(super) fn divisors(table: &QuantTable) -> [f32; 64] {
    let s = |k: usize| {
        if k == 0 {
            1.0
        } else {
            std::f64::consts::SQRT_2 * (k as f64 * std::f64::consts::PI / 16.0).cos()
        }
    };
    let mut out = [0.0; 64];
    for (zz, &natural) in ZIGZAG.iter().enumerate() {
        let scale = 8.0 * s(natural / 8) * s(natural % 8) * f64::from(table[zz]);
        out[zz] = (1.0 / scale) as f32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::twin_test;

    /// Deterministic level-shifted samples: smooth, noisy and edged blocks.
    pub(crate) fn sample_blocks() -> Vec<[f32; 64]> {
        let mut next = crate::test_rng::xorshift32(0x9e37_79b9_u32);
        (0..200)
            .map(|n| {
                std::array::from_fn(|i| {
                    let (x, y) = ((i % 8) as f32, (i / 8) as f32);
                    let noise = (next() % 256) as f32 - 128.0;
                    match n % 4 {
                        0 => noise,
                        1 => x * 9.0 - y * 7.0 + noise / 16.0,
                        2 => {
                            if x + y > 7.0 {
                                127.0
                            } else {
                                -100.0
                            }
                        }
                        _ => noise * 0.001 + 0.1 * n as f32,
                    }
                })
            })
            .collect()
    }

    twin_test!(vector_dct_matches_the_scalar_one_bit_for_bit, {
        for block in sample_blocks() {
            let mut scalar = block;
            forward(&mut scalar);
            let mut b: Block4 =
                std::array::from_fn(|r| [0, 1].map(|q| F32x4::load(&block[r * 8 + q * 4..])));
            forward_x4(&mut b);
            for r in 0..8 {
                for q in 0..2 {
                    let got = b[r][q].to_array().map(f32::to_bits);
                    let want: [u32; 4] =
                        std::array::from_fn(|i| scalar[r * 8 + q * 4 + i].to_bits());
                    assert_eq!(got, want, "row {r}");
                }
            }
        }
    });
}
