//! Lossless WebP output through image-webp, in the full build only (the meta is in every build, so
//! that each lists every format).

#[cfg(feature = "full")]
use image::codecs::webp::WebPEncoder;
#[cfg(feature = "full")]
use image::{ExtendedColorType, ImageEncoder};

use super::{Extras, FormatMeta};
use crate::error::{Error, Result};
use crate::pixels::Rgba8;

pub(super) const META: FormatMeta = FormatMeta {
    id: "webp",
    label: "WebP (lossless)",
    mime_type: "image/webp",
    extension: "webp",
    lossy: false,
    default_quality: None,
    options: &[],
};

#[cfg(not(feature = "full"))]
pub(super) fn encode(_: &Rgba8, _: &Extras) -> Result<Vec<u8>> {
    Err(Error::needs_full("WebP output"))
}

#[cfg(feature = "full")]
pub(super) fn encode(image: &Rgba8, extras: &Extras) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = WebPEncoder::new_lossless(&mut out);
    if let Some(icc) = extras.icc {
        encoder
            .set_icc_profile(icc.to_vec())
            .map_err(|e| Error::Encode(format!("WebP cannot carry this ICC profile: {e}")))?;
    }
    // An opaque image is written as RGB: WebP stores no alpha plane for it.
    let (data, color) = if image.has_transparency() {
        (image.data().to_vec(), ExtendedColorType::Rgba8)
    } else {
        let rgb = image
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        (rgb, ExtendedColorType::Rgb8)
    };
    encoder
        .write_image(&data, image.width(), image.height(), color)
        .map_err(|e| Error::Encode(format!("WebP encoding failed: {e}")))?;
    Ok(out)
}
