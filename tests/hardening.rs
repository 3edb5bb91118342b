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
