//! JPEG output through jpeg-encoder.

use jpeg_encoder::{ColorType, Encoder, QuantizationTableType, SamplingFactor};

use super::{Extras, FormatMeta, OptionKind, OptionMeta};
use crate::error::{Error, Result};
use crate::options::{Settings, Subsampling, DEFAULT_QUALITY};
use crate::pixels::{over_background, Rgba8};

pub(super) const META: FormatMeta = FormatMeta {
    id: "jpeg",
    label: "JPEG",
    mime_type: "image/jpeg",
    extension: "jpg",
    lossy: true,
    default_quality: Some(DEFAULT_QUALITY),
    options: &[
        OptionMeta {
            name: "quality",
            label: "Quality",
            kind: OptionKind::Integer {
                min: 1,
                max: 100,
                default: DEFAULT_QUALITY as u32,
            },
            description: "Higher keeps more detail and makes larger files.",
        },
        OptionMeta {
            name: "subsampling",
            label: "Chroma subsampling",
            kind: OptionKind::Choice {
                choices: &["auto", "4:4:4", "4:2:2", "4:2:0"],
                default: "auto",
            },
            description: "How much colour detail to keep; auto keeps it all from quality 90 up.",
        },
        OptionMeta {
            name: "progressive",
            label: "Progressive",
            kind: OptionKind::Boolean { default: false },
            description: "Loads blurry-to-sharp on slow connections.",
        },
        OptionMeta {
            name: "optimizeHuffman",
            label: "Optimise Huffman tables",
            kind: OptionKind::Boolean { default: true },
            description: "Smaller files for the same pixels, at a little more time.",
        },
        OptionMeta {
            name: "keepMetadata",
            label: "Keep metadata",
            kind: OptionKind::Boolean { default: false },
            description:
                "Keep EXIF (camera, date and GPS location); stripped by default for privacy.",
        },
        OptionMeta {
            name: "background",
            label: "Background",
            kind: OptionKind::Color { default: "#ffffff" },
            description: "The colour transparent areas are composited over, as #rrggbb.",
        },
    ],
};

pub(super) fn encode(image: &Rgba8, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    let (width, height) = side_u16(image.width(), image.height())?;
    // JPEG has no alpha: composite over the background rather than let hidden RGB show.
    let bg = settings.background;
    let mut rgb = Vec::with_capacity(image.data().len() / 4 * 3);
    for p in image.data().chunks_exact(4) {
        rgb.extend([0, 1, 2].map(|c| over_background(p[c], p[3], bg[c])));
    }
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, settings.quality);
    // Klein, Silverstein and Carney's table (for luma and chroma alike), scaled by quality as libjpeg
    // does: of jpeg-encoder's nine tables it needs the fewest bytes for equal SSIMULACRA2, 9 % fewer than
    // Annex K's on Kodak (jpeg-notes.md).
    encoder.set_quantization_tables(
        QuantizationTableType::KleinSilversteinCarney,
        QuantizationTableType::KleinSilversteinCarney,
    );
    encoder.set_sampling_factor(match settings.subsampling.for_quality(settings.quality) {
        Subsampling::S444 | Subsampling::Auto => SamplingFactor::R_4_4_4,
        Subsampling::S422 => SamplingFactor::R_4_2_2,
        Subsampling::S420 => SamplingFactor::R_4_2_0,
    });
    encoder.set_progressive(settings.progressive);
    encoder.set_optimized_huffman_tables(settings.optimize_huffman);
    let segment_err = |what: &str, e: jpeg_encoder::EncodingError| {
        Error::Encode(format!("cannot write the {what} into the JPEG: {e}"))
    };
    if let Some(icc) = extras.icc {
        encoder
            .add_icc_profile(icc)
            .map_err(|e| segment_err("ICC profile", e))?;
    }
    if let Some(exif) = extras.exif {
        let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
        encoder
            .add_exif_metadata(tiff)
            .map_err(|e| segment_err("EXIF metadata", e))?;
    }
    encoder
        .encode(&rgb, width, height, ColorType::Rgb)
        .map_err(|e| Error::Encode(format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

/// JPEG stores each side in 16 bits: refuse rather than truncate.
fn side_u16(width: u32, height: u32) -> Result<(u16, u16)> {
    match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => Ok((w, h)),
        _ => Err(Error::InvalidInput(format!(
            "JPEG holds at most 65535 pixels a side; this image is {width} x {height} \
             (set maxWidth/maxHeight or choose PNG)"
        ))),
    }
}
