//! The native measurements behind AVIF's settings (`src/codecs/avif-notes.md`): a bench, not a test.
//! Run with `cargo bench --bench avif_sweep`; it writes one JSON line per
//! encode to `target/avif-sweep.jsonl` (`node bench/avif-sweep.mjs` turns them into BD-rates).
//! `AVIF_SWEEP` picks the parts (`default`, `avif`, `speed`, `chroma`, `aom`), `AVIF_SWEEP_IMAGES`
//! how many of the Kodak photos (every third) to use.
#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::time::Instant;

use pixsqueeze::{decode_full, encode, measure, Image, Limits, Options};

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

fn timed(f: impl FnOnce() -> Vec<u8>) -> (Vec<u8>, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64() * 1000.0)
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
                    for speed in [2, 4, 6, 8, 10] {
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
