//! Animations (full build): animated GIFs written in code (every disposal, transparency, odd offsets,
//! an unchanged frame, a loop count) and the corpus's, to animated WebP, read back with an
//! independent decoder (image-webp) and compared frame by frame with an independent GIF reader
//! (the `image` crate's); animated WebP in; stills keep the first frame with a note.
#![cfg(feature = "full")]

mod common;

use std::borrow::Cow;
use std::io::Cursor;

use image::AnimationDecoder;
use pixsqueeze::{compress, Error, Format, Options};

/// A palette of 256 colours: a colour cube of 6 x 6 x 6 and grays.
fn palette() -> Vec<u8> {
    let mut p = Vec::with_capacity(768);
    for i in 0..256u32 {
        if i < 216 {
            p.extend([
                (i / 36 * 51) as u8,
                (i / 6 % 6 * 51) as u8,
                (i % 6 * 51) as u8,
            ]);
        } else {
            let v = ((i - 216) * 6) as u8;
            p.extend([v, v, v]);
        }
    }
    p
}

struct GifFrame {
    left: u16,
    top: u16,
    width: u16,
    height: u16,
    delay: u16,
    dispose: gif::DisposalMethod,
    /// Palette indices; 255 is transparent where `transparent`.
    pixels: Vec<u8>,
    transparent: bool,
}

fn gif_file(width: u16, height: u16, repeat: Option<gif::Repeat>, frames: &[GifFrame]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, width, height, &palette()).unwrap();
        if let Some(r) = repeat {
            encoder.set_repeat(r).unwrap();
        }
        for f in frames {
            let frame = gif::Frame {
                left: f.left,
                top: f.top,
                width: f.width,
                height: f.height,
                delay: f.delay,
                dispose: f.dispose,
                transparent: f.transparent.then_some(255),
                buffer: Cow::Borrowed(&f.pixels),
                ..gif::Frame::default()
            };
            encoder.write_frame(&frame).unwrap();
        }
    }
    out
}

fn pattern(w: u16, h: u16, seed: u32, holes: bool) -> Vec<u8> {
    (0..u32::from(w) * u32::from(h))
        .map(|i| {
            let (x, y) = (i % u32::from(w), i / u32::from(w));
            if holes && (x + y) % 5 == 0 {
                255
            } else {
                // Smooth gray ramps (palette 216–255), which lossy WebP can hold well.
                (216 + (x + y / 2 + seed * 5) / 3 % 40) as u8
            }
        })
        .collect()
}

/// Five frames on 64 x 48: keep, restore to background (with transparent pixels), restore to
/// previous, an odd offset, and a frame that changes nothing; plays three times (GIF: twice more).
fn fixture() -> Vec<u8> {
    use gif::DisposalMethod::{Background, Keep, Previous};
    let f = |left, top, width, height, delay, dispose, seed, holes| GifFrame {
        left,
        top,
        width,
        height,
        delay,
        dispose,
        pixels: pattern(width, height, seed, holes),
        transparent: holes,
    };
    let mut frames = vec![
        f(0, 0, 64, 48, 10, Keep, 1, false),
        f(5, 7, 20, 10, 20, Background, 2, true),
        f(30, 20, 16, 16, 5, Previous, 3, false),
        f(1, 1, 11, 9, 0, Keep, 4, true),
    ];
    // A frame that draws nothing visible: one transparent pixel.
    frames.push(GifFrame {
        left: 63,
        top: 47,
        width: 1,
        height: 1,
        delay: 30,
        dispose: Keep,
        pixels: vec![255],
        transparent: true,
    });
    gif_file(64, 48, Some(gif::Repeat::Finite(2)), &frames)
}

/// The GIF's frames as the `image` crate composites them: (RGBA canvas, delay in ms).
fn gif_reference(gif: &[u8]) -> Vec<(Vec<u8>, u32)> {
    let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(gif)).unwrap();
    decoder
        .into_frames()
        .map(|f| {
            let f = f.unwrap();
            let (n, d) = f.delay().numer_denom_ms();
            (f.into_buffer().into_raw(), n / d)
        })
        .collect()
}

/// An animated WebP's frames as image-webp draws them on a transparent canvas: (RGBA, ms), and its
/// loop count (0: forever).
fn webp_frames(webp: &[u8]) -> (Vec<(Vec<u8>, u32)>, u16) {
    let mut d = image_webp::WebPDecoder::new(Cursor::new(webp)).unwrap();
    assert!(d.is_animated(), "an animated WebP");
    d.set_background_color([0, 0, 0, 0]).unwrap();
    let loops = match d.loop_count() {
        image_webp::LoopCount::Forever => 0,
        image_webp::LoopCount::Times(n) => n.get(),
    };
    let alpha = d.has_alpha();
    let mut frames = Vec::new();
    for _ in 0..d.num_frames() {
        let mut buf = vec![0; d.output_buffer_size().unwrap()];
        let ms = d.read_frame(&mut buf).unwrap();
        let rgba = if alpha {
            buf
        } else {
            buf.chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect()
        };
        frames.push((rgba, ms));
    }
    (frames, loops)
}

/// Pixels that differ (fully transparent ones are alike whatever their colour). image-webp 0.2.4
/// alpha-blends opaque pixels too, with libwebp's approximate formula, which can take one off a
/// channel; libwebp's own decoder (anim_decode.c) and browsers copy them. So one step is allowed:
/// pixsqueeze's own check, `mse == 0` from libwebp's decode of every frame, is the exact one.
fn differing(a: &[u8], b: &[u8]) -> usize {
    a.chunks_exact(4)
        .zip(b.chunks_exact(4))
        .filter(|(p, q)| {
            let near = p[3] == q[3] && (0..3).all(|c| p[c].abs_diff(q[c]) <= 1);
            let hidden = p[3] == 0 && q[3] == 0;
            !(near || hidden)
        })
        .count()
}

/// Every source frame against the output frame showing at its start: `check(source, shown)`.
fn each_pair(
    source: &[(Vec<u8>, u32)],
    output: &[(Vec<u8>, u32)],
    mut check: impl FnMut(usize, &[u8], &[u8]),
) {
    let total = |f: &[(Vec<u8>, u32)]| f.iter().map(|f| u64::from(f.1)).sum::<u64>();
    assert_eq!(total(source), total(output), "the same total duration");
    let (mut k, mut out_end) = (0, u64::from(output[0].1));
    let mut start = 0u64;
    for (i, (canvas, ms)) in source.iter().enumerate() {
        while start >= out_end && k + 1 < output.len() {
            k += 1;
            out_end += u64::from(output[k].1);
        }
        check(i, canvas, &output[k].0);
        start += u64::from(*ms);
    }
}

fn webp(lossless: bool) -> Options {
    Options::new(Format::Webp).with("lossless", lossless)
}

#[test]
fn a_gif_becomes_an_animated_webp_frame_for_frame_lossless() {
    let gif = fixture();
    let reference = gif_reference(&gif);
    assert_eq!(reference.len(), 5);
    let r = compress(&gif, &webp(true)).unwrap();
    assert_eq!(r.mime_type, "image/webp");
    assert_eq!((r.width, r.height, r.frames), (64, 48, 5));
    assert_eq!(r.mse, 0.0, "lossless: every shown pixel exact");
    // 64 x 48 frames are under SSIMULACRA2's smallest side (113): no score, rather than an inflated one.
    assert_eq!(r.ssimulacra2, None);
    assert!(
        r.notes[0].starts_with("animation: 5 frames, 0.65 s, playing 3 times; written as 4 frames"),
        "{:?}",
        r.notes
    );
    let (frames, loops) = webp_frames(&r.data);
    assert_eq!(loops, 3, "GIF's two repeats are three plays");
    assert_eq!(
        frames.len(),
        4,
        "the unchanged frame lengthens the one before"
    );
    assert_eq!(
        frames.iter().map(|f| f.1).collect::<Vec<_>>(),
        [100, 200, 50, 300]
    );
    each_pair(&reference, &frames, |i, source, shown| {
        assert_eq!(differing(source, shown), 0, "frame {i}");
    });
}

#[test]
fn lossy_animations_are_measured_over_frames() {
    let gif = fixture();
    let reference = gif_reference(&gif);
    let r = compress(&gif, &webp(false).with_quality(90)).unwrap();
    assert_eq!(r.frames, 5);
    assert!(!r.settings.lossless && r.settings.quality == 90);
    // 64 x 48 frames are under SSIMULACRA2's smallest side (113): PSNR is the measure.
    assert_eq!(r.ssimulacra2, None);
    assert!(r.psnr > 25.0, "{}", r.psnr);
    let (frames, loops) = webp_frames(&r.data);
    assert_eq!(loops, 3);
    // Transparent stays transparent (alpha is stored losslessly), opaque stays opaque.
    each_pair(&reference, &frames, |i, source, shown| {
        for (p, q) in source.chunks_exact(4).zip(shown.chunks_exact(4)) {
            assert_eq!(p[3], q[3], "frame {i} alpha");
        }
    });
}

#[test]
fn an_animated_webp_is_read_frame_by_frame() {
    let gif = fixture();
    let first = compress(&gif, &webp(true)).unwrap();
    let again = compress(&first.data, &webp(true)).unwrap();
    assert_eq!((again.frames, again.mse), (4, 0.0));
    let (a, la) = webp_frames(&first.data);
    let (b, lb) = webp_frames(&again.data);
    assert_eq!(la, lb);
    each_pair(&a, &b, |i, x, y| {
        assert_eq!(differing(x, y), 0, "frame {i}")
    });
    // A lossy animation read back and written lossless keeps what was shown.
    let lossy = compress(&gif, &webp(false)).unwrap();
    let kept = compress(&lossy.data, &webp(true)).unwrap();
    assert_eq!(kept.mse, 0.0);
}

#[test]
fn still_outputs_take_the_first_frame_and_say_so() {
    let gif = fixture();
    let png = compress(&gif, &Options::new(Format::Png)).unwrap();
    assert_eq!(png.frames, 1);
    assert!(
        png.notes.iter().any(|n| n.contains("animated (5 frames)")),
        "{:?}",
        png.notes
    );
    let webp_in = compress(&gif, &webp(true)).unwrap();
    let jpeg = compress(&webp_in.data, &Options::new(Format::Jpeg)).unwrap();
    assert_eq!(jpeg.frames, 1);
    assert!(
        jpeg.notes.iter().any(|n| n.contains("animated (4 frames)")),
        "{:?}",
        jpeg.notes
    );
}

#[test]
fn auto_and_targets_search_over_whole_animations() {
    let gif = fixture();
    let auto = compress(&gif, &Options::new(Format::Auto)).unwrap();
    assert_eq!((auto.mime_type, auto.frames), ("image/webp", 5));
    let search = auto.search.expect("a search report");
    assert!(search.probes.len() >= 2, "{search:?}");
    // 64 x 48 frames are under SSIMULACRA2's smallest side: auto aims for PSNR instead, and a
    // score target cannot be met.
    assert!(auto.psnr >= pixsqueeze::DEFAULT_AUTO_PSNR, "{}", auto.psnr);
    let unscorable = webp(false).with("minScore", 80.0);
    assert!(matches!(
        compress(&gif, &unscorable),
        Err(Error::LimitExceeded(_))
    ));
    let target = webp(false).with("minPsnr", 40.0);
    let r = compress(&gif, &target).unwrap();
    assert!(r.psnr >= 40.0, "{}", r.psnr);
    let budget = webp(false).with("maxBytes", r.data.len() as f64);
    let b = compress(&gif, &budget).unwrap();
    assert!(b.data.len() <= r.data.len());
    let tiny = webp(false).with("maxBytes", 40.0);
    assert!(matches!(
        compress(&gif, &tiny),
        Err(Error::LimitExceeded(_))
    ));
}

#[test]
fn resizing_applies_to_every_frame() {
    let gif = fixture();
    let o = webp(true).with("maxWidth", 32.0);
    let r = compress(&gif, &o).unwrap();
    assert_eq!((r.width, r.height, r.frames), (32, 24, 5));
    let (frames, _) = webp_frames(&r.data);
    assert!(frames.iter().all(|f| f.0.len() == 32 * 24 * 4));
}

#[test]
fn frames_times_pixels_are_limited() {
    // 11 whole frames of 64 x 48 against maxPixels = one frame: over ten times the limit.
    let frames: Vec<GifFrame> = (0..11)
        .map(|i| GifFrame {
            left: 0,
            top: 0,
            width: 64,
            height: 48,
            delay: 4,
            dispose: gif::DisposalMethod::Keep,
            pixels: pattern(64, 48, i, false),
            transparent: false,
        })
        .collect();
    let gif = gif_file(64, 48, None, &frames);
    let o = webp(true).with_limit("maxPixels", 64.0 * 48.0);
    match compress(&gif, &o) {
        Err(Error::LimitExceeded(m)) => assert!(m.contains("11 frames"), "{m}"),
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    // Within the limits it plays once: no NETSCAPE loop block means one play.
    let r = compress(&gif, &webp(true)).unwrap();
    assert_eq!(webp_frames(&r.data).1, 1);
}

/// The corpus's animated GIFs (none, with SKIP printed, outside CI without the corpus).
fn corpus_gifs() -> Vec<std::path::PathBuf> {
    common::corpus_files("special")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "gif"))
        .collect()
}

/// The corpus's animated GIFs: lossless WebP smaller than the GIF (the target), frame for
/// frame; the lossy figures printed beside it.
#[test]
fn corpus_gifs_become_smaller_lossless_animations() {
    for path in corpus_gifs() {
        let gif = std::fs::read(&path).unwrap();
        let reference = gif_reference(&gif);
        let r = compress(&gif, &webp(true)).unwrap();
        let (frames, _) = webp_frames(&r.data);
        each_pair(&reference, &frames, |i, source, shown| {
            assert_eq!(differing(source, shown), 0, "{} frame {i}", path.display());
        });
        let lossy = compress(&gif, &webp(false)).unwrap();
        println!(
            "{}: GIF {} bytes, {} frames -> lossless WebP {} bytes ({:.1} % smaller); lossy q{} {} \
             bytes, SSIMULACRA2 {:.1} (mean over frames)",
            path.file_name().unwrap().to_string_lossy(),
            gif.len(),
            reference.len(),
            r.data.len(),
            100.0 * (1.0 - r.data.len() as f64 / gif.len() as f64),
            lossy.settings.quality,
            lossy.data.len(),
            lossy.ssimulacra2.unwrap_or(f64::NAN),
        );
        assert!(
            r.data.len() < gif.len(),
            "{}: lossless WebP is smaller",
            path.display()
        );
    }
}

fn apng() -> Options {
    Options::new(Format::Apng)
}

/// An APNG's frames as the `png` crate reads them, drawn as the APNG specification says on a
/// transparent canvas: (RGBA, ms), and its play count (0: forever). pixsqueeze writes disposal
/// "none" only, and blends "over" only frames whose pixels are opaque or fully transparent.
fn apng_frames(file: &[u8]) -> (Vec<(Vec<u8>, u32)>, u32) {
    let mut d = png::Decoder::new(Cursor::new(file));
    d.set_transformations(png::Transformations::EXPAND);
    let mut r = d.read_info().unwrap();
    let actl = r.info().animation_control.expect("an acTL chunk");
    let w = r.info().width as usize;
    let mut canvas = vec![0u8; w * r.info().height as usize * 4];
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let mut frames = Vec::new();
    for _ in 0..actl.num_frames {
        let out = r.next_frame(&mut buf).unwrap();
        let fc = r.info().frame_control.expect("an fcTL for every frame");
        assert_eq!(out.bit_depth, png::BitDepth::Eight);
        assert_eq!(fc.dispose_op, png::DisposeOp::None);
        let over = fc.blend_op == png::BlendOp::Over;
        let n = out.color_type.samples();
        for y in 0..fc.height as usize {
            let line = &buf[y * out.line_size..][..fc.width as usize * n];
            for (x, s) in line.chunks_exact(n).enumerate() {
                let p = if n == 4 {
                    [s[0], s[1], s[2], s[3]]
                } else {
                    [s[0], s[1], s[2], 255]
                };
                if over && p[3] == 0 {
                    continue;
                }
                assert!(!over || p[3] == 255, "a translucent pixel blended");
                let at = ((fc.y_offset as usize + y) * w + fc.x_offset as usize + x) * 4;
                canvas[at..at + 4].copy_from_slice(&p);
            }
        }
        let den = if fc.delay_den == 0 {
            100
        } else {
            u32::from(fc.delay_den)
        };
        frames.push((canvas.clone(), u32::from(fc.delay_num) * 1000 / den));
    }
    (frames, actl.num_plays)
}

/// Pixels that are not exactly alike (fully transparent ones are alike whatever their colour).
fn not_exact(a: &[u8], b: &[u8]) -> usize {
    a.chunks_exact(4)
        .zip(b.chunks_exact(4))
        .filter(|(p, q)| p != q && !(p[3] == 0 && q[3] == 0))
        .count()
}

/// A still image as APNG is a plain PNG, typed so (image/png; image/apng is for animations), and
/// lossless: scored as lossless PNG is, 100 without running SSIMULACRA2.
#[test]
fn a_still_apng_is_a_png() {
    let gif = fixture();
    let still = compress(&gif, &Options::new(Format::Png)).unwrap();
    let r = compress(&still.data, &apng()).unwrap();
    assert_eq!((r.mime_type, r.frames, r.mse), ("image/png", 1, 0.0));
    assert_eq!(r.data, still.data, "the same file as format png");
}

#[test]
fn a_gif_becomes_an_apng_frame_for_frame() {
    let gif = fixture();
    let reference = gif_reference(&gif);
    let r = compress(&gif, &apng()).unwrap();
    assert_eq!(
        (r.mime_type, r.width, r.height, r.frames),
        ("image/apng", 64, 48, 5)
    );
    assert_eq!((r.mse, r.settings.format), (0.0, Format::Apng));
    assert!(
        r.notes[0].starts_with("animation: 5 frames, 0.65 s, playing 3 times; written as 4 frames"),
        "{:?}",
        r.notes
    );
    let (frames, plays) = apng_frames(&r.data);
    assert_eq!(plays, 3, "GIF's two repeats are three plays");
    assert_eq!(
        frames.iter().map(|f| f.1).collect::<Vec<_>>(),
        [100, 200, 50, 300],
        "the unchanged frame lengthens the one before"
    );
    each_pair(&reference, &frames, |i, source, shown| {
        assert_eq!(not_exact(source, shown), 0, "frame {i}");
    });
    // A viewer without APNG shows the first frame: a plain PNG to any decoder (ours here).
    let first = pixsqueeze::decode(&r.data, &pixsqueeze::Limits::default()).unwrap();
    assert_eq!(not_exact(first.data(), &reference[0].0), 0);
    // At most 256 colours: one shared palette.
    let info = png::Decoder::new(Cursor::new(&r.data)).read_info().unwrap();
    assert_eq!(info.info().color_type, png::ColorType::Indexed);
}

#[test]
fn lossy_webp_and_resized_animations_become_exact_apngs() {
    // A lossy animated WebP in: every frame as libwebp draws it.
    let webp_in = compress(&fixture(), &webp(false).with_quality(90))
        .unwrap()
        .data;
    let (source, loops) = webp_frames(&webp_in);
    let r = compress(&webp_in, &apng()).unwrap();
    assert_eq!((r.frames as usize, r.mse), (source.len(), 0.0));
    let (frames, plays) = apng_frames(&r.data);
    assert_eq!(plays, u32::from(loops));
    // image-webp may be one step off libwebp on blended pixels (see `differing`).
    each_pair(&source, &frames, |i, s, shown| {
        assert_eq!(differing(s, shown), 0, "frame {i}")
    });
    // Resized: every frame at the new size, in RGBA (resampling makes new colours).
    let small = compress(&fixture(), &apng().with("maxWidth", 32.0)).unwrap();
    assert_eq!((small.width, small.height, small.frames), (32, 24, 5));
    let info = png::Decoder::new(Cursor::new(&small.data))
        .read_info()
        .unwrap();
    assert_eq!(info.info().color_type, png::ColorType::Rgba);
    let (frames, _) = apng_frames(&small.data);
    assert!(frames.iter().all(|f| f.0.len() == 32 * 24 * 4));
}

#[test]
fn a_still_image_as_apng_is_a_png_and_budgets_are_checked() {
    let still = gif_file(
        16,
        8,
        None,
        &[GifFrame {
            left: 0,
            top: 0,
            width: 16,
            height: 8,
            delay: 0,
            dispose: gif::DisposalMethod::Keep,
            pixels: pattern(16, 8, 0, false),
            transparent: false,
        }],
    );
    let r = compress(&still, &apng()).unwrap();
    assert_eq!((r.frames, r.mse), (1, 0.0));
    assert!(r.data.starts_with(b"\x89PNG"));
    let tiny = apng().with("maxBytes", 100.0);
    assert!(matches!(
        compress(&fixture(), &tiny),
        Err(Error::LimitExceeded(m)) if m.contains("maxBytes")
    ));
}

/// The corpus's animated GIFs to APNG, frame for frame; its size beside the GIF's printed.
#[test]
fn corpus_gifs_become_exact_apngs() {
    for path in corpus_gifs() {
        let gif = std::fs::read(&path).unwrap();
        let reference = gif_reference(&gif);
        let r = compress(&gif, &apng()).unwrap();
        assert_eq!(r.mse, 0.0);
        let (frames, _) = apng_frames(&r.data);
        each_pair(&reference, &frames, |i, source, shown| {
            assert_eq!(not_exact(source, shown), 0, "{} frame {i}", path.display());
        });
        println!(
            "{}: GIF {} bytes, {} frames -> APNG {} bytes ({:+.1} % vs the GIF), {} frames written",
            path.file_name().unwrap().to_string_lossy(),
            gif.len(),
            reference.len(),
            r.data.len(),
            100.0 * (r.data.len() as f64 / gif.len() as f64 - 1.0),
            frames.len(),
        );
    }
}

/// A RIFF WebP's chunks: (fourcc, payload).
fn riff_chunks(webp: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 12;
    while at + 8 <= webp.len() {
        let len = u32::from_le_bytes(webp[at + 4..at + 8].try_into().unwrap()) as usize;
        let fourcc: [u8; 4] = webp[at..at + 4].try_into().unwrap();
        out.push((fourcc, webp[at + 8..at + 8 + len].to_vec()));
        at += 8 + len + (len & 1);
    }
    out
}

fn riff_file(chunks: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
    for (fourcc, data) in chunks {
        out.extend(fourcc);
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
    }
    let riff = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    out
}

#[test]
fn an_animated_webps_icc_profile_and_exif_are_kept() {
    let plain = compress(&fixture(), &webp(true)).unwrap().data;
    // An RGB profile (header only: kept as bytes, never parsed) and a TIFF header with no entries.
    let mut icc = vec![0u8; 132];
    icc[16..20].copy_from_slice(b"RGB ");
    icc[36..40].copy_from_slice(b"acsp");
    let exif = b"MM\0\x2a\0\0\0\x08\0\0\0\0\0\0\0".to_vec();
    let mut chunks = riff_chunks(&plain);
    assert_eq!(&chunks[0].0, b"VP8X");
    chunks[0].1[0] |= 0x20 | 0x08;
    chunks.insert(1, (*b"ICCP", icc.clone()));
    chunks.push((*b"EXIF", exif.clone()));
    let input = riff_file(&chunks);
    let (reference, _) = webp_frames(&input);

    for lossless in [true, false] {
        let r = compress(&input, &webp(lossless).with("keepMetadata", true)).unwrap();
        let out = riff_chunks(&r.data);
        let names: Vec<&[u8]> = out.iter().map(|c| &c.0[..]).collect();
        // The extended format's order: VP8X, ICCP, ANIM, the frames, EXIF; flags for both.
        assert_eq!(&names[..3], [b"VP8X", b"ICCP", b"ANIM"]);
        assert_eq!(names.last().unwrap(), b"EXIF");
        assert!(names[3..names.len() - 1].iter().all(|n| n == b"ANMF"));
        assert_eq!(out[0].1[0] & 0x2a, 0x2a, "animation, ICC and EXIF flags");
        assert_eq!((&out[1].1, &out.last().unwrap().1), (&icc, &exif));
        assert!(r.notes.len() == 1, "{:?}", r.notes);
        let (frames, _) = webp_frames(&r.data);
        assert_eq!(frames.len(), reference.len());
        if lossless {
            each_pair(&reference, &frames, |i, s, shown| {
                assert_eq!(differing(s, shown), 0, "frame {i}")
            });
        }
    }
    // EXIF only with keepMetadata (stripped by default, as for stills); the profile always.
    let r = compress(&input, &webp(true)).unwrap();
    let out = riff_chunks(&r.data);
    assert!(out.iter().any(|c| &c.0 == b"ICCP"));
    assert!(!out.iter().any(|c| &c.0 == b"EXIF"));
    assert_eq!(out[0].1[0] & 0x28, 0x20);
    // colorProfile "srgb": frames are not converted, so the profile stays, and a note says so.
    let r = compress(&input, &webp(true).with("colorProfile", "srgb")).unwrap();
    assert!(riff_chunks(&r.data).iter().any(|c| &c.0 == b"ICCP"));
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("frames are not converted")),
        "{:?}",
        r.notes
    );
    // APNG keeps the profile as iCCP.
    let a = compress(&input, &apng()).unwrap();
    let d = png::Decoder::new(Cursor::new(&a.data)).read_info().unwrap();
    assert_eq!(d.info().icc_profile.as_deref(), Some(&icc[..]));
}
