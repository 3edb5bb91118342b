//! Native criterion benches for the hot paths: JPEG encode, lossless PNG encode, and scoring.
//! `cargo bench` runs them; they read a Kodak photo from the shared corpus where it exists and make a
//! photo-like image in code where it does not. The in-browser comparison with other encoders is
//! `npm run bench`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, Criterion, Throughput};
    use pixsqueeze::{decode, encode, measure, Effort, Format, Image, Limits, Options, Rgba8};
    use std::path::Path;

    /// kodim23 (768x512) from the corpus, or smooth gradients with noise when the corpus is absent.
    fn photo() -> Rgba8 {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/photos/kodim23.png");
        if let Ok(bytes) = std::fs::read(&path) {
            if let Ok(img) = decode(&bytes, &Limits::default()) {
                return img;
            }
        }
        println!(
            "SKIP corpus: {} not found; benching a made-up photo",
            path.display()
        );
        let (w, h) = (768u32, 512u32);
        let mut seed = 0x2545_f491u32;
        let mut data = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            for x in 0..w {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let n = (seed % 17) as i32 - 8;
                let wave = (60.0 * (x as f32 / 9.0).sin() * (y as f32 / 13.0).cos()) as i32;
                data.extend(
                    [
                        (x * 255 / w) as i32 + n,
                        (y * 255 / h) as i32 + n,
                        128 + wave + n,
                        255,
                    ]
                    .map(|v| v.clamp(0, 255) as u8),
                );
            }
        }
        Rgba8::new(w, h, data).expect("sizes match")
    }

    fn benches(c: &mut Criterion) {
        let img = photo();
        let image: Image = img.clone().into();
        let mut g = c.benchmark_group("encode");
        g.throughput(Throughput::Elements(u64::from(img.width() * img.height())));
        g.sample_size(10);
        for q in [75u8, 90] {
            let opts = Options::new(Format::Jpeg).with_quality(q);
            g.bench_function(format!("jpeg q{q}"), |b| b.iter(|| encode(&image, &opts)));
        }
        for effort in [Effort::Fast, Effort::Default] {
            let opts = Options {
                effort: Some(effort),
                ..Options::new(Format::Png)
            };
            g.bench_function(format!("png {effort:?}"), |b| {
                b.iter(|| encode(&image, &opts))
            });
        }
        g.finish();

        let jpeg = encode(&image, &Options::new(Format::Jpeg)).expect("encodes");
        let back = decode(&jpeg, &Limits::default()).expect("our JPEG decodes");
        c.bench_function("measure (MSE, PSNR, SSIMULACRA2)", |b| {
            b.iter(|| measure(&img, &back))
        });
    }

    criterion_group!(group, benches);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::group);

#[cfg(target_arch = "wasm32")]
fn main() {}
