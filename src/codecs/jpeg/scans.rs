//! Entropy coding of the stored coefficients. Every scan is walked twice through the same code: once
//! into a [`Counter`] to build its optimal Huffman tables, once into a [`Writer`] to emit it.

use super::bits::BitWriter;
use super::huffman::HuffTable;
use super::planes::Layout;
use super::quant::category;

/// Where a scan's symbols and raw bits go. Tables: 0 luma DC, 1 luma AC, 2 chroma DC, 3 chroma AC.
pub(super) trait Sink {
    fn symbol(&mut self, table: usize, symbol: u8);
    fn bits(&mut self, bits: u32, len: u32);
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

/// The sequential (baseline) scan: all components interleaved, whole MCUs.
pub(super) fn sequential<S: Sink>(layout: &Layout, coefs: &Coefficients, sink: &mut S) {
    let mut pred = [0i32; 3];
    for my in 0..layout.mcus_y {
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
                        sink.symbol(dc_table, size as u8);
                        sink.bits(value_bits(diff, size), size);
                        ac_run(block, 1, 63, 0, ac_table, sink);
                    }
                }
            }
        }
    }
}

/// Codes AC coefficients `ss..=se` (shifted right by `al`) of one block with run/size symbols,
/// ending with EOB unless the last one is nonzero.
#[inline]
fn ac_run<S: Sink>(block: &[i16; 64], ss: usize, se: usize, al: u32, table: usize, sink: &mut S) {
    let mut run = 0u32;
    for &c in block.get(ss..=se).unwrap_or(&[]) {
        let v = shifted(c, al);
        if v == 0 {
            run += 1;
            continue;
        }
        while run > 15 {
            sink.symbol(table, 0xf0);
            run -= 16;
        }
        let size = category(v);
        sink.symbol(table, ((run << 4) | size) as u8);
        sink.bits(value_bits(v, size), size);
        run = 0;
    }
    if run > 0 {
        sink.symbol(table, 0x00);
    }
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
