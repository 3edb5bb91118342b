//! Native criterion benches for the hot paths: JPEG encode, lossless PNG encode (our DEFLATE at
//! each effort), and scoring.
//! `cargo bench` runs them; they read a Kodak photo from the shared corpus where it exists and make a
//! photo-like image in code where it does not. The in-browser comparison with other encoders is
//! `npm run bench`.

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, Criterion, Throughput};
    use pixsqueeze::{decode, encode, measure, Format, Image, Limits, Options, Rgba8};
    use std::path::Path;

    /// kodim23 (768x512) from the corpus, or the tests' photo-like fixture when the corpus is absent.
    fn photo() -> Rgba8 {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/photos/kodim23.png");
        if let Ok(Ok(img)) = std::fs::read(&path).map(|b| decode(&b, &Limits::default())) {
            return img;
        }
        println!(
            "SKIP corpus: {} not found; benching a made-up photo",
            path.display()
        );
        super::common::photo_like(768, 512).into_rgba8()
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
        for effort in ["fast", "default", "max"] {
            let opts = Options::new(Format::Png).with("effort", effort);
            g.bench_function(format!("png {effort}"), |b| {
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
