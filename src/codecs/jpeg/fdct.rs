//! Forward DCT: Arai, Agui and Nakajima's scaled 8-point transform in f32 (5 multiplies per
//! 8 points). Its outputs carry a known per-coefficient scale, folded into the quantiser's divisors
//! ([`divisors`]) so that dividing yields the JPEG (orthonormal) coefficient in quantiser steps.

use super::tables::{QuantTable, ZIGZAG};

/// One 8-point pass over `d[at], d[at + stride], …`.
#[inline(always)]
fn pass(d: &mut [f32; 64], at: usize, stride: usize) {
    let i = |k: usize| at + k * stride;
    let (tmp0, tmp7) = (d[i(0)] + d[i(7)], d[i(0)] - d[i(7)]);
    let (tmp1, tmp6) = (d[i(1)] + d[i(6)], d[i(1)] - d[i(6)]);
    let (tmp2, tmp5) = (d[i(2)] + d[i(5)], d[i(2)] - d[i(5)]);
    let (tmp3, tmp4) = (d[i(3)] + d[i(4)], d[i(3)] - d[i(4)]);

    let (tmp10, tmp13) = (tmp0 + tmp3, tmp0 - tmp3);
    let (tmp11, tmp12) = (tmp1 + tmp2, tmp1 - tmp2);
    d[i(0)] = tmp10 + tmp11;
    d[i(4)] = tmp10 - tmp11;
    let z1 = (tmp12 + tmp13) * std::f32::consts::FRAC_1_SQRT_2;
    d[i(2)] = tmp13 + z1;
    d[i(6)] = tmp13 - z1;

    let tmp10 = tmp4 + tmp5;
    let tmp11 = tmp5 + tmp6;
    let tmp12 = tmp6 + tmp7;
    let z5 = (tmp10 - tmp12) * 0.382_683_43;
    let z2 = 0.541_196_1 * tmp10 + z5;
    let z4 = 1.306_563 * tmp12 + z5;
    let z3 = tmp11 * std::f32::consts::FRAC_1_SQRT_2;
    let z11 = tmp7 + z3;
    let z13 = tmp7 - z3;
    d[i(5)] = z13 + z2;
    d[i(3)] = z13 - z2;
    d[i(1)] = z11 + z4;
    d[i(7)] = z11 - z4;
}

/// Transforms a row-major block of level-shifted samples in place (scaled outputs, row-major).
pub(super) fn forward(block: &mut [f32; 64]) {
    for row in 0..8 {
        pass(block, row * 8, 1);
    }
    for col in 0..8 {
        pass(block, col, 8);
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
