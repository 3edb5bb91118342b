//! AVIF output: AV1 still frames from rav1e (BSD-2, pure Rust) in a container of our own
//! ([`mux`]). Why rav1e and these settings: `src/codecs/avif-notes.md`. In the `avif` build only (the
//! meta is in every build, so that each lists every format).

#[cfg(feature = "avif")]
mod encode;
#[cfg(feature = "avif")]
mod mux;
#[cfg(feature = "avif")]
mod yuv;

use super::{
    quality_option, subsampling_option, Choice, Extras, FormatMeta, OptionKind, OptionMeta,
    AUTO_CHOICE, QUALITY_DESCRIPTION,
};
#[cfg(not(feature = "avif"))]
use crate::error::Error;
use crate::error::Result;
use crate::options::{Settings, DEFAULT_AVIF_QUALITY, DEFAULT_AVIF_SPEED};
use crate::pixels::Image;

pub(super) const META: FormatMeta = FormatMeta {
    id: "avif",
    label: "AVIF",
    mime_type: "image/avif",
    extension: "avif",
    lossy: true,
    options: &[
        quality_option(DEFAULT_AVIF_QUALITY, QUALITY_DESCRIPTION),
        OptionMeta {
            name: "speed",
            label: "Speed",
            kind: OptionKind::Integer {
                min: 0,
                max: 10,
                default: DEFAULT_AVIF_SPEED as u64,
            },
            description: "AVIF encoder speed: lower is slower and finds smaller files (0–10).",
        },
        subsampling_option("How much colour detail to keep; auto keeps it all from quality 90 up."),
        OptionMeta {
            name: "bitDepth",
            label: "Bit depth",
            kind: OptionKind::Choice {
                choices: &[
                    AUTO_CHOICE,
                    Choice {
                        value: "8",
                        label: "8 bits",
                    },
                    Choice {
                        value: "10",
                        label: "10 bits",
                    },
                ],
                default: "auto",
            },
            description: "Bits per sample; auto uses 10 for 16-bit sources.",
        },
    ],
    // AV1 codes a frame's width and height in at most 16 bits each.
    max_side: 65_536,
};

/// The fewest bytes an AVIF takes, whatever the pixels: the boxes of the smallest still image
/// (`ftyp`, `meta` with `hdlr`, `pitm`, `iloc`, `iinf`, `iprp` holding `ispe`, `av1C` and `pixi`,
/// `ipma`; `mdat`'s header), under what any writer spends on them (ours: 250 bytes and more).
pub(super) fn smallest_file(_width: u32, _height: u32) -> u64 {
    200
}

/// The quality from which `subsampling: "auto"` keeps full chroma (`avif-notes.md`).
#[cfg(feature = "avif")]
const FULL_CHROMA_FROM: u8 = 90;

#[cfg(not(feature = "avif"))]
pub(super) fn encode(_: &Image, _: &Extras, _: &Settings) -> Result<Vec<u8>> {
    Err(Error::needs_module("avif", "AVIF output"))
}

#[cfg(feature = "avif")]
pub(super) fn encode(image: &Image, extras: &Extras, settings: &Settings) -> Result<Vec<u8>> {
    encode::encode(image, extras.icc, settings, &|_| {})
}

/// `encode` with a last change to rav1e's configuration: the native sweep's knobs.
#[cfg(feature = "avif")]
pub(crate) fn encode_tuned(
    image: &Image,
    settings: &Settings,
    tweak: &dyn Fn(&mut rav1e::prelude::EncoderConfig),
) -> Result<Vec<u8>> {
    encode::encode(image, None, settings, tweak)
}
