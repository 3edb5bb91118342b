//! The bodies of pixsqueeze's fuzz targets, one function per target. `fuzz_targets/*.rs` hand them
//! libFuzzer's inputs; `tests/fuzz_regressions.rs` in the main crate includes this file and replays the
//! saved inputs in `fuzz/regressions/<target>/` through the same functions on stable Rust.
//!
//! A target fails by panicking: any panic in the core is a bug (in wasm it kills the instance), and so
//! is an error of the wrong kind, a lossless result that is not, or our own output that does not decode.

pub mod hostile;

use pixsqueeze::{
    compress as compress_file, decode_full, encode, Error, Format, Image, Limits, Options, Rgba16,
    Rgba8,
};

/// Tight bounds so that one input costs milliseconds and a few MB: a larger declared image must be
/// refused from its header, so an allocation past `-malloc_limit_mb` is a limit that was bypassed.
pub const MAX_SIDE: u32 = 2048;
pub const MAX_PIXELS: u64 = 1 << 18;
pub const MAX_INPUT_BYTES: u64 = 1 << 20;

pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_width = MAX_SIDE;
    limits.max_height = MAX_SIDE;
    limits.max_pixels = MAX_PIXELS;
    limits.max_input_bytes = MAX_INPUT_BYTES;
    limits
}

/// `options` with [`limits`] as its `limits: { … }`.
fn limited(options: Options, max_pixels: u64) -> Options {
    options
        .with_limit("maxWidth", MAX_SIDE)
        .with_limit("maxHeight", MAX_SIDE)
        .with_limit("maxPixels", max_pixels)
        .with_limit("maxInputBytes", MAX_INPUT_BYTES)
}

/// A search encodes and scores up to about twenty times per input: a quarter of the pixels keeps
/// each input well inside libFuzzer's timeout (256 x 256 with `auto` and a score target took 26 s in
/// the instrumented build, under load).
const SEARCH_MAX_PIXELS: u64 = MAX_PIXELS / 4;

/// An error must say something a person can act on.
fn check_error(e: &Error) {
    assert!(
        e.message().len() >= 10,
        "uninformative {} message: {:?}",
        e.name(),
        e.message()
    );
}

fn pixel_count(image: &Image) -> u64 {
    u64::from(image.width()) * u64::from(image.height())
}

/// `decode`: any bytes give an image within the limits or a typed error.
/// The DEFLATE encoder alone: any bytes, compressed at the level the first byte picks (fast, default or
/// max), must come back exactly from miniz_oxide, an inflater independent of ours.
pub fn deflate(data: &[u8]) {
    let Some((&select, bytes)) = data.split_first() else {
        return;
    };
    let stream = pixsqueeze::fuzzing::zlib(bytes, select % 3);
    let back = miniz_oxide::inflate::decompress_to_vec_zlib(&stream).unwrap_or_else(|e| {
        panic!(
            "miniz_oxide rejects our zlib stream of {} bytes: {e:?}",
            bytes.len()
        )
    });
    assert!(
        back == bytes,
        "level {}: {} bytes in, {} bytes back",
        select % 3,
        bytes.len(),
        back.len()
    );
}

pub fn decode(data: &[u8]) {
    match decode_full(data, &limits()) {
        Ok(decoded) => assert!(pixel_count(&decoded.image) <= MAX_PIXELS),
        Err(e) => check_error(&e),
    }
}

/// `compress`: the first byte picks the format and its options, the second the quality (or colours),
/// the rest is the file. Lossless formats must reproduce the decoded original exactly.
pub fn compress(data: &[u8]) {
    let [select, level, file @ ..] = data else {
        return;
    };
    // Low bits pick the format (they also feed the options below: overlap is fine for a fuzzer).
    let format = Format::ALL[usize::from(select & 7) % Format::ALL.len()];
    let lossless = level & 1 != 0;
    let options = Options::new(format)
        .with("quality", level % 100 + 1)
        .with("colors", (*level).max(2))
        .with(
            "subsampling",
            ["auto", "4:4:4", "4:2:2", "4:2:0"][usize::from(select >> 2 & 3)],
        )
        .with("progressive", select & 16 != 0)
        // `max` effort is many times slower per input and exercises the same code: left to `roundtrip`.
        .with("effort", if select & 32 != 0 { "fast" } else { "default" })
        .with("dither", select & 64 != 0)
        .with("keepMetadata", select & 128 != 0)
        // WebP lossy or lossless from the level's low bit (its quality comes from the same byte).
        .with("lossless", lossless)
        // AVIF at its fastest speeds: the slow ones run the same code for longer per input.
        .with("speed", if select & 64 != 0 { 10 } else { 9 });
    let options = limited(options, MAX_PIXELS);
    match compress_file(file, &options) {
        Ok(r) => {
            assert!(!r.data.is_empty());
            assert!(r.mse.is_finite() && r.mse >= 0.0, "mse {}", r.mse);
            if format == Format::Png || (format == Format::Webp && lossless) {
                assert_eq!(r.mse, 0.0, "{format:?} is lossless");
            }
        }
        Err(e) => check_error(&e),
    }
}

/// `search`: the smart modes. First byte: format (low 3 bits), mode (next 2: size budget, SSIMULACRA2
/// target, PSNR target, none) and whether a budget may shrink the image; second: the target's value;
/// the rest is the file. A result must meet the target it claims to meet; a miss must be a typed error.
pub fn search(data: &[u8]) {
    let [select, target, file @ ..] = data else {
        return;
    };
    let format = Format::ALL[usize::from(select & 7) % Format::ALL.len()];
    let mut options = limited(Options::new(format), SEARCH_MAX_PIXELS);
    options.set("allowResize", select & 32 != 0);
    options.set("speed", 10);
    let target = f64::from(*target);
    let (mut max_bytes, mut min_score, mut min_psnr) = (None, None, None);
    match select >> 3 & 3 {
        // Budgets from 64 bytes to about 65 kB: small enough that resizing and failures happen.
        0 => max_bytes = Some(64.0 + target * target),
        1 => min_score = Some(target * 100.0 / 255.0),
        2 => min_psnr = Some(10.0 + target / 4.0),
        _ => {}
    }
    for (name, value) in [
        ("maxBytes", max_bytes),
        ("minScore", min_score),
        ("minPsnr", min_psnr),
    ] {
        if let Some(v) = value {
            options.set(name, v);
        }
    }
    match compress_file(file, &options) {
        Ok(r) => {
            if let Some(max) = max_bytes {
                assert!(
                    r.data.len() as f64 <= max,
                    "{} bytes over a {max}-byte budget",
                    r.data.len()
                );
            }
            if let (Some(min), Some(score)) = (min_score, r.ssimulacra2) {
                // The search measures at the size it returns; only a resize-free lossless answer is
                // exempt from scoring, and that scores 100.
                assert!(score >= min - 1e-6, "score {score} under the {min} target");
            }
            if let Some(min) = min_psnr {
                assert!(
                    r.psnr >= min - 1e-6,
                    "PSNR {} under the {min} dB target",
                    r.psnr
                );
            }
        }
        Err(e) => check_error(&e),
    }
}

/// `roundtrip`: arbitrary pixels encoded losslessly and decoded again come back identical, alpha and
/// the colour under transparent pixels included. First byte: format, depth and effort; second: width.
pub fn roundtrip(data: &[u8]) {
    let [select, width, pixels @ ..] = data else {
        return;
    };
    let format = if select & 1 != 0 {
        Format::Webp
    } else {
        Format::Png
    };
    let deep = format == Format::Png && select & 2 != 0;
    let effort = ["fast", "default", "max"][usize::from(select >> 2) % 3];
    let width = u32::from(*width % 64) + 1;
    let bytes_per_pixel = if deep { 8 } else { 4 };
    let height = pixels.len() / (width as usize * bytes_per_pixel);
    let Ok(height) = u32::try_from(height) else {
        return;
    };
    if height == 0 {
        return;
    }
    let used = &pixels[..(width * height) as usize * bytes_per_pixel];
    let image: Image = if deep {
        let samples = used
            .chunks_exact(2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]))
            .collect();
        Rgba16::new(width, height, samples)
            .expect("sized above")
            .into()
    } else {
        Rgba8::new(width, height, used.to_vec())
            .expect("sized above")
            .into()
    };
    let options = Options::new(format)
        .with("effort", effort)
        .with("lossless", true);
    let file = match encode(&image, &options) {
        // The core build (`--no-default-features`) leaves WebP to the full one.
        Err(e) if e.name() == "NeedsFullModule" => return,
        other => other.expect("valid pixels must encode"),
    };
    let back = decode_full(&file, &limits())
        .expect("our own output must decode")
        .image;
    // Compared as 16-bit values: a 16-bit image whose samples all fit in 8 bits is written at 8 bits
    // on purpose (v * 257 decodes back to v), which is the same pixels, not a different image.
    assert!(
        samples16(&back) == samples16(&image),
        "{format:?} (effort {effort}) changed pixels"
    );
}

fn samples16(image: &Image) -> (u32, u32, Vec<u16>) {
    let samples = match image {
        Image::Rgba8(i) => i.data().iter().map(|&v| u16::from(v) * 257).collect(),
        Image::Rgba16(i) => i.data().to_vec(),
        other => panic!("an image kind the harness does not know: {other:?}"),
    };
    (image.width(), image.height(), samples)
}

/// `options`: any JSON parses to options or fails; options that resolve encode a small image or fail
/// with a typed error, and options that do not resolve say why as `InvalidInput`.
pub fn options(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(options) = serde_json::from_str::<Options>(text) else {
        return;
    };
    match options.resolve() {
        Ok(settings) => {
            serde_json::to_string(&settings).expect("settings serialise");
            match encode(&small_image(), &options) {
                Ok(file) => {
                    decode_full(&file, &limits()).expect("our own output must decode");
                }
                Err(e) => check_error(&e),
            }
        }
        Err(e) => {
            assert!(matches!(e, Error::InvalidInput(_)), "{e}");
            check_error(&e);
        }
    }
}

/// 19 x 13 with transparency: odd sides, so resizing and subsampling meet partial blocks.
fn small_image() -> Image {
    let (w, h) = (19u32, 13u32);
    let data = (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [
                (x * 13) as u8,
                (y * 19) as u8,
                ((x + y) * 7) as u8,
                (x * 40) as u8,
            ]
        })
        .collect();
    Rgba8::new(w, h, data).expect("sized above").into()
}
