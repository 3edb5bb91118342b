//! WebP output through libwebp (the reference encoder, compiled into the full wasm build): lossy (VP8)
//! by default, lossless (VP8L) with `lossless`. Alpha is kept (in lossy files as a lossless alpha
//! plane), and so are the ICC profile and, when asked, EXIF (in the extended format's chunks, written by
//! [`riff`]). The meta is in every build, so that each lists every format; the encoder only in `full`.
//! What the settings were measured to give: `webp-notes.md` beside this file.

#[cfg(feature = "full")]
pub(crate) mod anim;
#[cfg(feature = "full")]
pub(crate) mod ffi;
#[cfg(feature = "full")]
pub(crate) mod riff;

use super::{quality_option, Extras, FormatMeta, OptionKind, OptionMeta, EFFORT_CHOICES};
#[cfg(feature = "full")]
use crate::decode::{bounded, Decoded, Header, Plan};
use crate::error::Result;
#[cfg(feature = "full")]
use crate::limits::{rgba_len, Limits};
use crate::options::Settings;
use crate::pixels::Rgba8;

/// WebP's largest side (14 bits): `auto` skips WebP for larger images, `webp` refuses them.
pub(crate) const MAX_SIDE: u32 = 16_383;

/// The default quality: chosen so that the corpus photos' SSIMULACRA2 lands near our JPEG default's
/// (quality 75), measured in `webp-notes.md`.
pub const DEFAULT_QUALITY: u8 = 81;

pub(super) const META: FormatMeta = FormatMeta {
    id: "webp",
    label: "WebP",
    mime_type: "image/webp",
    extension: "webp",
    lossy: true,
    options: &[
        quality_option(
            DEFAULT_QUALITY,
            "Higher keeps more detail and makes larger files (lossy only).",
        ),
        OptionMeta {
            name: "lossless",
            label: "Lossless",
            kind: OptionKind::Boolean { default: false },
            description: "Keep every pixel exactly (larger files); quality then does nothing.",
        },
        OptionMeta {
            name: "effort",
            label: "Effort",
            kind: OptionKind::Choice {
                choices: EFFORT_CHOICES,
                default: "default",
            },
            description:
                "More effort finds smaller files and takes longer (libwebp's method 2, 4 or 6).",
        },
        OptionMeta {
            name: "keepMetadata",
            label: "Keep metadata",
            kind: OptionKind::Boolean { default: false },
            description:
                "Keep EXIF (camera, date and GPS location); stripped by default for privacy.",
        },
    ],
    max_side: MAX_SIDE,
};

/// The fewest bytes a WebP file takes: RIFF and chunk headers and the smallest bitstream header.
pub(super) fn smallest_file(_width: u32, _height: u32) -> u64 {
    12 + 8 + 5 + 1
}

#[cfg(not(feature = "full"))]
pub(super) fn encode(_: &Rgba8, _: &Extras, _: &Settings) -> Result<Vec<u8>> {
    Err(crate::error::Error::needs_full("WebP output"))
}

#[cfg(feature = "full")]
pub(super) fn encode(image: &Rgba8, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    let params = params(settings);
    let file = ffi::encode_rgba(image.data(), image.width(), image.height(), &params)?;
    // WebP's EXIF chunk holds the TIFF structure itself, without JPEG's "Exif\0\0" marker prefix.
    let exif = extras
        .exif
        .map(|e| e.strip_prefix(b"Exif\0\0").unwrap_or(e));
    riff::add_metadata(file, image.width(), image.height(), extras.icc, exif)
}

/// libwebp's settings for ours.
#[cfg(feature = "full")]
fn params(settings: &Settings) -> ffi::EncodeParams {
    use crate::options::Effort;

    let lossless = settings.lossless;
    // Lossless: libwebp's presets 2, 6 (cwebp's default, m4 q75) and 9 as (method, effort).
    let (method, quality) = match (lossless, settings.effort) {
        (false, Effort::Fast) => (2, f32::from(settings.quality)),
        (false, Effort::Default) => (4, f32::from(settings.quality)),
        (false, Effort::Max) => (6, f32::from(settings.quality)),
        (true, Effort::Fast) => (2, 25.0),
        (true, Effort::Default) => (4, 75.0),
        (true, Effort::Max) => (6, 100.0),
    };
    ffi::EncodeParams {
        lossless,
        quality,
        method,
        alpha_quality: 100,
        // Lossless means every pixel, the colour under transparent ones too.
        exact: lossless,
    }
}

/// Reads a WebP file with libwebp's decoder: a still image, or an animation's first frame on its
/// canvas (transparent around it), with its ICC profile and EXIF block. The container is checked
/// first ([`riff::chunks`]): a truncated or lying file is a [`Error::Decode`](crate::Error::Decode)
/// before libwebp sees it (a chunk that claims more than the file holds is never allocated); the size
/// is checked against `limits`, and `plan` sees the header, before any pixel buffer exists. A profile
/// or EXIF block over its limit is dropped, with a note.
///
/// # Errors
/// [`Error::Decode`](crate::Error::Decode) for damaged or truncated files,
/// [`Error::LimitExceeded`](crate::Error::LimitExceeded) for sizes over `limits`.
#[cfg(feature = "full")]
pub(crate) fn decode(bytes: &[u8], limits: &Limits, plan: Plan) -> Result<Decoded> {
    let chunks = riff::chunks(bytes)?;
    let header = ffi::features(bytes)?;
    limits.check_dimensions(header.width, header.height)?;
    plan(&Header {
        width: header.width,
        height: header.height,
        deep: false,
        // An animation's first frame lies within its canvas, and gets a buffer of its own.
        decode_peak: crate::memory::image_decode(
            header.width,
            header.height,
            false,
            header
                .has_animation
                .then_some((header.width, header.height)),
        ),
    })?;
    // The chunks are slices of the file: bounded by it, and checked against their own limits.
    let mut notes = Vec::new();
    let icc = bounded(
        riff::find(&chunks, b"ICCP").map(<[u8]>::to_vec),
        limits.max_icc_bytes,
        "ICC profile",
        &mut notes,
    );
    let exif = bounded(
        riff::find(&chunks, b"EXIF").map(<[u8]>::to_vec),
        limits.max_exif_bytes,
        "EXIF block",
        &mut notes,
    );
    let image = if header.has_animation {
        let n = chunks.iter().filter(|c| &c.fourcc == b"ANMF").count();
        notes.push(format!(
            "the WebP is animated ({n} frames): only the first was read (WebP output keeps the \
             animation)"
        ));
        first_frame(&chunks, header.width, header.height, limits)?
    } else {
        let mut rgba = pixel_buffer(header.width, header.height)?;
        ffi::decode_rgba_into(bytes, &mut rgba)?;
        Rgba8::new(header.width, header.height, rgba)?
    };
    Ok(Decoded {
        image: image.into(),
        icc,
        exif,
        notes,
    })
}

/// A zeroed RGBA buffer, or `LimitExceeded` when memory cannot hold it (never an abort).
#[cfg(feature = "full")]
fn pixel_buffer(width: u32, height: u32) -> Result<Vec<u8>> {
    let len = rgba_len(width, height)?;
    let mut buf = Vec::new();
    buf.try_reserve_exact(len).map_err(|_| {
        crate::error::Error::LimitExceeded(format!(
            "not enough memory for a {width} x {height} image"
        ))
    })?;
    buf.resize(len, 0);
    Ok(buf)
}

/// The first frame of an animation, placed on a transparent canvas of the file's size.
#[cfg(feature = "full")]
fn first_frame(chunks: &[riff::Chunk], width: u32, height: u32, limits: &Limits) -> Result<Rgba8> {
    use crate::error::Error;

    let frame = riff::first_frame(chunks)?
        .ok_or_else(|| Error::Decode("the animated WebP has no frame".into()))?;
    limits.check_dimensions(frame.width, frame.height)?;
    let fits = |at: u32, len: u32, side: u32| at.checked_add(len).is_some_and(|end| end <= side);
    if !fits(frame.x, frame.width, width) || !fits(frame.y, frame.height, height) {
        return Err(Error::Decode(
            "the WebP animation's first frame lies outside its canvas".into(),
        ));
    }
    let mut pixels = pixel_buffer(frame.width, frame.height)?;
    ffi::decode_rgba_into(&frame.file, &mut pixels)?;
    let mut canvas = pixel_buffer(width, height)?;
    let row = frame.width as usize * 4;
    for (i, line) in pixels.chunks_exact(row).enumerate() {
        let at = ((frame.y as usize + i) * width as usize + frame.x as usize) * 4;
        canvas[at..at + row].copy_from_slice(line);
    }
    Rgba8::new(width, height, canvas)
}
