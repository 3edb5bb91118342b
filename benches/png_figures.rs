//! Whole lossless PNG encodes per effort on the quick bench's images (kodim01, kodim23, the text
//! screenshot) and on the Kodak photos plus the screenshot: bytes and milliseconds, printed; then each
//! DEFLATE level alone on the same images' filtered rows (and an indexed graphic), beside miniz_oxide
//! at the level it replaced (`src/codecs/png/deflate-notes.md`); `PIXSQUEEZE_DUMP=dir` keeps those
//! rows for other compressors. A bench, not a test (these were `#[ignore]`d figure printers among the
//! unit tests):
//!
//! ```text
//! cargo bench --bench png_figures
//! ```

use std::path::PathBuf;
use std::time::Instant;

use pixsqueeze::fuzzing::{png_filtered_rows, zlib};
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
    files.push(corpus.join("special/graphic-exoplanet-diagram-indexed-4k.png"));
    deflate_levels(&files);
}

/// Bytes and time of each DEFLATE level on the images' filtered rows, next to miniz_oxide at level 6.
fn deflate_levels(files: &[PathBuf]) {
    let dump = std::env::var_os("PIXSQUEEZE_DUMP");
    let names = ["miniz6", "fast", "default", "max"];
    let mut totals = [(0usize, 0f64); 4];
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let image: Image = decode(&bytes, &Limits::default()).expect("decodes").into();
        let raw = png_filtered_rows(&image);
        if let Some(dir) = &dump {
            let name = path.file_stem().unwrap_or_default();
            let _ = std::fs::write(std::path::Path::new(dir).join(name), &raw);
        }
        let mut line = format!(
            "{:>40}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        for (i, total) in totals.iter_mut().enumerate() {
            let t = Instant::now();
            let z = match i {
                0 => miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6),
                level => zlib(&raw, level as u8 - 1),
            };
            let dt = t.elapsed().as_secs_f64() * 1e3;
            assert!(miniz_oxide::inflate::decompress_to_vec_zlib(&z).is_ok_and(|b| b == raw));
            total.0 += z.len();
            total.1 += dt;
            line += &format!(" {}: {} B {dt:.0} ms", names[i], z.len());
        }
        println!("{line}");
    }
    for (name, (b, t)) in names.iter().zip(totals) {
        println!("total {name}: {b} B {t:.0} ms");
    }
}
