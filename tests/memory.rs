//! Peak heap use of `compress` on a 12-megapixel photo, per output format, counted natively with a
//! tracking allocator: the same allocations the wasm build makes, without the allocator's slack (the wasm
//! figures, measured from `WebAssembly.Memory`, are in `tests/node/memory.test.mjs`). The aim is about
//! three times the photo's RGBA size; the budgets below are what each format needs today, so that any
//! growth fails here. JPEG's encoder converts the RGBA strip by strip and keeps only its quantised
//! coefficients (0.75x at 4:2:0), so its peak is measuring the result beside the reference image.

mod common;
#[path = "common/counting.rs"]
mod counting;
#[path = "../fuzz/src/hostile.rs"]
#[allow(dead_code)]
mod hostile;

use counting::{peak_of, SERIAL};
use pixsqueeze::{compress, decode_full, encode, Format, Limits, Options};

const MB: f64 = 1e6;

#[test]
fn compress_peaks_within_budget_for_a_12_megapixel_photo() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (w, h) = (4_032, 3_024);
    let rgba = f64::from(w) * f64::from(h) * 4.0;
    let photo = encode(
        &common::photo_like(w, h),
        &serde_json::from_str::<Options>(r#"{"format":"jpeg","quality":92}"#).unwrap(),
    )
    .expect("the fixture encodes");
    let (_, decode_peak) = peak_of(|| decode_full(&photo, &Limits::default()).expect("decodes"));
    println!(
        "12 MP ({w} x {h}, RGBA {:.1} MB): decode alone peaks at {:.1} MB ({:.2}x)",
        rgba / MB,
        decode_peak as f64 / MB,
        decode_peak as f64 / rgba
    );
    // The palette quantiser's colour histogram grows with the photo's distinct colours: 3.1x before the
    // JPEG quantisation tables changed (the fixture is one of our JPEGs), 3.5x after.
    // Lossless PNG streams its filtered rows through the compressor a megabyte at a time (4.1x when
    // the whole filtered image and miniz_oxide's output sat beside it); its peak is now the final
    // measurement's, and the encoder alone peaks at 1.4x above the image.
    let budget = |f: Format| match f {
        Format::Jpeg => 2.9,
        Format::PngPalette => 3.7,
        Format::Png => 3.1,
        _ => 3.4,
    };
    let mut over = Vec::new();
    // The four encoders; `auto` runs several of them and is not a format of its own.
    let formats = [Format::Jpeg, Format::Png, Format::PngPalette, Format::Webp];
    for format in formats.into_iter().filter(|&f| common::writes(f)) {
        let (result, peak) = peak_of(|| compress(&photo, &Options::new(format)));
        result.expect("compresses");
        let times = peak as f64 / rgba;
        println!(
            "compress to {:<11}: peak {:6.1} MB = {times:.2}x RGBA",
            format.meta().id,
            peak as f64 / MB
        );
        if times > budget(format) {
            over.push(format.meta().id);
        }
    }
    assert!(over.is_empty(), "over budget: {over:?}");
}

/// The memory a job's estimate says it needs (what `limits.maxMemoryBytes` must at least be for the
/// job to start), found by bisection on a header-only twin of the file: the estimate is made from the
/// header before anything is decoded, so the twin is refused or let through exactly as the file would
/// be (its decode then fails at once, for want of data). `extra` is how much longer the real file is.
fn estimate_of(twin: &[u8], json: &str, extra: usize) -> u64 {
    let refused = |max: u64| {
        let mut o: serde_json::Value = serde_json::from_str(json).unwrap();
        o["limits"] = serde_json::json!({ "maxMemoryBytes": max as f64 });
        let o: Options = serde_json::from_value(o).unwrap();
        matches!(compress(twin, &o), Err(pixsqueeze::Error::LimitExceeded(_)))
    };
    let (mut lo, mut hi) = (1u64, 1u64 << 40);
    assert!(!refused(hi), "{json}: refused even with a terabyte");
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if refused(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi + extra as u64
}

fn png_header_only(width: u32, height: u32, depth: u8, color: u8) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([depth, color, 0, 0, 0]);
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(&c[4..]);
        c.extend(crc.finalize().to_be_bytes());
        c
    };
    // An IDAT with a zlib header only: the decoder reads up to it before it reports the header.
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &chunk(b"IHDR", &ihdr),
        &chunk(b"IDAT", &[0x78, 0x01]),
        &chunk(b"IEND", &[]),
    ]
    .concat()
}

fn jpeg_header_only(width: u16, height: u16) -> Vec<u8> {
    let mut f = vec![0xff, 0xd8, 0xff, 0xc0, 0, 17, 8];
    f.extend(height.to_be_bytes());
    f.extend(width.to_be_bytes());
    f.extend([3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0, 0xff, 0xd9]);
    f
}

/// (name, file, its header-only twin, options, budget in times the input's RGBA where the README's
/// table promises one).
type Job<'a> = (&'a str, &'a [u8], &'a [u8], &'a str, Option<f64>);

/// Every job's estimate covers the peak it guards (so a job let through does not run out of memory
/// part-way), and is not so far above it that jobs an instance could hold are refused. Resized jobs
/// and searches included: resizing streams rows, and a search keeps one shrunk copy, not every size.
#[test]
fn the_memory_estimate_covers_each_peak_and_resized_jobs_stay_within_the_table() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (w, h) = (4_032u32, 3_024u32);
    let rgba = f64::from(w) * f64::from(h) * 4.0;
    let photo = encode(
        &common::photo_like(w, h),
        &serde_json::from_str::<Options>(r#"{"format":"jpeg","quality":92}"#).unwrap(),
    )
    .expect("the fixture encodes");
    let twin = jpeg_header_only(w as u16, h as u16);
    let deep = encode(
        &common::deep_ramp(1_600, 1_200),
        &serde_json::from_str::<Options>(r#"{"format":"png","effort":"fast"}"#).unwrap(),
    )
    .expect("the 16-bit fixture encodes");
    let deep_twin = png_header_only(1_600, 1_200, 16, 6);
    let mut jobs: Vec<Job> = vec![
        ("JPEG", &photo, &twin, r#"{"format":"jpeg"}"#, Some(2.9)),
        (
            "JPEG shrunk a little",
            &photo,
            &twin,
            r#"{"format":"jpeg","maxWidth":3600}"#,
            Some(2.9),
        ),
        (
            "PNG shrunk a little",
            &photo,
            &twin,
            r#"{"format":"png","maxWidth":3600}"#,
            Some(3.1),
        ),
        (
            "JPEG to a budget, shrinking",
            &photo,
            &twin,
            r#"{"format":"jpeg","maxBytes":150000,"allowResize":true}"#,
            Some(2.9),
        ),
        ("16-bit PNG", &deep, &deep_twin, r#"{"format":"png"}"#, None),
    ];
    if common::writes(Format::Auto) {
        jobs.push((
            "auto, 16-bit",
            &deep,
            &deep_twin,
            r#"{"format":"auto"}"#,
            None,
        ));
    }
    let mut failures = Vec::new();
    for (name, file, twin, json, budget) in jobs {
        let options: Options = serde_json::from_str(json).unwrap();
        let (result, peak) = peak_of(|| compress(file, &options));
        let r = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let estimate = estimate_of(twin, json, file.len() - twin.len());
        let ratio = estimate as f64 / (peak + file.len()) as f64;
        println!(
            "{name:<28} {}x{}: peak {:7.1} MB, estimate {:7.1} MB ({ratio:.2}x the peak and file)",
            r.width,
            r.height,
            peak as f64 / MB,
            estimate as f64 / MB
        );
        if ratio < 1.0 {
            failures.push(format!("{name}: the estimate is under the peak"));
        }
        if ratio > 4.0 {
            failures.push(format!("{name}: the estimate is {ratio:.1}x the peak"));
        }
        if let Some(b) = budget {
            if peak as f64 / rgba > b {
                failures.push(format!("{name}: {:.2}x RGBA over {b}", peak as f64 / rgba));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// A GIF of `frames` full frames of `width` x `height`, each a different pattern of the 256 colours
/// of a palette, with a 10 ms delay.
#[cfg(feature = "full")]
fn gif_of(width: u16, height: u16, frames: u32) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i / 2 + 64, 255 - i]).collect();
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, width, height, &palette).unwrap();
        for k in 0..frames {
            let pixels: Vec<u8> = (0..u32::from(height))
                .flat_map(|y| {
                    (0..u32::from(width)).map(move |x| ((x / 7 + y / 5 + k * 31) % 256) as u8)
                })
                .collect();
            let frame = gif::Frame {
                width,
                height,
                delay: 1,
                buffer: std::borrow::Cow::Owned(pixels),
                ..gif::Frame::default()
            };
            encoder.write_frame(&frame).unwrap();
        }
    }
    out
}

/// Animations and TIFF pages are estimated from their headers as stills are, and the estimate
/// covers what they use: an animation streams its frames (one canvas at a time), a TIFF page is
/// read a strip at a time into the image.
#[cfg(feature = "full")]
#[test]
fn the_memory_estimate_covers_animations_and_tiff_pages() {
    use common::tiff::{basic, raw, Value};

    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (w, h) = (2_000u16, 1_500u16);
    let frames = 3;
    let gif = gif_of(w, h, frames);
    // The twin: the same screen and frame sizes, each frame one pixel of data (truncated).
    let gif_twin = hostile::gif_animation(w, h, &[(w, h); 3]);
    let (tw, th) = (4_032u32, 3_024u32);
    let rows = 64u32;
    let tags = || {
        let mut t = basic(tw, th, &[8, 8, 8], 2);
        t.push((278, Value::Long(vec![rows])));
        t
    };
    let rgb: Vec<u8> = common::photo_like(tw, th)
        .into_rgba8()
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let strips: Vec<Vec<u8>> = rgb
        .chunks((tw * rows * 3) as usize)
        .map(<[u8]>::to_vec)
        .collect();
    let tiff = raw(tags(), &strips, false);
    let tiff_twin = raw(tags(), &vec![vec![0u8; 2]; strips.len()], false);
    let jobs: [Job; 5] = [
        ("GIF to WebP", &gif, &gif_twin, r#"{"format":"webp"}"#, None),
        ("GIF to APNG", &gif, &gif_twin, r#"{"format":"apng"}"#, None),
        (
            "GIF to WebP, lossless",
            &gif,
            &gif_twin,
            r#"{"format":"webp","lossless":true}"#,
            None,
        ),
        (
            "TIFF to JPEG",
            &tiff,
            &tiff_twin,
            r#"{"format":"jpeg"}"#,
            None,
        ),
        (
            "TIFF to PNG",
            &tiff,
            &tiff_twin,
            r#"{"format":"png"}"#,
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (name, file, twin, json, _) in jobs {
        let options: Options = serde_json::from_str(json).unwrap();
        let (result, peak) = peak_of(|| compress(file, &options));
        let r = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let estimate = estimate_of(twin, json, file.len().saturating_sub(twin.len()));
        let ratio = estimate as f64 / (peak + file.len()) as f64;
        println!(
            "{name:<28} {}x{}: peak {:7.1} MB, estimate {:7.1} MB ({ratio:.2}x the peak and file)",
            r.width,
            r.height,
            peak as f64 / MB,
            estimate as f64 / MB
        );
        if ratio < 1.0 {
            failures.push(format!("{name}: the estimate is under the peak"));
        }
        if ratio > 4.0 {
            failures.push(format!("{name}: the estimate is {ratio:.1}x the peak"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// Hostile metadata costs what its bound allows, not what it claims.
#[test]
fn metadata_bombs_cost_their_bound_not_their_claim() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let iccp = hostile::png_black(4, 4, false, &[hostile::iccp_bomb(1_600_000_000)]);
    let (decoded, peak) = peak_of(|| decode_full(&iccp, &Limits::default()));
    decoded.expect("the pixels decode");
    println!("PNG with a 1.6 GB profile: peak {:.1} MB", peak as f64 / MB);
    assert!(peak < 16_000_000, "{} bytes", peak);
    if common::writes(Format::Webp) {
        let webp = hostile::webp_iccp_overclaim(2_000_000_000);
        let (decoded, peak) = peak_of(|| decode_full(&webp, &Limits::default()));
        // Refused as truncated from the container's walk, before anything the claim asks for.
        assert!(
            matches!(decoded, Err(pixsqueeze::Error::Decode(_))),
            "{decoded:?}"
        );
        println!(
            "WebP whose profile claims 2 GB: refused, peak {:.1} MB",
            peak as f64 / MB
        );
        assert!(peak < 1_000_000, "{} bytes", peak);
    }
}

/// The band path (images too large to hold whole): a 6-megapixel PNG forced into bands of 64 rows
/// decodes to exactly the pixels of the whole-image path, to PNG (lossless) and to JPEG (the same
/// coefficients: the same pixels, and so the same PSNR), and its peak heap is the input file, the
/// output file and a few bands — not a multiple of the image. The 300-megapixel figures are in the
/// README ("Memory"), from `cargo bench --bench huge_bands`.
#[test]
fn bands_give_the_whole_image_pixels_within_the_band_bound() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (w, h) = (3_000u32, 2_000u32);
    let rgba = f64::from(w) * f64::from(h) * 4.0;
    let png = encode(
        &common::photo_like(w, h),
        &serde_json::from_str::<Options>(r#"{"format":"png","effort":"fast"}"#).unwrap(),
    )
    .expect("the fixture encodes");
    let original = decode_full(&png, &Limits::default())
        .expect("decodes")
        .image;
    for (json, band) in [
        (r#"{"format":"png","effort":"fast"}"#, 4.0),
        (r#"{"format":"jpeg","optimizeHuffman":false}"#, 2.0),
        (r#"{"format":"jpeg"}"#, 2.0),
    ] {
        let options: Options = serde_json::from_str(json).unwrap();
        let (banded, peak) = peak_of(|| {
            pixsqueeze::compress_in_bands(&png, &options, 64)
                .expect("compresses in bands")
                .expect("takes the band path")
        });
        let whole = compress(&png, &options).expect("compresses whole");
        let pixels = |data: &[u8]| decode_full(data, &Limits::default()).unwrap().image;
        assert!(
            pixels(&banded.data) == pixels(&whole.data),
            "{json}: bands decode to other pixels"
        );
        if json.contains("png") {
            assert!(pixels(&banded.data) == original && banded.mse == 0.0);
        } else {
            assert!(
                (banded.psnr - whole.psnr).abs() < 0.1,
                "{json}: PSNR {} in bands, {} whole",
                banded.psnr,
                whole.psnr
            );
        }
        assert!(banded.ssimulacra2.is_none() && banded.notes.iter().any(|n| n.contains("bands")));
        if json == r#"{"format":"jpeg"}"# {
            // Optimal tables from a first pass over the bands: within 0.5 % of the whole-image
            // encoder's bytes (its restart markers cost the rest).
            let cost = banded.data.len() as f64 / whole.data.len() as f64 - 1.0;
            assert!(
                cost < 0.005,
                "{json}: {:.3} % more bytes in bands",
                cost * 100.0
            );
        }
        // Input and output files, plus `band` bytes a pixel of 64-row bands, plus the decoders'
        // and DEFLATE's fixed buffers.
        let bound = png.len() as f64
            + 2.0 * banded.data.len() as f64
            + band * 4.0 * 64.0 * f64::from(w)
            + 8e6;
        println!(
            "{json}: {} bytes in bands, {} whole; peak heap {:.1} MB = {:.2}x RGBA (bound {:.1} MB)",
            banded.data.len(),
            whole.data.len(),
            peak as f64 / MB,
            peak as f64 / rgba,
            bound / MB
        );
        assert!((peak as f64) < bound, "{json}: peak {peak} over {bound}");
    }
}

/// A 16-bit PNG written by the `png` crate: `samples` in `color`'s layout.
fn png16(width: u32, height: u32, color: png::ColorType, samples: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Sixteen);
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_be_bytes()).collect();
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&bytes).expect("PNG data");
    writer.finish().expect("PNG end");
    out
}

/// 16 bits in bands: a 16-bit gray scan (noise in the low bits) and a 16-bit RGBA ramp, forced into
/// bands of 64 rows, come out as 16-bit PNGs of the same layout holding the very same samples (read
/// back by the `png` crate), with `mse16` 0, within the band bound; to JPEG, the whole-image path's
/// pixels.
#[test]
fn sixteen_bit_pngs_go_to_png_in_bands_sample_for_sample() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (w, h) = (1_500u32, 1_000u32);
    let mut state = 0x9e37_79b9_u32;
    let gray: Vec<u16> = (0..w * h)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            ((i % w) * 40 + (i / w) * 3 + (state & 0x3f)) as u16
        })
        .collect();
    let scan = png16(w, h, png::ColorType::Grayscale, &gray);
    let options = |json: &str| serde_json::from_str::<Options>(json).unwrap();
    let ramp = encode(&common::deep_ramp(w, h), &options(r#"{"format":"png"}"#))
        .expect("the fixture encodes");
    for (name, input, pixel) in [("gray", &scan, 2.0), ("RGBA", &ramp, 8.0)] {
        let layout = |data: &[u8]| {
            let reader = png::Decoder::new(std::io::Cursor::new(data))
                .read_info()
                .expect("reads");
            (reader.info().color_type, reader.info().bit_depth)
        };
        let opts = options(r#"{"format":"png","effort":"fast"}"#);
        let (banded, peak) = peak_of(|| {
            pixsqueeze::compress_in_bands(input, &opts, 64)
                .expect("compresses in bands")
                .expect("takes the band path")
        });
        assert_eq!(layout(&banded.data), layout(input), "{name}: layout kept");
        assert!(
            common::png_reference(&banded.data) == common::png_reference(input),
            "{name}: other samples"
        );
        assert_eq!((banded.mse, banded.mse16), (0.0, Some(0.0)), "{name}");
        assert_eq!(banded.psnr16, Some(f64::INFINITY), "{name}");
        assert!(banded.ssimulacra2.is_none());
        assert!(
            banded
                .notes
                .iter()
                .any(|n| n.contains("16 bits a sample were kept")),
            "{name}: {:?}",
            banded.notes
        );
        let bound = input.len() as f64
            + 2.0 * banded.data.len() as f64
            + 4.0 * pixel * 64.0 * f64::from(w)
            + 8e6;
        println!(
            "16-bit {name} {w}x{h}: {} bytes in, {} in bands; peak heap {:.1} MB (bound {:.1} MB)",
            input.len(),
            banded.data.len(),
            peak as f64 / MB,
            bound / MB
        );
        assert!((peak as f64) < bound, "{name}: peak {peak} over {bound}");
        // To JPEG the samples are rounded to 8 bits as the whole-image path rounds them: the same
        // pixels, and PSNR on both scales as the whole-image path measures them.
        let jpeg = options(r#"{"format":"jpeg"}"#);
        let banded = pixsqueeze::compress_in_bands(input, &jpeg, 64)
            .expect("compresses in bands")
            .expect("takes the band path");
        let whole = compress(input, &jpeg).expect("compresses whole");
        let pixels = |data: &[u8]| decode_full(data, &Limits::default()).unwrap().image;
        assert!(
            pixels(&banded.data) == pixels(&whole.data),
            "{name}: JPEG in bands decodes to other pixels"
        );
        let (b16, w16) = (
            banded.psnr16.expect("psnr16"),
            whole.psnr16.expect("psnr16"),
        );
        assert!((banded.psnr - whole.psnr).abs() < 0.1 && (b16 - w16).abs() < 0.1);
        println!(
            "16-bit {name} to JPEG in bands: {} bytes (whole {}), PSNR {:.2} / 16-bit {b16:.2} dB \
             (whole {:.2} / {w16:.2})",
            banded.data.len(),
            whole.data.len(),
            banded.psnr,
            whole.psnr
        );
    }
}

/// The corpus's 16-bit PNGs (non-interlaced: a photo, a 1-pixel-wide gradient, PngSuite's gray,
/// RGB, gray + alpha and RGBA) in bands of 16 rows: to PNG sample for sample, to JPEG the pixels of
/// the whole-image path. Fails under CI=true without the corpus.
#[test]
fn the_corpus_16_bit_pngs_go_in_bands() {
    let files: Vec<_> = common::corpus_files("special")
        .into_iter()
        .chain(common::corpus_files("pngsuite"))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("16bit-")
                || name.starts_with("thin-1x400")
                || ["basn0g16", "basn2c16", "basn4a16", "basn6a16"]
                    .iter()
                    .any(|n| name.starts_with(n))
        })
        .collect();
    if files.is_empty() {
        return; // corpus_files printed SKIP (or failed under CI=true)
    }
    assert_eq!(files.len(), 6, "{files:?}");
    let options = |json: &str| serde_json::from_str::<Options>(json).unwrap();
    let pixels = |data: &[u8]| decode_full(data, &Limits::default()).unwrap().image;
    for path in files {
        let input = std::fs::read(&path).expect("reads");
        for json in [
            r#"{"format":"png","effort":"fast","colorProfile":"keep"}"#,
            r#"{"format":"jpeg","optimizeHuffman":false,"colorProfile":"keep"}"#,
        ] {
            let banded = pixsqueeze::compress_in_bands(&input, &options(json), 16)
                .expect("compresses in bands")
                .unwrap_or_else(|| panic!("{path:?} {json}: not in bands"));
            let whole = compress(&input, &options(json)).expect("compresses whole");
            assert!(
                pixels(&banded.data) == pixels(&whole.data),
                "{path:?} {json}: other pixels"
            );
            assert!(banded.mse16.is_some(), "{path:?}");
            if json.contains("png") {
                assert!(common::png_reference(&banded.data) == common::png_reference(&input));
            }
        }
    }
}
