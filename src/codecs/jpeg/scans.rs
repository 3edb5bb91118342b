//! Entropy coding of the stored coefficients. Every scan is walked twice through the same code: once
//! into a [`Counter`] to build its optimal Huffman tables, once into a [`Writer`] to emit it.

use super::bits::BitWriter;
use super::huffman::HuffTable;
use super::planes::Layout;
use super::quant::category;
use crate::simd::{self, I16x8};

/// Where a scan's symbols and raw bits go. Tables: 0 luma DC, 1 luma AC, 2 chroma DC, 3 chroma AC.
pub(super) trait Sink {
    fn symbol(&mut self, table: usize, symbol: u8);
    fn bits(&mut self, bits: u32, len: u32);
    /// The end of a restart interval (before the next one starts).
    #[inline]
    fn restart(&mut self) {}
    /// A symbol followed by `len` (≤ 16) raw bits.
    #[inline]
    fn symbol_bits(&mut self, table: usize, symbol: u8, bits: u32, len: u32) {
        self.symbol(table, symbol);
        self.bits(bits, len);
    }
}

/// Counts symbols per table.
pub(super) struct Counter {
    pub freq: [[u32; 256]; 4],
}

impl Counter {
    pub(super) fn new() -> Self {
        Counter {
            freq: [[0; 256]; 4],
        }
    }
}

impl Sink for Counter {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8) {
        self.freq[table & 3][usize::from(symbol)] += 1;
    }
    #[inline]
    fn bits(&mut self, _: u32, _: u32) {}
}

/// Emits codes and bits.
pub(super) struct Writer<'a, 'b> {
    pub tables: [&'b HuffTable; 4],
    pub out: BitWriter<'a>,
    /// The number (mod 8) of the next restart marker.
    pub next_restart: u8,
}

impl<'a, 'b> Writer<'a, 'b> {
    /// A writer of the four tables in `huff`, appending to `out`; `first_restart` numbers the first
    /// restart marker it writes.
    pub(super) fn new(huff: &'b [HuffTable], out: &'a mut Vec<u8>, first_restart: u8) -> Self {
        Writer {
            tables: std::array::from_fn(|i| &huff[i]),
            out: BitWriter::new(out),
            next_restart: first_restart,
        }
    }
}

impl Sink for Writer<'_, '_> {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8) {
        let t = self.tables[table & 3];
        let s = usize::from(symbol);
        self.out.put(u32::from(t.code[s]), u32::from(t.len[s]));
    }
    #[inline]
    fn bits(&mut self, bits: u32, len: u32) {
        self.out.put(bits, len);
    }
    fn restart(&mut self) {
        self.out.restart(self.next_restart);
        self.next_restart = (self.next_restart + 1) & 7;
    }
    #[inline]
    fn symbol_bits(&mut self, table: usize, symbol: u8, bits: u32, len: u32) {
        // One write: a code (≤ 16 bits) and its value bits (≤ 11) fit the writer's 32.
        let t = self.tables[table & 3];
        let s = usize::from(symbol);
        let code_len = u32::from(t.len[s]);
        self.out
            .put(u32::from(t.code[s]) << len | bits, code_len + len);
    }
}

/// The coefficient stores, one block grid per component (see [`Layout::grid`]).
pub(super) type Coefficients = Vec<Vec<[i16; 64]>>;

/// A value's magnitude bits: positive as is, negative as its ones' complement (T.81 F.1.2.1).
#[inline]
fn value_bits(v: i32, size: u32) -> u32 {
    let v = if v < 0 { v - 1 } else { v };
    (v as u32) & ((1u32 << size) - 1)
}

/// Huffman tables of component `c`: (DC, AC).
fn tables_of(c: usize) -> (usize, usize) {
    if c == 0 {
        (0, 1)
    } else {
        (2, 3)
    }
}

/// The sequential (baseline) scan: all components interleaved, whole MCUs; with `restart`, a
/// restart interval every that many MCU rows (DC prediction starts again after each).
pub(super) fn sequential<S: Sink>(
    layout: &Layout,
    coefs: &Coefficients,
    restart: Option<usize>,
    sink: &mut S,
) {
    let mut pred = [0i32; 3];
    for my in 0..layout.mcus_y {
        if restart.is_some_and(|rows| my > 0 && my % rows == 0) {
            sink.restart();
            pred = [0; 3];
        }
        for mx in 0..layout.mcus_x {
            for (c, store) in coefs.iter().enumerate().take(layout.components) {
                let (h, v) = layout.factors(c);
                let (gw, _) = layout.grid(c);
                let (dc_table, ac_table) = tables_of(c);
                for by in 0..v {
                    for bx in 0..h {
                        let Some(block) = store.get((my * v + by) * gw + mx * h + bx) else {
                            continue;
                        };
                        let dc = i32::from(block[0]);
                        let diff = dc - pred[c];
                        pred[c] = dc;
                        let size = category(diff);
                        sink.symbol_bits(dc_table, size as u8, value_bits(diff, size), size);
                        ac_sparse(
                            block,
                            nonzero_mask(block, simd::ACCELERATED),
                            ac_table,
                            sink,
                        );
                    }
                }
            }
        }
    }
}

/// Bit `k` set where zigzag coefficient `k` of `block` is nonzero; `vector` counts eight at a time.
#[inline]
fn nonzero_mask(block: &[i16; 64], vector: bool) -> u64 {
    if vector {
        (0..8).fold(0, |m, i| {
            m | u64::from(I16x8::load(&block[8 * i..]).nonzero_bits()) << (8 * i)
        })
    } else {
        block
            .iter()
            .enumerate()
            .fold(0, |m, (i, &c)| m | u64::from(c != 0) << i)
    }
}

/// Codes AC coefficients 1–63 of one block with run/size symbols, ending with EOB unless the last
/// one is nonzero: visits only the nonzero coefficients of `mask` ([`nonzero_mask`]), as most are
/// zero.
#[inline]
fn ac_sparse<S: Sink>(block: &[i16; 64], mask: u64, table: usize, sink: &mut S) {
    let mut rest = mask & !1;
    let mut last = 0;
    while rest != 0 {
        let k = rest.trailing_zeros();
        ac_value(i32::from(block[k as usize]), k - last - 1, table, sink);
        last = k;
        rest &= rest - 1;
    }
    if last < 63 {
        sink.symbol(table, 0x00);
    }
}

/// Codes a nonzero AC value after `run` zeros: a ZRL symbol per 16 zeros, then run/size and the
/// value's bits (shared by baseline scans and progressive first scans).
#[inline]
fn ac_value<S: Sink>(v: i32, mut run: u32, table: usize, sink: &mut S) {
    while run > 15 {
        sink.symbol(table, 0xf0);
        run -= 16;
    }
    let size = category(v);
    sink.symbol_bits(table, ((run << 4) | size) as u8, value_bits(v, size), size);
}

/// A coefficient's value at point transform `al`: magnitude shifted, sign kept (T.81 G.1.2.3).
#[inline]
fn shifted(c: i16, al: u32) -> i32 {
    let c = i32::from(c);
    if c < 0 {
        -((-c) >> al)
    } else {
        c >> al
    }
}

/// One scan of a progressive JPEG: components (indices), spectral band, successive approximation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scan {
    pub components: &'static [usize],
    pub ss: u8,
    pub se: u8,
    pub ah: u8,
    pub al: u8,
}

/// Correction bits buffered across an EOB run before they must be flushed (libjpeg's bound, so that
/// decoders with fixed buffers cope too).
const MAX_CORRECTION_BITS: usize = 1000 - 63;

/// Calls `f(component, block)` in the scan's order: whole MCUs when it interleaves components, the
/// component's visible blocks row by row when it holds one.
fn for_each_block(
    layout: &Layout,
    coefs: &Coefficients,
    components: &[usize],
    mut f: impl FnMut(usize, &[i16; 64]),
) {
    if let [c] = components {
        let (gw, _) = layout.grid(*c);
        let (vw, vh) = layout.visible(*c);
        let Some(store) = coefs.get(*c) else { return };
        for by in 0..vh {
            for bx in 0..vw {
                if let Some(block) = store.get(by * gw + bx) {
                    f(*c, block);
                }
            }
        }
        return;
    }
    for my in 0..layout.mcus_y {
        for mx in 0..layout.mcus_x {
            for &c in components {
                let (h, v) = layout.factors(c);
                let (gw, _) = layout.grid(c);
                let Some(store) = coefs.get(c) else { continue };
                for by in 0..v {
                    for bx in 0..h {
                        if let Some(block) = store.get((my * v + by) * gw + mx * h + bx) {
                            f(c, block);
                        }
                    }
                }
            }
        }
    }
}

/// Codes one progressive scan.
pub(super) fn progressive<S: Sink>(
    layout: &Layout,
    coefs: &Coefficients,
    scan: &Scan,
    sink: &mut S,
) {
    let al = u32::from(scan.al);
    if scan.ss == 0 {
        let mut pred = [0i32; 3];
        for_each_block(layout, coefs, scan.components, |c, block| {
            // DC's point transform is an arithmetic shift (T.81 G.1.2.1).
            let dc = i32::from(block[0]) >> al;
            if scan.ah == 0 {
                let diff = dc - pred[c % 3];
                pred[c % 3] = dc;
                let size = category(diff);
                sink.symbol(tables_of(c).0, size as u8);
                sink.bits(value_bits(diff, size), size);
            } else {
                sink.bits((dc & 1) as u32, 1);
            }
        });
        return;
    }
    let (ss, se) = (usize::from(scan.ss), usize::from(scan.se));
    let mut eob = EobRun {
        run: 0,
        pending: Vec::new(),
    };
    for_each_block(layout, coefs, scan.components, |c, block| {
        let table = tables_of(c).1;
        if scan.ah == 0 {
            ac_first(block, ss, se, al, table, &mut eob, sink);
        } else {
            ac_refine(block, ss, se, al, table, &mut eob, sink);
        }
    });
    let table = scan.components.first().map_or(1, |&c| tables_of(c).1);
    eob.flush(table, sink);
}

/// Blocks ending in zeros, coded together as one EOBn symbol, with the correction bits that
/// refinement scans hold back for them.
struct EobRun {
    run: u32,
    pending: Vec<u8>,
}

impl EobRun {
    fn flush<S: Sink>(&mut self, table: usize, sink: &mut S) {
        if self.run > 0 {
            let nbits = category(self.run as i32) - 1;
            sink.symbol(table, (nbits << 4) as u8);
            sink.bits(self.run, nbits);
            self.run = 0;
        }
        for &b in &self.pending {
            sink.bits(u32::from(b), 1);
        }
        self.pending.clear();
    }
}

/// First AC scan of a band: run/size symbols, trailing zeros folded into the EOB run (T.81 G.1.2.2).
fn ac_first<S: Sink>(
    block: &[i16; 64],
    ss: usize,
    se: usize,
    al: u32,
    table: usize,
    eob: &mut EobRun,
    sink: &mut S,
) {
    let mut run = 0u32;
    for &c in block.get(ss..=se).unwrap_or(&[]) {
        let v = shifted(c, al);
        if v == 0 {
            run += 1;
            continue;
        }
        eob.flush(table, sink);
        ac_value(v, run, table, sink);
        run = 0;
    }
    if run > 0 {
        eob.run += 1;
        if eob.run == 0x7fff {
            eob.flush(table, sink);
        }
    }
}

/// Refinement AC scan: one more bit of every coefficient already significant (correction bits),
/// and coefficients that become significant at this bit coded as run/1 plus a sign (T.81 G.1.2.3).
fn ac_refine<S: Sink>(
    block: &[i16; 64],
    ss: usize,
    se: usize,
    al: u32,
    table: usize,
    eob: &mut EobRun,
    sink: &mut S,
) {
    let band = block.get(ss..=se).unwrap_or(&[]);
    let abs = |c: i16| (i32::from(c).unsigned_abs() >> al) as i32;
    // The last coefficient that becomes significant in this scan.
    let last_new = band.iter().rposition(|&c| abs(c) == 1);
    // Correction bits of this block not yet written.
    let mut mine = [0u8; 64];
    let mut held = 0;
    let mut run = 0u32;
    for (k, &c) in band.iter().enumerate() {
        let a = abs(c);
        if a == 0 {
            run += 1;
            continue;
        }
        while run > 15 && last_new.is_some_and(|l| k <= l) {
            eob.flush(table, sink);
            sink.symbol(table, 0xf0);
            run -= 16;
            for &b in &mine[..held] {
                sink.bits(u32::from(b), 1);
            }
            held = 0;
        }
        if a > 1 {
            if let Some(slot) = mine.get_mut(held) {
                *slot = (a & 1) as u8;
                held += 1;
            }
            continue;
        }
        eob.flush(table, sink);
        sink.symbol(table, ((run << 4) | 1) as u8);
        sink.bits(u32::from(c > 0), 1);
        for &b in &mine[..held] {
            sink.bits(u32::from(b), 1);
        }
        held = 0;
        run = 0;
    }
    if run > 0 || held > 0 {
        eob.run += 1;
        eob.pending.extend_from_slice(&mine[..held]);
        if eob.run == 0x7fff || eob.pending.len() > MAX_CORRECTION_BITS {
            eob.flush(table, sink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::twin_test;

    /// Everything a scan emits, in order.
    #[derive(Default, PartialEq, Debug)]
    struct Record(Vec<(u8, u32, u32)>);

    impl Sink for Record {
        fn symbol(&mut self, table: usize, symbol: u8) {
            self.0.push((table as u8, u32::from(symbol), 99));
        }
        fn bits(&mut self, bits: u32, len: u32) {
            if len > 0 {
                self.0.push((9, bits, len));
            }
        }
    }

    /// The plain walk over every coefficient that [`ac_sparse`] replaces.
    fn ac_dense<S: Sink>(block: &[i16; 64], table: usize, sink: &mut S) {
        let mut run = 0u32;
        for &c in &block[1..] {
            if c == 0 {
                run += 1;
                continue;
            }
            ac_value(i32::from(c), run, table, sink);
            run = 0;
        }
        if run > 0 {
            sink.symbol(table, 0x00);
        }
    }

    fn blocks() -> Vec<[i16; 64]> {
        let mut next = crate::test_rng::xorshift32(0x1234_5678_u32);
        (0..500)
            .map(|n| {
                std::array::from_fn(|i| {
                    let state = next();
                    let keep = match n % 5 {
                        0 => 0,
                        1 => 64,
                        2 => 6,
                        _ => 30,
                    };
                    if (state % 64) < keep || (n % 7 == 0 && i == 63) {
                        ((state >> 8) % 2047) as i16 - 1023
                    } else {
                        0
                    }
                })
            })
            .collect()
    }

    twin_test!(vector_nonzero_masks_match_the_scalar_ones, {
        for block in blocks() {
            assert_eq!(nonzero_mask(&block, true), nonzero_mask(&block, false));
        }
    });

    #[test]
    fn the_sparse_walk_codes_what_the_dense_one_does() {
        for block in blocks() {
            let (mut dense, mut sparse) = (Record::default(), Record::default());
            ac_dense(&block, 1, &mut dense);
            ac_sparse(&block, nonzero_mask(&block, false), 1, &mut sparse);
            assert_eq!(dense, sparse);
        }
    }
}
