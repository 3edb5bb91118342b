//! Hostile and huge input, natively: declared sizes past the limits are refused from the header with the
//! size they would need, a 50-megapixel photo compresses under the default limits, every truncation of a
//! valid file of each format gives a typed error, and GPS in EXIF does not survive by default.

mod common;

use pixsqueeze::{compress, decode_full, encode, Error, Format, Limits, Options, Rgba8};

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    let len = u32::try_from(data.len()).expect("small chunk");
    [
        &len.to_be_bytes()[..],
        kind,
        data,
        &crc.finalize().to_be_bytes(),
    ]
    .concat()
}

/// A PNG with a valid header declaring `width` x `height` RGBA8 and no pixel data at all.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let ihdr = [
        &width.to_be_bytes()[..],
        &height.to_be_bytes(),
        &[8, 6, 0, 0, 0],
    ]
    .concat();
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &png_chunk(b"IHDR", &ihdr),
        &png_chunk(b"IEND", &[]),
    ]
    .concat()
}

/// A baseline JPEG frame header declaring `width` x `height` (3 components), then end of image.
fn jpeg_header_only(width: u16, height: u16) -> Vec<u8> {
    let mut f = vec![0xff, 0xd8, 0xff, 0xc0, 0, 17, 8];
    f.extend(height.to_be_bytes());
    f.extend(width.to_be_bytes());
    f.extend([3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0, 0xff, 0xd9]);
    f
}

/// A GIF with a logical screen of `width` x `height` and nothing in it.
fn gif_header_only(width: u16, height: u16) -> Vec<u8> {
    let mut f = b"GIF89a".to_vec();
    f.extend(width.to_le_bytes());
    f.extend(height.to_le_bytes());
    f.extend([0, 0, 0, b';']);
    f
}

/// A 24-bit BMP header declaring `width` x `height`, with no pixel rows.
fn bmp_header_only(width: i32, height: i32) -> Vec<u8> {
    let mut f = b"BM".to_vec();
    f.extend(54u32.to_le_bytes());
    f.extend([0; 4]);
    f.extend(54u32.to_le_bytes());
    f.extend(40u32.to_le_bytes());
    f.extend(width.to_le_bytes());
    f.extend(height.to_le_bytes());
    f.extend([1, 0, 24, 0]);
    f.extend([0; 24]);
    f
}

/// A lossless WebP header declaring `width` x `height` (at most 16384 a side), with no image data.
fn webp_header_only(width: u32, height: u32) -> Vec<u8> {
    let bits = (width - 1) | (height - 1) << 14;
    let mut vp8l = vec![0x2f];
    vp8l.extend(bits.to_le_bytes());
    let mut f = b"RIFF".to_vec();
    f.extend(u32::try_from(4 + 8 + vp8l.len() + 1).unwrap().to_le_bytes());
    f.extend(b"WEBPVP8L");
    f.extend(u32::try_from(vp8l.len()).unwrap().to_le_bytes());
    f.extend(vp8l);
    f.push(0);
    f
}

fn options(json: &str) -> Options {
    serde_json::from_str(json).expect("valid options JSON")
}

#[test]
fn a_200_megapixel_declared_image_is_refused_with_the_size_it_needs() {
    for (kind, file) in [
        ("PNG", png_header_only(20_000, 10_000)),
        ("JPEG", jpeg_header_only(20_000, 10_000)),
        ("GIF", gif_header_only(20_000, 10_000)),
        ("BMP", bmp_header_only(20_000, 10_000)),
        ("WebP", webp_header_only(16_000, 12_500)),
    ] {
        assert!(file.len() < 100, "{kind}: a header, not an image");
        let refusals = [
            decode_full(&file, &Limits::default()).map(|_| ()),
            compress(&file, &options(r#"{"format":"jpeg"}"#)).map(|_| ()),
        ];
        for refusal in refusals {
            // The core build refuses the formats it leaves to the full build before their headers.
            if matches!(refusal, Err(Error::NeedsFullModule { .. })) && cfg!(not(feature = "full"))
            {
                continue;
            }
            let Err(Error::LimitExceeded(message)) = refusal else {
                panic!("{kind}: expected LimitExceeded, got {refusal:?}");
            };
            for needed in ["200.0 megapixels", "800 MB"] {
                assert!(
                    message.contains(needed),
                    "{kind}: {message:?} lacks {needed:?}"
                );
            }
        }
    }
}

#[test]
fn a_50_megapixel_photo_compresses_under_the_default_limits() {
    let (w, h) = (8_660, 5_774);
    let photo = encode(
        &common::photo_like(w, h),
        &options(r#"{"format":"jpeg","quality":90}"#),
    )
    .expect("the fixture encodes");
    let r = compress(&photo, &options(r#"{"format":"jpeg"}"#)).expect("50 MP compresses");
    assert_eq!((r.width, r.height), (w, h));
    assert!(
        r.compressed_bytes < photo.len(),
        "quality 75 is smaller than 90"
    );
    assert!(r.psnr > 30.0, "psnr {}", r.psnr);
}

/// Every prefix of a valid file of each format our decoders read: a typed error (or, for the few
/// formats that tolerate a missing tail, an image), never a panic.
#[test]
fn every_truncation_of_every_format_is_a_typed_error() {
    let image = common::alpha_ramp(23, 17);
    let mut files: Vec<(&str, Vec<u8>)> = Format::ALL
        .iter()
        .filter(|&&f| common::writes(f))
        .map(|&f| {
            (
                f.meta().id,
                encode(&image, &Options::new(f)).expect("encodes"),
            )
        })
        .collect();
    let progressive = options(r#"{"format":"jpeg","progressive":true}"#);
    files.push((
        "jpeg-progressive",
        encode(&image, &progressive).expect("encodes"),
    ));
    for (id, file) in files {
        for cut in 0..file.len() {
            match decode_full(&file[..cut], &Limits::default()) {
                Ok(_) => {}
                Err(Error::Decode(m) | Error::Unsupported(m)) => {
                    assert!(m.len() > 10, "{id} cut at {cut}: terse message {m:?}")
                }
                Err(e) => panic!("{id} cut at {cut}: unexpected {e}"),
            }
        }
    }
}

/// A TIFF block (little-endian) with an orientation tag and a GPS IFD whose map datum is `canary`.
fn exif_with_gps(canary: &[u8]) -> Vec<u8> {
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    // IFD0 at 8: orientation = 1, GPS IFD pointer = 38; no next IFD.
    t.extend([2, 0]);
    t.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    t.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    t.extend([0, 0, 0, 0]);
    // GPS IFD at 38: version 2.3, latitude ref N, map datum = canary at 80.
    t.extend([3, 0]);
    t.extend([0x00, 0x00, 1, 0, 4, 0, 0, 0, 2, 3, 0, 0]);
    t.extend([0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    let count = u32::try_from(canary.len() + 1).expect("short");
    t.extend([0x12, 0x00, 2, 0]);
    t.extend(count.to_le_bytes());
    t.extend(80u32.to_le_bytes());
    t.extend([0, 0, 0, 0]);
    assert_eq!(t.len(), 80);
    t.extend(canary);
    t.push(0);
    t
}

/// `jpeg` with an APP1 EXIF segment inserted right after SOI.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let payload = [&b"Exif\0\0"[..], tiff].concat();
    let len = u16::try_from(payload.len() + 2).expect("short");
    [
        &jpeg[..2],
        &[0xff, 0xe1],
        &len.to_be_bytes(),
        &payload,
        &jpeg[2..],
    ]
    .concat()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn gps_does_not_survive_by_default_and_is_kept_only_when_asked() {
    const CANARY: &[u8] = b"PIXSQUEEZE-GPS-CANARY";
    let plain = encode(&common::photo_like(64, 48), &Options::new(Format::Jpeg)).expect("encodes");
    let tagged = with_exif(&plain, &exif_with_gps(CANARY));
    let decoded = decode_full(&tagged, &Limits::default()).expect("decodes");
    assert!(
        decoded.exif.as_deref().is_some_and(|e| contains(e, CANARY)),
        "the fixture carries GPS the decoder sees"
    );
    for format in Format::ALL.into_iter().filter(|&f| common::writes(f)) {
        let id = format.meta().id;
        let out = compress(&tagged, &options(&format!(r#"{{"format":"{id}"}}"#))).expect("ok");
        assert!(
            !contains(&out.data, CANARY),
            "{id}: GPS survived by default"
        );
        assert!(
            !contains(&out.data, b"Exif"),
            "{id}: EXIF survived by default"
        );
    }
    let kept = compress(
        &tagged,
        &options(r#"{"format":"jpeg","keepMetadata":true}"#),
    )
    .expect("ok");
    assert!(
        contains(&kept.data, CANARY),
        "keepMetadata keeps GPS in JPEG"
    );
}

#[test]
fn a_background_with_a_sign_is_not_a_colour() {
    let o = options(r##"{"format":"jpeg","background":"#+1+2+3"}"##);
    assert!(matches!(o.resolve(), Err(Error::InvalidInput(_))));
}

#[test]
fn a_pixel_buffer_of_the_wrong_size_is_invalid_input() {
    for (w, h, len) in [(0, 1, 0), (2, 2, 15), (u32::MAX, u32::MAX, 4)] {
        match Rgba8::new(w, h, vec![0; len]) {
            Err(Error::InvalidInput(_) | Error::LimitExceeded(_)) => {}
            other => panic!("{w} x {h} with {len} bytes: {other:?}"),
        }
    }
}

// Issue 17: hostile classes made in code (`fuzz/src/hostile.rs`, shared with the fuzz seeds).
#[path = "../fuzz/src/hostile.rs"]
#[allow(dead_code)]
mod hostile;

fn limited(json: &str) -> Options {
    options(json)
}

#[test]
fn the_zero_stream_generator_inflates_to_exactly_what_it_says() {
    for len in [0, 1, 2, 257, 258, 259, 1000, 1 << 20] {
        let z = hostile::zlib_zeros(len);
        let back = miniz_oxide::inflate::decompress_to_vec_zlib(&z).expect("valid zlib");
        assert_eq!(back.len() as u64, len);
        assert!(back.iter().all(|&b| b == 0));
    }
    // About 1032 to 1: a 1.6 GB profile fits in a 1.6 MB file.
    assert!(hostile::zlib_zeros(1_600_000_000).len() < 1_600_000);
}

#[test]
fn a_png_profile_that_inflates_to_1_6_gb_is_dropped_with_a_note() {
    let file = hostile::png_black(4, 4, false, &[hostile::iccp_bomb(1_600_000_000)]);
    assert!(file.len() < 1_600_000, "{} bytes", file.len());
    let decoded = decode_full(&file, &Limits::default()).expect("the pixels decode");
    assert_eq!(decoded.icc, None);
    assert!(
        decoded
            .notes
            .iter()
            .any(|n| n.contains("ICC profile was dropped")),
        "{:?}",
        decoded.notes
    );
    let r = compress(&file, &options(r#"{"format":"png"}"#)).expect("compresses");
    assert!(
        r.notes.iter().any(|n| n.contains("ICC profile")),
        "{:?}",
        r.notes
    );
    // Text chunks (XMP included) are never inflated, whatever they hold.
    let texts = hostile::png_black(4, 4, false, &hostile::text_bombs(1_000_000_000));
    assert!(decode_full(&texts, &Limits::default()).is_ok());
}

#[test]
fn a_profile_within_its_limit_is_kept_and_one_over_it_is_dropped() {
    let mut limits = Limits::default();
    limits.max_icc_bytes = 1000;
    for (len, kept) in [(1000, true), (1001, false)] {
        let file = hostile::png_black(2, 2, false, &[hostile::iccp_bomb(len)]);
        let decoded = decode_full(&file, &limits).expect("decodes");
        assert_eq!(decoded.icc.is_some(), kept, "{len}");
        assert_eq!(decoded.notes.is_empty(), kept, "{len}: {:?}", decoded.notes);
    }
    // EXIF (stored, not compressed) over its limit: dropped too.
    let file = hostile::png_black(2, 2, false, &[hostile::exif_chunk(2 << 20)]);
    let decoded = decode_full(&file, &Limits::default()).expect("decodes");
    assert_eq!(decoded.exif, None);
    assert!(decoded
        .notes
        .iter()
        .any(|n| n.contains("EXIF block was dropped")));
}

#[test]
fn a_webp_profile_that_claims_more_than_the_file_holds_allocates_nothing() {
    if !common::writes(Format::Webp) {
        return;
    }
    // The container is walked before anything is allocated: a chunk that claims more than the
    // file holds (a profile that would need 2 GB) makes the file truncated, refused as such.
    for declared in [100, 2_000_000_000, u32::MAX - 1] {
        let file = hostile::webp_iccp_overclaim(declared);
        match decode_full(&file, &Limits::default()) {
            Err(Error::Decode(m)) => assert!(m.contains("ICCP"), "{declared}: {m}"),
            other => panic!("{declared}: expected DecodeError, got {other:?}"),
        }
    }
}

#[test]
fn a_gif_frame_larger_than_its_screen_goes_through_the_limits() {
    if !common::writes(Format::Webp) {
        return;
    }
    let file = hostile::gif_big_frame(24_000, 24_000);
    let Err(Error::LimitExceeded(m)) = decode_full(&file, &Limits::default()) else {
        panic!("expected LimitExceeded");
    };
    assert!(
        m.contains("first frame") && m.contains("576.0 megapixels"),
        "{m}"
    );
    // Within the limits, the frame's size is what the memory estimate counts.
    let mut limits = Limits::default();
    limits.max_pixels = 1 << 40;
    limits.max_memory_bytes = 1 << 30;
    let Err(Error::LimitExceeded(m)) = decode_full(&file, &limits) else {
        panic!("expected LimitExceeded from the memory estimate");
    };
    // (Half the allowance is the most one buffer may take: the frame's 2304 MB is over that.)
    assert!(m.contains("first frame") && m.contains("one buffer"), "{m}");
}

#[test]
fn raised_limits_that_the_instance_cannot_hold_are_refused_before_allocating() {
    // As on wasm32: 4 GiB. The files are real (1.7 GB and 0.97 GB of pixels, zeros compressed
    // 1032 to 1), so only the estimate stands between them and the allocation. (Lossless PNG and
    // baseline JPEG of a PNG this large go in bands, within the bound: palette PNG and progressive
    // JPEG need the whole image.)
    let wasm = r#""maxPixels":1e12,"maxMemoryBytes":4294967296"#;
    let mut jobs = vec![(18_000, r#""jpeg","progressive":true"#)];
    if common::writes(Format::PngPalette) {
        jobs.push((24_000, r#""png-palette""#));
    }
    for (side, format) in jobs {
        let file = hostile::png_black(side, side, false, &[]);
        let o = limited(&format!(r#"{{"format":{format},"limits":{{{wasm}}}}}"#));
        let Err(Error::LimitExceeded(m)) = compress(&file, &o) else {
            panic!("{side}² to {format}: expected LimitExceeded");
        };
        assert!(
            m.contains(&format!("{side} x {side}")) && m.contains("4294 MB"),
            "{m}"
        );
    }
    // The same estimate, with a small allowance, refuses a 12-megapixel job and names the figures;
    // shrinking it on the way (maxWidth) costs less, and a large enough allowance lets it run.
    let photo = hostile::png_black(4000, 3000, false, &[]);
    let small = limited(r#"{"format":"jpeg","limits":{"maxMemoryBytes":100000000}}"#);
    let Err(Error::LimitExceeded(m)) = compress(&photo, &small) else {
        panic!("expected LimitExceeded");
    };
    assert!(m.contains("4000 x 3000") && m.contains("100 MB"), "{m}");
    let fits = limited(r#"{"format":"jpeg","limits":{"maxMemoryBytes":1000000000}}"#);
    assert!(compress(&photo, &fits).is_ok());
}

/// What a wasm32 instance holds, with `maxPixels` raised so that only memory stands in the way.
const WASM_RAISED: &str = r#""maxPixels":1e12,"maxMemoryBytes":4294967296"#;

#[test]
fn a_frame_one_buffer_cannot_hold_is_refused_under_raised_limits_on_every_gif_path() {
    if !common::writes(Format::Webp) {
        return;
    }
    // A 24000-square frame is 2304 MB of RGBA: the whole job fits in 4 GiB, but no one buffer on
    // wasm32 may pass 2 GiB (a bigger Vec panics with "capacity overflow" and traps the instance):
    // refused before any pixel is read, as a still image (its first frame) and as an animation.
    let still = hostile::gif_big_frame(24_000, 24_000);
    let animated = hostile::gif_animation(16, 16, &[(16, 16), (24_000, 24_000)]);
    for (file, format) in [(&still, "png"), (&still, "jpeg"), (&animated, "webp")] {
        let o = limited(&format!(
            r#"{{"format":"{format}","limits":{{{WASM_RAISED}}}}}"#
        ));
        match compress(file, &o) {
            Err(Error::LimitExceeded(m)) => assert!(
                m.contains("24000 x 24000") && m.contains("one buffer of 2304 MB"),
                "{format}: {m}"
            ),
            other => panic!("{format}: expected LimitExceeded, got {other:?}"),
        }
    }
    let mut limits = Limits::default();
    limits.max_pixels = 1 << 40;
    let Err(Error::LimitExceeded(m)) = decode_full(&still, &limits) else {
        panic!("expected LimitExceeded");
    };
    assert!(m.contains("one buffer"), "{m}");
    // A caller who raises the memory bound (natively) raises the buffer bound with it.
    limits.max_memory_bytes = 1 << 34;
    assert!(!matches!(
        decode_full(&hostile::gif_big_frame(1000, 1000), &limits),
        Err(Error::LimitExceeded(_))
    ));
}

#[test]
fn an_animation_goes_through_the_whole_job_memory_estimate() {
    if !common::writes(Format::Webp) {
        return;
    }
    let file = hostile::gif_animation(64, 48, &[(1, 1), (1, 1)]);
    compress(&file, &options(r#"{"format":"webp"}"#)).expect("compresses");
    // The fixed costs alone (SSIMULACRA2, tables) are over 50 MB: refused from the header.
    let small = limited(r#"{"format":"webp","limits":{"maxMemoryBytes":50000000}}"#);
    let Err(Error::LimitExceeded(m)) = compress(&file, &small) else {
        panic!("expected LimitExceeded from the memory estimate");
    };
    assert!(
        m.contains("2-frame 64 x 48 animation") && m.contains("MB of memory"),
        "{m}"
    );
}

#[test]
fn a_gif_of_millions_of_tiny_frames_costs_a_bounded_walk() {
    if !common::writes(Format::Webp) {
        return;
    }
    // 17.9 million one-pixel frames in 256 MiB, the largest file accepted.
    let n = ((256 << 20) - 20) / 15;
    let file = hostile::gif_tiny_frames(n);
    let started = std::time::Instant::now();
    let Err(Error::LimitExceeded(m)) = compress(&file, &options(r#"{"format":"webp"}"#)) else {
        panic!("expected LimitExceeded");
    };
    let webp = started.elapsed();
    assert!(m.contains("more than 10000 frames"), "{m}");
    let started = std::time::Instant::now();
    let r = compress(&file, &options(r#"{"format":"png"}"#)).expect("the first frame compresses");
    let png = started.elapsed();
    assert!(
        r.notes.iter().any(|n| n.contains("more than 10000 frames")),
        "{:?}",
        r.notes
    );
    // A figure, not a pass mark (timing in a test is noise on a shared machine).
    eprintln!("{n} tiny frames: to WebP refused in {webp:?}; to PNG (first frame) in {png:?}");
    // At the bound, an animation is taken.
    let file = hostile::gif_tiny_frames(10_000);
    assert!(!matches!(
        compress(&file, &options(r#"{"format":"png"}"#)),
        Err(Error::LimitExceeded(_))
    ));
}

#[test]
fn a_progressive_jpeg_with_thousands_of_scans_is_refused_before_decoding() {
    let progressive = encode(
        &common::photo_like(64, 48),
        &options(r#"{"format":"jpeg","progressive":true}"#),
    )
    .expect("encodes");
    for scans in [2_000, 20_000] {
        let file = hostile::jpeg_many_scans(&progressive, scans);
        let Err(Error::LimitExceeded(m)) = decode_full(&file, &Limits::default()) else {
            panic!("{scans} scans: expected LimitExceeded");
        };
        assert!(m.contains(&format!("{scans} scans")), "{m}");
    }
    // Our own progressive files (10 scans) and a file at the limit pass.
    assert!(decode_full(&progressive, &Limits::default()).is_ok());
    let at_limit = hostile::jpeg_many_scans(&progressive, 100);
    assert!(!matches!(
        decode_full(&at_limit, &Limits::default()),
        Err(Error::LimitExceeded(_))
    ));
}

#[test]
fn keep_metadata_holds_when_auto_picks_a_lossy_format() {
    if !common::writes(Format::Auto) {
        return;
    }
    const CANARY: &[u8] = b"PIXSQUEEZE-GPS-CANARY";
    let plain = encode(
        &common::photo_like(320, 240),
        &options(r#"{"format":"jpeg","quality":95}"#),
    )
    .expect("encodes");
    let tagged = with_exif(&plain, &exif_with_gps(CANARY));
    let r = compress(
        &tagged,
        &options(r#"{"format":"auto","keepMetadata":true}"#),
    )
    .expect("ok");
    // A photo: auto picks a lossy format, JPEG or lossy WebP, and both keep EXIF.
    assert!(
        matches!(r.settings.format, Format::Jpeg | Format::Webp),
        "{:?}",
        r.settings.format
    );
    assert!(contains(&r.data, CANARY), "keepMetadata kept the EXIF");
    // And without keepMetadata, nothing of it.
    let r = compress(&tagged, &options(r#"{"format":"auto"}"#)).expect("ok");
    assert!(!contains(&r.data, CANARY));
    // EXIF asked for in a format that keeps none: the pixels compress, a note says so.
    let r = compress(&tagged, &options(r#"{"format":"png","keepMetadata":true}"#)).expect("ok");
    assert!(!contains(&r.data, CANARY));
    assert!(r.notes.iter().any(|n| n.contains("EXIF")), "{:?}", r.notes);
}

#[test]
fn exif_too_large_for_a_jpeg_is_dropped_with_a_note() {
    // A PNG may carry EXIF of any size; a JPEG's APP1 segment holds 64 KiB.
    let file = hostile::png_black(64, 48, false, &[hostile::exif_chunk(100_000)]);
    let r = compress(&file, &options(r#"{"format":"jpeg","keepMetadata":true}"#))
        .expect("the pixels compress");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("EXIF block was dropped") && n.contains("65527")),
        "{:?}",
        r.notes
    );
    assert!(!contains(&r.data, b"Exif\0\0"));
}
