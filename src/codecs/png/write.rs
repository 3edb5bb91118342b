//! Filtering, DEFLATE and the PNG chunk stream, written directly so that pixsqueeze controls every
//! choice that decides the file's size.

use std::ops::Range;

use super::deflate::{self, Deflater, Level};
use super::reduce::{ColorType, Packed};
use crate::options::Effort;

/// PNG's five row filters, by their type byte.
const FILTERS: [u8; 5] = [0, 1, 2, 3, 4];

#[cfg(test)]
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
/// One loop per filter over whole slices, with no branch inside, so that the compiler vectorises
/// them (SSE2 natively, simd128 in wasm); [`filter_row_bytewise`] is the plain definition the tests
/// hold it to.
fn filter_row(filter: u8, row: &[u8], prev: &[u8], bpp: usize, out: &mut [u8]) {
    let n = row.len();
    let (prev, out) = (&prev[..n], &mut out[..n]);
    // The first pixel has no left neighbour: `a` and `c` are zero there.
    let lead = bpp.min(n);
    let (out_lead, out_rest) = out.split_at_mut(lead);
    let (row_lead, row_rest) = row.split_at(lead);
    let (prev_lead, prev_rest) = prev.split_at(lead);
    let left = &row[..n - lead];
    let up_left = &prev[..n - lead];
    match filter {
        1 => {
            out_lead.copy_from_slice(row_lead);
            for ((o, &x), &a) in out_rest.iter_mut().zip(row_rest).zip(left) {
                *o = x.wrapping_sub(a);
            }
        }
        2 => {
            for ((o, &x), &b) in out.iter_mut().zip(row).zip(prev) {
                *o = x.wrapping_sub(b);
            }
        }
        3 => {
            for ((o, &x), &b) in out_lead.iter_mut().zip(row_lead).zip(prev_lead) {
                *o = x.wrapping_sub(b >> 1);
            }
            for (((o, &x), &a), &b) in out_rest.iter_mut().zip(row_rest).zip(left).zip(prev_rest) {
                // (a + b) / 2 without leaving 8 bits.
                *o = x.wrapping_sub((a & b) + ((a ^ b) >> 1));
            }
        }
        4 => {
            // Paeth with a = c = 0 predicts b.
            for ((o, &x), &b) in out_lead.iter_mut().zip(row_lead).zip(prev_lead) {
                *o = x.wrapping_sub(b);
            }
            let rest = out_rest.iter_mut().zip(row_rest).zip(left);
            for ((((o, &x), &a), &b), &c) in rest.zip(prev_rest).zip(up_left) {
                *o = x.wrapping_sub(paeth_branchless(a, b, c));
            }
        }
        _ => out.copy_from_slice(row),
    }
}

/// [`paeth`] as selects rather than branches: p - a = b - c, p - b = a - c, p - c = a + b - 2c.
#[inline]
fn paeth_branchless(a: u8, b: u8, c: u8) -> u8 {
    let (a16, b16, c16) = (i16::from(a), i16::from(b), i16::from(c));
    let pa = (b16 - c16).abs();
    let pb = (a16 - c16).abs();
    let pc = (a16 + b16 - 2 * c16).abs();
    let b_or_c = if pb <= pc { b } else { c };
    if pa <= pb && pa <= pc {
        a
    } else {
        b_or_c
    }
}

/// The filters byte by byte, as the PNG specification defines them: what [`filter_row`] must equal.
#[cfg(test)]
fn filter_row_bytewise(filter: u8, row: &[u8], prev: &[u8], bpp: usize, out: &mut [u8]) {
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
pub(super) enum Strategy {
    /// The same filter on every row.
    Fixed(u8),
    /// Per row, the filter whose output has the smallest sum of absolute (signed) values: the
    /// classic heuristic that tracks how well DEFLATE will do.
    MinSum,
    /// Per row, the filter whose output bytes have the lowest order-0 entropy.
    Entropy,
    /// Per row, the filter whose output has the fewest distinct byte pairs: repeated pairs are
    /// what LZ77 matches are made of.
    Bigrams,
}

/// `n·log2(n)` in 1/16 bits for byte counts, for the entropy heuristic.
fn entropy_cost(out: &[u8], hist: &mut [u32; 256]) -> u64 {
    hist.fill(0);
    for &v in out {
        hist[usize::from(v)] += 1;
    }
    let n = out.len() as f32;
    let mut bits = 0f32;
    for &c in hist.iter() {
        if c > 0 {
            let c = c as f32;
            bits -= c * (c / n).log2();
        }
    }
    bits as u64
}

/// Bytes between the checks of the row heuristics that stop early: long enough to keep their
/// inner loops tight (and the sum's vectorised), short enough to stop soon after losing.
const STOP_CHECK: usize = 256;

/// The number of distinct byte pairs in `out`, or, once it reaches `stop`, some count at least
/// `stop`: a filter whose count reaches the best one so far cannot win, and the count only grows.
fn distinct_bigrams(out: &[u8], seen: &mut [u64; 1024], stop: u64) -> u64 {
    seen.fill(0);
    let mut count = 0;
    let Some(last) = out.len().checked_sub(1) else {
        return 0;
    };
    for start in (0..last).step_by(STOP_CHECK) {
        let end = (start + STOP_CHECK).min(last) + 1;
        for pair in out[start..end].windows(2) {
            let k = usize::from(pair[0]) << 8 | usize::from(pair[1]);
            // Branch-free: whether a pair is new is as good as random on photos.
            let word = seen[k >> 6];
            count += !(word >> (k & 63)) & 1;
            seen[k >> 6] = word | 1u64 << (k & 63);
        }
        if count >= stop {
            break;
        }
    }
    count
}

/// The sum of `out`'s absolute signed values, or, once it reaches `stop`, some sum at least
/// `stop` (as [`distinct_bigrams`]).
fn abs_sum(out: &[u8], stop: u64) -> u64 {
    let mut sum = 0;
    for chunk in out.chunks(STOP_CHECK) {
        sum += chunk
            .iter()
            .map(|&v| u64::from((v as i8).unsigned_abs()))
            .sum::<u64>();
        if sum >= stop {
            break;
        }
    }
    sum
}

/// Feeds `packed`'s rows, each filtered and led by its filter byte, to `sink`: one row at a time,
/// so that the filtered image never exists whole.
fn filter_into(packed: &Packed, strategy: Strategy, sink: impl FnMut(&[u8])) {
    filter_rows(packed, 0..packed.height as usize, strategy, sink);
}

/// [`filter_into`] for the rows in `rows` only, each filtered exactly as in the whole image.
fn filter_rows(
    packed: &Packed,
    rows: Range<usize>,
    strategy: Strategy,
    mut sink: impl FnMut(&[u8]),
) {
    let row_len = packed.row_bytes();
    if row_len == 0 {
        return;
    }
    let bpp = packed.bits_per_pixel().div_ceil(8).max(1);
    let zero = vec![0u8; row_len];
    let mut filterer = Filterer::new(row_len, bpp);
    let mut prev: &[u8] = match rows.start.checked_sub(1) {
        Some(y) => packed
            .data
            .get(y * row_len..(y + 1) * row_len)
            .unwrap_or(&zero),
        None => &zero,
    };
    let data = packed
        .data
        .get(rows.start * row_len..rows.end * row_len)
        .unwrap_or(&[]);
    for row in data.chunks_exact(row_len) {
        sink(filterer.row(row, prev, strategy));
        prev = row;
    }
}

/// One row's filtering, with the scratch buffers that every row reuses.
pub(super) struct Filterer {
    bpp: usize,
    trial: Vec<u8>,
    best: Vec<u8>,
    hist: [u32; 256],
    seen: [u64; 1024],
    /// The filter the previous row chose (0 before the first).
    last: u8,
}

impl Filterer {
    pub(super) fn new(row_len: usize, bpp: usize) -> Self {
        Filterer {
            bpp,
            trial: vec![0u8; row_len],
            best: vec![0u8; row_len + 1],
            hist: [0; 256],
            seen: [0; 1024],
            last: 0,
        }
    }

    /// `row` filtered as `strategy` chooses, led by its filter byte; `prev` is the previous
    /// unfiltered row (zeros for the first).
    pub(super) fn row(&mut self, row: &[u8], prev: &[u8], strategy: Strategy) -> &[u8] {
        let bpp = self.bpp;
        let (filter_byte, out) = self.best.split_at_mut(1);
        filter_byte[0] = match strategy {
            Strategy::Fixed(f) => {
                filter_row(f, row, prev, bpp, out);
                f
            }
            Strategy::MinSum | Strategy::Entropy | Strategy::Bigrams => {
                // The previous row's filter first: rows alike tend to pick alike, and once a
                // good score is known the others stop early. The winner is still the lowest
                // score, the lowest filter type among equal ones, as in type order.
                let first = self.last;
                let order =
                    std::iter::once(first).chain(FILTERS.into_iter().filter(|&f| f != first));
                let mut best_filter = u8::MAX;
                let mut best_sum = u64::MAX;
                for f in order {
                    filter_row(f, row, prev, bpp, &mut self.trial);
                    // The score `f` must stay below to win.
                    let stop = best_sum.saturating_add(u64::from(f < best_filter));
                    let sum: u64 = match strategy {
                        Strategy::Entropy => entropy_cost(&self.trial, &mut self.hist),
                        Strategy::Bigrams => distinct_bigrams(&self.trial, &mut self.seen, stop),
                        _ => abs_sum(&self.trial, stop),
                    };
                    if sum < stop {
                        best_sum = sum;
                        best_filter = f;
                        out.copy_from_slice(&self.trial);
                    }
                }
                self.last = best_filter;
                best_filter
            }
        };
        &self.best
    }
}

fn compress(packed: &Packed, strategy: Strategy, level: Level) -> Vec<u8> {
    let mut sink = Deflater::new(level);
    filter_into(packed, strategy, |row| sink.write(row));
    sink.finish()
}

/// The filter strategies an effort ranks for a layout. No single heuristic wins everywhere: distinct byte
/// pairs does best on most photos, Sub on some (8 % smaller on kodim03), Up on others (4 % on a 12 MP
/// camera photo), entropy on screenshots.
pub(super) fn strategies(packed: &Packed, effort: Effort) -> Vec<Strategy> {
    // Palettes and sub-byte gray rarely gain from filtering: their values are labels or coarse levels.
    let unfiltered_first = packed.color == ColorType::Indexed || packed.depth < 8;
    match effort {
        Effort::Fast if unfiltered_first => vec![Strategy::Fixed(0)],
        Effort::Fast => vec![Strategy::MinSum],
        Effort::Default if unfiltered_first => {
            vec![Strategy::Fixed(0), Strategy::Entropy, Strategy::Bigrams]
        }
        Effort::Default => vec![Strategy::Bigrams, Strategy::Fixed(1), Strategy::Fixed(2)],
        Effort::Max => {
            let mut all = vec![Strategy::Bigrams, Strategy::Entropy, Strategy::MinSum];
            all.extend(FILTERS.map(Strategy::Fixed));
            all
        }
    }
}

pub(super) fn deflate_level(effort: Effort) -> Level {
    match effort {
        Effort::Fast => Level::Fast,
        Effort::Default => Level::Default,
        Effort::Max => Level::Max,
    }
}

/// Images up to this many pixels are ranked whole; larger ones by a sample.
const SAMPLE_WHOLE: u64 = 1 << 16;

/// Most pixels a sample holds per sixteenth of rows it asks for. Ranking needs enough rows to
/// see which filter suits the picture, not a fixed share of it: on a 12 MP photo a sixteenth of
/// the rows (~760 k pixels per strategy) made the trials a sixth of the encode. The Kodak photos
/// and the screenshot (about 30 k pixels a sample) stay below it, so they rank as before. Half of
/// it (3 rows a band) already ranked the Canon camera photo's strategies wrongly (+3 % bytes).
const SAMPLE_BUDGET: u64 = 1 << 18;

/// The rows that rank strategies: for larger images, a band from each eighth of the image,
/// `sixteenths`/16 of its rows in all but at most `sixteenths` × [`SAMPLE_BUDGET`] pixels. Rows,
/// not bytes, so that every layout sees the same pixels.
fn sample_bands(width: u32, height: u32, sixteenths: usize) -> Vec<Range<usize>> {
    let h = height as usize;
    if u64::from(width) * u64::from(height) <= SAMPLE_WHOLE {
        return std::iter::once(0..h).collect();
    }
    let budget_rows = SAMPLE_BUDGET * sixteenths as u64 / 8 / u64::from(width.max(1));
    let rows = (h * sixteenths / 128)
        .min(usize::try_from(budget_rows).unwrap_or(usize::MAX))
        .max(1);
    (0..8)
        .map(|i| {
            let start = i * h / 8;
            start..(start + rows).min(h)
        })
        .collect()
}

/// The second sample, which decides near ties of the first ([`decide`]): as many rows, each band
/// halfway between two of the first's. None when the first is the whole image, or too short for
/// the two to stay apart.
fn second_bands(width: u32, height: u32, sixteenths: usize) -> Vec<Range<usize>> {
    let h = height as usize;
    let first = sample_bands(width, height, sixteenths);
    if first.len() < 2 || first.iter().any(|r| r.len() > h / 16) {
        return Vec::new();
    }
    first
        .iter()
        .map(|r| r.start + h / 16..(r.end + h / 16).min(h))
        .collect()
}

/// How near the best a trial's size on the first sample must be for the second sample to decide
/// between them: within 1/`NEAR_TIE` of it. A sixteenth of the rows misjudged Up on kodim15 and
/// kodim23 by up to 1.5 % (Bigrams first there, Up 1.9 % and 1.0 % smaller on the whole image);
/// both samples together ranked the twelve Kodak photos as their whole images do, but for kodim09,
/// whose best two are 0.07 % apart (deflate-notes.md, 3 December).
pub(super) const NEAR_TIE: u64 = 50;

/// The least size of the first sample's best stream for a second sample to decide its near ties:
/// shorter streams differ by chance. Palettes' strategies often tie on a short stream (the text
/// screenshot's 2.3 kB, an icon's 114 B), and a second sample as short chose the larger file for
/// both (+0.1 %, +2 %); a sixteenth of a Kodak photo is 30 to 48 kB.
pub(super) const TIE_MIN_BYTES: u64 = 8 << 10;

/// Which trial to encode, from each one's size on the first sample (in trial order): the
/// smallest, unless others come within 1/[`NEAR_TIE`] of it on a stream of at least
/// [`TIE_MIN_BYTES`]; then, of those, the least sum of both samples, `second(i)` sizing trial `i`
/// on the second (`None`: there is no second sample). The first of equals either way.
pub(super) fn decide(first: &[u64], mut second: impl FnMut(usize) -> Option<u64>) -> usize {
    let Some(best) = first.iter().copied().min() else {
        return 0;
    };
    let near: Vec<usize> = (0..first.len())
        .filter(|&i| first[i] <= best + best / NEAR_TIE)
        .collect();
    let pick =
        |sizes: &dyn Fn(usize) -> u64| near.iter().copied().min_by_key(|&i| sizes(i)).unwrap_or(0);
    if near.len() < 2 || best < TIE_MIN_BYTES {
        return pick(&|i| first[i]);
    }
    let mut both = vec![0u64; first.len()];
    for &i in &near {
        match second(i) {
            Some(more) => both[i] = first[i] + more,
            None => return pick(&|i| first[i]),
        }
    }
    pick(&|i| both[i])
}

#[cfg(feature = "full")]
/// The rows [`best_plan`] ranks the strategies of a `width` x `height` image on at this effort,
/// and the rows that decide its near ties: a split ranks them over its workers (split.rs,
/// [`PngSplit::rank`](super::split::PngSplit::rank)).
pub(super) fn sample_rows(
    width: u32,
    height: u32,
    effort: Effort,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let sixteenths = sixteenths(effort);
    (
        sample_bands(width, height, sixteenths),
        second_bands(width, height, sixteenths),
    )
}

fn sixteenths(effort: Effort) -> usize {
    match effort {
        Effort::Max => 4,
        _ => 1,
    }
}

/// How small `rows` of `packed` compress at the ranking level, filtered with `strategy` (each
/// run's first row against the row before it, if any): what strategies are ranked by.
pub(super) fn ranking_size(packed: &Packed, strategy: Strategy, rows: &[Range<usize>]) -> usize {
    let mut sink = Deflater::new(Level::Rank);
    for run in rows {
        filter_rows(packed, run.clone(), strategy, |row| sink.write(row));
    }
    sink.finish().len()
}

/// The rows of `packed`, each behind its min-sum filter byte: what the DEFLATE bench compresses.
pub fn min_sum_rows(packed: &Packed) -> Vec<u8> {
    let mut raw = Vec::new();
    filter_into(packed, Strategy::MinSum, |row| raw.extend_from_slice(row));
    raw
}

/// The smallest zlib stream this effort finds among `layouts` (every one holding the same
/// pixels) and their filter strategies, with the layout it encodes. The pairs are ranked on a
/// sample of rows at a cheaper level, and only the winner is compressed at the effort's level:
/// compressing every candidate whole would multiply the cost. Fast effort trusts the first
/// (most compact-looking) layout.
pub fn best_idat(layouts: &[Packed], effort: Effort) -> Option<(&Packed, Vec<u8>)> {
    let (packed, strategy) = best_plan(layouts, effort)?;
    Some((packed, compress(packed, strategy, deflate_level(effort))))
}

/// The layout and filter strategy [`best_idat`] compresses, ranked as it ranks them (a split
/// encode decides them once for the whole image, then compresses bands of rows apart).
pub(super) fn best_plan(layouts: &[Packed], effort: Effort) -> Option<(&Packed, Strategy)> {
    let layouts = if effort == Effort::Fast {
        layouts.get(..1)?
    } else {
        layouts
    };
    let trials: Vec<(&Packed, Strategy)> = layouts
        .iter()
        .flat_map(|p| strategies(p, effort).into_iter().map(move |s| (p, s)))
        .collect();
    rank(trials, effort)
}

#[cfg(feature = "full")]
/// The strategy [`best_plan`] ranks first for this one layout: a split band ranks its own rows.
pub(super) fn best_strategy(packed: &Packed, effort: Effort) -> Strategy {
    let trials = strategies(packed, effort).into_iter().map(|s| (packed, s));
    rank(trials.collect(), effort).map_or(Strategy::Fixed(0), |(_, s)| s)
}

#[cfg(feature = "full")]
/// The effort's one strategy for this layout, `None` when it ranks several.
pub(super) fn sole_strategy(packed: &Packed, effort: Effort) -> Option<Strategy> {
    match strategies(packed, effort)[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// The trial whose sample compresses smallest at a cheaper level, a second sample deciding near
/// ties ([`decide`]).
fn rank(trials: Vec<(&Packed, Strategy)>, effort: Effort) -> Option<(&Packed, Strategy)> {
    let sixteenths = sixteenths(effort);
    match trials[..] {
        [] => None,
        [only] => Some(only),
        _ => {
            let (w, h) = (trials[0].0.width, trials[0].0.height);
            let size = |(p, s): (&Packed, Strategy), rows: &[Range<usize>]| {
                ranking_size(p, s, rows) as u64
            };
            let first = sample_bands(w, h, sixteenths);
            let sizes: Vec<u64> = trials.iter().map(|&t| size(t, &first)).collect();
            let second = second_bands(w, h, sixteenths);
            let pick = decide(&sizes, |i| {
                (!second.is_empty()).then(|| size(trials[i], &second))
            });
            Some(trials[pick])
        }
    }
}

pub(super) fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
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
    head(&mut out, packed, icc);
    // Large IDATs split into 1 MiB chunks: some readers cap a single chunk's size.
    for part in idat.chunks(IDAT_CHUNK) {
        chunk(&mut out, b"IDAT", part);
    }
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The most bytes one IDAT chunk holds.
pub(super) const IDAT_CHUNK: usize = 1 << 20;

/// Signature, IHDR, iCCP, PLTE and tRNS: everything before the image data.
pub(super) fn head(out: &mut Vec<u8>, packed: &Packed, icc: Option<&[u8]>) {
    out.extend(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend(packed.width.to_be_bytes());
    ihdr.extend(packed.height.to_be_bytes());
    ihdr.extend([packed.depth, packed.color as u8, 0, 0, 0]);
    chunk(out, b"IHDR", &ihdr);
    if let Some(icc) = icc {
        let mut iccp = b"ICC profile\0\0".to_vec();
        iccp.extend(deflate::zlib(icc, Level::Max));
        chunk(out, b"iCCP", &iccp);
    }
    if packed.color == ColorType::Indexed {
        chunk(out, b"PLTE", &packed.palette.concat());
        if !packed.trns.is_empty() {
            chunk(out, b"tRNS", &packed.trns);
        }
    }
}

/// A PNG written as its rows arrive, a band at a time, for images too large to hold whole: one
/// filter strategy for every row (the effort's first), no search over layouts, and the
/// compressed stream moved into IDAT chunks as it grows, so the file is the only thing that
/// grows with the image.
pub struct RowWriter {
    out: Vec<u8>,
    deflater: Deflater,
    pending: Vec<u8>,
    strategy: Strategy,
    filterer: Filterer,
    row_len: usize,
    prev: Vec<u8>,
}

impl RowWriter {
    /// A writer of images laid out as `packed` says (its `data` is not read).
    pub fn new(packed: &Packed, effort: Effort, icc: Option<&[u8]>) -> Self {
        let mut out = Vec::new();
        head(&mut out, packed, icc);
        let row_len = packed.row_bytes();
        let bpp = packed.bits_per_pixel().div_ceil(8).max(1);
        RowWriter {
            out,
            deflater: Deflater::new(deflate_level(effort)),
            pending: Vec::new(),
            strategy: strategies(packed, effort)[0],
            filterer: Filterer::new(row_len, bpp),
            row_len,
            prev: vec![0; row_len],
        }
    }

    /// Filters and compresses whole rows of `data`, packed as the layout says.
    pub fn rows(&mut self, data: &[u8]) {
        for row in data.chunks_exact(self.row_len) {
            let filtered = self.filterer.row(row, &self.prev, self.strategy);
            self.deflater.write(filtered);
            self.prev.copy_from_slice(row);
        }
        self.pending.extend(self.deflater.take_output());
        self.flush(false);
    }

    /// Writes whole IDAT chunks of what is pending (all of it when `last`).
    fn flush(&mut self, last: bool) {
        let whole = if last {
            self.pending.len()
        } else {
            self.pending.len() / IDAT_CHUNK * IDAT_CHUNK
        };
        super::super::grow(&mut self.out, whole + 12 * (whole / IDAT_CHUNK + 2));
        for part in self.pending[..whole].chunks(IDAT_CHUNK) {
            chunk(&mut self.out, b"IDAT", part);
        }
        self.pending.drain(..whole);
    }

    /// The whole file.
    pub fn finish(mut self) -> Vec<u8> {
        let deflater = std::mem::replace(&mut self.deflater, Deflater::new(Level::Fast));
        self.pending.extend(deflater.finish());
        self.flush(true);
        chunk(&mut self.out, b"IEND", &[]);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The second sample is asked for only near ties on long enough streams, and only for the
    /// trials near the best; their sums decide, the first of equals winning.
    #[test]
    fn near_ties_are_decided_by_both_samples() {
        let asked = std::cell::RefCell::new(Vec::new());
        let second = |sizes: &'static [u64]| {
            let asked = &asked;
            move |i: usize| {
                asked.borrow_mut().push(i);
                Some(sizes[i])
            }
        };
        // 2 % apart or more: the first sample decides alone.
        assert_eq!(decide(&[30_000, 30_601, 40_000], second(&[0, 0, 0])), 0);
        assert!(asked.borrow().is_empty());
        // Within 2 %: the two near ones are sized again; the sums reorder them.
        assert_eq!(
            decide(&[30_000, 30_500, 40_000], second(&[31_000, 30_000, 1])),
            1
        );
        assert_eq!(*asked.borrow(), [0, 1]);
        asked.borrow_mut().clear();
        // Equal sums: the first.
        assert_eq!(decide(&[30_500, 30_000], second(&[30_000, 30_500])), 0);
        // Short streams: a tie stays with the first of equals, nothing sized again.
        asked.borrow_mut().clear();
        assert_eq!(decide(&[2_274, 2_274, 2_345], second(&[9, 1, 0])), 0);
        assert!(asked.borrow().is_empty());
        // No second sample (a whole image ranked): the first sample decides.
        assert_eq!(decide(&[30_100, 30_000], |_| None), 1);
        assert_eq!(decide(&[], |_| None), 0);
    }

    /// The second sample's bands sit between the first's, as many rows each, none past the end;
    /// none when the first is the whole image or its bands are too tall to stay apart.
    #[test]
    fn the_tie_sample_lies_between_the_first() {
        let first = sample_bands(768, 512, 1);
        let second = second_bands(768, 512, 1);
        assert_eq!(second.len(), first.len());
        for (a, b) in first.iter().zip(&second) {
            assert_eq!((b.start, b.len()), (a.start + 32, a.len()));
            assert!(
                first.iter().all(|f| f.end <= b.start || f.start >= b.end),
                "{b:?}"
            );
        }
        let camera = second_bands(4272, 2848, 4);
        assert!(
            camera.iter().all(|r| r.end <= 2848 && !r.is_empty()),
            "{camera:?}"
        );
        assert!(second_bands(256, 256, 1).is_empty());
        assert!(second_bands(1 << 20, 10, 1).is_empty());
    }

    /// Kodak-sized images sample a sixteenth of their rows as before; a 12 MP one stops at the
    /// pixel budget (max effort's four sixteenths at four times it), still a band from each eighth;
    /// a very wide one keeps a row per band.
    #[test]
    fn samples_are_a_sixteenth_of_the_rows_up_to_the_budget() {
        let kodak = sample_bands(768, 512, 1);
        assert_eq!(kodak.len(), 8);
        assert!(kodak.iter().all(|r| r.len() == 4), "{kodak:?}");
        assert_eq!(kodak[7], 448..452);
        let camera = sample_bands(4272, 2848, 1);
        assert_eq!(camera.len(), 8);
        assert!(camera.iter().all(|r| r.len() == 7), "{camera:?}");
        assert_eq!(camera[4].start, 1424);
        let pixels: usize = camera.iter().map(|r| r.len() * 4272).sum();
        assert!(pixels as u64 <= SAMPLE_BUDGET, "{pixels}");
        let max = sample_bands(4272, 2848, 4);
        assert!(max.iter().all(|r| r.len() == 30), "{max:?}");
        let wide = sample_bands(1 << 24, 128, 1);
        assert!(wide.iter().all(|r| r.len() == 1), "{wide:?}");
        let small = sample_bands(256, 256, 1);
        assert_eq!((small.len(), small[0].clone()), (1, 0..256));
    }

    /// The row heuristics that stop once a filter cannot win pick the same filter (and bytes) as
    /// full counts, and their counts are exact below the stop.
    #[test]
    fn heuristics_that_stop_early_pick_what_full_counts_pick() {
        let mut next = crate::test_rng::xorshift32(0x9e37_79b9_u32);
        let mut seen = [0u64; 1024];
        let strategies = [
            (Strategy::Bigrams, 3),
            (Strategy::MinSum, 1),
            (Strategy::Entropy, 4),
        ];
        for len in [0usize, 1, 2, 255, 256, 257, 258, 513, 2304] {
            // One filterer a strategy for all the rows: each starts from the previous row's pick.
            let mut filterers = strategies.map(|(_, bpp)| Filterer::new(len, bpp));
            for smooth in [false, true, true, false, true, true, true] {
                let mut v = 0u8;
                let mut gen = |next: &mut dyn FnMut() -> u32| {
                    let r = next();
                    v = if smooth {
                        v.wrapping_add((r % 5) as u8)
                    } else {
                        r as u8
                    };
                    v
                };
                let row: Vec<u8> = (0..len).map(|_| gen(&mut next)).collect();
                let prev: Vec<u8> = (0..len).map(|_| gen(&mut next)).collect();
                let pairs: std::collections::HashSet<&[u8]> = row.windows(2).collect();
                let full_pairs = pairs.len() as u64;
                let full_sum: u64 = row
                    .iter()
                    .map(|&b| u64::from((b as i8).unsigned_abs()))
                    .sum();
                assert_eq!(distinct_bigrams(&row, &mut seen, u64::MAX), full_pairs);
                assert_eq!(abs_sum(&row, u64::MAX), full_sum);
                for stop in [0, 1, full_pairs / 2, full_pairs, full_pairs + 1] {
                    let n = distinct_bigrams(&row, &mut seen, stop);
                    assert!(if full_pairs < stop {
                        n == full_pairs
                    } else {
                        n >= stop
                    });
                }
                for stop in [0, 1, full_sum / 2, full_sum, full_sum + 1] {
                    let n = abs_sum(&row, stop);
                    assert!(if full_sum < stop {
                        n == full_sum
                    } else {
                        n >= stop
                    });
                }
                for ((strategy, bpp), filterer) in strategies.iter().zip(&mut filterers) {
                    let (strategy, bpp) = (*strategy, *bpp);
                    let mut plain = (u64::MAX, 0u8, vec![0u8; len]);
                    for f in FILTERS {
                        let mut out = vec![0u8; len];
                        filter_row(f, &row, &prev, bpp, &mut out);
                        let score = match strategy {
                            Strategy::Bigrams => out
                                .windows(2)
                                .collect::<std::collections::HashSet<_>>()
                                .len() as u64,
                            Strategy::Entropy => entropy_cost(&out, &mut [0; 256]),
                            _ => out
                                .iter()
                                .map(|&b| u64::from((b as i8).unsigned_abs()))
                                .sum(),
                        };
                        if score < plain.0 {
                            plain = (score, f, out);
                        }
                    }
                    let got = filterer.row(&row, &prev, strategy);
                    assert_eq!(got[0], plain.1, "{strategy:?} {len}");
                    assert_eq!(&got[1..], &plain.2[..]);
                }
            }
        }
        // A tie after a row that picked Paeth still goes to the lowest filter type.
        for (strategy, bpp) in strategies {
            let mut filterer = Filterer::new(300, bpp);
            filterer.last = 4;
            assert_eq!(filterer.row(&[0; 300], &[0; 300], strategy)[0], 0);
        }
    }

    #[test]
    fn paeth_matches_the_specification_examples() {
        assert_eq!(paeth(10, 20, 10), 20);
        assert_eq!(paeth(20, 10, 10), 20);
        assert_eq!(paeth(10, 10, 20), 10);
        assert_eq!(paeth(0, 0, 0), 0);
    }

    /// The sliced, vectorisable filters give the bytewise definition's output, for every filter,
    /// every pixel size PNG has and rows shorter than a pixel.
    #[test]
    fn filters_equal_the_bytewise_definition() {
        let mut raw = crate::test_rng::xorshift32(0x2545_f491_u32);
        let mut next = move || raw() as u8;
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for c in [0, 1, 127, 128, 254, 255, a, b, a.wrapping_add(b)] {
                    assert_eq!(paeth_branchless(a, b, c), paeth(a, b, c), "{a} {b} {c}");
                }
            }
        }
        for bpp in [1, 2, 3, 4, 6, 8] {
            for len in [0, 1, bpp - 1, bpp, bpp + 1, 37, 300] {
                let row: Vec<u8> = (0..len).map(|_| next()).collect();
                let prev: Vec<u8> = (0..len).map(|_| next()).collect();
                for filter in FILTERS {
                    let (mut fast, mut slow) = (vec![0u8; len], vec![0u8; len]);
                    filter_row(filter, &row, &prev, bpp, &mut fast);
                    filter_row_bytewise(filter, &row, &prev, bpp, &mut slow);
                    assert_eq!(fast, slow, "filter {filter}, bpp {bpp}, {len} bytes");
                }
            }
        }
    }
}
