//! The core against real images: every input kind a person drops in, every output checked with an
//! independent decoder. Corpus parts print SKIP and pass where `../shared/corpus` is absent (and fail
//! under CI=true); the fixture parts run everywhere.

mod common;

use common::{
    alpha_ramp, corpus_files, deep_ramp, jpeg_reference, photo_like, png_reference, text_like,
    webp_reference,
};
use pixsqueeze::{compress, decode_full, encode, measure, Error, Image, Limits, Options, Rgba8};

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn options(json: &str) -> Options {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn name(path: &std::path::Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Asserts PNG and WebP-lossless outputs of `image` decode (independently) to exactly its pixels.
fn assert_lossless(label: &str, image: &Image) {
    for effort in ["fast", "default"] {
        let png = encode(
            image,
            &options(&format!(r#"{{"format":"png","effort":"{effort}"}}"#)),
        )
        .unwrap_or_else(|e| panic!("{label}: {e}"));
        let back = png_reference(&png);
        match (image, &back) {
            (Image::Rgba16(a), Image::Rgba16(b)) => assert!(a == b, "{label}: 16-bit PNG differs"),
            // A 16-bit image may only come back at 8 bits if every sample was an 8-bit value.
            (Image::Rgba16(a), Image::Rgba8(b)) => assert!(
                a.data()
                    .iter()
                    .zip(b.data())
                    .all(|(&x, &y)| x == u16::from(y) * 257),
                "{label}: 16-bit input lost precision"
            ),
            (Image::Rgba8(a), b) => assert!(*a == *b.rgba8(), "{label}: PNG ({effort}) differs"),
            _ => panic!("{label}: an image of another kind"),
        }
    }
    let webp = encode(image, &options(r#"{"format":"webp","lossless":true}"#));
    if cfg!(feature = "full") {
        assert!(
            webp_reference(&webp.unwrap()) == *image.rgba8(),
            "{label}: WebP differs"
        );
    } else {
        // The core build (the first wasm module) leaves WebP to the full one.
        assert_eq!(webp.unwrap_err().name(), "NeedsFullModule", "{label}");
    }
}

#[test]
fn fixtures_round_trip_losslessly() {
    for (label, image) in [
        ("photo-like", photo_like(123, 77)),
        ("text-like", text_like(200, 64)),
        ("alpha ramp", alpha_ramp(64, 16)),
        ("16-bit ramp", deep_ramp(40, 30)),
        ("1x1", photo_like(1, 1)),
        ("1x300", photo_like(1, 300)),
    ] {
        assert_lossless(label, &image);
    }
}

#[test]
fn every_valid_pngsuite_file_decodes_and_round_trips() {
    for path in corpus_files("pngsuite") {
        let decoded = decode_full(&read(&path), &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", name(&path)));
        assert_lossless(&name(&path), &decoded.image);
    }
}

#[test]
fn pngsuite_x_files_fail_with_typed_errors() {
    for path in corpus_files("bad") {
        let n = name(&path);
        if !n.starts_with("pngsuite-x") {
            continue;
        }
        let err = decode_full(&read(&path), &Limits::default())
            .err()
            .unwrap_or_else(|| panic!("{n} must not decode"));
        assert!(
            matches!(err, Error::Decode(_) | Error::Unsupported(_)),
            "{n}: {err}"
        );
    }
}

#[test]
fn bad_files_fail_or_decode_without_panicking() {
    for path in corpus_files("bad") {
        let started = std::time::Instant::now();
        match decode_full(&read(&path), &Limits::default()) {
            Ok(d) => println!(
                "{}: decoded {}x{}",
                name(&path),
                d.image.width(),
                d.image.height()
            ),
            Err(e) => println!("{}: {e}", name(&path)),
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "{} took too long",
            name(&path)
        );
    }
}

#[test]
fn a_65535_square_header_is_refused_before_allocating() {
    let Some(path) = corpus_files("bad")
        .into_iter()
        .find(|p| name(p).starts_with("header-65535"))
    else {
        return;
    };
    let err = decode_full(&read(&path), &Limits::default()).unwrap_err();
    assert_eq!(err.name(), "LimitExceeded", "{err}");
    assert!(err.message().contains("65535 x 65535"), "{err}");
    // Permissive limits let it through to the decoder, which then finds no data.
    let mut huge = Limits::default();
    huge.max_width = 70_000;
    huge.max_height = 70_000;
    huge.max_pixels = 5_000_000_000;
    huge.max_memory_bytes = u64::MAX;
    let err = decode_full(&read(&path), &huge).unwrap_err();
    assert_ne!(err.name(), "LimitExceeded", "{err}");
}

#[test]
fn truncated_corpus_files_return_errors() {
    let files: Vec<_> = ["photos", "special", "pngsuite"]
        .iter()
        .flat_map(|sub| corpus_files(sub))
        .filter(|p| {
            std::fs::metadata(p)
                .map(|m| m.len() < 800_000)
                .unwrap_or(false)
        })
        .collect();
    for path in files {
        let bytes = read(&path);
        let whole = decode_full(&bytes, &Limits::default()).ok();
        for percent in [1, 10, 35, 60, 90, 99] {
            let cut = bytes.len() * percent / 100;
            // A cut that removes only trailing chunks (IEND, text, a GIF's later frames) may still
            // yield the complete image, as browsers show it; anything else must be an error.
            if let Ok(d) = decode_full(&bytes[..cut], &Limits::default()) {
                assert!(
                    whole.as_ref().is_some_and(|w| w.image == d.image),
                    "{} cut at {percent}% decoded to an incomplete image",
                    name(&path)
                );
            }
        }
    }
}

#[test]
fn specials_decode_upright_and_round_trip() {
    for path in corpus_files("special") {
        let n = name(&path);
        match decode_full(&read(&path), &Limits::default()) {
            Ok(d) => {
                // 12 MP round trips are covered by the photo test; keep this one quick.
                if u64::from(d.image.width()) * u64::from(d.image.height()) < 9_000_000 {
                    assert_lossless(&n, &d.image);
                }
            }
            // The core build leaves GIF and CMYK profiles to the full one.
            Err(e) if e.name() == "NeedsFullModule" && cfg!(not(feature = "full")) => {}
            Err(e) => {
                // The two codings no browser-class Rust decoder reads: a typed refusal, not a crash.
                assert!(n.contains("arithmetic") || n.contains("12bit"), "{n}: {e}");
                assert_eq!(e.name(), "Unsupported", "{n}: {e}");
            }
        }
    }
}

#[test]
fn orientation_6_photos_come_out_rotated() {
    for path in corpus_files("special") {
        let n = name(&path);
        if !n.contains("orientation6") {
            continue;
        }
        let bytes = read(&path);
        let r = compress(&bytes, &options(r#"{"format":"jpeg","quality":60}"#)).unwrap();
        assert!(
            r.height > r.width,
            "{n}: {}x{} is not portrait",
            r.width,
            r.height
        );
        let djpeg = jpeg_reference(&r.data);
        if let Some(d) = djpeg {
            // No orientation tag is written, so every viewer shows the pixels as they are: portrait.
            assert_eq!((d.width(), d.height()), (r.width, r.height), "{n}");
        }
    }
}

/// The bytes of the ICC profile in a JPEG's APP2 ICC_PROFILE segments, reassembled.
fn jpeg_icc(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xff {
        let marker = jpeg[at + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let body = &jpeg[at + 4..at + 2 + len];
        if marker == 0xe2 && body.starts_with(b"ICC_PROFILE\0") {
            out.extend(&body[14..]);
        }
        if marker == 0xda {
            break;
        }
        at += 2 + len;
    }
    (!out.is_empty()).then_some(out)
}

fn has_exif(jpeg: &[u8]) -> bool {
    jpeg.windows(6).any(|w| w == b"Exif\0\0")
}

#[test]
fn icc_profiles_are_kept_or_converted() {
    for path in corpus_files("special") {
        let n = name(&path);
        if !n.starts_with("icc-") {
            continue;
        }
        let bytes = read(&path);
        let original_icc = jpeg_icc(&bytes).expect("corpus file has a profile");
        let kept = compress(&bytes, &options(r#"{"format":"jpeg","quality":80}"#)).unwrap();
        assert_eq!(
            jpeg_icc(&kept.data).as_deref(),
            Some(&original_icc[..]),
            "{n}: JPEG profile"
        );
        let png = compress(&bytes, &options(r#"{"format":"png","effort":"fast"}"#)).unwrap();
        let needle = b"iCCP";
        assert!(
            png.data.windows(4).any(|w| w == needle),
            "{n}: PNG has no iCCP"
        );
        let srgb = compress(
            &bytes,
            &options(r#"{"format":"jpeg","quality":80,"colorProfile":"srgb"}"#),
        );
        let srgb = match srgb {
            Err(e) if cfg!(not(feature = "full")) => {
                // The core build converts no profile: it says so before decoding.
                assert_eq!(e.name(), "NeedsFullModule", "{n}: {e}");
                continue;
            }
            other => other.unwrap(),
        };
        assert_eq!(
            jpeg_icc(&srgb.data),
            None,
            "{n}: converted output must carry no profile"
        );
        // Converting a wide-gamut photo to sRGB moves its pixel values.
        let kept_px = decode_full(&kept.data, &Limits::default())
            .unwrap()
            .image
            .into_rgba8();
        let srgb_px = decode_full(&srgb.data, &Limits::default())
            .unwrap()
            .image
            .into_rgba8();
        let mse = measure(&kept_px, &srgb_px).unwrap().mse;
        assert!(mse > 1.0, "{n}: conversion changed nothing (MSE {mse})");
    }
}

#[test]
fn exif_is_stripped_by_default_and_kept_with_orientation_reset() {
    for path in corpus_files("special") {
        let n = name(&path);
        if !n.starts_with("orientation6") {
            continue;
        }
        let bytes = read(&path);
        assert!(has_exif(&bytes));
        let stripped = compress(&bytes, &options(r#"{"format":"jpeg","maxWidth":400}"#)).unwrap();
        assert!(
            !has_exif(&stripped.data),
            "{n}: EXIF (and GPS) must be stripped by default"
        );
        let kept = compress(
            &bytes,
            &options(r#"{"format":"jpeg","maxWidth":400,"keepMetadata":true}"#),
        )
        .unwrap();
        assert!(has_exif(&kept.data), "{n}: keepMetadata keeps EXIF");
        // Decoding our own output applies its orientation tag: reset to 1, the result stays portrait.
        let again = decode_full(&kept.data, &Limits::default()).unwrap().image;
        assert_eq!((again.width(), again.height()), (kept.width, kept.height));
        assert!(kept.height > kept.width);
    }
}

#[test]
fn cmyk_jpeg_comes_out_with_upright_colours() {
    let Some(path) = corpus_files("special")
        .into_iter()
        .find(|p| name(p).starts_with("cmyk"))
    else {
        return;
    };
    let image = decode_full(&read(&path), &Limits::default())
        .unwrap()
        .image
        .into_rgba8();
    // This test image is mostly light: inverted CMYK would make it mostly dark.
    let mean: f64 = image
        .data()
        .chunks_exact(4)
        .map(|p| f64::from(p[0]) + f64::from(p[1]) + f64::from(p[2]))
        .sum::<f64>()
        / (image.data().len() / 4 * 3) as f64;
    assert!(
        mean > 128.0,
        "mean {mean:.1}: the CMYK colours look inverted"
    );
}

#[test]
fn jpeg_output_matches_an_independent_decoder() {
    let mut images = vec![("photo-like".to_string(), photo_like(333, 219))];
    for path in corpus_files("photos")
        .into_iter()
        .filter(|p| name(p).starts_with("kodim0"))
    {
        images.push((
            name(&path),
            decode_full(&read(&path), &Limits::default()).unwrap().image,
        ));
    }
    for (label, image) in images {
        for sub in ["4:2:0", "4:4:4"] {
            for progressive in [false, true] {
                let json = format!(
                    r#"{{"format":"jpeg","quality":85,"subsampling":"{sub}","progressive":{progressive}}}"#
                );
                let jpeg = encode(&image, &options(&json)).unwrap();
                let Some(reference) = jpeg_reference(&jpeg) else {
                    return;
                };
                let ours = decode_full(&jpeg, &Limits::default())
                    .unwrap()
                    .image
                    .into_rgba8();
                let m = measure(&image.rgba8(), &reference).unwrap();
                assert!(
                    m.psnr > 30.0,
                    "{label} {json}: PSNR {:.2} against the original",
                    m.psnr
                );
                let agree = measure(&ours, &reference).unwrap();
                assert!(
                    agree.psnr > 40.0,
                    "{label} {json}: decoders disagree ({:.2} dB)",
                    agree.psnr
                );
            }
        }
    }
}

// Palette PNG is the full build's (exoquant); the core build refuses it (tests/core.rs).
#[cfg(feature = "full")]
#[test]
fn palette_png_holds_at_most_the_asked_colours() {
    let image = photo_like(120, 90);
    for (colors, dither) in [(2, false), (16, true), (256, true)] {
        let json = format!(r#"{{"format":"png-palette","colors":{colors},"dither":{dither}}}"#);
        let png = encode(&image, &options(&json)).unwrap();
        let back = png_reference(&png).into_rgba8();
        let mut distinct: Vec<_> = back.data().chunks_exact(4).collect();
        distinct.sort();
        distinct.dedup();
        assert!(
            distinct.len() <= colors,
            "{json}: {} colours",
            distinct.len()
        );
        let psnr = measure(&image.rgba8(), &back).unwrap().psnr;
        let floor = match colors {
            2 => 5.0,
            16 => 20.0,
            _ => 28.0,
        };
        assert!(psnr > floor, "{json}: PSNR {psnr:.2}");
    }
    // Few enough colours already: palette output is exact.
    let text = text_like(64, 32);
    let png = encode(&text, &options(r#"{"format":"png-palette","colors":16}"#)).unwrap();
    assert!(png_reference(&png).into_rgba8() == *text.rgba8());
}

#[test]
fn resize_fits_the_bounds_keeping_aspect() {
    let png = encode(&photo_like(400, 300), &options(r#"{"format":"png"}"#)).unwrap();
    for linear in [true, false] {
        let json = format!(r#"{{"format":"jpeg","maxWidth":100,"linearResize":{linear}}}"#);
        let r = compress(&png, &options(&json)).unwrap();
        assert_eq!((r.width, r.height), (100, 75));
        assert!(r.psnr > 25.0, "{json}: PSNR {:.2}", r.psnr);
    }
    let r = compress(
        &png,
        &options(r#"{"format":"png","maxWidth":1000,"maxHeight":150}"#),
    )
    .unwrap();
    assert_eq!((r.width, r.height), (200, 150));
    let deep = encode(
        &deep_ramp(64, 32),
        &options(r#"{"format":"png","maxWidth":16}"#),
    )
    .unwrap();
    assert!(
        matches!(png_reference(&deep), Image::Rgba16(ref i) if i.width() == 16 && i.height() == 8)
    );
}

#[test]
fn lossy_output_of_16_bit_input_is_rounded_not_truncated() {
    let deep = deep_ramp(32, 32);
    // Palette PNG is the full build's (exoquant); the core build refuses it (tests/core.rs).
    if cfg!(feature = "full") {
        let r = encode(&deep, &options(r#"{"format":"png-palette","colors":256}"#)).unwrap();
        let back = png_reference(&r).into_rgba8();
        assert!(measure(&deep.rgba8(), &back).unwrap().psnr > 25.0);
    }
    let Image::Rgba16(d) = &deep else {
        unreachable!()
    };
    let nearest: Vec<u8> = d
        .data()
        .iter()
        .map(|&v| ((u32::from(v) * 255 + 32_767) / 65_535) as u8)
        .collect();
    assert_eq!(deep.rgba8().data(), &nearest[..]);
}

#[test]
fn jpeg_wider_than_65535_is_a_clear_error() {
    let image: Image = Rgba8::new(70_000, 1, vec![128; 70_000 * 4]).unwrap().into();
    let err = encode(&image, &options(r#"{"format":"jpeg"}"#)).unwrap_err();
    assert_eq!(err.name(), "InvalidInput");
    assert!(err.message().contains("65535"), "{err}");
    assert!(encode(&image, &options(r#"{"format":"png","effort":"fast"}"#)).is_ok());
}

#[test]
fn corpus_photos_report_lossless_and_jpeg_figures() {
    let mut ours = 0;
    let mut baseline = 0;
    for path in corpus_files("photos") {
        let bytes = read(&path);
        let decoded = decode_full(&bytes, &Limits::default()).unwrap().image;
        let png = encode(&decoded, &options(r#"{"format":"png"}"#)).unwrap();
        assert!(
            png_reference(&png) == decoded,
            "{}: lossless PNG differs",
            name(&path)
        );
        let reference = png_crate_default(&decoded.rgba8());
        let jpeg = compress(&bytes, &options(r#"{"format":"jpeg","quality":75}"#)).unwrap();
        println!(
            "{}: PNG {} bytes (png crate default {}), JPEG q75 {} bytes PSNR {:.2} dB SSIMULACRA2 {:.2}",
            name(&path),
            png.len(),
            reference,
            jpeg.compressed_bytes,
            jpeg.psnr,
            jpeg.ssimulacra2.unwrap_or(f64::NAN)
        );
        ours += png.len();
        baseline += reference;
    }
    if baseline > 0 {
        println!("lossless PNG total: ours {ours} bytes, png crate default {baseline} bytes");
        assert!(
            ours < baseline,
            "our lossless PNG must beat the png crate's default"
        );
    }
}

/// Size of the `png` crate's default-settings RGBA8 encoding: the baseline the issue compares with.
fn png_crate_default(image: &Rgba8) -> usize {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(image.data()).unwrap();
    writer.finish().unwrap();
    out.len()
}

#[test]
fn limits_are_configurable() {
    let png = encode(&photo_like(300, 200), &options(r#"{"format":"png"}"#)).unwrap();
    for json in [
        r#"{"format":"jpeg","limits":{"maxPixels":59999}}"#,
        r#"{"format":"jpeg","limits":{"maxWidth":299}}"#,
        r#"{"format":"jpeg","limits":{"maxHeight":199}}"#,
        r#"{"format":"jpeg","limits":{"maxInputBytes":100}}"#,
    ] {
        assert_eq!(
            compress(&png, &options(json)).unwrap_err().name(),
            "LimitExceeded",
            "{json}"
        );
    }
    let ok = r#"{"format":"jpeg","limits":{"maxPixels":60000,"maxWidth":300,"maxHeight":200}}"#;
    assert!(compress(&png, &options(ok)).is_ok());
}
