//! Rate–distortion optimised quantisation ("trellis", as MozJPEG calls it): for each block, choose
//! the AC values that minimise distortion + λ·bits rather than rounding each coefficient alone.
//!
//! Distortion is measured in quantiser steps squared, so the table's perceptual weighting carries
//! over. Bits come from a running estimate of the Huffman code lengths the image itself will get (the
//! counts of what was chosen so far), refreshed every MCU row: no extra pass over the image.
//! Only coefficients that round to nonzero are candidates, each may keep its rounded magnitude, take
//! one less, or drop to zero; a dynamic programme over those few finds the best run/size coding.

/// Symbols of the AC Huffman alphabet: run of zeros (high nibble) and magnitude category (low).
const EOB: usize = 0x00;
const ZRL: usize = 0xf0;

/// How far back (in candidates) a coded coefficient may follow the previous coded one: dropping more
/// than this many nonzero candidates in a row practically never pays, and the bound keeps the
/// programme linear in the block's candidates.
const WINDOW: usize = 10;

/// Magnitude category: bits needed for |v|.
#[inline]
pub(super) fn category(v: i32) -> u32 {
    32 - v.unsigned_abs().leading_zeros()
}

/// Estimated bits per AC symbol for one Huffman table class, including the magnitude bits.
struct RateModel {
    bits: [f32; 256],
    counts: [u32; 256],
}

impl RateModel {
    /// A prior for the first MCU row, before any counts exist: roughly the shape of typical tables.
    fn prior() -> Self {
        let mut bits = [0.0; 256];
        for (sym, b) in bits.iter_mut().enumerate() {
            let (run, size) = ((sym >> 4) as f32, (sym & 15) as f32);
            *b = (2.0 + 1.2 * run + 1.3 * size).min(16.0) + size;
        }
        bits[EOB] = 3.0;
        bits[ZRL] = 11.0;
        RateModel {
            bits,
            counts: [0; 256],
        }
    }

    /// Code lengths ≈ −log2 of each symbol's share so far, within JPEG's 1–16 bits.
    fn refresh(&mut self) {
        let total: f64 = self.counts.iter().map(|&c| f64::from(c)).sum::<f64>() + 0.5 * 162.0;
        for (sym, b) in self.bits.iter_mut().enumerate() {
            let size = sym & 15;
            if size > 10 || (size == 0 && sym != EOB && sym != ZRL) {
                continue;
            }
            let p = (f64::from(self.counts[sym]) + 0.5) / total;
            *b = (-p.log2()).clamp(1.0, 16.0) as f32 + size as f32;
        }
    }
}

pub(super) struct Quantizer {
    /// Bits-to-distortion exchange rate, in steps² per bit.
    lambda: f32,
    models: [RateModel; 2],
}

impl Quantizer {
    pub(super) fn new(lambda: f32) -> Self {
        Quantizer {
            lambda,
            models: [RateModel::prior(), RateModel::prior()],
        }
    }

    /// Updates the rate estimates from what was coded so far; call between MCU rows.
    pub(super) fn refresh(&mut self) {
        for m in &mut self.models {
            m.refresh();
        }
    }

    /// Quantises one block: `x` holds the coefficients in quantiser steps, zigzag order; `class` 0 for
    /// luma, 1 for chroma. Writes the chosen values to `out` (zigzag).
    pub(super) fn block(&mut self, x: &[f32; 64], class: usize, out: &mut [i16; 64]) {
        *out = [0; 64];
        out[0] = x[0].round() as i16;
        let model = &mut self.models[class & 1];
        // Candidates: positions whose rounded value is nonzero.
        let mut pos = [0u8; 63];
        let mut k = 0;
        for (i, &v) in x.iter().enumerate().skip(1) {
            if v.abs() >= 0.5 {
                pos[k] = i as u8;
                k += 1;
            }
        }
        if self.lambda <= 0.0 {
            for &p in &pos[..k] {
                out[usize::from(p)] = x[usize::from(p)].round() as i16;
            }
            count(model, out);
            return;
        }
        let lambda = self.lambda;
        // State s: 0 = nothing coded yet, s = j + 1: candidate j is the last coded coefficient.
        let mut best = [0.0f32; 64];
        let mut from = [0u8; 64];
        let mut value = [0i16; 64];
        // drop[j]: distortion of zeroing candidates 0..j.
        let mut drop = [0.0f32; 64];
        for j in 0..k {
            let a = x[usize::from(pos[j])].abs();
            drop[j + 1] = drop[j] + a * a;
        }
        for j in 0..k {
            let p = usize::from(pos[j]);
            let a = x[p].abs();
            let m = a.round();
            let mut state_best = f32::MAX;
            let (mut arg_from, mut arg_val) = (0u8, 0i16);
            let first = (j + 1).saturating_sub(WINDOW);
            for mag in [m, m - 1.0] {
                if mag < 1.0 {
                    break;
                }
                let size = category(mag as i32) as usize;
                let d = (a - mag) * (a - mag);
                for s in first..=j {
                    let prev = if s == 0 { 0 } else { usize::from(pos[s - 1]) };
                    let run = p - prev - 1;
                    let rate = (run >> 4) as f32 * model.bits[ZRL] + model.bits[((run & 15) << 4) | size];
                    let c = best[s] + (drop[j] - drop[s]) + d + lambda * rate;
                    if c < state_best {
                        state_best = c;
                        arg_from = s as u8;
                        arg_val = mag as i16;
                    }
                }
            }
            best[j + 1] = state_best;
            from[j + 1] = arg_from;
            value[j + 1] = if x[p] < 0.0 { -arg_val } else { arg_val };
        }
        // Close the block: everything after the last coded coefficient is dropped, then EOB.
        let mut end_best = f32::MAX;
        let mut end = 0;
        for s in 0..=k {
            let last = if s == 0 { 0 } else { usize::from(pos[s - 1]) };
            let eob = if last < 63 { lambda * model.bits[EOB] } else { 0.0 };
            let c = best[s] + (drop[k] - drop[s]) + eob;
            if c < end_best {
                end_best = c;
                end = s;
            }
        }
        while end > 0 {
            out[usize::from(pos[end - 1])] = value[end];
            end = usize::from(from[end]);
        }
        count(model, out);
    }
}

/// Adds a quantised block's AC symbols to the model's counts.
fn count(model: &mut RateModel, block: &[i16; 64]) {
    let mut run = 0;
    for &v in &block[1..] {
        if v == 0 {
            run += 1;
            continue;
        }
        while run > 15 {
            model.counts[ZRL] += 1;
            run -= 16;
        }
        model.counts[(run << 4) | category(i32::from(v)) as usize] += 1;
        run = 0;
    }
    if run > 0 {
        model.counts[EOB] += 1;
    }
}
