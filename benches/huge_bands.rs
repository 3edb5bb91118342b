//! Huge images in bands (README, "Memory"): a 20000 x 15000 (300-megapixel) gradient with noise, as a
//! PNG made here a row at a time, to PNG and to JPEG through `compress` with raised `maxPixels` (and so
//! in bands): time and peak heap, printed. A bench, not a test (minutes long):
//!
//! ```text
//! cargo bench --bench huge_bands
//! cargo bench --bench huge_bands -- jpeg   # one format alone
//! ```
//!
//! The same jobs in wasm: `npm run bench:huge`.

#[path = "../tests/common/counting.rs"]
#[allow(dead_code)]
mod counting;

use counting::peak_of;
use pixsqueeze::{compress, Options};

const MB: f64 = 1e6;

fn main() {
    let (w, h) = (20_000u32, 15_000u32);
    // Written to a temporary file (the stream writer wants to own its output), then read back.
    let path = std::env::temp_dir().join(format!("pixsqueeze-300mp-{}.png", std::process::id()));
    {
        let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut encoder = png::Encoder::new(file, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder
            .write_header()
            .unwrap()
            .into_stream_writer()
            .unwrap();
        let mut state = 0x2545_f491_u32;
        let mut row = vec![0u8; w as usize * 3];
        for y in 0..h {
            for (x, p) in row.chunks_exact_mut(3).enumerate() {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let n = state & 7;
                let x = x as u32;
                p[0] = (x * 240 / w + n) as u8;
                p[1] = (y * 240 / h + (n >> 1)) as u8;
                p[2] = ((x + y) * 120 / (w + h) + 60 + (n & 3)) as u8;
            }
            std::io::Write::write_all(&mut writer, &row).unwrap();
        }
        writer.finish().unwrap();
    }
    let png = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let rgba = f64::from(w) * f64::from(h) * 4.0;
    println!(
        "300 MP fixture: {:.1} MB of PNG, RGBA {:.0} MB",
        png.len() as f64 / MB,
        rgba / MB
    );
    // Formats named on the command line (cargo passes `--bench` too), or both.
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    // JPEG with optimal tables (two passes over the input) and with the standard ones (one).
    for (format, extra) in [
        ("png", ""),
        ("jpeg", ""),
        ("jpeg", r#","optimizeHuffman":false"#),
    ] {
        if !named.is_empty() && !named.iter().any(|n| n == format) {
            continue;
        }
        let json = format!(
            r#"{{"format":"{format}"{extra},"limits":{{"maxPixels":300000000,"maxInputBytes":4000000000}}}}"#
        );
        let options: Options = serde_json::from_str(&json).unwrap();
        let started = std::time::Instant::now();
        let (r, peak) = peak_of(|| compress(&png, &options).expect("compresses"));
        println!(
            "300 MP to {format}{extra}: {:.1} s, {:.1} MB out, PSNR {:.2}, peak heap {:.1} MB ({:.2}x RGBA; \
             {:.1} MB beyond the input and output files)",
            started.elapsed().as_secs_f64(),
            r.data.len() as f64 / MB,
            r.psnr,
            peak as f64 / MB,
            peak as f64 / rgba,
            (peak as f64 - r.data.len() as f64) / MB,
        );
    }
}
