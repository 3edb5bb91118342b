//! Our JPEG encoder against independent decoders (djpeg, jpeg-decoder): every layout, odd sizes,
//! extreme qualities, alpha, metadata, determinism.

mod common;

use pixsqueeze::{decode, encode, measure, Image, Limits, Options, Rgba8};

fn opts(json: &str) -> Options {
    serde_json::from_str(json).expect("test options parse")
}

/// Decodes with jpeg-decoder (the crate, directly) to RGBA8.
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

/// Encodes, decodes with both independent decoders and checks size and fidelity; returns the PSNR.
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
