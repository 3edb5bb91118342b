//! pixsqueeze: image compression that runs entirely on the user's device.
//!
//! The core is plain Rust and knows nothing of JavaScript; `wasm.rs` (built only for wasm32) is the one
//! place that speaks to JS. The flow is [`decode`] → [`encode`] → [`measure`], with [`compress`] doing
//! all three on a file's bytes.
//!
//! This software is based in part on the work of the Independent JPEG Group (the JPEG encoder's
//! quality scaling of quantisation tables is libjpeg's).

// No `unsafe` anywhere but the one FFI module that needs it, which says so with an `allow`.
#![deny(unsafe_code)]

#[cfg(feature = "full")]
mod anim;
mod bands;
mod codecs;
mod color;
mod decode;
mod error;
mod exif;
mod limits;
mod memory;
mod metrics;
mod options;
mod orient;
mod pipeline;
mod pixels;
#[cfg(feature = "full")]
mod quantize;
mod resize;
mod search;
mod simd;
#[cfg(test)]
mod test_rng;
/// The JavaScript binding (wasm32 only). Public so that `tests/web.rs` can call it as JS would.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[doc(hidden)]
pub use bands::compress_in_bands;
#[cfg(feature = "full")]
pub use codecs::{adler32_combine, join_png, JpegBand, JpegSplit, PngBand, PngSplit, SymbolCounts};
pub use codecs::{FormatMeta, COMMON_OPTIONS};
pub use decode::{decode, decode_full, Decoded};
pub use error::{Error, Result};
pub use limits::{Limits, ADDRESSABLE_BYTES, LIMIT_OPTIONS};
pub use metrics::{
    can_score, measure, psnr16_from_mse, psnr_from_mse, ratio, Metrics, SSIMULACRA2_MIN_SIDE,
};
pub use options::{
    all_options, resolve_limits, Choice, ColorProfile, Effort, Format, OptionKind, OptionMeta,
    OptionValue, Options, Settings, Subsampling, DEFAULT_QUALITY,
};
pub use pipeline::{compress, compress_with_progress, encode, Compressed};
pub use pixels::{Image, Rgba, Rgba16, Rgba8};
pub use search::{Probe, SearchReport, DEFAULT_AUTO_PSNR, DEFAULT_AUTO_SCORE, MAX_PROBES};

/// Entry points for the fuzz targets (`fuzz/`) and the benches (`benches/`) into internals they
/// exercise alone. Not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// The rows the PNG encoder's zlib compressor gets for `image`: its first layout, min-sum filters.
    pub fn png_filtered_rows(image: &crate::Image) -> Vec<u8> {
        crate::codecs::png_filtered_rows(image)
    }

    /// The PNG encoder's zlib compressor by itself: `level` 0 is fast, 1 default, anything else max.
    pub fn zlib(data: &[u8], level: u8) -> Vec<u8> {
        crate::codecs::zlib_alone(data, level)
    }

    /// AVIF as `options` say, with `tweak` changing rav1e's configuration last (the native sweep).
    ///
    /// # Errors
    /// As [`crate::encode`] for AVIF.
    #[cfg(feature = "avif")]
    pub fn avif_tuned(
        image: &crate::Image,
        options: &crate::Options,
        tweak: &dyn Fn(&mut rav1e::prelude::EncoderConfig),
    ) -> crate::Result<Vec<u8>> {
        crate::codecs::avif_tuned(image, &options.resolve()?, tweak)
    }
}
