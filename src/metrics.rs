//! How much a result cost and saved: error against the original and the size ratio.

use crate::error::{Error, Result};
use crate::pixels::{over_white, Rgba8};

/// Fidelity of a result against its original.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Mean squared error over R, G and B, 8-bit scale.
    pub mse: f64,
    /// Peak signal-to-noise ratio in dB (peak 255); infinite when the images are identical.
    pub psnr: f64,
}

/// MSE and PSNR over R, G, B of two equally sized images. Both are first composited over white, as a
/// viewer shows them, so that colour hidden under fully transparent pixels does not count as error.
///
/// # Errors
/// [`Error::InvalidInput`] if the dimensions differ.
pub fn measure(original: &Rgba8, result: &Rgba8) -> Result<Metrics> {
    if (original.width(), original.height()) != (result.width(), result.height()) {
        return Err(Error::InvalidInput(format!(
            "cannot compare a {} x {} image with a {} x {} one",
            original.width(),
            original.height(),
            result.width(),
            result.height()
        )));
    }
    let mut sum = 0u64;
    for (a, b) in original
        .data()
        .chunks_exact(4)
        .zip(result.data().chunks_exact(4))
    {
        for c in 0..3 {
            let d = i64::from(over_white(a[c], a[3])) - i64::from(over_white(b[c], b[3]));
            sum += (d * d) as u64;
        }
    }
    let samples = original.data().len() as f64 / 4.0 * 3.0;
    let mse = sum as f64 / samples;
    Ok(Metrics {
        mse,
        psnr: psnr_from_mse(mse),
    })
}

/// PSNR in dB for an 8-bit MSE; `f64::INFINITY` for zero error.
pub fn psnr_from_mse(mse: f64) -> f64 {
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0 * 255.0 / mse).log10()
    }
}

/// Compression ratio: original bytes / compressed bytes (0 if nothing was compressed).
pub fn ratio(original_bytes: usize, compressed_bytes: usize) -> f64 {
    if compressed_bytes == 0 {
        0.0
    } else {
        original_bytes as f64 / compressed_bytes as f64
    }
}
