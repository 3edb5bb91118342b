//! The native measurements behind AVIF's settings (`src/codecs/avif-notes.md`): a bench, not a test.
//! Run with `cargo bench --bench avif_sweep`; it writes one JSON line per
//! encode to `target/avif-sweep.jsonl` (`node bench/avif-sweep.mjs` turns them into BD-rates).
//! `AVIF_SWEEP` picks the parts (`default`, `avif`, `speed`, `knobs`, `chroma`, `deep`, `aom`),
//! `AVIF_SWEEP_IMAGES` how many of the Kodak photos (every third) to use, `AVIF_SWEEP_KNOBS` which
//! knobs (all by default), `AVIF_SWEEP_BASE` the speed preset they change (8, the default speed),
//! `AVIF_SWEEP_COMBO` the knobs the `combo` knob sets together (`a+b`).
#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::time::Instant;

use pixsqueeze::fuzzing::avif_tuned;
use pixsqueeze::{decode_full, encode, measure, Image, Limits, Options, Rgba16};
use rav1e::prelude::{
    BlockSize, EncoderConfig, PartitionRange, PredictionModesSetting, SGRComplexityLevel,
    SegmentationLevel, Tune,
};

fn opts(json: &str) -> Options {
    serde_json::from_str(json).expect("sweep options parse")
}

struct Out(std::fs::File);

impl Out {
    fn point(&mut self, image: &str, codec: &str, q: u32, original: &Image, file: &[u8], ms: f64) {
        let back = decode_full(file, &Limits::default())
            .expect("decodes")
            .image;
        let m = measure(&original.rgba8(), &back.rgba8()).expect("same size");
        let line = format!(
            r#"{{"image":"{image}","codec":"{codec}","q":{q},"bytes":{},"ms":{ms:.1},"psnr":{:.3},"ssimulacra2":{:.3}}}"#,
            file.len(),
            m.psnr,
            m.ssimulacra2.unwrap_or(f64::NAN)
        );
        println!("{line}");
        writeln!(self.0, "{line}").expect("writes");
    }
}

/// One change to rav1e's configuration at the base speed (`AVIF_SWEEP_BASE`, default 8), by name.
type Knob = (&'static str, fn(&mut EncoderConfig));

/// The settings that matter for a still picture, each changed alone from the base speed's preset
/// (rav1e's presets and ravif's tweaks name them; the lower presets' values are the ones tried).
const KNOBS: &[Knob] = &[
    ("base", |_| {}),
    ("psnr", |c| c.tune = Tune::Psnr),
    ("rdo-tx", |c| {
        c.speed_settings.transform.rdo_tx_decision = true
    }),
    ("full-tx-set", |c| {
        c.speed_settings.transform.reduced_tx_set = false
    }),
    ("tx-domain-rate", |c| {
        c.speed_settings.transform.tx_domain_rate = true
    }),
    ("no-fine-intra", |c| {
        c.speed_settings.prediction.fine_directional_intra = false
    }),
    ("complex-modes", |c| {
        c.speed_settings.prediction.prediction_modes = PredictionModesSetting::ComplexAll;
    }),
    ("simple-modes", |c| {
        c.speed_settings.prediction.prediction_modes = PredictionModesSetting::Simple;
    }),
    ("part-4-64", |c| {
        c.speed_settings.partition.partition_range =
            PartitionRange::new(BlockSize::BLOCK_4X4, BlockSize::BLOCK_64X64);
    }),
    ("part-16-32", |c| {
        c.speed_settings.partition.partition_range =
            PartitionRange::new(BlockSize::BLOCK_16X16, BlockSize::BLOCK_32X32);
    }),
    ("part-8-32", |c| {
        c.speed_settings.partition.partition_range =
            PartitionRange::new(BlockSize::BLOCK_8X8, BlockSize::BLOCK_32X32);
    }),
    ("nonsq-16", |c| {
        c.speed_settings
            .partition
            .non_square_partition_max_threshold = BlockSize::BLOCK_16X16;
    }),
    ("nonsq-64", |c| {
        c.speed_settings
            .partition
            .non_square_partition_max_threshold = BlockSize::BLOCK_64X64;
    }),
    ("bottomup", |c| {
        c.speed_settings.partition.encode_bottomup = true
    }),
    ("no-cdef", |c| c.speed_settings.cdef = false),
    ("lrf", |c| c.speed_settings.lrf = true),
    ("no-lrf", |c| c.speed_settings.lrf = false),
    ("lrf-sgr-full", |c| {
        c.speed_settings.lrf = true;
        c.speed_settings.sgr_complexity = SGRComplexityLevel::Full;
    }),
    ("fast-deblock", |c| c.speed_settings.fast_deblock = true),
    ("slow-deblock", |c| c.speed_settings.fast_deblock = false),
    ("seg-off", |c| {
        c.speed_settings.segmentation = SegmentationLevel::Disabled
    }),
    ("seg-complex", |c| {
        c.speed_settings.segmentation = SegmentationLevel::Complex
    }),
    ("combo", |c| combo(c)),
];

/// The winners of the single-knob sweep together (`AVIF_SWEEP_COMBO`: knob names joined by `+`).
fn combo(c: &mut EncoderConfig) {
    let names = std::env::var("AVIF_SWEEP_COMBO").unwrap_or_default();
    for name in names.split('+').filter(|n| !n.is_empty()) {
        let (_, tweak) = KNOBS
            .iter()
            .find(|(k, _)| *k == name && *k != "combo")
            .unwrap_or_else(|| panic!("unknown knob {name}"));
        tweak(c);
    }
}

/// PSNR over the RGB samples of two 16-bit images of one size.
fn psnr16(a: &Rgba16, b: &Rgba16) -> f64 {
    let (mut sum, mut n) = (0f64, 0f64);
    for (p, q) in a.data().chunks_exact(4).zip(b.data().chunks_exact(4)) {
        for c in 0..3 {
            let d = f64::from(p[c]) - f64::from(q[c]);
            sum += d * d;
            n += 1.0;
        }
    }
    10.0 * (65535f64 * 65535.0 / (sum / n)).log10()
}

/// The process's CPU time in ms (user + system, from /proc: 10 ms ticks), which others' builds on a
/// shared machine disturb far less than the wall clock; `None` off Linux.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// `f`'s output and its time in ms: CPU time where /proc gives it, else wall time.
fn timed(f: impl FnOnce() -> Vec<u8>) -> (Vec<u8>, f64) {
    let (t, cpu) = (Instant::now(), cpu_ms());
    let out = f();
    match (cpu, cpu_ms()) {
        (Some(a), Some(b)) => (out, b - a),
        _ => (out, t.elapsed().as_secs_f64() * 1000.0),
    }
}

fn main() {
    let parts = std::env::var("AVIF_SWEEP").unwrap_or_else(|_| "default".into());
    let files: Vec<_> = common::corpus_files("photos")
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("kodim"))
        .step_by(3)
        .take(std::env::var("AVIF_SWEEP_IMAGES").map_or(usize::MAX, |n| n.parse().unwrap_or(1)))
        .collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/avif-sweep.jsonl");
    let mut out = Out(std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("opens"));
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(file).expect("reads");
        let image = decode_full(&bytes, &Limits::default())
            .expect("decodes")
            .image;
        for part in parts.split(',') {
            match part {
                // Our JPEG and our AVIF at the default speed over the quality range.
                "default" => {
                    for q in [30, 40, 50, 60, 70, 75, 80, 90, 95] {
                        let (f, ms) = timed(|| {
                            encode(
                                &image,
                                &opts(&format!(r#"{{"format":"jpeg","quality":{q}}}"#)),
                            )
                            .unwrap()
                        });
                        out.point(&name, "jpeg", q, &image, &f, ms);
                    }
                    for q in [20, 30, 40, 50, 60, 70, 80, 90] {
                        let (f, ms) = timed(|| {
                            encode(
                                &image,
                                &opts(&format!(r#"{{"format":"avif","quality":{q}}}"#)),
                            )
                            .unwrap()
                        });
                        out.point(&name, "avif", q, &image, &f, ms);
                    }
                }
                // AVIF alone at the qualities `AVIF_SWEEP_Q` lists (default 50,60,70).
                "avif" => {
                    let qs = std::env::var("AVIF_SWEEP_Q").unwrap_or_else(|_| "50,60,70".into());
                    for q in qs.split(',').map(|q| q.parse::<u32>().expect("a quality")) {
                        let (f, ms) = timed(|| {
                            encode(
                                &image,
                                &opts(&format!(r#"{{"format":"avif","quality":{q}}}"#)),
                            )
                            .unwrap()
                        });
                        out.point(&name, "avif", q, &image, &f, ms);
                    }
                }
                "speed" => {
                    for speed in [4, 5, 6, 7, 8, 9, 10] {
                        for q in [30, 50, 70, 85] {
                            let (f, ms) = timed(|| {
                                encode(
                                    &image,
                                    &opts(&format!(r#"{{"format":"avif","quality":{q},"speed":{speed},"subsampling":"4:2:0"}}"#)),
                                )
                                .unwrap()
                            });
                            out.point(&name, &format!("avif-s{speed}"), q, &image, &f, ms);
                        }
                    }
                }
                // Each knob alone at the base speed, 4:2:0.
                "knobs" => {
                    let only = std::env::var("AVIF_SWEEP_KNOBS").unwrap_or_default();
                    let base: u8 =
                        std::env::var("AVIF_SWEEP_BASE").map_or(8, |s| s.parse().expect("a speed"));
                    for (knob, tweak) in KNOBS {
                        if !only.is_empty() && !only.split(',').any(|k| k == *knob) {
                            continue;
                        }
                        for q in [30, 50, 70, 85] {
                            let o = opts(&format!(
                                r#"{{"format":"avif","quality":{q},"speed":{base},"subsampling":"4:2:0"}}"#
                            ));
                            let (f, ms) = timed(|| avif_tuned(&image, &o, tweak).unwrap());
                            out.point(&name, &format!("avif-s{base}-{knob}"), q, &image, &f, ms);
                        }
                    }
                }
                // 8 against 10 bits from a 16-bit copy of the photo: scores on 8 bits, and PSNR
                // on 16 (printed).
                "deep" => {
                    let deep = Image::Rgba16(
                        Rgba16::new(
                            image.width(),
                            image.height(),
                            image
                                .rgba8()
                                .data()
                                .iter()
                                .map(|&v| u16::from(v) * 257)
                                .collect(),
                        )
                        .unwrap(),
                    );
                    for depth in ["8", "10"] {
                        for q in [30, 50, 70, 85] {
                            let (f, ms) = timed(|| {
                                encode(
                                    &deep,
                                    &opts(&format!(
                                        r#"{{"format":"avif","quality":{q},"bitDepth":"{depth}","subsampling":"4:2:0"}}"#
                                    )),
                                )
                                .unwrap()
                            });
                            let back = decode_full(&f, &Limits::default()).unwrap().image;
                            if let (Image::Rgba16(a), Image::Rgba16(b)) = (&deep, &back) {
                                eprintln!("{name} {depth}-bit q{q}: PSNR16 {:.3}", psnr16(a, b));
                            }
                            out.point(&name, &format!("avif-{depth}bit"), q, &image, &f, ms);
                        }
                    }
                }
                "chroma" => {
                    for sub in ["4:2:0", "4:4:4"] {
                        for q in [70, 80, 85, 90, 95] {
                            let (f, ms) = timed(|| {
                                encode(
                                    &image,
                                    &opts(&format!(
                                        r#"{{"format":"avif","quality":{q},"subsampling":"{sub}"}}"#
                                    )),
                                )
                                .unwrap()
                            });
                            out.point(&name, &format!("avif-{sub}"), q, &image, &f, ms);
                        }
                    }
                }
                // libaom through avifenc (native, SIMD: sizes comparable, times not).
                "aom" => {
                    let png = encode(&image, &opts(r#"{"format":"png","effort":"fast"}"#)).unwrap();
                    for qi in [10, 18, 26, 34, 42, 50] {
                        let args = [
                            "--speed",
                            "6",
                            "--yuv",
                            "420",
                            "--min",
                            &qi.to_string(),
                            "--max",
                            &qi.to_string(),
                        ];
                        // Wall time: avifenc is another process.
                        let t = Instant::now();
                        let Some(f) = common::avif_from_elsewhere_args(&png, &args) else {
                            return;
                        };
                        let ms = t.elapsed().as_secs_f64() * 1000.0;
                        out.point(&name, "libaom-s6", 63 - qi, &image, &f, ms);
                    }
                }
                other => panic!("unknown part {other}"),
            }
        }
    }
}
