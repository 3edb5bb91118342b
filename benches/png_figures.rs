//! Whole lossless PNG encodes per effort on the quick bench's images (kodim01, kodim23, the text
//! screenshot) and on the Kodak photos plus the screenshot: bytes and milliseconds, printed. A bench,
//! not a test (it was an `#[ignore]`d figure printer among the unit tests):
//!
//! ```text
//! cargo bench --bench png_figures
//! ```

use pixsqueeze::{decode, encode, Format, Image, Limits, Options};

fn main() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(photos) = std::fs::read_dir(corpus.join("photos")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no corpus at {}: under CI=true the bench needs it",
            corpus.display()
        );
        println!("SKIP: no corpus at {}", corpus.display());
        return;
    };
    let mut files: Vec<_> = photos
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains("kodim"))
        .collect();
    files.sort();
    files.push(corpus.join("special/screenshot-lorem-ipsum-firefox.png"));
    let quick = [
        "kodim01.png",
        "kodim23.png",
        "screenshot-lorem-ipsum-firefox.png",
    ];
    for effort in ["fast", "default", "max"] {
        let opts = Options::new(Format::Png).with("effort", effort);
        let (mut all, mut some) = ((0, 0f64), (0, 0f64));
        for path in &files {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let image: Image = decode(&bytes, &Limits::default()).expect("decodes").into();
            let t = std::time::Instant::now();
            let out = encode(&image, &opts).expect("encodes");
            let dt = t.elapsed().as_secs_f64() * 1e3;
            all = (all.0 + out.len(), all.1 + dt);
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if quick.contains(&name.as_ref()) {
                some = (some.0 + out.len(), some.1 + dt);
                println!("{effort:?} {name}: {} B {dt:.0} ms", out.len());
            }
        }
        println!(
            "{effort:?}: quick three {} B {:.0} ms; all {} B {:.0} ms",
            some.0, some.1, all.0, all.1
        );
    }
}
