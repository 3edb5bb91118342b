//! The native rate–quality sweep behind src/codecs/jpeg-notes.md: encodes the Kodak photos in the
//! shared corpus (and the text screenshot) at nine qualities and prints bits per pixel, SSIMULACRA2 and
//! PSNR, with Bjøntegaard delta rates against earlier runs and, where present, MozJPEG's files for the
//! same pixels. A bench, not a test (minutes of work, figures not assertions):
//!
//! ```text
//! JSWEEP=/tmp/jsweep cargo bench --bench jpeg_sweep
//! ```
//!
//! With `JSWEEP` set, the sweep also writes each image's RGBA to `$JSWEEP/rgba/` (for encoding with
//! MozJPEG in node, into `$JSWEEP/moz/<name>-<q>.jpg`), saves its own curves to `$JSWEEP/<label>.tsv`
//! when `JSWEEP_SAVE=<label>` is set, and compares with every saved `.tsv` it finds.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use pixsqueeze::{decode, encode, measure, Image, Limits, Options};

const QUALITIES: [u8; 9] = [30, 40, 50, 60, 70, 75, 80, 90, 95];

/// One encoded point: bits per pixel, SSIMULACRA2, PSNR.
#[derive(Clone, Copy)]
struct Point {
    bpp: f64,
    ssim2: f64,
    psnr: f64,
}

type Curves = BTreeMap<String, Vec<Point>>;

#[allow(clippy::needless_range_loop)] // Gaussian elimination reads clearest with indices.
fn polyfit3(xs: &[f64], ys: &[f64]) -> ([f64; 4], f64, f64) {
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let scale = xs
        .iter()
        .map(|x| (x - mean).abs())
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut a = [[0.0f64; 5]; 4];
    for (x, y) in xs.iter().zip(ys) {
        let u = (x - mean) / scale;
        for i in 0..4 {
            for j in 0..4 {
                a[i][j] += u.powi((i + j) as i32);
            }
            a[i][4] += y * u.powi(i as i32);
        }
    }
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        for r in 0..4 {
            if r != col {
                let f = a[r][col] / a[col][col];
                for c in col..5 {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
    }
    ([0, 1, 2, 3].map(|i| a[i][4] / a[i][i]), mean, scale)
}

fn integrate(fit: &([f64; 4], f64, f64), lo: f64, hi: f64) -> f64 {
    let (coef, mean, scale) = fit;
    let prim = |x: f64| {
        let u = (x - mean) / scale;
        coef.iter()
            .enumerate()
            .map(|(i, c)| c * u.powi(i as i32 + 1) / (i as f64 + 1.0))
            .sum::<f64>()
            * scale
    };
    prim(hi) - prim(lo)
}

/// BD-rate of `test` against `anchor` on the quality `q` picks (VCEG-M33, as bench/bdrate.mjs).
fn bd_rate(anchor: &[Point], test: &[Point], q: fn(&Point) -> f64) -> Option<f64> {
    let range = |p: &[Point]| {
        let qs: Vec<f64> = p.iter().map(q).collect();
        (
            qs.iter().copied().fold(f64::MAX, f64::min),
            qs.iter().copied().fold(f64::MIN, f64::max),
        )
    };
    let ((alo, ahi), (tlo, thi)) = (range(anchor), range(test));
    let (lo, hi) = (alo.max(tlo), ahi.min(thi));
    if hi <= lo || anchor.len() < 4 || test.len() < 4 {
        return None;
    }
    let fit = |p: &[Point]| {
        let xs: Vec<f64> = p.iter().map(q).collect();
        let ys: Vec<f64> = p.iter().map(|p| p.bpp.ln()).collect();
        polyfit3(&xs, &ys)
    };
    let gap = (integrate(&fit(test), lo, hi) - integrate(&fit(anchor), lo, hi)) / (hi - lo);
    Some(gap.exp() - 1.0)
}

fn score(original: &Image, jpeg: &[u8]) -> Point {
    let back = decode(jpeg, &Limits::default()).expect("our JPEG decodes");
    let m = measure(&original.rgba8(), &back).expect("same size");
    Point {
        bpp: jpeg.len() as f64 * 8.0 / f64::from(original.width() * original.height()),
        ssim2: m.ssimulacra2.unwrap_or(0.0),
        psnr: m.psnr,
    }
}

fn load_tsv(path: &PathBuf) -> Curves {
    let mut curves = Curves::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if let [name, bpp, ssim2, psnr] = f[..] {
            curves.entry(name.to_string()).or_default().push(Point {
                bpp: bpp.parse().unwrap(),
                ssim2: ssim2.parse().unwrap(),
                psnr: psnr.parse().unwrap(),
            });
        }
    }
    curves
}

fn report(label: &str, anchor: &Curves, ours: &Curves) {
    let (mut s_sum, mut p_sum, mut n) = (0.0, 0.0, 0);
    let mut line = String::new();
    for (name, pts) in ours {
        let Some(a) = anchor.get(name) else { continue };
        let s = bd_rate(a, pts, |p| p.ssim2).unwrap_or(f64::NAN);
        let p = bd_rate(a, pts, |p| p.psnr).unwrap_or(f64::NAN);
        line += &format!(" {}:{:+.1}", name.trim_start_matches("kodim"), s * 100.0);
        if name.starts_with("kodim") {
            s_sum += s;
            p_sum += p;
            n += 1;
        }
    }
    if n > 0 {
        println!(
            "vs {label:<10} Kodak BD-rate SSIMULACRA2 {:+.2} %  PSNR {:+.2} %  |{line}",
            s_sum / n as f64 * 100.0,
            p_sum / n as f64 * 100.0
        );
    }
}

fn main() {
    let out_dir = std::env::var_os("JSWEEP").map(PathBuf::from);
    let mut inputs: Vec<PathBuf> = common::corpus_files("photos")
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("kodim"))
        })
        .collect();
    inputs.extend(
        common::corpus_files("special")
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("screenshot-lorem")),
    );
    let extra: Vec<(String, String)> = std::env::var("JSWEEP_OPTS")
        .map(|s| {
            serde_json::from_str(&format!("{{{s}}}"))
                .map(|m: BTreeMap<String, serde_json::Value>| {
                    m.into_iter().map(|(k, v)| (k, v.to_string())).collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let mut ours = Curves::new();
    let mut moz = Curves::new();
    let mut millis = 0u128;
    for path in &inputs {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let image: Image = decode(&std::fs::read(path).unwrap(), &Limits::default())
            .unwrap()
            .into();
        if let Some(dir) = &out_dir {
            let rgba = dir.join("rgba");
            std::fs::create_dir_all(&rgba).unwrap();
            let rgba8 = image.rgba8();
            std::fs::write(rgba.join(format!("{name}.rgba")), rgba8.data()).unwrap();
            std::fs::write(
                rgba.join(format!("{name}.json")),
                format!(
                    r#"{{"width":{},"height":{}}}"#,
                    image.width(),
                    image.height()
                ),
            )
            .unwrap();
        }
        for q in QUALITIES {
            let mut json = format!(r#"{{"format":"jpeg","quality":{q}"#);
            for (k, v) in &extra {
                json += &format!(",\"{k}\":{v}");
            }
            json.push('}');
            let opts: Options = serde_json::from_str(&json).unwrap();
            let start = std::time::Instant::now();
            let jpeg = encode(&image, &opts).unwrap();
            millis += start.elapsed().as_millis();
            ours.entry(name.clone())
                .or_default()
                .push(score(&image, &jpeg));
            if let Some(dir) = &out_dir {
                if let Ok(m) = std::fs::read(dir.join("moz").join(format!("{name}-{q}.jpg"))) {
                    moz.entry(name.clone()).or_default().push(score(&image, &m));
                }
            }
        }
    }
    for (name, pts) in &ours {
        let cells: Vec<String> = pts
            .iter()
            .map(|p| format!("{:.2}/{:.1}", p.bpp, p.ssim2))
            .collect();
        println!("{name:<32} {}", cells.join(" "));
    }
    println!("encode time {millis} ms");
    let Some(dir) = out_dir else { return };
    if !moz.is_empty() {
        report("mozjpeg", &moz, &ours);
    }
    let mut saved: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    saved.sort();
    for path in saved {
        report(
            &path.file_stem().unwrap().to_string_lossy(),
            &load_tsv(&path),
            &ours,
        );
    }
    if let Ok(label) = std::env::var("JSWEEP_SAVE") {
        let mut tsv = String::new();
        for (name, pts) in &ours {
            for p in pts {
                tsv += &format!("{name}\t{}\t{}\t{}\n", p.bpp, p.ssim2, p.psnr);
            }
        }
        std::fs::write(dir.join(format!("{label}.tsv")), tsv).unwrap();
    }
}
