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

/// The components a JPEG's frame header declares.
fn components(jpeg: &[u8]) -> u8 {
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xff, 0xc0] || w == [0xff, 0xc2])
        .expect("a frame header");
    jpeg[sof + 9]
}

#[test]
fn gray_input_is_written_as_one_component() {
    let gray = common::text_like(120, 77);
    for json in [
        r#"{"format":"jpeg"}"#,
        r#"{"format":"jpeg","progressive":true}"#,
        r#"{"format":"jpeg","quality":95,"optimizeHuffman":false}"#,
    ] {
        let jpeg = encode(&gray, &opts(json)).expect("encodes");
        assert_eq!(components(&jpeg), 1, "{json}");
        let mut d = jpeg_decoder::Decoder::new(&jpeg[..]);
        d.decode().expect("jpeg-decoder reads it");
        assert_eq!(
            d.info().map(|i| i.pixel_format),
            Some(jpeg_decoder::PixelFormat::L8)
        );
        // djpeg (where present) and jpeg-decoder both decode it close to the original.
        round_trip(&gray, json);
    }
    // Colour stays three components; so does gray over a coloured background.
    let photo = common::photo_like(64, 48);
    let jpeg = encode(&photo, &opts(r#"{"format":"jpeg"}"#)).expect("encodes");
    assert_eq!(components(&jpeg), 3);
    let ramp: Image = Rgba8::new(
        16,
        16,
        (0..256).flat_map(|i| [90, 90, 90, i as u8]).collect(),
    )
    .expect("fixture")
    .into();
    let over_white = encode(&ramp, &opts(r#"{"format":"jpeg"}"#)).expect("encodes");
    assert_eq!(components(&over_white), 1, "gray over white is gray");
    let over_red = encode(
        &ramp,
        &opts(r##"{"format":"jpeg","background":"#ff0000"}"##),
    )
    .expect("encodes");
    assert_eq!(components(&over_red), 3, "gray over red is not");
}

/// The corpus's gray photo as one component instead of three: the bytes saved, printed.
#[test]
fn gray_corpus_image_is_smaller_as_one_component() {
    let Some(dir) = common::corpus_dir("special") else {
        return;
    };
    let bytes = std::fs::read(dir.join("gray-cameraman-skimage.png")).expect("readable");
    let gray: Image = decode(&bytes, &Limits::default()).expect("decodes").into();
    // The same pixels with one sample nudged off gray: three components, as before.
    let mut nudged = gray.rgba8().into_owned().into_data();
    nudged[0] ^= 1;
    let (w, h) = (gray.width(), gray.height());
    let colour: Image = Rgba8::new(w, h, nudged).expect("same size").into();
    for q in [50, 75, 90] {
        let json = format!(r#"{{"format":"jpeg","quality":{q}}}"#);
        let one = encode(&gray, &opts(&json)).expect("encodes");
        let three = encode(&colour, &opts(&json)).expect("encodes");
        assert_eq!((components(&one), components(&three)), (1, 3));
        assert!(
            one.len() < three.len(),
            "q{q}: {} vs {}",
            one.len(),
            three.len()
        );
        println!(
            "gray-cameraman q{q}: {} bytes as one component, {} as three ({:.1} % saved)",
            one.len(),
            three.len(),
            100.0 * (1.0 - one.len() as f64 / three.len() as f64)
        );
    }
}

#[test]
fn optimize_huffman_false_writes_the_standard_tables_in_one_pass() {
    let photo = common::photo_like(97, 61);
    let optimal = encode(&photo, &opts(r#"{"format":"jpeg","optimizeHuffman":true}"#)).unwrap();
    let standard = encode(
        &photo,
        &opts(r#"{"format":"jpeg","optimizeHuffman":false}"#),
    )
    .unwrap();
    // The DHT segment holds exactly annex K's four tables: 12 + 162 + 12 + 162 symbols.
    let dht = standard
        .windows(2)
        .position(|w| w == [0xff, 0xc4])
        .expect("a DHT");
    let len = usize::from(u16::from_be_bytes([standard[dht + 2], standard[dht + 3]]));
    assert_eq!(len, 2 + 4 * 17 + 12 + 162 + 12 + 162);
    assert_eq!(&standard[dht + 4..dht + 8], [0x00, 0, 1, 5], "luma DC, K.3");
    assert!(standard.len() > optimal.len(), "optimal tables are smaller");
    round_trip(&photo, r#"{"format":"jpeg","optimizeHuffman":false}"#);
    round_trip(
        &photo,
        r#"{"format":"jpeg","optimizeHuffman":false,"subsampling":"4:4:4"}"#,
    );
    // Progressive scans always get optimal tables: the option changes nothing there.
    let p = |o: bool| {
        let json = format!(r#"{{"format":"jpeg","progressive":true,"optimizeHuffman":{o}}}"#);
        encode(&photo, &opts(&json)).unwrap()
    };
    assert_eq!(p(true), p(false));
}
