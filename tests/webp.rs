//! WebP through libwebp: lossy and lossless output read back by independent decoders (libwebp's own
//! `dwebp`, run as a program, and the pure-Rust image-webp), alpha, the ICC profile and EXIF kept or
//! stripped, the size limit, and hostile or truncated WebP input giving typed errors.
#![cfg(feature = "full")]

mod common;

use common::{alpha_ramp, corpus_files, dwebp_reference, photo_like, text_like, webp_reference};
use pixsqueeze::{
    compress, decode_full, encode, measure, Error, Format, Image, Limits, Options, Rgba8,
};

fn options(json: &str) -> Options {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn psnr(a: &Rgba8, b: &Rgba8) -> f64 {
    measure(a, b).expect("same size").psnr
}

/// The payload of the first chunk named `fourcc` in a WebP file (a minimal reader for the tests).
fn chunk<'a>(file: &'a [u8], fourcc: &[u8; 4]) -> Option<&'a [u8]> {
    let mut at = 12;
    while at + 8 <= file.len() {
        let size = u32::from_le_bytes(file[at + 4..at + 8].try_into().unwrap()) as usize;
        if &file[at..at + 4] == fourcc {
            return file.get(at + 8..at + 8 + size);
        }
        at += 8 + size + (size & 1);
    }
    None
}

#[test]
fn lossy_webp_reads_back_in_dwebp_and_image_webp_close_to_the_original() {
    let image = photo_like(257, 131);
    let original = image.rgba8();
    for quality in [10, 50, 75, 95] {
        let file = encode(
            &image,
            &options(&format!(r#"{{"format":"webp","quality":{quality}}}"#)),
        )
        .unwrap();
        assert!(
            chunk(&file, b"VP8 ").is_some(),
            "q{quality}: a lossy (VP8) file"
        );
        let floor = if quality >= 50 { 32.0 } else { 26.0 };
        let ours = decode_full(&file, &Limits::default())
            .unwrap()
            .image
            .into_rgba8();
        assert!(psnr(&original, &ours) > floor, "q{quality}: our decode");
        let rust = webp_reference(&file);
        assert!(psnr(&original, &rust) > floor, "q{quality}: image-webp");
        if let Some(reference) = dwebp_reference(&file) {
            assert!(psnr(&original, &reference) > floor, "q{quality}: dwebp");
            assert!(
                reference == ours,
                "q{quality}: we decode as libwebp's dwebp does"
            );
        }
    }
}

#[test]
fn quality_and_effort_trade_bytes_as_documented() {
    let image = photo_like(320, 200);
    let size = |json: &str| encode(&image, &options(json)).unwrap().len();
    let (q30, q75, q95) = (
        size(r#"{"format":"webp","quality":30}"#),
        size(r#"{"format":"webp","quality":75}"#),
        size(r#"{"format":"webp","quality":95}"#),
    );
    assert!(q30 < q75 && q75 < q95, "{q30} < {q75} < {q95}");
    let lossless = size(r#"{"format":"webp","lossless":true}"#);
    assert!(lossless > q95, "lossless {lossless} vs q95 {q95}");
    for effort in ["fast", "max"] {
        for lossless in [false, true] {
            let json = format!(r#"{{"format":"webp","effort":"{effort}","lossless":{lossless}}}"#);
            assert!(size(&json) > 0, "{json}");
        }
    }
}

#[test]
fn lossless_webp_is_exact_in_dwebp_hidden_colours_included() {
    for (label, image) in [
        ("photo-like", photo_like(123, 77)),
        ("text-like", text_like(200, 64)),
        ("alpha ramp", alpha_ramp(64, 16)),
        ("1x1", photo_like(1, 1)),
    ] {
        for effort in ["fast", "default", "max"] {
            let json = format!(r#"{{"format":"webp","lossless":true,"effort":"{effort}"}}"#);
            let file = encode(&image, &options(&json)).unwrap();
            assert!(
                chunk(&file, b"VP8L").is_some(),
                "{label}: a lossless (VP8L) file"
            );
            if let Some(back) = dwebp_reference(&file) {
                assert!(back == *image.rgba8(), "{label} ({effort}): dwebp differs");
            }
            assert!(
                webp_reference(&file) == *image.rgba8(),
                "{label}: image-webp differs"
            );
        }
    }
}

#[test]
fn lossy_webp_keeps_alpha_exactly() {
    let image = alpha_ramp(96, 40);
    let file = encode(&image, &options(r#"{"format":"webp","quality":60}"#)).unwrap();
    assert!(
        chunk(&file, b"ALPH").is_some(),
        "an alpha plane beside the VP8 data"
    );
    let alpha = |i: &Rgba8| i.data().chunks_exact(4).map(|p| p[3]).collect::<Vec<_>>();
    let back = decode_full(&file, &Limits::default())
        .unwrap()
        .image
        .into_rgba8();
    assert_eq!(
        alpha(&back),
        alpha(&image.rgba8()),
        "alpha is stored losslessly"
    );
    if let Some(reference) = dwebp_reference(&file) {
        assert_eq!(
            alpha(&reference),
            alpha(&image.rgba8()),
            "dwebp sees the same alpha"
        );
    }
    // An opaque image has no alpha plane.
    let opaque = encode(&photo_like(96, 40), &options(r#"{"format":"webp"}"#)).unwrap();
    assert!(chunk(&opaque, b"ALPH").is_none());
}

/// A PNG carrying `icc` in an iCCP chunk.
fn png_with_icc(image: &Image, icc: &[u8]) -> Vec<u8> {
    let rgba = image.rgba8();
    let mut out = Vec::new();
    let mut info = png::Info::with_size(rgba.width(), rgba.height());
    info.color_type = png::ColorType::Rgba;
    info.bit_depth = png::BitDepth::Eight;
    info.icc_profile = Some(icc.to_vec().into());
    let encoder = png::Encoder::with_info(&mut out, info).unwrap();
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(rgba.data()).unwrap();
    writer.finish().unwrap();
    out
}

/// The header of an RGB display profile: enough for pixsqueeze to keep it as it is.
fn fake_rgb_profile() -> Vec<u8> {
    let mut icc = vec![0u8; 132];
    icc[..4].copy_from_slice(&132u32.to_be_bytes());
    icc[12..16].copy_from_slice(b"mntr");
    icc[16..20].copy_from_slice(b"RGB ");
    icc[20..24].copy_from_slice(b"XYZ ");
    icc[36..40].copy_from_slice(b"acsp");
    icc[100..110].copy_from_slice(b"pixsqueeze");
    icc
}

#[test]
fn the_icc_profile_is_kept_in_lossy_and_lossless_webp() {
    let icc = fake_rgb_profile();
    for (label, image) in [
        ("opaque", photo_like(64, 48)),
        ("alpha", alpha_ramp(64, 48)),
    ] {
        let file = png_with_icc(&image, &icc);
        for lossless in [false, true] {
            let json = format!(r#"{{"format":"webp","lossless":{lossless}}}"#);
            let out = compress(&file, &options(&json)).unwrap().data;
            let vp8x = chunk(&out, b"VP8X").expect("the extended format");
            assert_eq!(vp8x[0] & 0x20, 0x20, "{label}: the ICC flag");
            assert_eq!(
                vp8x[0] & 0x10 != 0,
                label == "alpha",
                "{label}: the alpha flag"
            );
            assert_eq!(
                chunk(&out, b"ICCP"),
                Some(&icc[..]),
                "{label} lossless={lossless}"
            );
            assert_eq!(
                decode_full(&out, &Limits::default()).unwrap().icc,
                Some(icc.clone())
            );
            let mut reader = image_webp::WebPDecoder::new(std::io::Cursor::new(&out)).unwrap();
            assert_eq!(
                reader.icc_profile().unwrap(),
                Some(icc.clone()),
                "image-webp reads it"
            );
            if let Some(back) = dwebp_reference(&out) {
                let floor = if lossless { f64::INFINITY } else { 30.0 };
                assert!(
                    psnr(&image.rgba8(), &back) >= floor,
                    "{label}: dwebp reads the file"
                );
            }
        }
    }
    for path in corpus_files("special") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("icc-adobergb") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let icc = decode_full(&bytes, &Limits::default())
            .unwrap()
            .icc
            .unwrap();
        let out = compress(&bytes, &options(r#"{"format":"webp","maxWidth":300}"#)).unwrap();
        assert_eq!(chunk(&out.data, b"ICCP"), Some(&icc[..]), "{name}");
        let srgb = compress(
            &bytes,
            &options(r#"{"format":"webp","maxWidth":300,"colorProfile":"srgb"}"#),
        )
        .unwrap();
        assert!(
            chunk(&srgb.data, b"ICCP").is_none(),
            "{name}: converted, no profile"
        );
    }
}

#[test]
fn exif_is_kept_with_orientation_reset_only_when_asked() {
    for path in corpus_files("special") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("orientation6") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let plain = compress(&bytes, &options(r#"{"format":"webp","maxWidth":300}"#)).unwrap();
        assert!(
            chunk(&plain.data, b"EXIF").is_none(),
            "{name}: stripped by default"
        );
        assert!(
            chunk(&plain.data, b"VP8X").is_none(),
            "{name}: a simple file"
        );
        let kept = compress(
            &bytes,
            &options(r#"{"format":"webp","maxWidth":300,"keepMetadata":true}"#),
        )
        .unwrap();
        let exif = chunk(&kept.data, b"EXIF").expect("keepMetadata keeps EXIF");
        assert!(
            exif.starts_with(b"II*\0") || exif.starts_with(b"MM\0*"),
            "TIFF, no Exif prefix"
        );
        assert_eq!(
            chunk(&kept.data, b"VP8X").unwrap()[0] & 0x08,
            0x08,
            "the EXIF flag"
        );
        // Reading our own output applies its orientation tag: reset to 1, the result stays portrait.
        let again = decode_full(&kept.data, &Limits::default()).unwrap().image;
        assert_eq!((again.width(), again.height()), (kept.width, kept.height));
        assert!(kept.height > kept.width, "{name}: upright");
        if let Some(back) = dwebp_reference(&kept.data) {
            assert_eq!((back.width(), back.height()), (kept.width, kept.height));
        }
    }
}

#[test]
fn webp_side_limit_is_invalid_input_and_auto_goes_around_it() {
    let wide = Rgba8::new(16_384, 1, vec![200; 16_384 * 4]).unwrap();
    for json in [
        r#"{"format":"webp"}"#,
        r#"{"format":"webp","lossless":true}"#,
    ] {
        match encode(&wide.clone().into(), &options(json)) {
            Err(Error::InvalidInput(m)) => assert!(m.contains("16383"), "{m}"),
            other => panic!("{json}: {other:?}"),
        }
    }
    let ok = encode(
        &Rgba8::new(16_383, 1, vec![200; 16_383 * 4]).unwrap().into(),
        &options(r#"{"format":"webp"}"#),
    );
    assert!(ok.is_ok(), "16383 pixels fit");
    let png = encode(&wide.into(), &Options::new(Format::Png)).unwrap();
    let r = compress(&png, &options(r#"{"format":"auto"}"#)).unwrap();
    assert_ne!(r.settings.format, Format::Webp);
    let search = r.search.unwrap();
    assert!(
        search.probes.iter().all(|p| p.format != Format::Webp),
        "{search:?}"
    );
}

#[test]
fn every_truncation_of_our_webp_is_a_typed_error() {
    let files = [
        encode(&photo_like(40, 30), &options(r#"{"format":"webp"}"#)).unwrap(),
        encode(&alpha_ramp(40, 30), &options(r#"{"format":"webp"}"#)).unwrap(),
        encode(
            &alpha_ramp(40, 30),
            &options(r#"{"format":"webp","lossless":true}"#),
        )
        .unwrap(),
        compress(
            &png_with_icc(&photo_like(40, 30), &fake_rgb_profile()),
            &options(r#"{"format":"webp"}"#),
        )
        .unwrap()
        .data,
    ];
    for file in &files {
        for cut in 0..file.len() {
            match decode_full(&file[..cut], &Limits::default()) {
                Err(Error::Decode(m) | Error::Unsupported(m)) => assert!(m.len() > 10, "{m}"),
                Ok(_) => panic!("a WebP cut at {cut} of {} decoded", file.len()),
                Err(e) => panic!("cut at {cut}: unexpected {e}"),
            }
        }
    }
}

/// A RIFF WebP holding `chunks`.
fn riff(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
    for (fourcc, data) in chunks {
        out.extend_from_slice(*fourcc);
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
    }
    let n = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&n.to_le_bytes());
    out
}

fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut v = vec![flags, 0, 0, 0];
    v.extend(&(width - 1).to_le_bytes()[..3]);
    v.extend(&(height - 1).to_le_bytes()[..3]);
    v
}

#[test]
fn hostile_webp_input_gives_typed_errors() {
    let good = encode(&photo_like(40, 30), &options(r#"{"format":"webp"}"#)).unwrap();
    let vp8 = chunk(&good, b"VP8 ").unwrap().to_vec();
    let mut flipped = good.clone();
    for i in (30..flipped.len()).step_by(7) {
        flipped[i] ^= 0x5a;
    }
    let mut lying_riff = good.clone();
    lying_riff[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("RIFF header only", b"RIFF\x04\0\0\0WEBP".to_vec()),
        ("RIFF size past the end", lying_riff),
        (
            "chunk size past the end",
            riff(&[(b"VP8 ", vec![0; 4])])
                .into_iter()
                .chain([0xff; 4])
                .collect(),
        ),
        ("VP8X without an image", riff(&[(b"VP8X", vp8x(0, 40, 30))])),
        (
            "VP8X canvas 16384 x 16384, no data",
            riff(&[(b"VP8X", vp8x(0, 16_384, 16_384))]),
        ),
        (
            "VP8X size disagrees with VP8",
            riff(&[(b"VP8X", vp8x(0, 400, 300)), (b"VP8 ", vp8.clone())]),
        ),
        (
            "ALPH garbage",
            riff(&[
                (b"VP8X", vp8x(0x10, 40, 30)),
                (b"ALPH", vec![0xff; 50]),
                (b"VP8 ", vp8.clone()),
            ]),
        ),
        (
            "VP8L garbage",
            riff(&[(b"VP8L", vec![0x2f, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3])]),
        ),
        ("VP8 garbage", riff(&[(b"VP8 ", vec![0x9d; 40])])),
        ("bit flips", flipped),
        (
            "animation without frames",
            riff(&[(b"VP8X", vp8x(0x02, 40, 30)), (b"ANIM", vec![0; 6])]),
        ),
    ];
    for (label, file) in cases {
        match decode_full(&file, &Limits::default()) {
            Err(Error::Decode(_) | Error::Unsupported(_) | Error::LimitExceeded(_)) => {}
            // Flipped bits in entropy-coded data may still decode to (wrong) pixels: that is fine.
            Ok(_) if label == "bit flips" => {}
            Ok(_) => panic!("{label}: decoded"),
            Err(e) => panic!("{label}: {e}"),
        }
        let r = compress(&file, &options(r#"{"format":"png"}"#));
        assert!(r.is_err() || label == "bit flips", "{label}");
    }
}

#[test]
fn an_animation_reads_as_its_first_frame_on_its_canvas() {
    let frame = photo_like(20, 10);
    let lossless = encode(&frame, &options(r#"{"format":"webp","lossless":true}"#)).unwrap();
    let lossy = encode(
        &alpha_ramp(20, 10),
        &options(r#"{"format":"webp","quality":90}"#),
    )
    .unwrap();
    for (label, still) in [("lossless", &lossless), ("lossy with alpha", &lossy)] {
        let mut anmf = Vec::new();
        for v in [2u32, 1, 19, 9, 100] {
            anmf.extend(&v.to_le_bytes()[..3]); // x/2, y/2, width-1, height-1, duration
        }
        anmf.push(0);
        for name in [b"ALPH", b"VP8 ", b"VP8L"] {
            if let Some(data) = chunk(still, name) {
                anmf.extend(*name);
                anmf.extend((data.len() as u32).to_le_bytes());
                anmf.extend(data);
                if data.len() % 2 == 1 {
                    anmf.push(0);
                }
            }
        }
        let file = riff(&[
            (b"VP8X", vp8x(0x02 | 0x10, 40, 30)),
            (b"ANIM", vec![0; 6]),
            (b"ANMF", anmf),
        ]);
        let image = decode_full(&file, &Limits::default())
            .unwrap_or_else(|e| panic!("{label}: {e}"))
            .image
            .into_rgba8();
        assert_eq!((image.width(), image.height()), (40, 30));
        let expected = decode_full(still, &Limits::default())
            .unwrap()
            .image
            .into_rgba8();
        for y in 0..30u32 {
            for x in 0..40u32 {
                let at = ((y * 40 + x) * 4) as usize;
                let inside = (4..24).contains(&x) && (2..12).contains(&y);
                let want = if inside {
                    let i = (((y - 2) * 20 + (x - 4)) * 4) as usize;
                    &expected.data()[i..i + 4]
                } else {
                    &[0, 0, 0, 0][..]
                };
                assert_eq!(&image.data()[at..at + 4], want, "{label} at {x},{y}");
            }
        }
    }
}
