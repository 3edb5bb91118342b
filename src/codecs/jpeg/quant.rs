//! Quantisation: each coefficient rounded to the nearest step.
//!
//! Rate–distortion optimised choices (MozJPEG's trellis) were measured here and not kept: on Kodak
//! they saved 0.5 % at equal SSIMULACRA2 for twice the encoding time, and every activity-adaptive
//! variant lost (jpeg-notes.md).

/// Magnitude category: bits needed for |v|.
#[inline]
pub(super) fn category(v: i32) -> u32 {
    32 - v.unsigned_abs().leading_zeros()
}

/// Rounds coefficients given in quantiser steps (zigzag order) to the nearest integer.
#[inline]
pub(super) fn block(x: &[f32; 64], out: &mut [i16; 64]) {
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = v.round() as i16;
    }
}
