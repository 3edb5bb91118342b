//! TIFF input (full build): every layout the issue lists, written in code, decoded and compared
//! with the pixels that went in; the layouts refused by name; 16-bit gray to 16-bit PNG bit-exact.
#![cfg(feature = "full")]

mod common;

use common::tiff::{basic, encode, gray16_scan, raw, Packing, Page, Pixels, Value, PACKINGS};
use pixsqueeze::{compress, decode_full, Error, Format, Image, Limits, Options};

fn pixels8(image: &Image) -> Vec<u8> {
    match image {
        Image::Rgba8(i) => i.data().to_vec(),
        other => panic!("expected 8-bit pixels, got {other:?}"),
    }
}

/// Samples of `n` channels a pixel to RGBA (gray repeated, opaque alpha added).
fn rgba<T: Copy>(samples: &[T], channels: usize, max: T) -> Vec<T> {
    samples
        .chunks_exact(channels)
        .flat_map(|p| match channels {
            1 => [p[0], p[0], p[0], max],
            2 => [p[0], p[0], p[0], p[1]],
            3 => [p[0], p[1], p[2], max],
            _ => [p[0], p[1], p[2], p[3]],
        })
        .collect()
}

fn noise8(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            // Runs and noise, so PackBits and LZW both have something to do.
            if i % 7 < 3 {
                (i / 7 % 256) as u8
            } else {
                state as u8
            }
        })
        .collect()
}

fn noise16(len: usize, seed: u32) -> Vec<u16> {
    noise8(len * 2, seed)
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect()
}

#[test]
fn every_strip_layout_and_compression_decodes_exactly() {
    let (w, h) = (37, 23);
    let n = (w * h) as usize;
    for packing in PACKINGS {
        for big in [false, true] {
            let cases: Vec<(&str, Pixels, Image)> = vec![
                {
                    let g = noise8(n, 1);
                    let want = Image::Rgba8(
                        pixsqueeze::Rgba8::new(w, h, rgba(&g, 1, 255)).expect("fixture"),
                    );
                    ("gray8", Pixels::Gray8(g), want)
                },
                {
                    let g = gray16_scan(w, h);
                    let want = Image::Rgba16(
                        pixsqueeze::Rgba16::new(w, h, rgba(&g, 1, u16::MAX)).expect("fixture"),
                    );
                    ("gray16", Pixels::Gray16(g), want)
                },
                {
                    let c = noise8(n * 3, 2);
                    let want = Image::Rgba8(
                        pixsqueeze::Rgba8::new(w, h, rgba(&c, 3, 255)).expect("fixture"),
                    );
                    ("rgb8", Pixels::Rgb8(c), want)
                },
                {
                    let c = noise16(n * 3, 3);
                    let want = Image::Rgba16(
                        pixsqueeze::Rgba16::new(w, h, rgba(&c, 3, u16::MAX)).expect("fixture"),
                    );
                    ("rgb16", Pixels::Rgb16(c), want)
                },
                {
                    let c = noise8(n * 4, 4);
                    let want =
                        Image::Rgba8(pixsqueeze::Rgba8::new(w, h, c.clone()).expect("fixture"));
                    ("rgba8", Pixels::Rgba8(c), want)
                },
                {
                    let c = noise16(n * 4, 5);
                    let want =
                        Image::Rgba16(pixsqueeze::Rgba16::new(w, h, c.clone()).expect("fixture"));
                    ("rgba16", Pixels::Rgba16(c), want)
                },
            ];
            for (name, pixels, want) in cases {
                let mut page = Page::new(w, h, pixels);
                // Several strips, the last one short.
                page.rows_per_strip = Some(5);
                let file = encode(&[page], packing, big);
                let what = format!("{name} {packing:?} big={big}");
                let got = decode_full(&file, &Limits::default())
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                assert!(got.image == want, "{what}: pixels differ");
                assert!(got.notes.is_empty(), "{what}: {:?}", got.notes);
            }
        }
    }
}

#[test]
fn a_16_bit_gray_scan_goes_to_a_16_bit_png_bit_exact() {
    let (w, h) = (300, 200);
    let scan = gray16_scan(w, h);
    let file = encode(
        &[Page::new(w, h, Pixels::Gray16(scan.clone()))],
        Packing::DeflatePredictor,
        false,
    );
    let r = compress(&file, &Options::new(Format::Png)).expect("compresses");
    // Decoded by the png crate directly: a 16-bit gray PNG with the very samples of the scan.
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&r.data));
    decoder.set_transformations(png::Transformations::IDENTITY);
    let mut reader = decoder.read_info().expect("PNG header");
    assert_eq!(reader.info().color_type, png::ColorType::Grayscale);
    assert_eq!(reader.info().bit_depth, png::BitDepth::Sixteen);
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    reader.next_frame(&mut buf).expect("PNG frame");
    let samples: Vec<u16> = buf
        .chunks_exact(2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .collect();
    assert!(samples == scan, "the 16-bit samples changed");
    assert_eq!(r.mse16, Some(0.0));
    assert_eq!(r.psnr16, Some(f64::INFINITY));
    assert_eq!(r.mse, 0.0);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    println!(
        "16-bit gray scan {w} x {h}: TIFF (Deflate + predictor) {} bytes -> 16-bit PNG {} bytes, \
         ratio {:.3}, PSNR16 {}",
        r.original_bytes,
        r.compressed_bytes,
        r.ratio,
        r.psnr16.unwrap_or(0.0)
    );

    // To JPEG the low 8 bits go: the 16-bit PSNR says what that cost, and a note says why.
    let j = compress(&file, &Options::new(Format::Jpeg).with_quality(95)).expect("JPEG");
    let psnr16 = j.psnr16.expect("16-bit figures for a 16-bit input");
    assert!(psnr16 > 30.0 && psnr16.is_finite(), "{psnr16}");
    println!(
        "the same scan to JPEG q95: {} bytes, PSNR16 {psnr16:.2} dB, PSNR {:.2} dB",
        j.compressed_bytes, j.psnr
    );
    assert!(
        j.notes.iter().any(|n| n.contains("16 bits")),
        "{:?}",
        j.notes
    );
    // An 8-bit input has no 16-bit figures.
    let eight = encode(
        &[Page::new(w, h, Pixels::Gray8(noise8((w * h) as usize, 9)))],
        Packing::Lzw,
        false,
    );
    let e = compress(&eight, &Options::new(Format::Png)).expect("8-bit");
    assert_eq!((e.mse16, e.psnr16), (None, None));
}

#[test]
fn tiles_decode_exactly_including_partial_edge_tiles() {
    // 40 x 24 in 16 x 16 tiles: 3 across (the last 8 wide), 2 down (the last 8 high).
    let (w, h, t) = (40u32, 24u32, 16u32);
    let rgb = noise8((w * h * 3) as usize, 11);
    let mut tiles = Vec::new();
    for ty in 0..h.div_ceil(t) {
        for tx in 0..w.div_ceil(t) {
            // A full tile is stored even at the edges, padded.
            let mut tile = vec![0u8; (t * t * 3) as usize];
            for y in 0..t {
                for x in 0..t {
                    let (sx, sy) = (tx * t + x, ty * t + y);
                    if sx < w && sy < h {
                        let s = ((sy * w + sx) * 3) as usize;
                        let d = ((y * t + x) * 3) as usize;
                        tile[d..d + 3].copy_from_slice(&rgb[s..s + 3]);
                    }
                }
            }
            tiles.push(tile);
        }
    }
    let mut tags = basic(w, h, &[8, 8, 8], 2);
    tags.push((322, Value::Short(vec![t as u16])));
    tags.push((323, Value::Short(vec![t as u16])));
    let file = raw(tags, &tiles, true);
    let got = decode_full(&file, &Limits::default()).expect("tiled TIFF");
    assert_eq!(pixels8(&got.image), rgba(&rgb, 3, 255));
}

#[test]
fn planar_rgb_is_interleaved() {
    let (w, h) = (19u32, 7u32);
    let rgb = noise8((w * h * 3) as usize, 12);
    // One strip per plane: all reds, then greens, then blues.
    let planes: Vec<Vec<u8>> = (0..3)
        .map(|c| rgb.iter().skip(c).step_by(3).copied().collect())
        .collect();
    let mut tags = basic(w, h, &[8, 8, 8], 2);
    tags.push((278, Value::Long(vec![h])));
    tags.push((284, Value::Short(vec![2])));
    let file = raw(tags, &planes, false);
    let got = decode_full(&file, &Limits::default()).expect("planar TIFF");
    assert_eq!(pixels8(&got.image), rgba(&rgb, 3, 255));
}

#[test]
fn gray_alpha_low_depths_white_is_zero_and_cmyk() {
    let (w, h) = (10u32, 3u32);
    let n = (w * h) as usize;
    // Gray + unassociated alpha.
    let ga = noise8(n * 2, 13);
    let mut tags = basic(w, h, &[8, 8], 1);
    tags.push((338, Value::Short(vec![2])));
    let got = decode_full(
        &raw(tags, std::slice::from_ref(&ga), false),
        &Limits::default(),
    )
    .expect("gray+alpha");
    assert_eq!(pixels8(&got.image), rgba(&ga, 2, 255));

    // 1-bit bilevel: 10 pixels a row is two bytes, MSB first; 1 is white (BlackIsZero).
    let rows: Vec<u8> = [0b1010_1010u8, 0b1100_0000].repeat(h as usize);
    let got = decode_full(
        &raw(basic(w, h, &[1], 1), &[rows], false),
        &Limits::default(),
    )
    .expect("1-bit");
    let row: Vec<u8> = [255, 0, 255, 0, 255, 0, 255, 0, 255, 255].to_vec();
    let want: Vec<u8> = row.repeat(h as usize);
    assert_eq!(pixels8(&got.image), rgba(&want, 1, 255));

    // 4-bit WhiteIsZero: 0 is white.
    let rows: Vec<u8> = [0x0f, 0x80, 0xf0, 0x00, 0x00].repeat(h as usize);
    let got = decode_full(
        &raw(basic(w, h, &[4], 0), &[rows], false),
        &Limits::default(),
    )
    .expect("4-bit WhiteIsZero");
    let row: Vec<u8> = [255, 0, 119, 255, 0, 255, 255, 255, 255, 255].to_vec();
    assert_eq!(pixels8(&got.image), rgba(&row.repeat(h as usize), 1, 255));

    // 8-bit CMYK (ink amounts) without a profile: the plain device formula.
    let cmyk: Vec<u8> = [0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 0, 128, 255, 0].to_vec();
    let tags = basic(4, 1, &[8, 8, 8, 8], 5);
    let got = decode_full(&raw(tags, &[cmyk], false), &Limits::default()).expect("CMYK");
    assert_eq!(
        pixels8(&got.image),
        vec![255, 255, 255, 255, 0, 255, 255, 255, 0, 0, 0, 255, 255, 127, 0, 255]
    );
}

#[test]
fn associated_alpha_is_unpremultiplied() {
    // Premultiplied (50, 100, 25) at alpha 128 is (100, 199, 50) straight.
    let px = vec![50u8, 100, 25, 128, 0, 0, 0, 0];
    let mut tags = basic(2, 1, &[8, 8, 8, 8], 2);
    tags.push((338, Value::Short(vec![1])));
    let got = decode_full(&raw(tags, &[px], false), &Limits::default()).expect("RGBA");
    assert_eq!(pixels8(&got.image), vec![100, 199, 50, 128, 0, 0, 0, 0]);
}

#[test]
fn refusals_name_what_is_not_read() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "palette",
            {
                let mut tags = basic(2, 1, &[8], 3);
                tags.push((320, Value::Short(vec![0; 768])));
                raw(tags, &[vec![0, 1]], false)
            },
            "palette",
        ),
        (
            "float",
            {
                let mut tags = basic(1, 1, &[32], 1);
                tags.push((339, Value::Short(vec![3])));
                raw(tags, &[vec![0; 4]], false)
            },
            "floating-point",
        ),
        (
            "signed",
            {
                let mut tags = basic(1, 1, &[16], 1);
                tags.push((339, Value::Short(vec![2])));
                raw(tags, &[vec![0; 2]], false)
            },
            "signed",
        ),
        (
            "ycbcr",
            raw(basic(2, 2, &[8, 8, 8], 6), &[vec![0; 12]], false),
            "YCbCr",
        ),
        (
            "12-bit",
            raw(basic(2, 1, &[12], 1), &[vec![0; 3]], false),
            "12 bits",
        ),
        (
            "jpeg-compressed",
            {
                let mut tags = basic(2, 1, &[8], 1);
                tags.retain(|(t, _)| *t != 259);
                tags.push((259, Value::Short(vec![7])));
                raw(tags, &[vec![0; 2]], false)
            },
            "",
        ),
    ];
    for (what, file, says) in cases {
        let e = decode_full(&file, &Limits::default()).expect_err(what);
        assert!(
            matches!(e, Error::Unsupported(_)),
            "{what}: expected Unsupported, got {e}"
        );
        assert!(e.message().contains(says), "{what}: {e}");
        assert!(e.message().contains("TIFF"), "{what}: {e}");
    }
}

#[test]
fn multi_page_reads_the_first_with_a_note() {
    let pages: Vec<Page> = (0..3)
        .map(|i| Page::new(8, 8, Pixels::Gray8(vec![i * 100; 64])))
        .collect();
    for big in [false, true] {
        let file = encode(&pages, Packing::Lzw, big);
        let got = decode_full(&file, &Limits::default()).expect("multi-page");
        assert_eq!(pixels8(&got.image)[..4], [0, 0, 0, 255]);
        assert_eq!(got.notes.len(), 1, "{:?}", got.notes);
        assert!(got.notes[0].contains("3 images"), "{:?}", got.notes);
        let r = compress(&file, &Options::new(Format::Png)).expect("compresses");
        // The decoder's note first; then the result's own (8 x 8 is too small to score).
        assert_eq!(r.notes[0], got.notes[0]);
    }
}

#[test]
fn orientation_icc_and_geotiff_tags() {
    // 3 x 2, orientation 6 (rotate 90° clockwise to view): the result is 2 x 3.
    let gray: Vec<u8> = vec![1, 2, 3, 4, 5, 6];
    let mut page = Page::new(3, 2, Pixels::Gray8(gray));
    page.shorts.push((274, 6));
    let icc = srgb_like_profile();
    page.bytes.push((34675, icc.clone()));
    page.doubles.push((33550, vec![30.0, 30.0, 0.0]));
    page.doubles
        .push((33922, vec![0.0, 0.0, 0.0, 440_720.0, 3_751_320.0, 0.0]));
    let file = encode(&[page], Packing::None, false);
    let got = decode_full(&file, &Limits::default()).expect("tagged TIFF");
    assert_eq!((got.image.width(), got.image.height()), (2, 3));
    let firsts: Vec<u8> = pixels8(&got.image).chunks(4).map(|p| p[0]).collect();
    assert_eq!(firsts, vec![4, 1, 5, 2, 6, 3]);
    assert_eq!(got.icc.as_deref(), Some(icc.as_slice()));
    assert_eq!(got.notes.len(), 1, "{:?}", got.notes);
    assert!(got.notes[0].contains("GeoTIFF"), "{:?}", got.notes);
    assert!(got.notes[0].contains("ModelTiepoint"), "{:?}", got.notes);
    // The result says so too.
    let r = compress(&file, &Options::new(Format::Png)).expect("compresses");
    assert!(
        r.notes.iter().any(|n| n.contains("GeoTIFF")),
        "{:?}",
        r.notes
    );
}

/// An ICC profile header that declares RGB (enough for pixsqueeze to keep it as is).
fn srgb_like_profile() -> Vec<u8> {
    let mut p = vec![0u8; 132];
    p[0..4].copy_from_slice(&132u32.to_be_bytes());
    p[12..16].copy_from_slice(b"mntr");
    p[16..20].copy_from_slice(b"RGB ");
    p[20..24].copy_from_slice(b"XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    p
}

#[test]
fn limits_are_checked_from_the_header() {
    // A header declaring 20000 x 15000 with a tiny strip: refused before any pixel buffer exists.
    let mut tags = basic(20_000, 15_000, &[8], 1);
    tags.push((278, Value::Long(vec![15_000])));
    let file = raw(tags, &[vec![0; 16]], false);
    let e = decode_full(&file, &Limits::default()).expect_err("too large");
    assert!(matches!(e, Error::LimitExceeded(_)), "{e}");
    assert!(e.message().contains("20000 x 15000"), "{e}");
    // With maxPixels raised, the whole job (about 6 GB to PNG) is over what a wasm instance holds.
    let options = Options::new(Format::Png).with_limit("maxPixels", 400e6);
    let e = compress(&file, &options).expect_err("over the memory bound");
    assert!(e.message().contains("MB of memory"), "{e}");
    // With the memory bound raised too it is read, and found damaged (the strip is far too short).
    let options = options.with_limit("maxMemoryBytes", 64e9);
    let e = compress(&file, &options).expect_err("truncated");
    assert!(matches!(e, Error::Decode(_)), "{e}");
}

#[test]
fn every_truncation_is_a_typed_error() {
    let mut files = vec![encode(
        &[Page::new(9, 7, Pixels::Rgb16(noise16(9 * 7 * 3, 21)))],
        Packing::Lzw,
        false,
    )];
    files.push(encode(
        &[Page::new(9, 7, Pixels::Gray8(noise8(63, 22)))],
        Packing::DeflatePredictor,
        true,
    ));
    for file in files {
        for cut in 0..file.len() {
            match decode_full(&file[..cut], &Limits::default()) {
                Ok(_) => {}
                Err(Error::Decode(_) | Error::Unsupported(_) | Error::LimitExceeded(_)) => {}
                Err(other) => panic!("cut at {cut}: {other}"),
            }
        }
    }
}

#[test]
fn a_tiff_goes_through_the_whole_job_memory_estimate() {
    // A TIFF job is estimated from its header like any other: under an allowance smaller than the
    // estimate's fixed costs, refused before any pixel is decoded, as a PNG of the same size is.
    let (w, h) = (64, 48);
    let file = raw(basic(w, h, &[8], 1), &[noise8((w * h) as usize, 5)], false);
    assert!(compress(&file, &Options::new(Format::Png)).is_ok());
    let small = Options::new(Format::Png).with_limit("maxMemoryBytes", 50_000_000u64);
    match compress(&file, &small) {
        Err(Error::LimitExceeded(m)) => {
            assert!(m.contains("64 x 48") && m.contains("MB of memory"), "{m}")
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    let mut limits = Limits::default();
    limits.max_memory_bytes = 50_000_000;
    assert!(matches!(
        decode_full(&file, &limits),
        Err(Error::LimitExceeded(_))
    ));
}

/// A TIFF through the band path (forced into bands of 16 rows, which fall across its strips or
/// tiles) and the whole-image path: the same pixels to lossless PNG (the input's own), the same
/// pixels and PSNR to baseline JPEG (16-bit input measured on the 16-bit scale as well).
fn bands_match_the_whole_image(file: &[u8], deep: bool, what: &str) {
    let pixels = |data: &[u8]| {
        decode_full(data, &Limits::default())
            .expect("decodes")
            .image
    };
    for json in [
        r#"{"format":"png","effort":"fast","colorProfile":"keep"}"#,
        r#"{"format":"jpeg","optimizeHuffman":false,"colorProfile":"keep"}"#,
    ] {
        let options: Options = serde_json::from_str(json).expect("options");
        let banded = pixsqueeze::compress_in_bands(file, &options, 16)
            .unwrap_or_else(|e| panic!("{what} {json}: {e}"))
            .unwrap_or_else(|| panic!("{what} {json}: not taken in bands"));
        let whole = compress(file, &options).expect("compresses whole");
        assert!(
            pixels(&banded.data) == pixels(&whole.data),
            "{what} {json}: bands decode to other pixels"
        );
        assert!(
            banded
                .notes
                .iter()
                .any(|n| n.contains("in bands of 16 rows")),
            "{what}: {:?}",
            banded.notes
        );
        assert_eq!(banded.mse16.is_some(), deep, "{what} {json}");
        if json.contains("png") {
            assert!(pixels(&banded.data) == pixels(file), "{what}: not lossless");
            assert_eq!(banded.mse, 0.0, "{what}");
            assert_eq!(banded.mse16, deep.then_some(0.0), "{what}");
        } else {
            assert!(
                (banded.psnr - whole.psnr).abs() < 0.5,
                "{what}: PSNR {} in bands, {} whole",
                banded.psnr,
                whole.psnr
            );
            if deep {
                let (b, w) = (
                    banded.psnr16.expect("psnr16"),
                    whole.psnr16.expect("psnr16"),
                );
                assert!(
                    (b - w).abs() < 0.5,
                    "{what}: PSNR16 {b} in bands, {w} whole"
                );
            }
        }
    }
}

#[test]
fn strip_tiffs_go_in_bands_with_the_whole_image_pixels() {
    let (w, h) = (150u32, 70u32);
    let n = (w * h) as usize;
    let layouts = [
        ("gray8", Pixels::Gray8(noise8(n, 21)), false),
        ("gray16", Pixels::Gray16(gray16_scan(w, h)), true),
        ("rgb8", Pixels::Rgb8(noise8(n * 3, 22)), false),
        ("rgb16", Pixels::Rgb16(noise16(n * 3, 23)), true),
        ("rgba8", Pixels::Rgba8(noise8(n * 4, 24)), false),
        ("rgba16", Pixels::Rgba16(noise16(n * 4, 25)), true),
    ];
    for (name, pixels, deep) in layouts {
        // Every compression for one layout of each depth, one for the others: the reader is shared.
        let packings: &[Packing] = if matches!(name, "rgb8" | "gray16") {
            &PACKINGS
        } else {
            &[Packing::Lzw]
        };
        for &packing in packings {
            let mut page = Page::new(w, h, pixels.clone());
            page.rows_per_strip = Some(7);
            let file = encode(&[page], packing, name == "rgba16");
            bands_match_the_whole_image(&file, deep, &format!("{name} {packing:?}"));
        }
    }
}

#[test]
fn tiled_tiffs_go_in_bands_with_the_whole_image_pixels() {
    // 70 x 50 in 32 x 32 tiles: partial tiles at the right and bottom edges; bands of 16 rows
    // take half a row of tiles each.
    let (w, h, t) = (70u32, 50u32, 32u32);
    for (name, bits, deep) in [("rgb8", vec![8u16; 3], false), ("gray16", vec![16], true)] {
        let bytes_per_pixel = bits.len() * usize::from(bits[0] / 8);
        let source = noise8(w as usize * h as usize * bytes_per_pixel, 31);
        let mut tiles = Vec::new();
        for ty in 0..h.div_ceil(t) {
            for tx in 0..w.div_ceil(t) {
                let mut tile = vec![0u8; (t * t) as usize * bytes_per_pixel];
                for y in 0..t {
                    for x in 0..t {
                        let (sx, sy) = (tx * t + x, ty * t + y);
                        if sx < w && sy < h {
                            let s = (sy * w + sx) as usize * bytes_per_pixel;
                            let d = (y * t + x) as usize * bytes_per_pixel;
                            tile[d..d + bytes_per_pixel]
                                .copy_from_slice(&source[s..s + bytes_per_pixel]);
                        }
                    }
                }
                tiles.push(tile);
            }
        }
        let photometric = if bits.len() == 3 { 2 } else { 1 };
        let mut tags = basic(w, h, &bits, photometric);
        tags.push((322, Value::Short(vec![t as u16])));
        tags.push((323, Value::Short(vec![t as u16])));
        let file = raw(tags, &tiles, true);
        bands_match_the_whole_image(&file, deep, &format!("tiled {name}"));
    }
}

#[test]
fn a_tiff_too_large_to_hold_whole_goes_in_bands_by_itself() {
    // 3000 x 2000 RGB in strips of 16 rows: the whole-image job to JPEG is estimated at about
    // 190 MB, the job in bands at about 140 MB. A multi-page file: the note on its pages is kept.
    let (w, h) = (3_000u32, 2_000u32);
    let rgb: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [(x / 12) as u8, (y / 8) as u8, ((x ^ y) & 63) as u8]
        })
        .collect();
    let mut page = Page::new(w, h, Pixels::Rgb8(rgb));
    page.rows_per_strip = Some(16);
    let file = encode(
        &[page, Page::new(8, 8, Pixels::Gray8(vec![0; 64]))],
        Packing::Lzw,
        false,
    );
    let options = Options::new(Format::Jpeg).with_limit("maxMemoryBytes", 170_000_000u64);
    let r = compress(&file, &options).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.notes.iter().any(|n| n.contains("in bands of 256 rows")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.contains("2 images")),
        "{:?}",
        r.notes
    );
    assert!(r.ssimulacra2.is_none() && r.psnr > 20.0, "PSNR {}", r.psnr);
    // Under the default allowance it goes the whole-image way and is scored.
    let whole = compress(&file, &Options::new(Format::Jpeg)).expect("compresses whole");
    assert!(whole.ssimulacra2.is_some());
}

/// The corpus has no TIFF, so real photographs are put in one: an 8-bit RGB photo, a 16-bit RGB
/// photo, an 8-bit gray photo and an RGBA icon, each as the `png` crate reads them, written as LZW
/// strips of 7 rows. Each decodes to the PNG's very pixels and goes through the band path as through
/// the whole-image path. Fails under CI=true without the corpus.
#[test]
fn real_photos_in_a_tiff_decode_exactly_and_go_in_bands() {
    let wanted = [
        ("photos", "kodim01.png"),
        ("special", "16bit-rgb-monkey-libjpeg-turbo.png"),
        ("special", "gray-cameraman-skimage.png"),
        ("special", "alpha-tango-icon-address-book-new-128.png"),
    ];
    let mut found = 0;
    for (dir, name) in wanted {
        let Some(path) = common::corpus_files(dir)
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n == name))
        else {
            continue; // corpus_files printed SKIP (or failed under CI=true)
        };
        found += 1;
        let png_file = std::fs::read(&path).expect("reads");
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png_file));
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().expect("PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("PNG frame");
        buf.truncate(info.buffer_size());
        let wide = || -> Vec<u16> {
            buf.chunks_exact(2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .collect()
        };
        let deep = info.bit_depth == png::BitDepth::Sixteen;
        let pixels = match (info.color_type, deep) {
            (png::ColorType::Grayscale, false) => Pixels::Gray8(buf.clone()),
            (png::ColorType::Grayscale, true) => Pixels::Gray16(wide()),
            (png::ColorType::Rgb, false) => Pixels::Rgb8(buf.clone()),
            (png::ColorType::Rgb, true) => Pixels::Rgb16(wide()),
            (png::ColorType::Rgba, false) => Pixels::Rgba8(buf.clone()),
            (png::ColorType::Rgba, true) => Pixels::Rgba16(wide()),
            other => panic!("{name}: a layout this test does not write: {other:?}"),
        };
        let mut page = Page::new(info.width, info.height, pixels);
        page.rows_per_strip = Some(7);
        let file = encode(&[page], Packing::Lzw, false);
        let from_tiff = decode_full(&file, &Limits::default())
            .expect("decodes")
            .image;
        assert!(
            from_tiff == common::png_reference(&png_file),
            "{name}: the TIFF decodes to other pixels than the PNG it was made from"
        );
        bands_match_the_whole_image(&file, deep, name);
    }
    if found > 0 {
        assert_eq!(found, wanted.len(), "not every corpus file was found");
    }
}
