//! Fixtures made in code, so the suite means something on any machine, and access to the shared corpus
//! where it exists (`../shared/corpus`, beside the checkout), skipped with a printed reason where not.
#![allow(dead_code)]

use std::path::PathBuf;

use pixsqueeze::Rgba8;

/// A smooth colour gradient with mild deterministic noise: photo-like content.
pub fn photo_like(width: u32, height: u32) -> Rgba8 {
    let mut state = 0x2545_f491_u32;
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            // xorshift32: deterministic noise without a dependency.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state % 9) as i32 - 4;
            let r = (x * 255 / width.max(1)) as i32 + noise;
            let g = (y * 255 / height.max(1)) as i32 - noise;
            let b = ((x + y) * 127 / (width + height).max(1)) as i32 + 64 + noise;
            data.extend([r, g, b].map(|c| c.clamp(0, 255) as u8));
            data.push(255);
        }
    }
    Rgba8::new(width, height, data).expect("fixture dimensions are consistent")
}

/// Black strokes on white: text-like hard edges.
pub fn text_like(width: u32, height: u32) -> Rgba8 {
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let ink = (x % 7 < 2 && y % 11 < 8) || (y % 11 == 3 && x % 23 < 15);
            let v = if ink { 20 } else { 250 };
            data.extend([v, v, v, 255]);
        }
    }
    Rgba8::new(width, height, data).expect("fixture dimensions are consistent")
}

/// A colour ramp whose alpha runs from 0 at the left to 255 at the right.
pub fn alpha_ramp(width: u32, height: u32) -> Rgba8 {
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let a = (x * 255 / (width - 1).max(1)) as u8;
            data.extend([(y * 255 / height.max(1)) as u8, 90, 200, a]);
        }
    }
    Rgba8::new(width, height, data).expect("fixture dimensions are consistent")
}

/// `../shared/corpus/<sub>` if it exists; otherwise prints why the caller skips and returns `None`.
pub fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIP: {} not found; corpus tests need the shared corpus beside the checkout",
            dir.display()
        );
        None
    }
}

/// Every file in a corpus folder, sorted, or an empty list (with the skip printed) where there is none.
pub fn corpus_files(sub: &str) -> Vec<PathBuf> {
    let Some(dir) = corpus_dir(sub) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus folder is readable")
        .map(|e| e.expect("corpus entry is readable").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}
