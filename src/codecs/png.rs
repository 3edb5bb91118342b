//! PNG output: lossless (optimised for size) and palette (lossy).

use super::{FormatMeta, OptionKind, OptionMeta};
use crate::error::{Error, Result};
use crate::options::Settings;
use crate::pixels::Rgba8;

const EFFORT: OptionMeta = OptionMeta {
    name: "effort",
    label: "Effort",
    kind: OptionKind::Choice {
        choices: &["fast", "default", "max"],
        default: "default",
    },
    description: "More effort finds smaller files and takes longer; the pixels are the same.",
};

pub(super) const META: FormatMeta = FormatMeta {
    id: "png",
    label: "PNG (lossless)",
    mime_type: "image/png",
    extension: "png",
    lossy: false,
    default_quality: None,
    options: &[EFFORT],
};

pub(super) const PALETTE_META: FormatMeta = FormatMeta {
    id: "png-palette",
    label: "PNG (palette, lossy)",
    mime_type: "image/png",
    extension: "png",
    lossy: true,
    default_quality: None,
    options: &[
        OptionMeta {
            name: "colors",
            label: "Colours",
            kind: OptionKind::Integer {
                min: 2,
                max: 256,
                default: 256,
            },
            description: "The most colours the palette may hold: fewer makes smaller files.",
        },
        OptionMeta {
            name: "dither",
            label: "Dithering",
            kind: OptionKind::Boolean { default: true },
            description: "Diffuses the palette's error so gradients do not band.",
        },
        EFFORT,
    ],
};

pub(super) fn encode(image: &Rgba8, _settings: &Settings) -> Result<Vec<u8>> {
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
