//! Smart modes against brute force: a budget is never exceeded and the chosen quality is within one
//! step of the best a full sweep finds; a quality target is never missed and lands within one step of
//! the smallest; impossible budgets give the documented error.

mod common;

use std::time::Instant;

use common::{alpha_ramp, corpus_files, photo_like, text_like};
use pixsqueeze::{compress, decode_full, encode, measure, Format, Image, Limits, Options};

fn options(json: &str) -> Options {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn png(image: &Image) -> Vec<u8> {
    encode(image, &options(r#"{"format":"png","effort":"fast"}"#)).unwrap()
}

/// Test images: a fixture everywhere, plus Kodak photos where the corpus is present.
fn photos() -> Vec<(String, Vec<u8>)> {
    let mut out = vec![("photo-like".to_string(), png(&photo_like(256, 192)))];
    for path in corpus_files("photos") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if ["kodim01", "kodim05", "kodim23"]
            .iter()
            .any(|k| name.starts_with(k))
        {
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn jpeg_sizes(image: &Image) -> Vec<usize> {
    (1..=100)
        .map(|q| {
            encode(
                image,
                &options(&format!(r#"{{"format":"jpeg","quality":{q}}}"#)),
            )
            .unwrap()
            .len()
        })
        .collect()
}

#[test]
fn budgets_are_never_exceeded_and_land_within_one_step_of_a_full_sweep() {
    let mut searches = 0;
    let mut encodes = 0;
    let mut ratio_sum = 0.0;
    for (name, bytes) in photos() {
        let image = decode_full(&bytes, &Limits::default()).unwrap().image;
        let sizes = jpeg_sizes(&image);
        // A plain compress (decode, one encode, measure) is the unit a search's time is given in.
        let started = Instant::now();
        compress(&bytes, &options(r#"{"format":"jpeg"}"#)).unwrap();
        let one_compress = started.elapsed().as_secs_f64();
        for share in [0.15, 0.4, 0.9] {
            let budget = (sizes[74] as f64 * share * 2.0) as usize;
            let best = (1..=100).rev().find(|&q| sizes[q - 1] <= budget);
            let json = format!(r#"{{"format":"jpeg","maxBytes":{budget}}}"#);
            let started = Instant::now();
            let result = compress(&bytes, &options(&json));
            let took = started.elapsed().as_secs_f64();
            match (best, result) {
                (Some(best), Ok(r)) => {
                    assert!(
                        r.compressed_bytes <= budget,
                        "{name}: {} > {budget}",
                        r.compressed_bytes
                    );
                    let q = usize::from(r.settings.quality);
                    assert!(
                        q + 1 >= best,
                        "{name} budget {budget}: chose q{q}, the sweep found q{best}"
                    );
                    let search = r.search.expect("a search report");
                    searches += 1;
                    encodes += search.probes.len();
                    ratio_sum += took / one_compress;
                    println!("{name}: budget {budget} -> q{q} ({} bytes; sweep best q{best}) in {} encodes", r.compressed_bytes, search.probes.len());
                }
                (None, Err(e)) => assert_eq!(e.name(), "LimitExceeded", "{name}: {e}"),
                (best, result) => panic!(
                    "{name} budget {budget}: sweep {best:?}, search {:?}",
                    result.map(|r| r.settings.quality)
                ),
            }
        }
    }
    println!(
        "maxBytes: {searches} searches, mean {:.1} encodes each, mean search time {:.2}x a plain compress",
        encodes as f64 / searches as f64,
        ratio_sum / searches as f64
    );
}

#[test]
fn an_impossible_budget_names_the_smallest_size_and_shrinking_meets_it() {
    let bytes = png(&photo_like(400, 300));
    let err = compress(&bytes, &options(r#"{"format":"jpeg","maxBytes":300}"#)).unwrap_err();
    assert_eq!(err.name(), "LimitExceeded");
    assert!(err.message().contains("smallest file possible"), "{err}");
    assert!(err.message().contains("400x300"), "{err}");
    let r = compress(
        &bytes,
        &options(r#"{"format":"jpeg","maxBytes":700,"allowResize":true}"#),
    )
    .unwrap();
    assert!(r.compressed_bytes <= 700);
    assert!(r.width < 400 && r.height < 300, "{}x{}", r.width, r.height);
    assert!((f64::from(r.width) / f64::from(r.height) - 4.0 / 3.0).abs() < 0.05);
    // Shrinking stops at minWidth (and the height that keeps the shape): a budget too small there
    // is refused, and one that fits there is met no narrower than asked.
    let floor = compress(
        &bytes,
        &options(r#"{"format":"jpeg","maxBytes":200,"allowResize":true,"minWidth":200}"#),
    );
    assert_eq!(floor.unwrap_err().name(), "LimitExceeded");
    for (budget, min) in [(900, "200"), (2500, "300")] {
        let json = format!(
            r#"{{"format":"jpeg","maxBytes":{budget},"allowResize":true,"minWidth":{min},"minHeight":10}}"#
        );
        match compress(&bytes, &options(&json)) {
            Ok(r) => {
                assert!(r.compressed_bytes <= budget);
                assert!(
                    r.width >= min.parse().unwrap(),
                    "{json}: {}x{}",
                    r.width,
                    r.height
                );
            }
            Err(e) => panic!("{json}: {e}"),
        }
    }
    // Lossless formats have no quality to give: only shrinking can meet a budget.
    let err = compress(&bytes, &options(r#"{"format":"png","maxBytes":1000}"#)).unwrap_err();
    assert_eq!(err.name(), "LimitExceeded");
}

#[test]
fn score_targets_are_met_within_one_step_of_the_smallest() {
    let mut searches = 0;
    let mut encodes = 0;
    let mut ratio_sum = 0.0;
    for (name, bytes) in photos() {
        // A 384-pixel-wide version keeps the 100-point sweep of SSIMULACRA2 affordable.
        let small = compress(
            &bytes,
            &options(r#"{"format":"png","effort":"fast","maxWidth":384}"#),
        )
        .unwrap();
        let image = decode_full(&small.data, &Limits::default()).unwrap().image;
        let scores: Vec<f64> = (1..=100)
            .map(|q| {
                let jpeg = encode(
                    &image,
                    &options(&format!(r#"{{"format":"jpeg","quality":{q}}}"#)),
                )
                .unwrap();
                let back = decode_full(&jpeg, &Limits::default()).unwrap().image;
                measure(&image.rgba8(), &back.rgba8())
                    .unwrap()
                    .ssimulacra2
                    .unwrap()
            })
            .collect();
        for target in [50.0, 70.0, 85.0] {
            let smallest = (1..=100)
                .find(|&q| scores[q - 1] >= target)
                .expect("q100 reaches these");
            let json = format!(r#"{{"format":"jpeg","minScore":{target}}}"#);
            let started = Instant::now();
            compress(&small.data, &options(r#"{"format":"jpeg"}"#)).unwrap();
            let one_compress = started.elapsed().as_secs_f64();
            let started = Instant::now();
            let r = compress(&small.data, &options(&json)).unwrap();
            ratio_sum += started.elapsed().as_secs_f64() / one_compress;
            let score = r.ssimulacra2.unwrap();
            assert!(score >= target, "{name}: score {score:.2} < {target}");
            let q = usize::from(r.settings.quality);
            assert!(
                q <= smallest + 1,
                "{name} target {target}: chose q{q}, the sweep found q{smallest}"
            );
            let search = r.search.unwrap();
            searches += 1;
            encodes += search.probes.len();
            println!("{name}: minScore {target} -> q{q} score {score:.2} (sweep smallest q{smallest}) in {} encodes", search.probes.len());
        }
        let psnr = compress(&small.data, &options(r#"{"format":"jpeg","minPsnr":36}"#)).unwrap();
        assert!(psnr.psnr >= 36.0, "{name}: PSNR {}", psnr.psnr);
    }
    println!(
        "minScore: {searches} searches, mean {:.1} encodes each, mean search time {:.2}x a plain compress",
        encodes as f64 / searches as f64,
        ratio_sum / searches as f64
    );
}

#[test]
fn an_unreachable_score_is_limit_exceeded() {
    let bytes = png(&photo_like(128, 128));
    let err = compress(
        &bytes,
        &options(r#"{"format":"png-palette","colors":2,"minScore":99.9}"#),
    );
    let err = err.unwrap_err();
    assert_eq!(err.name(), "LimitExceeded", "{err}");
    assert!(err.message().contains("best reached"), "{err}");
}

#[test]
fn auto_picks_the_smallest_good_file_for_the_kind_of_image() {
    if !common::writes(Format::Auto) {
        let e = compress(&png(&photo_like(32, 24)), &options(r#"{"format":"auto"}"#)).unwrap_err();
        assert_eq!(
            e.name(),
            "NeedsFullModule",
            "the core build leaves auto to the full one"
        );
        return;
    }
    let cases = [
        // A photo: a lossy format (lossy WebP is the smaller at equal SSIMULACRA2 on photo-like
        // images; JPEG where WebP cannot go).
        ("photo", png(&photo_like(320, 240)), None),
        ("text", png(&text_like(320, 240)), None),
        ("alpha", png(&alpha_ramp(320, 40)), None),
    ];
    for (name, bytes, expected) in cases {
        let r = compress(&bytes, &options(r#"{"format":"auto"}"#)).unwrap();
        let search = r.search.as_ref().unwrap();
        assert!(search.mode.starts_with("auto"), "{name}: {}", search.mode);
        assert!(!search.reason.is_empty());
        if pixsqueeze::can_score(r.width, r.height) {
            assert!(
                r.ssimulacra2.unwrap() >= pixsqueeze::DEFAULT_AUTO_SCORE,
                "{name}"
            );
        } else {
            // Too small for SSIMULACRA2 (alpha is 40 px high): the target falls back to PSNR.
            assert!(
                r.psnr >= pixsqueeze::DEFAULT_AUTO_PSNR,
                "{name}: {}",
                r.psnr
            );
            assert!(search.reason.contains("PSNR"), "{name}: {}", search.reason);
            assert_eq!(r.ssimulacra2, None, "{name}");
        }
        let sizes: Vec<usize> = search.probes.iter().map(|p| p.bytes).collect();
        assert!(sizes.contains(&r.compressed_bytes));
        if let Some(format) = expected {
            assert_eq!(r.settings.format, format, "{name}: {}", search.reason);
        }
        if name == "alpha" {
            assert_ne!(
                r.settings.format,
                Format::Jpeg,
                "JPEG would lose the transparency"
            );
        }
        if name == "photo" {
            assert!(
                r.psnr.is_finite() && matches!(r.settings.format, Format::Jpeg | Format::Webp),
                "{name}: {}",
                search.reason
            );
            assert!(!r.settings.lossless, "{name}: {}", search.reason);
        }
        if name == "text" {
            // Few colours: a lossless file is both exact and smallest.
            assert_eq!(r.psnr, f64::INFINITY, "{name}: {}", search.reason);
        }
        println!("{name}: {}", search.reason);
    }
    // A budget with auto: the pick fits.
    let bytes = png(&photo_like(320, 240));
    let r = compress(&bytes, &options(r#"{"format":"auto","maxBytes":4000}"#)).unwrap();
    assert!(r.compressed_bytes <= 4000);
}

#[test]
fn progress_reports_every_probe() {
    let bytes = png(&photo_like(200, 150));
    let mut seen = Vec::new();
    let r = pixsqueeze::compress_with_progress(
        &bytes,
        &options(r#"{"format":"jpeg","maxBytes":5000}"#),
        &mut |p| seen.push(p.clone()),
    )
    .unwrap();
    assert_eq!(seen, r.search.unwrap().probes);
}

#[test]
fn auto_skips_a_format_that_cannot_hold_the_image_and_says_so() {
    if !common::writes(Format::Auto) {
        return;
    }
    // 16500 px wide: over WebP's 16383 a side, well within PNG's and JPEG's.
    let bytes = png(&photo_like(16_500, 4));
    let r = compress(&bytes, &options(r#"{"format":"auto"}"#)).expect("auto skips WebP");
    let search = r.search.unwrap();
    assert!(search.probes.iter().all(|p| p.format != Format::Webp));
    assert!(search.reason.contains("webp skipped"), "{}", search.reason);
    assert!(search.reason.contains("16383"), "{}", search.reason);
    // Asked for by name, the same image is a clear InvalidInput before any work.
    let e = compress(&bytes, &options(r#"{"format":"webp"}"#)).unwrap_err();
    assert_eq!(e.name(), "InvalidInput", "{e}");
    assert!(e.message().contains("16383"), "{e}");
}

#[test]
fn encode_resizes_before_a_smart_mode_searches() {
    let image = photo_like(400, 300);
    for json in [
        r#"{"format":"jpeg","maxBytes":20000,"maxWidth":100}"#,
        r#"{"format":"jpeg","minPsnr":30,"maxWidth":100}"#,
        r#"{"format":"png-palette","maxBytes":20000,"maxHeight":75}"#,
    ] {
        let file = encode(&image, &options(json)).unwrap_or_else(|e| panic!("{json}: {e}"));
        let back = decode_full(&file, &Limits::default()).unwrap().image;
        assert_eq!((back.width(), back.height()), (100, 75), "{json}");
    }
}

#[test]
fn a_budget_no_file_can_meet_fails_before_any_encode() {
    // A 12-megapixel photo and a 1-byte budget: no format's headers fit, whatever the size.
    let photo = encode(
        &photo_like(4000, 3000),
        &options(r#"{"format":"jpeg","quality":90}"#),
    )
    .unwrap();
    let formats = if common::writes(Format::Auto) {
        vec!["auto", "jpeg", "png", "png-palette"]
    } else {
        vec!["jpeg", "png", "png-palette"]
    };
    for format in formats {
        for resize in [false, true] {
            let json = format!(r#"{{"format":"{format}","maxBytes":1,"allowResize":{resize}}}"#);
            let mut probes = 0;
            let e =
                pixsqueeze::compress_with_progress(&photo, &options(&json), &mut |_| probes += 1)
                    .unwrap_err();
            assert_eq!(e.name(), "LimitExceeded", "{json}: {e}");
            assert!(
                e.message().contains("smallest file possible"),
                "{json}: {e}"
            );
            assert_eq!(probes, 0, "{json}: refused from the floor, not by encoding");
        }
    }
    // A budget the first probe overflows tries the lowest quality next, and stops there when
    // that does not fit either: two encodes, not a bisection's eight. (48 kB is just over the floor
    // of 187,500 blocks at two bits each.)
    let mut probes = Vec::new();
    let e = pixsqueeze::compress_with_progress(
        &photo,
        &options(r#"{"format":"jpeg","maxBytes":48000}"#),
        &mut |p| probes.push(p.quality),
    )
    .unwrap_err();
    assert_eq!(e.name(), "LimitExceeded", "{e}");
    assert_eq!(probes, [Some(75), Some(1)]);
}
