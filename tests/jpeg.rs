//! Our JPEG encoder against an independent decoder, libjpeg-turbo's djpeg (required where `npm test`
//! runs: `common::tools_required`), and against the jpeg-decoder crate called directly (the decoder
//! pixsqueeze itself uses, so not independent: it checks our decoding wrapper): every layout, odd
//! sizes, extreme qualities, alpha, metadata, determinism.

mod common;

use pixsqueeze::{decode, encode, measure, Image, Limits, Options, Rgba8};

fn opts(json: &str) -> Options {
    serde_json::from_str(json).expect("test options parse")
}

/// Decodes with jpeg-decoder (the crate pixsqueeze decodes JPEG with, called directly) to RGBA8.
fn jpeg_decoder_reference(bytes: &[u8]) -> Rgba8 {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    let pixels = d.decode().expect("jpeg-decoder decodes our JPEG");
    let info = d.info().expect("jpeg-decoder info");
    let data: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l, 255]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => panic!("unexpected pixel format {other:?}"),
    };
    Rgba8::new(u32::from(info.width), u32::from(info.height), data).expect("decoded buffer")
}

/// Encodes, decodes with djpeg (independent) and jpeg-decoder and checks size and fidelity; returns
/// the PSNR.
fn round_trip(image: &Image, json: &str) -> f64 {
    let jpeg = encode(image, &opts(json)).expect("encodes");
    let original = image.rgba8();
    let ours = decode(&jpeg, &Limits::default()).expect("our decoder reads it");
    let psnr = measure(&original, &ours).expect("same size").psnr;
    let reference = jpeg_decoder_reference(&jpeg);
    assert_eq!(
        (reference.width(), reference.height()),
        (image.width(), image.height()),
        "{json}"
    );
    let ref_psnr = measure(&original, &reference).expect("same size").psnr;
    assert!(
        (ref_psnr - psnr).abs() < 1.5,
        "{json}: jpeg-decoder {ref_psnr} vs ours {psnr}"
    );
    if let Some(djpeg) = common::jpeg_reference(&jpeg) {
        assert_eq!(
            (djpeg.width(), djpeg.height()),
            (image.width(), image.height()),
            "{json}"
        );
        let dj_psnr = measure(&original, &djpeg).expect("same size").psnr;
        assert!(
            (dj_psnr - psnr).abs() < 1.5,
            "{json}: djpeg {dj_psnr} vs ours {psnr}"
        );
    }
    psnr
}

#[test]
fn every_subsampling_and_mode_decodes_independently() {
    let image = common::photo_like(97, 61);
    for sub in ["4:4:4", "4:2:2", "4:2:0", "auto"] {
        for progressive in [false, true] {
            for q in [1, 40, 75, 90, 100] {
                let json = format!(
                    r#"{{"format":"jpeg","quality":{q},"subsampling":"{sub}","progressive":{progressive}}}"#
                );
                let psnr = round_trip(&image, &json);
                let floor = match q {
                    1 => 15.0,
                    40 => 28.0,
                    _ => 32.0,
                };
                assert!(psnr > floor, "{json}: PSNR {psnr}");
            }
        }
    }
}

#[test]
fn odd_sizes_decode_independently() {
    for (w, h) in [
        (1, 1),
        (1, 37),
        (37, 1),
        (17, 9),
        (33, 17),
        (8, 8),
        (16, 16),
        (31, 47),
    ] {
        let image = common::photo_like(w, h);
        for sub in ["4:4:4", "4:2:2", "4:2:0"] {
            for progressive in [false, true] {
                let json = format!(
                    r#"{{"format":"jpeg","quality":80,"subsampling":"{sub}","progressive":{progressive}}}"#
                );
                round_trip(&image, &json);
            }
        }
    }
}

#[test]
fn gray_text_and_extreme_qualities_decode_independently() {
    let text = common::text_like(120, 77);
    for q in [1, 50, 75, 100] {
        for progressive in [false, true] {
            let json = format!(r#"{{"format":"jpeg","quality":{q},"progressive":{progressive}}}"#);
            let psnr = round_trip(&text, &json);
            if q == 100 {
                // Deringing's overshoot above white must not cost fidelity at the top quality.
                assert!(psnr > 40.0, "{json}: PSNR {psnr}");
            }
        }
    }
}

#[test]
fn deringing_keeps_white_clean_around_dark_strokes() {
    // Dark strokes on pure white are where JPEG rings most; deringing should keep the white white.
    let (w, h) = (96u32, 96u32);
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = if x % 9 < 2 || (y % 13 == 4 && x % 29 < 17) {
                30
            } else {
                255
            };
            data.extend([v, v, v, 255]);
        }
    }
    let page: Image = Rgba8::new(w, h, data).expect("fixture").into();
    let jpeg = encode(&page, &opts(r#"{"format":"jpeg","quality":60}"#)).expect("encodes");
    let back = common::jpeg_reference(&jpeg).unwrap_or_else(|| jpeg_decoder_reference(&jpeg));
    let original = page.rgba8();
    let (mut sum, mut n) = (0u64, 0u64);
    for (a, b) in original
        .data()
        .chunks_exact(4)
        .zip(back.data().chunks_exact(4))
    {
        if a[0] == 255 {
            sum += u64::from(255 - b[0]);
            n += 1;
        }
    }
    let mean = sum as f64 / n as f64;
    println!("white pixels off by {mean:.2} on average");
    assert!(mean < 4.0, "white pixels off by {mean} on average");
}

#[test]
fn transparent_pixels_take_the_background() {
    let image = common::alpha_ramp(64, 32);
    for (bg, want) in [("#000000", 0u8), ("#ffffff", 255u8)] {
        let json = format!(r##"{{"format":"jpeg","quality":90,"background":"{bg}"}}"##);
        let jpeg = encode(&image, &opts(&json)).expect("encodes");
        let back = jpeg_decoder_reference(&jpeg);
        // The leftmost column is fully transparent: it shows the background.
        for y in 0..32usize {
            let p = &back.data()[y * 64 * 4..y * 64 * 4 + 3];
            assert!(
                p.iter().all(|&c| c.abs_diff(want) < 24),
                "{bg} row {y}: {p:?}"
            );
        }
        round_trip(&image, &json);
    }
}

#[test]
fn output_is_deterministic() {
    let image = common::photo_like(203, 150);
    for json in [
        r#"{"format":"jpeg","quality":75}"#,
        r#"{"format":"jpeg","quality":92,"progressive":true}"#,
    ] {
        let a = encode(&image, &opts(json)).expect("encodes");
        let b = encode(&image, &opts(json)).expect("encodes");
        assert_eq!(a, b, "{json}");
    }
}

#[test]
fn progressive_writes_sof2_and_baseline_sof0() {
    let image = common::photo_like(256, 192);
    let base = encode(&image, &opts(r#"{"format":"jpeg","quality":75}"#)).expect("encodes");
    let prog = encode(
        &image,
        &opts(r#"{"format":"jpeg","quality":75,"progressive":true}"#),
    )
    .expect("encodes");
    assert!(
        base.windows(2).any(|w| w == [0xff, 0xc0]),
        "baseline writes SOF0"
    );
    assert!(
        prog.windows(2).any(|w| w == [0xff, 0xc2]),
        "progressive writes SOF2"
    );
    assert!(!prog.windows(2).any(|w| w == [0xff, 0xc0]));
}
