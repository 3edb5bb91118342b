//! `encode` = resolve options → encode; `compress` = decode → encode → decode the result → measure.

use crate::codecs::encode_rgba;
use crate::decode::decode;
use crate::error::Result;
use crate::limits::Limits;
use crate::metrics::{measure, ratio};
use crate::options::{Options, Settings};
use crate::pixels::Rgba8;

/// A compressed file and what it cost and saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Compressed {
    /// The encoded file.
    pub data: Vec<u8>,
    pub mime_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub original_bytes: usize,
    pub compressed_bytes: usize,
    /// `original_bytes / compressed_bytes`.
    pub ratio: f64,
    /// Mean squared error over R, G, B between the decoded original and the decoded result.
    pub mse: f64,
    /// PSNR in dB (infinite when the result is pixel-identical).
    pub psnr: f64,
    /// The options actually used, every default filled in.
    pub settings: Settings,
}

/// Encodes RGBA8 pixels as `options` say.
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad options (checked before any work) or
/// dimensions the format cannot hold; [`Error::Encode`](crate::Error::Encode) if the encoder fails.
pub fn encode(image: &Rgba8, options: &Options) -> Result<Vec<u8>> {
    encode_rgba(image, &options.resolve()?)
}

/// Compresses an image file, measuring the result against the decoded original.
///
/// # Errors
/// Option errors first ([`Error::InvalidInput`](crate::Error::InvalidInput)), then any error of
/// [`decode`](crate::decode()) or [`encode`].
pub fn compress(bytes: &[u8], options: &Options) -> Result<Compressed> {
    let settings = options.resolve()?;
    let original = decode(bytes, &settings.limits)?;
    let data = encode_rgba(&original, &settings)?;
    let result = decode(&data, &Limits::default())?;
    let metrics = measure(&original, &result)?;
    Ok(Compressed {
        mime_type: settings.format.meta().mime_type,
        width: original.width(),
        height: original.height(),
        original_bytes: bytes.len(),
        compressed_bytes: data.len(),
        ratio: ratio(bytes.len(), data.len()),
        mse: metrics.mse,
        psnr: metrics.psnr,
        data,
        settings,
    })
}
