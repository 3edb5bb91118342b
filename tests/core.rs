//! The core end to end on fixtures made in code and, where present, on the shared corpus.

mod common;

use common::{alpha_ramp, corpus_files, photo_like, text_like};
use pixsqueeze::{compress, decode, encode, measure, Error, Format, Image, Limits, Options, Rgba8};

fn png_file(image: &Image) -> Vec<u8> {
    encode(image, &Options::new(Format::Png)).expect("PNG encodes")
}

#[test]
fn png_output_is_lossless() {
    for image in [photo_like(97, 61), text_like(64, 64), alpha_ramp(33, 9)] {
        let file = png_file(&image);
        assert_eq!(&file[..8], b"\x89PNG\r\n\x1a\n");
        // Decoded with the png crate directly, not through our own decode path.
        let back = common::png_reference(&file);
        assert_eq!(
            (back.width(), back.height()),
            (image.width(), image.height())
        );
        assert!(back == image, "the PNG does not decode to the same pixels");
    }
}

#[test]
fn jpeg_round_trip_is_close_and_quality_trades_size() {
    let image = photo_like(160, 120);
    let png = png_file(&image);
    let mut last_size = 0;
    let mut last_psnr = 0.0;
    for quality in [20, 50, 75, 95] {
        let r =
            compress(&png, &Options::new(Format::Jpeg).with_quality(quality)).expect("compresses");
        assert_eq!(r.mime_type, "image/jpeg");
        assert_eq!(&r.data[..3], b"\xff\xd8\xff");
        assert_eq!((r.width, r.height), (160, 120));
        assert_eq!(r.compressed_bytes, r.data.len());
        assert_eq!(r.original_bytes, png.len());
        assert!((r.ratio - png.len() as f64 / r.data.len() as f64).abs() < 1e-9);
        assert!(
            r.data.len() > last_size,
            "q{quality} should be larger than the quality before"
        );
        assert!(
            r.psnr > last_psnr,
            "q{quality} should be closer than the quality before"
        );
        assert!(r.psnr > 25.0, "q{quality}: PSNR {} is too low", r.psnr);
        last_size = r.data.len();
        last_psnr = r.psnr;
    }
}

#[test]
fn identical_images_give_infinite_psnr() {
    let png = png_file(&photo_like(40, 30));
    let r = compress(&png, &Options::new(Format::Png)).expect("compresses");
    assert_eq!(r.mse, 0.0);
    assert_eq!(r.psnr, f64::INFINITY);
}

#[test]
fn psnr_matches_a_hand_computed_value() {
    let a = Rgba8::new(2, 1, vec![10, 20, 30, 255, 40, 50, 60, 255]).unwrap();
    let b = Rgba8::new(2, 1, vec![12, 20, 30, 255, 40, 50, 66, 255]).unwrap();
    let m = measure(&a, &b).unwrap();
    // Squared errors 4 and 36 over 6 samples.
    assert!((m.mse - 40.0 / 6.0).abs() < 1e-12);
    assert!((m.psnr - 10.0 * (65025.0_f64 / (40.0 / 6.0)).log10()).abs() < 1e-9);
}

#[test]
fn transparent_pixels_are_composited_over_white_in_jpeg() {
    // Fully transparent red must come out white, not red.
    let image: Image = Rgba8::new(16, 16, [255, 0, 0, 0].repeat(256))
        .unwrap()
        .into();
    let jpeg = encode(&image, &Options::new(Format::Jpeg).with_quality(90)).unwrap();
    let decoded = decode(&jpeg, &Limits::default()).unwrap();
    for p in decoded.data().chunks_exact(4) {
        assert!(
            p[0] > 245 && p[1] > 245 && p[2] > 245,
            "pixel {p:?} is not white"
        );
    }
}

#[test]
fn bad_quality_is_invalid_input() {
    let image = photo_like(8, 8);
    for quality in [0.0, 101.0, 50.5, f64::NAN] {
        let options = Options::new(Format::Jpeg).with("quality", quality);
        let err = encode(&image, &options).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{quality}: {err}");
    }
}

#[test]
fn buffer_size_mismatch_is_invalid_input() {
    assert!(matches!(
        Rgba8::new(4, 4, vec![0; 63]),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        Rgba8::new(0, 4, vec![]),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn garbage_and_empty_input_are_decode_errors() {
    let limits = Limits::default();
    assert_eq!(decode(b"", &limits).unwrap_err().name(), "DecodeError");
    assert_eq!(
        decode(b"hello, not an image", &limits).unwrap_err().name(),
        "DecodeError"
    );
}

#[test]
fn truncated_files_fail_without_panicking() {
    let image = photo_like(64, 48);
    let files = [
        png_file(&image),
        encode(&image, &Options::new(Format::Jpeg)).unwrap(),
    ];
    for file in &files {
        // A PNG cut inside its final IEND chunk still holds every pixel, and decoders may accept it.
        let end = if file.starts_with(b"\x89PNG") {
            file.len() - 12
        } else {
            file.len()
        };
        for cut in (0..end).step_by(7) {
            assert!(
                decode(&file[..cut], &Limits::default()).is_err(),
                "cut at {cut}"
            );
        }
    }
}

#[test]
fn tight_limits_are_limit_exceeded() {
    let png = png_file(&photo_like(100, 50));
    let mut tight = Limits::default();
    tight.max_pixels = 4_999;
    assert_eq!(decode(&png, &tight).unwrap_err().name(), "LimitExceeded");
    let mut short = Limits::default();
    short.max_input_bytes = 10;
    assert_eq!(decode(&png, &short).unwrap_err().name(), "LimitExceeded");
    let options = Options::new(Format::Png).with_limit("maxPixels", 4_999);
    assert_eq!(
        compress(&png, &options).unwrap_err().name(),
        "LimitExceeded"
    );
    assert!(decode(&png, &Limits::default()).is_ok());
}

#[test]
fn format_ids_are_distinct_and_parse_to_their_format() {
    let mut ids = Vec::new();
    for format in Format::ALL {
        let meta = format.meta();
        assert!(meta.mime_type.starts_with("image/"));
        let parsed: Options = serde_json::from_str(&format!("{{\"format\":\"{}\"}}", meta.id))
            .unwrap_or_else(|e| panic!("{}: {e}", meta.id));
        assert_eq!(parsed.format, format);
        ids.push(meta.id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), Format::ALL.len());
}

#[test]
fn corpus_photos_compress_to_jpeg_and_png() {
    for path in corpus_files("photos") {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display();
        let jpeg =
            compress(&bytes, &Options::new(Format::Jpeg)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(jpeg.psnr > 28.0, "{name}: q75 PSNR {}", jpeg.psnr);
        println!(
            "{name}: JPEG q75 {} bytes, PSNR {:.2} dB",
            jpeg.compressed_bytes, jpeg.psnr
        );
    }
}

/// The core build (`--no-default-features`: the wasm module the page loads first) refuses what it
/// leaves to the full build with `NeedsFullModule`, which the JS layer answers by re-running the call
/// on the full module; the full build (the default) does it all. Palette PNG is the full build's too
/// (exoquant's quantiser would put the core module over its 250 000 bytes gzipped).
#[test]
fn the_core_build_hands_webp_palette_png_tiff_and_auto_to_the_full_build() {
    let image = photo_like(40, 30);
    let rgba = image.rgba8();
    let mut webp = Vec::new();
    image_webp::WebPEncoder::new(&mut webp)
        .encode(rgba.data(), 40, 30, image_webp::ColorType::Rgba8)
        .expect("the fixture encodes");
    let tiff = common::tiff::encode(
        &[common::tiff::Page::new(
            40,
            30,
            common::tiff::Pixels::Rgba8(rgba.data().to_vec()),
        )],
        common::tiff::Packing::Lzw,
        false,
    );
    let results = [
        (
            "webp output",
            encode(&image, &Options::new(Format::Webp)).map(|_| ()),
        ),
        (
            "auto",
            encode(&image, &Options::new(Format::Auto)).map(|_| ()),
        ),
        (
            "palette png output",
            encode(&image, &Options::new(Format::PngPalette)).map(|_| ()),
        ),
        (
            "palette png from a file",
            compress(
                &encode(&image, &Options::new(Format::Png)).expect("lossless PNG is core's"),
                &Options::new(Format::PngPalette),
            )
            .map(|_| ()),
        ),
        ("webp input", decode(&webp, &Limits::default()).map(|_| ())),
        (
            "webp input to jpeg",
            compress(&webp, &Options::new(Format::Jpeg)).map(|_| ()),
        ),
        (
            "tiff input",
            compress(&tiff, &Options::new(Format::Png)).map(|_| ()),
        ),
    ];
    for (what, result) in results {
        if cfg!(feature = "full") {
            result.unwrap_or_else(|e| panic!("{what}: {e}"));
        } else {
            let e = result.expect_err(what);
            assert_eq!(e.name(), "NeedsFullModule", "{what}: {e}");
        }
    }
}

/// Builds without the `avif` feature (core, full) hand AVIF output, AVIF input and an `auto` that may
/// pick AVIF to the `avif` build, naming it.
#[test]
fn builds_without_avif_name_the_avif_build() {
    let image = photo_like(16, 16);
    let avif_out = encode(&image, &Options::new(Format::Avif));
    let auto: Options =
        serde_json::from_str(r#"{"format":"auto","autoFormats":["jpeg","avif"]}"#).expect("parses");
    let auto_out = encode(&image, &auto);
    // The smallest AVIF header: an `ftyp` with the AVIF brand is enough to be routed.
    let avif_in = decode(b"\0\0\0\x14ftypavif\0\0\0\0mif1", &Limits::default());
    if cfg!(feature = "avif") {
        avif_out.expect("the avif build writes AVIF");
        auto_out.expect("the avif build weighs AVIF");
        assert_ne!(
            avif_in.expect_err("a header alone").name(),
            "NeedsFullModule"
        );
    } else {
        for e in [
            avif_out.unwrap_err(),
            auto_out.unwrap_err(),
            avif_in.unwrap_err(),
        ] {
            assert_eq!(e.module(), Some("avif"), "{e}");
        }
    }
}

#[test]
fn ssimulacra2_is_null_where_it_cannot_judge_and_the_result_says_why() {
    // A 32768 x 8 strip at about 14 dB PSNR scored 85 when the metric's coarse scales were missing.
    let (w, h) = (32_768u32, 8u32);
    let original = photo_like(w, h).into_rgba8();
    let mut state = 7u32;
    let noisy: Vec<u8> = original
        .data()
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            if i % 4 == 3 {
                v
            } else {
                (i32::from(v) + (state % 121) as i32 - 60).clamp(0, 255) as u8
            }
        })
        .collect();
    let noisy = Rgba8::new(w, h, noisy).unwrap();
    let m = measure(&original, &noisy).unwrap();
    assert!(m.psnr < 20.0, "psnr {}", m.psnr);
    assert_eq!(m.ssimulacra2, None);
    // From the side the metric needs, it scores.
    let side = pixsqueeze::SSIMULACRA2_MIN_SIDE;
    assert!(!pixsqueeze::can_score(side - 1, 4096) && pixsqueeze::can_score(side, side));
    let r = compress(
        &png_file(&photo_like(200, side - 1)),
        &Options::new(Format::Jpeg),
    )
    .unwrap();
    assert_eq!(r.ssimulacra2, None);
    assert!(
        r.notes.iter().any(|n| n.contains("SSIMULACRA2")),
        "{:?}",
        r.notes
    );
    let r = compress(
        &png_file(&photo_like(200, side)),
        &Options::new(Format::Jpeg),
    )
    .unwrap();
    assert!(
        r.ssimulacra2.is_some() && r.notes.is_empty(),
        "{:?}",
        r.notes
    );
    // A score target on such an image is refused at once, pointing to minPsnr.
    let e = compress(
        &png_file(&photo_like(64, 64)),
        &serde_json::from_str(r#"{"format":"jpeg","minScore":80}"#).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.name(), "LimitExceeded", "{e}");
    assert!(e.message().contains("minPsnr"), "{e}");
}
