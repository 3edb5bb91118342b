//! JPEG output through jpeg-encoder.

use jpeg_encoder::{ColorType, Encoder};

use super::FormatMeta;
use crate::error::{Error, Result};
use crate::options::DEFAULT_QUALITY;
use crate::pixels::{over_white, Rgba8};

pub(super) const META: FormatMeta = FormatMeta {
    id: "jpeg",
    label: "JPEG",
    mime_type: "image/jpeg",
    extension: "jpg",
    lossy: true,
    default_quality: Some(DEFAULT_QUALITY),
};

/// JPEG stores each side in 16 bits.
const MAX_SIDE: u32 = u16::MAX as u32;

pub(super) fn encode(image: &Rgba8, quality: u8) -> Result<Vec<u8>> {
    let (width, height) = side_u16(image.width(), image.height())?;
    // JPEG has no alpha: composite over white rather than let hidden RGB under transparent pixels show.
    let rgb = flatten_on_white(image);
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(&rgb, width, height, ColorType::Rgb)
        .map_err(|e| Error::Encode(format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

fn side_u16(width: u32, height: u32) -> Result<(u16, u16)> {
    match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => Ok((w, h)),
        _ => Err(Error::InvalidInput(format!(
            "JPEG holds at most {MAX_SIDE} pixels a side; this image is {width} x {height} \
             (resize it or choose PNG)"
        ))),
    }
}

fn flatten_on_white(image: &Rgba8) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(image.data().len() / 4 * 3);
    for p in image.data().chunks_exact(4) {
        rgb.extend(p[..3].iter().map(|&c| over_white(c, p[3])));
    }
    rgb
}
