//! Our AVIF against an independent decoder (libavif's avifdec through libaom), AVIF from another
//! encoder (avifenc) through our decoder, alpha and ICC round trips, and truncated and hostile files.
#![cfg(feature = "avif")]

mod common;

use pixsqueeze::{compress, decode_full, encode, measure, Error, Image, Limits, Options};

fn opts(json: &str) -> Options {
    serde_json::from_str(json).expect("test options parse")
}

fn psnr(a: &Image, b: &Image) -> f64 {
    measure(&a.rgba8(), &b.rgba8()).expect("same size").psnr
}

/// Alpha alone, as PSNR over the alpha channel (255 peak).
fn alpha_psnr(a: &Image, b: &Image) -> f64 {
    let (a, b) = (a.rgba8(), b.rgba8());
    let n = (a.width() * a.height()) as f64;
    let se: f64 = a
        .data()
        .chunks_exact(4)
        .zip(b.data().chunks_exact(4))
        .map(|(p, q)| (f64::from(p[3]) - f64::from(q[3])).powi(2))
        .sum();
    10.0 * (255.0f64.powi(2) / (se / n).max(1e-12)).log10()
}

/// Encodes, then decodes with ours and with avifdec: both must be close to the original, and close to
/// each other (the same file read two ways).
fn round_trip(image: &Image, json: &str, floor: f64) -> Vec<u8> {
    let avif = encode(image, &opts(json)).expect("encodes");
    let ours = decode_full(&avif, &Limits::default())
        .expect("our decoder reads it")
        .image;
    assert_eq!(
        (ours.width(), ours.height()),
        (image.width(), image.height())
    );
    let p = psnr(image, &ours);
    assert!(
        p >= floor,
        "{json} at {}x{}: our decode PSNR {p:.2} < {floor}",
        image.width(),
        image.height()
    );
    if let Some(theirs) = common::avif_reference(&avif) {
        assert_eq!(
            (theirs.width(), theirs.height()),
            (image.width(), image.height())
        );
        let p_theirs = psnr(image, &theirs);
        assert!(
            p_theirs >= floor,
            "{json}: avifdec PSNR {p_theirs:.2} < {floor}"
        );
        let agree = psnr(&ours, &theirs);
        assert!(
            agree >= 40.0,
            "{json}: ours and avifdec differ: {agree:.2} dB"
        );
    }
    avif
}

#[test]
fn photo_decodes_independently_at_every_subsampling_and_depth() {
    let image = common::photo_like(96, 64);
    for json in [
        r#"{"format":"avif","quality":80,"subsampling":"4:2:0","speed":8}"#,
        r#"{"format":"avif","quality":80,"subsampling":"4:4:4","speed":8}"#,
        r#"{"format":"avif","quality":80,"bitDepth":"10","speed":8}"#,
        r#"{"format":"avif","speed":8}"#,
    ] {
        round_trip(&image, json, 34.0);
    }
}

#[test]
fn odd_and_tiny_sizes_decode_independently() {
    for (w, h) in [(1, 1), (2, 3), (17, 9), (33, 65)] {
        let image = common::photo_like(w, h);
        round_trip(&image, r#"{"format":"avif","quality":90,"speed":9}"#, 30.0);
        // Chroma averaged over 2x2 blocks of a fixture whose every pixel has another colour: a low
        // floor, but both decoders must agree.
        round_trip(
            &image,
            r#"{"format":"avif","quality":70,"subsampling":"4:2:0","speed":9}"#,
            15.0,
        );
    }
}

#[test]
fn higher_quality_means_larger_files_and_better_pixels() {
    let image = common::photo_like(128, 96);
    let mut last = (0usize, 0.0f64);
    for q in [20, 50, 80, 95] {
        let avif = encode(
            &image,
            &opts(&format!(r#"{{"format":"avif","quality":{q},"speed":8}}"#)),
        )
        .expect("encodes");
        let back = decode_full(&avif, &Limits::default())
            .expect("decodes")
            .image;
        let p = psnr(&image, &back);
        assert!(
            avif.len() > last.0 && p > last.1,
            "quality {q}: {} bytes, {p:.2} dB",
            avif.len()
        );
        last = (avif.len(), p);
    }
}

#[test]
fn alpha_round_trips() {
    let image = common::alpha_ramp(64, 48);
    let avif = round_trip(&image, r#"{"format":"avif","quality":90,"speed":8}"#, 30.0);
    let ours = decode_full(&avif, &Limits::default())
        .expect("decodes")
        .image;
    let a = alpha_psnr(&image, &ours);
    assert!(a >= 40.0, "alpha PSNR {a:.2}");
    if let Some(theirs) = common::avif_reference(&avif) {
        let a = alpha_psnr(&image, &theirs);
        assert!(a >= 40.0, "avifdec alpha PSNR {a:.2}");
    }
    // An opaque image carries no alpha item.
    let opaque = encode(
        &common::photo_like(32, 32),
        &opts(r#"{"format":"avif","speed":9}"#),
    )
    .expect("encodes");
    assert!(!opaque.windows(5).any(|w| w == b"Alpha"));
}

#[test]
fn sixteen_bit_sources_keep_ten_bits() {
    let image = common::deep_ramp(64, 64);
    let avif =
        encode(&image, &opts(r#"{"format":"avif","quality":95,"speed":8}"#)).expect("encodes");
    let back = decode_full(&avif, &Limits::default())
        .expect("decodes")
        .image;
    assert!(
        matches!(back, Image::Rgba16(_)),
        "a 10-bit AVIF decodes to 16 bits"
    );
    if let Some(theirs) = common::avif_reference(&avif) {
        assert!(
            matches!(theirs, Image::Rgba16(_)),
            "avifdec sees more than 8 bits"
        );
        assert!(psnr(&back, &theirs) >= 40.0);
    }
}

#[test]
fn icc_profile_is_kept() {
    let Some(dir) = common::corpus_dir("special") else {
        return;
    };
    let Some(path) = std::fs::read_dir(&dir)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().to_lowercase().contains("p3"))
    else {
        panic!("the corpus has a Display P3 photo");
    };
    let bytes = std::fs::read(&path).expect("reads");
    let original = decode_full(&bytes, &Limits::default()).expect("decodes");
    let icc = original
        .icc
        .clone()
        .expect("the P3 photo carries a profile");
    let result = compress(
        &bytes,
        &opts(r#"{"format":"avif","speed":9,"maxWidth":256}"#),
    )
    .expect("compresses");
    let back = decode_full(&result.data, &Limits::default()).expect("decodes");
    assert_eq!(
        back.icc.as_deref(),
        Some(icc.as_slice()),
        "our reader sees the same profile"
    );
    if let Some(png) = common::avif_reference_png(&result.data) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().expect("avifdec PNG");
        assert!(
            reader.info().icc_profile.is_some(),
            "avifdec found the profile"
        );
    }
}

#[test]
fn avif_from_another_encoder_reads_like_avifdec_reads_it() {
    let image = common::photo_like(80, 60);
    let png = encode(&image, &opts(r#"{"format":"png"}"#)).expect("png");
    for extra in [
        &["--yuv", "420", "--min", "20", "--max", "20"][..],
        &["--yuv", "444", "--min", "5", "--max", "5"],
        &[
            "--yuv", "422", "--min", "10", "--max", "10", "--range", "limited",
        ],
        &[
            "--yuv", "420", "--depth", "10", "--min", "10", "--max", "10",
        ],
        &["--yuv", "400", "--min", "10", "--max", "10"],
    ] {
        let Some(avif) = common::avif_from_elsewhere(&png, extra) else {
            return;
        };
        let ours = decode_full(&avif, &Limits::default())
            .expect("our decoder reads avifenc's AVIF")
            .image;
        let theirs = common::avif_reference(&avif).expect("avifdec is there when avifenc is");
        let agree = psnr(&ours, &theirs);
        assert!(
            agree >= 40.0,
            "{extra:?}: ours and avifdec differ by {agree:.2} dB"
        );
        if !extra.contains(&"400") {
            assert!(psnr(&image, &ours) >= 28.0, "{extra:?}");
        }
    }
}

/// What a reader shows for `transforms` (avifdec writes the stored pixels and leaves them to apps):
/// `irot` a quarter turn anticlockwise, `imir` 0 left–right, 1 top–bottom, in that order.
fn shown(image: &Image, irot: bool, imir: Option<u8>) -> pixsqueeze::Rgba8 {
    let mut img = image.rgba8().into_owned();
    let px = |i: &pixsqueeze::Rgba8, x: u32, y: u32| {
        let at = ((y * i.width() + x) * 4) as usize;
        [
            i.data()[at],
            i.data()[at + 1],
            i.data()[at + 2],
            i.data()[at + 3],
        ]
    };
    if irot {
        let (w, h) = (img.width(), img.height());
        let data = (0..w)
            .flat_map(|y| (0..h).map(move |x| (x, y)))
            .flat_map(|(x, y)| px(&img, w - 1 - y, x))
            .collect();
        img = pixsqueeze::Rgba8::new(h, w, data).expect("rotated");
    }
    if let Some(axis) = imir {
        let (w, h) = (img.width(), img.height());
        let data = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .flat_map(|(x, y)| {
                if axis == 0 {
                    px(&img, w - 1 - x, y)
                } else {
                    px(&img, x, h - 1 - y)
                }
            })
            .collect();
        img = pixsqueeze::Rgba8::new(w, h, data).expect("mirrored");
    }
    img
}

#[test]
fn rotation_and_mirroring_are_applied() {
    let image = common::photo_like(40, 24);
    let png = encode(&image, &opts(r#"{"format":"png"}"#)).expect("png");
    for (extra, irot, imir) in [
        (&["--irot", "1"][..], true, None),
        (&["--imir", "0"], false, Some(0)),
        (&["--irot", "1", "--imir", "1"], true, Some(1)),
    ] {
        let args = [&["--min", "5", "--max", "5"][..], extra].concat();
        let Some(avif) = common::avif_from_elsewhere(&png, &args) else {
            return;
        };
        let ours = decode_full(&avif, &Limits::default())
            .expect("decodes")
            .image
            .rgba8()
            .into_owned();
        let theirs = common::avif_reference(&avif).expect("avifdec");
        let expected = shown(&theirs, irot, imir);
        assert_eq!(
            (ours.width(), ours.height()),
            (expected.width(), expected.height()),
            "{extra:?}"
        );
        let p = measure(&ours, &expected).expect("same size").psnr;
        assert!(
            p >= 40.0,
            "{extra:?}: {p:.2} dB from what avifdec's pixels show"
        );
    }
}

#[test]
fn every_truncation_is_a_typed_error() {
    for image in [common::photo_like(24, 16), common::alpha_ramp(16, 16)] {
        let avif = encode(&image, &opts(r#"{"format":"avif","speed":10}"#)).expect("encodes");
        for len in 0..avif.len() {
            match decode_full(&avif[..len], &Limits::default()) {
                Err(Error::Decode(_) | Error::Unsupported(_)) => {}
                // A cut inside the last bytes of the AV1 data can still leave a decodable frame.
                Ok(_) if len + 16 > avif.len() => {}
                other => panic!("truncated to {len} of {}: {other:?}", avif.len()),
            }
        }
    }
}

/// A minimal AVIF header around nothing: `ispe` says `w` x `h`, `extra` goes into `ipco`, and the
/// primary item lies at `offset`/`length`.
fn hostile(w: u32, h: u32, item_type: &[u8; 4], extra: &[u8], essential_extra: bool) -> Vec<u8> {
    fn bx(kind: &[u8], body: &[u8]) -> Vec<u8> {
        [&(body.len() as u32 + 8).to_be_bytes()[..], kind, body].concat()
    }
    fn full(kind: &[u8], body: &[u8]) -> Vec<u8> {
        bx(kind, &[&[0, 0, 0, 0][..], body].concat())
    }
    let ispe = full(b"ispe", &[w.to_be_bytes(), h.to_be_bytes()].concat());
    let mut ipco = ispe;
    ipco.extend_from_slice(extra);
    let assoc: Vec<u8> = if extra.is_empty() {
        vec![0, 0, 0, 1, 0, 1, 1, 1]
    } else {
        vec![
            0,
            0,
            0,
            1,
            0,
            1,
            2,
            1,
            2 | if essential_extra { 0x80 } else { 0 },
        ]
    };
    let meta = full(
        b"meta",
        &[
            full(b"hdlr", &[&[0; 4][..], b"pict", &[0; 13]].concat()),
            full(b"pitm", &[0, 1]),
            full(
                b"iloc",
                &[0x44, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 64],
            ),
            full(
                b"iinf",
                &[
                    &[0, 1][..],
                    &full_v2(b"infe", &[&[0, 1, 0, 0][..], item_type, b"\0"].concat()),
                ]
                .concat(),
            ),
            bx(
                b"iprp",
                &[bx(b"ipco", &ipco), full(b"ipma", &assoc)].concat(),
            ),
        ]
        .concat(),
    );
    fn full_v2(kind: &[u8], body: &[u8]) -> Vec<u8> {
        bx(kind, &[&[2, 0, 0, 0][..], body].concat())
    }
    [
        bx(b"ftyp", b"avif\0\0\0\0avifmif1"),
        meta,
        bx(b"mdat", &[0; 64]),
    ]
    .concat()
}

#[test]
fn hostile_headers_are_refused_before_decoding() {
    let huge = hostile(20_000, 10_000, b"av01", &[], false);
    assert!(
        matches!(decode_full(&huge, &Limits::default()), Err(Error::LimitExceeded(m)) if m.contains("200.0 megapixels")),
        "a 200 MP header is over the limits"
    );
    let grid = hostile(64, 64, b"grid", &[], false);
    assert!(matches!(
        decode_full(&grid, &Limits::default()),
        Err(Error::Unsupported(_))
    ));
    let clap = [&(16u32).to_be_bytes()[..], b"clap", &[0; 8]].concat();
    let cropped = hostile(64, 64, b"av01", &clap, true);
    assert!(matches!(
        decode_full(&cropped, &Limits::default()),
        Err(Error::Unsupported(_))
    ));
    // The 64 zero bytes are not AV1.
    let garbage = hostile(64, 64, b"av01", &[], false);
    assert!(matches!(
        decode_full(&garbage, &Limits::default()),
        Err(Error::Decode(_) | Error::Unsupported(_))
    ));
    // A box that claims more than the file holds.
    let mut lying = hostile(64, 64, b"av01", &[], false);
    lying[40..44].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(decode_full(&lying, &Limits::default()).is_err());
}

#[test]
fn heic_is_unsupported_not_damaged() {
    let heic = [&[0, 0, 0, 24][..], b"ftypheic\0\0\0\0mif1heic", &[0; 32]].concat();
    assert!(matches!(
        decode_full(&heic, &Limits::default()),
        Err(Error::Unsupported(_))
    ));
}

#[test]
fn smart_modes_turn_avif_quality() {
    // SSIMULACRA2 judges images from 113 pixels a side (SSIMULACRA2_MIN_SIDE).
    let image = common::photo_like(128, 120);
    let png = encode(&image, &opts(r#"{"format":"png"}"#)).expect("png");
    let budget = compress(
        &png,
        &opts(r#"{"format":"avif","maxBytes":2000,"speed":9}"#),
    )
    .expect("fits");
    assert!(
        budget.compressed_bytes <= 2000,
        "{} bytes",
        budget.compressed_bytes
    );
    let search = budget.search.expect("a search report");
    assert!(
        search.probes.iter().all(|p| p.quality.is_some()),
        "AVIF probes carry their quality"
    );
    let scored =
        compress(&png, &opts(r#"{"format":"avif","minScore":70,"speed":9}"#)).expect("reaches");
    assert!(scored.ssimulacra2.expect("scored") >= 70.0);
    let psnr =
        compress(&png, &opts(r#"{"format":"avif","minPsnr":38,"speed":9}"#)).expect("reaches");
    assert!(psnr.psnr >= 38.0);
}

#[test]
fn auto_weighs_avif_only_when_listed() {
    let image = common::photo_like(96, 64);
    let png = encode(&image, &opts(r#"{"format":"png"}"#)).expect("png");
    let plain = compress(&png, &opts(r#"{"format":"auto","speed":9}"#)).expect("auto");
    let report = plain.search.expect("report");
    assert!(report
        .probes
        .iter()
        .all(|p| p.format != pixsqueeze::Format::Avif));
    assert!(
        report.reason.contains("avif not tried"),
        "{}",
        report.reason
    );
    let with = compress(
        &png,
        &opts(r#"{"format":"auto","autoFormats":["jpeg","avif"],"speed":9}"#),
    )
    .expect("auto");
    let report = with.search.expect("report");
    assert!(report
        .probes
        .iter()
        .any(|p| p.format == pixsqueeze::Format::Avif));
    assert!(report.reason.contains("avif"), "{}", report.reason);
    assert!(matches!(
        opts(r#"{"format":"auto","autoFormats":[]}"#).resolve(),
        Err(Error::InvalidInput(_))
    ));
    // Transparent pixels: JPEG alone cannot keep them.
    let alpha = encode(&common::alpha_ramp(16, 16), &opts(r#"{"format":"png"}"#)).expect("png");
    assert!(matches!(
        compress(&alpha, &opts(r#"{"format":"auto","autoFormats":["jpeg"]}"#)),
        Err(Error::InvalidInput(_))
    ));
}
