//! Lossless PNG output through the `png` crate.

use super::FormatMeta;
use crate::error::{Error, Result};
use crate::pixels::Rgba8;

pub(super) const META: FormatMeta = FormatMeta {
    id: "png",
    label: "PNG (lossless)",
    mime_type: "image/png",
    extension: "png",
    lossy: false,
    default_quality: None,
};

pub(super) fn encode(image: &Rgba8) -> Result<Vec<u8>> {
    let encode_err = |e: png::EncodingError| Error::Encode(format!("PNG encoding failed: {e}"));
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().map_err(encode_err)?;
    writer.write_image_data(image.data()).map_err(encode_err)?;
    writer.finish().map_err(encode_err)?;
    Ok(out)
}
