//! Filtering, DEFLATE and the PNG chunk stream, written directly so that pixsqueeze controls every
//! choice that decides the file's size.

use super::deflate::{self, Deflater, Level};
use super::reduce::{ColorType, Packed};
use crate::options::Effort;

/// PNG's five row filters, by their type byte.
const FILTERS: [u8; 5] = [0, 1, 2, 3, 4];

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Writes `filter`(row) into `out`; `prev` is the previous unfiltered row (zeros for the first).
fn filter_row(filter: u8, row: &[u8], prev: &[u8], bpp: usize, out: &mut [u8]) {
    for i in 0..row.len() {
        let a = if i >= bpp { row[i - bpp] } else { 0 };
        let b = prev[i];
        let c = if i >= bpp { prev[i - bpp] } else { 0 };
        let predicted = match filter {
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            4 => paeth(a, b, c),
            _ => 0,
        };
        out[i] = row[i].wrapping_sub(predicted);
    }
}

/// How rows choose their filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    /// The same filter on every row.
    Fixed(u8),
    /// Per row, the filter whose output has the smallest sum of absolute (signed) values: the
    /// classic heuristic that tracks how well DEFLATE will do.
    MinSum,
}

/// Feeds `packed`'s rows, each filtered and led by its filter byte, to `sink`: one row at a time,
/// so that the filtered image never exists whole.
fn filter_into(packed: &Packed, strategy: Strategy, mut sink: impl FnMut(&[u8])) {
    let row_len = packed.row_bytes();
    let bpp = packed.bits_per_pixel().div_ceil(8).max(1);
    let zero = vec![0u8; row_len];
    let mut trial = vec![0u8; row_len];
    let mut best = vec![0u8; row_len + 1];
    let mut prev: &[u8] = &zero;
    for row in packed.data.chunks_exact(row_len) {
        let (filter_byte, out) = best.split_at_mut(1);
        filter_byte[0] = match strategy {
            Strategy::Fixed(f) => {
                filter_row(f, row, prev, bpp, out);
                f
            }
            Strategy::MinSum => {
                let mut best_filter = 0;
                let mut best_sum = u64::MAX;
                for f in FILTERS {
                    filter_row(f, row, prev, bpp, &mut trial);
                    let sum: u64 = trial
                        .iter()
                        .map(|&v| u64::from((v as i8).unsigned_abs()))
                        .sum();
                    if sum < best_sum {
                        best_sum = sum;
                        best_filter = f;
                        out.copy_from_slice(&trial);
                    }
                }
                best_filter
            }
        };
        sink(&best);
        prev = row;
    }
}

fn compress(packed: &Packed, strategy: Strategy, level: Level) -> Vec<u8> {
    let mut sink = Deflater::new(level);
    filter_into(packed, strategy, |row| sink.write(row));
    sink.finish()
}

/// The filter strategies an effort tries; the smallest result wins.
fn strategies(packed: &Packed, effort: Effort) -> Vec<Strategy> {
    // Palettes and sub-byte gray rarely gain from filtering: their values are labels or coarse levels.
    let unfiltered_first = packed.color == ColorType::Indexed || packed.depth < 8;
    match effort {
        Effort::Fast | Effort::Default if unfiltered_first => vec![Strategy::Fixed(0)],
        Effort::Fast | Effort::Default => vec![Strategy::MinSum],
        Effort::Max => {
            let mut all = vec![Strategy::MinSum];
            all.extend(FILTERS.map(Strategy::Fixed));
            all
        }
    }
}

fn deflate_level(effort: Effort) -> Level {
    match effort {
        Effort::Fast => Level::Fast,
        Effort::Default => Level::Default,
        Effort::Max => Level::Max,
    }
}

/// The smallest zlib stream of `packed`'s filtered rows this effort finds. With several strategies,
/// they are ranked at the fast level and only the winner is compressed at the effort's level: the
/// ranking rarely changes between levels, and the strongest level is the costly part.
pub fn compressed_idat(packed: &Packed, effort: Effort) -> Vec<u8> {
    let candidates = strategies(packed, effort);
    let best = if candidates.len() == 1 {
        candidates[0]
    } else {
        candidates
            .into_iter()
            .min_by_key(|&s| compress(packed, s, Level::Fast).len())
            .unwrap_or(Strategy::MinSum)
    };
    compress(packed, best, deflate_level(effort))
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    out.extend(kind);
    out.extend(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend(crc.finalize().to_be_bytes());
}

/// A whole PNG file: signature, IHDR, iCCP, PLTE, tRNS, IDAT, IEND.
pub fn file(packed: &Packed, idat: &[u8], icc: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(idat.len() + 1024);
    out.extend(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend(packed.width.to_be_bytes());
    ihdr.extend(packed.height.to_be_bytes());
    ihdr.extend([packed.depth, packed.color as u8, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    if let Some(icc) = icc {
        let mut iccp = b"ICC profile\0\0".to_vec();
        iccp.extend(deflate::zlib(icc, Level::Max));
        chunk(&mut out, b"iCCP", &iccp);
    }
    if packed.color == ColorType::Indexed {
        chunk(&mut out, b"PLTE", &packed.palette.concat());
        if !packed.trns.is_empty() {
            chunk(&mut out, b"tRNS", &packed.trns);
        }
    }
    // Large IDATs split into 1 MiB chunks: some readers cap a single chunk's size.
    for part in idat.chunks(1 << 20) {
        chunk(&mut out, b"IDAT", part);
    }
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paeth_matches_the_specification_examples() {
        assert_eq!(paeth(10, 20, 10), 20);
        assert_eq!(paeth(20, 10, 10), 20);
        assert_eq!(paeth(10, 10, 20), 10);
        assert_eq!(paeth(0, 0, 0), 0);
    }

    /// Bytes and time of each DEFLATE level on the corpus photos and screenshot, next to miniz_oxide
    /// at the level it replaced. `cargo test --release corpus_deflate_figures -- --ignored
    /// --nocapture`; set `PIXSQUEEZE_DUMP=dir` to keep the filtered rows for other compressors.
    #[test]
    #[ignore = "measurement, prints figures"]
    fn corpus_deflate_figures() {
        use std::time::Instant;
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let Ok(photos) = std::fs::read_dir(corpus.join("photos")) else {
            println!("SKIP: no corpus at {}", corpus.display());
            return;
        };
        let mut files: Vec<_> = photos
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().contains("kodim"))
            .collect();
        files.sort();
        files.push(corpus.join("special/screenshot-lorem-ipsum-firefox.png"));
        files.push(corpus.join("special/graphic-exoplanet-diagram-indexed-4k.png"));
        let dump = std::env::var_os("PIXSQUEEZE_DUMP");
        let names = ["miniz6", "fast", "default", "max"];
        let mut totals = [(0usize, 0f64); 4];
        for path in &files {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let image = crate::decode(&bytes, &crate::Limits::default()).expect("decodes");
            let image: crate::Image = image.into();
            let packed = &super::super::reduce::candidates(&image)[0];
            let mut raw = Vec::new();
            filter_into(packed, Strategy::MinSum, |row| raw.extend_from_slice(row));
            if let Some(dir) = &dump {
                let name = path.file_stem().unwrap_or_default();
                let _ = std::fs::write(std::path::Path::new(dir).join(name), &raw);
            }
            let mut line = format!("{:>40}", path.file_name().unwrap_or_default().to_string_lossy());
            for (i, total) in totals.iter_mut().enumerate() {
                let t = Instant::now();
                let z = match i {
                    0 => miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6),
                    1 => deflate::zlib(&raw, Level::Fast),
                    2 => deflate::zlib(&raw, Level::Default),
                    _ => deflate::zlib(&raw, Level::Max),
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
}
