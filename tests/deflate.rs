//! Lossless PNG through our own DEFLATE at every effort: each file is decoded by the `png` crate
//! (its own inflater) and, separately, its IDAT stream inflated by miniz_oxide, on fixtures made
//! in code (small, sampled, and larger than the compressor's 1 MiB chunks) and on PngSuite.

mod common;

use common::{alpha_ramp, corpus_files, deep_ramp, photo_like, png_reference, text_like};
use pixsqueeze::{decode_full, encode, Format, Image, Limits, Options, Rgba8};

const EFFORTS: [&str; 3] = ["fast", "default", "max"];

fn png(image: &Image, effort: &str) -> Vec<u8> {
    let opts = Options::new(Format::Png).with("effort", effort);
    encode(image, &opts).unwrap_or_else(|e| panic!("{effort:?}: {e}"))
}

/// The concatenated IDAT payload of a PNG file.
fn idat(file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 8 <= file.len() {
        let len = u32::from_be_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]]) as usize;
        if &file[at + 4..at + 8] == b"IDAT" {
            out.extend_from_slice(&file[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    out
}

fn assert_round_trips(label: &str, image: &Image) {
    for effort in EFFORTS {
        let file = png(image, effort);
        assert!(
            miniz_oxide::inflate::decompress_to_vec_zlib(&idat(&file)).is_ok(),
            "{label} ({effort:?}): miniz_oxide rejects the IDAT stream"
        );
        let back = png_reference(&file);
        match (image, &back) {
            (Image::Rgba16(a), Image::Rgba16(b)) => {
                assert!(a == b, "{label} ({effort:?}): 16-bit PNG differs")
            }
            _ => assert!(
                *image.rgba8() == *back.rgba8(),
                "{label} ({effort:?}): PNG differs"
            ),
        }
    }
}

/// Noise that no filter predicts: the compressor falls back to stored blocks.
fn noise(width: u32, height: u32) -> Image {
    let mut state = 0x1234_5678_u32;
    let data = (0..width * height * 4)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            if i % 4 == 3 {
                255
            } else {
                state as u8
            }
        })
        .collect();
    Rgba8::new(width, height, data)
        .expect("fixture dimensions are consistent")
        .into()
}

#[test]
fn small_fixtures_round_trip_at_every_effort() {
    for (label, image) in [
        ("photo-like", photo_like(97, 61)),
        ("text-like", text_like(200, 64)),
        ("alpha ramp", alpha_ramp(64, 16)),
        ("16-bit ramp", deep_ramp(40, 30)),
        ("1x1", photo_like(1, 1)),
        ("1x300", photo_like(1, 300)),
        ("noise", noise(50, 50)),
    ] {
        assert_round_trips(label, &image);
    }
}

#[test]
fn large_fixtures_round_trip_at_every_effort() {
    // Over 65,536 pixels strategies are ranked on sampled rows; over 1 MiB of filtered rows the
    // compressor slides its window across chunks.
    for (label, image) in [
        ("photo-like 700x500", photo_like(700, 500)),
        ("text-like 1200x400", text_like(1200, 400)),
        ("noise 600x500", noise(600, 500)),
    ] {
        assert_round_trips(label, &image);
    }
}

#[test]
fn more_effort_never_costs_bytes_on_a_photo_like_image() {
    let image = photo_like(400, 300);
    let sizes = EFFORTS.map(|e| png(&image, e).len());
    assert!(sizes[1] <= sizes[0] && sizes[2] <= sizes[1], "{sizes:?}");
}

#[test]
fn pngsuite_round_trips_at_max_effort() {
    for path in corpus_files("pngsuite") {
        let bytes = std::fs::read(&path).expect("corpus file is readable");
        let label = path.file_name().unwrap_or_default().to_string_lossy();
        let decoded =
            decode_full(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let file = png(&decoded.image, "max");
        let back = png_reference(&file);
        match (&decoded.image, &back) {
            (Image::Rgba16(a), Image::Rgba16(b)) => assert!(a == b, "{label}: differs"),
            (Image::Rgba16(a), Image::Rgba8(b)) => assert!(
                a.data()
                    .iter()
                    .zip(b.data())
                    .all(|(&x, &y)| x == u16::from(y) * 257),
                "{label}: 16-bit input lost precision"
            ),
            (Image::Rgba8(a), b) => assert!(*a == *b.rgba8(), "{label}: differs"),
            _ => panic!("{label}: an image of another kind"),
        }
    }
}
