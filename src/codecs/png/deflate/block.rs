//! DEFLATE's symbol alphabets and block output: each block as stored, fixed or dynamic Huffman,
//! whichever is smallest.

use super::bits::BitWriter;
use super::huffman;

pub const LITLEN_SYMS: usize = 286;
pub const DIST_SYMS: usize = 30;
pub const END_OF_BLOCK: usize = 256;

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
pub const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

const fn len_slots() -> [u8; 259] {
    let mut table = [0u8; 259];
    let mut slot = 0;
    let mut len = 3;
    while len <= 258 {
        while slot + 1 < 29 && LEN_BASE[slot + 1] as usize <= len {
            slot += 1;
        }
        table[len] = slot as u8;
        len += 1;
    }
    table
}

/// Length-code slot (symbol − 257) for each match length 3..=258.
pub const LEN_SLOT: [u8; 259] = len_slots();

/// Extra bits of the length code of `len`.
#[inline]
pub fn len_extra(len: usize) -> u32 {
    u32::from(LEN_EXTRA[usize::from(LEN_SLOT[len])])
}

/// Distance-code slot of a distance 1..=32768.
#[inline]
pub fn dist_slot(dist: usize) -> usize {
    if dist <= 4 {
        dist - 1
    } else {
        let x = (dist - 1) as u32;
        let bits = 31 - x.leading_zeros();
        (2 * bits + ((x >> (bits - 1)) & 1)) as usize
    }
}

/// One parsed symbol: a literal byte (`dist == 0`, byte in `len`) or a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seq {
    pub len: u16,
    pub dist: u16,
}

impl Seq {
    pub fn literal(byte: u8) -> Self {
        Seq {
            len: u16::from(byte),
            dist: 0,
        }
    }
}

/// Symbol counts of a block.
pub struct Freqs {
    pub litlen: [u32; LITLEN_SYMS],
    pub dist: [u32; DIST_SYMS],
}

impl Freqs {
    pub fn of(seqs: &[Seq]) -> Self {
        let mut f = Freqs {
            litlen: [0; LITLEN_SYMS],
            dist: [0; DIST_SYMS],
        };
        for s in seqs {
            if s.dist == 0 {
                f.litlen[usize::from(s.len)] += 1;
            } else {
                f.litlen[257 + usize::from(LEN_SLOT[usize::from(s.len)])] += 1;
                f.dist[dist_slot(usize::from(s.dist))] += 1;
            }
        }
        f.litlen[END_OF_BLOCK] = 1;
        f
    }
}

/// Huffman code lengths for a block's counts. Each alphabet gets at least two codes, so every
/// code is complete: some inflaters reject the one-code and empty trees the format allows.
pub fn code_lengths(freqs: &Freqs) -> ([u8; LITLEN_SYMS], [u8; DIST_SYMS]) {
    let mut litlen = [0u8; LITLEN_SYMS];
    let mut dist = [0u8; DIST_SYMS];
    huffman::lengths(&at_least_two(&freqs.litlen), 15, &mut litlen);
    huffman::lengths(&at_least_two(&freqs.dist), 15, &mut dist);
    (litlen, dist)
}

fn at_least_two<const N: usize>(freqs: &[u32; N]) -> [u32; N] {
    let mut f = *freqs;
    let mut used = f.iter().filter(|&&x| x > 0).count();
    for x in f.iter_mut() {
        if used >= 2 {
            break;
        }
        if *x == 0 {
            *x = 1;
            used += 1;
        }
    }
    f
}

/// Code-length alphabet order in the dynamic block header.
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The run-length coded code lengths of a dynamic header: (symbol, extra bits value).
fn rle_lengths(lens: &[u8]) -> Vec<(u8, u8)> {
    let mut out = Vec::with_capacity(lens.len());
    let mut i = 0;
    while i < lens.len() {
        let v = lens[i];
        let mut run = lens[i..].iter().take_while(|&&l| l == v).count();
        i += run;
        if v == 0 {
            while run >= 11 {
                let r = run.min(138);
                out.push((18, (r - 11) as u8));
                run -= r;
            }
            if run >= 3 {
                out.push((17, (run - 3) as u8));
                run = 0;
            }
        } else {
            out.push((v, 0));
            run -= 1;
            while run >= 3 {
                let r = run.min(6);
                out.push((16, (r - 3) as u8));
                run -= r;
            }
        }
        for _ in 0..run {
            out.push((v, 0));
        }
    }
    out
}

const CL_EXTRA: [u32; 19] = {
    let mut t = [0u32; 19];
    t[16] = 2;
    t[17] = 3;
    t[18] = 7;
    t
};

/// A dynamic block's header, ready to write, with its size in bits.
struct Header {
    hlit: usize,
    hdist: usize,
    hclen: usize,
    cl_lens: [u8; 19],
    cl_codes: [u16; 19],
    rle: Vec<(u8, u8)>,
    bits: u64,
}

fn header(litlen: &[u8], dist: &[u8]) -> Header {
    let hlit = 257.max(litlen.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
    let hdist = 1.max(dist.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
    let mut all = Vec::with_capacity(hlit + hdist);
    all.extend_from_slice(&litlen[..hlit]);
    all.extend_from_slice(&dist[..hdist]);
    let rle = rle_lengths(&all);
    let mut cl_freqs = [0u32; 19];
    for &(sym, _) in &rle {
        cl_freqs[usize::from(sym)] += 1;
    }
    let mut cl_lens = [0u8; 19];
    huffman::lengths(&at_least_two(&cl_freqs), 7, &mut cl_lens);
    let mut cl_codes = [0u16; 19];
    huffman::codes(&cl_lens, &mut cl_codes);
    let hclen = 4.max(
        CL_ORDER
            .iter()
            .rposition(|&s| cl_lens[s] > 0)
            .map_or(0, |p| p + 1),
    );
    let bits = 5
        + 5
        + 4
        + 3 * hclen as u64
        + rle
            .iter()
            .map(|&(s, _)| u64::from(cl_lens[usize::from(s)]) + u64::from(CL_EXTRA[usize::from(s)]))
            .sum::<u64>();
    Header {
        hlit,
        hdist,
        hclen,
        cl_lens,
        cl_codes,
        rle,
        bits,
    }
}

/// The fixed code's lengths, over all 288 symbols: the two unused ones shape the canonical codes.
const fn fixed_litlen() -> [u8; 288] {
    let mut t = [0u8; 288];
    let mut i = 0;
    while i < 288 {
        t[i] = if i < 144 {
            8
        } else if i < 256 {
            9
        } else if i < 280 {
            7
        } else {
            8
        };
        i += 1;
    }
    t
}

const FIXED_LITLEN: [u8; 288] = fixed_litlen();
const FIXED_DIST: [u8; DIST_SYMS] = [5; DIST_SYMS];

/// Bits of the block's symbols (without header) under the given code lengths.
fn body_bits(freqs: &Freqs, litlen: &[u8], dist: &[u8]) -> u64 {
    let mut bits = 0u64;
    for (sym, &f) in freqs.litlen.iter().enumerate() {
        let extra = if sym > 256 {
            u64::from(LEN_EXTRA[sym - 257])
        } else {
            0
        };
        bits += u64::from(f) * (u64::from(litlen[sym]) + extra);
    }
    for (slot, &f) in freqs.dist.iter().enumerate() {
        bits += u64::from(f) * (u64::from(dist[slot]) + u64::from(DIST_EXTRA[slot]));
    }
    bits
}

impl Freqs {
    /// The counts of two blocks as one (each block's end-of-block symbol counted once).
    pub fn merged(&self, other: &Freqs) -> Freqs {
        let mut f = Freqs {
            litlen: self.litlen,
            dist: self.dist,
        };
        for (a, b) in f.litlen.iter_mut().zip(&other.litlen) {
            *a += b;
        }
        for (a, b) in f.dist.iter_mut().zip(&other.dist) {
            *a += b;
        }
        f.litlen[END_OF_BLOCK] = 1;
        f
    }
}

/// Bits of a dynamic block with these counts, header included, under its own optimal code.
pub fn dynamic_bits(freqs: &Freqs) -> u64 {
    let (litlen, dist) = code_lengths(freqs);
    3 + header(&litlen, &dist).bits + body_bits(freqs, &litlen, &dist)
}

/// Writes `seqs` (which spell out `raw`) as one or more blocks, in whichever form is smallest.
pub fn write(w: &mut BitWriter, seqs: &[Seq], raw: &[u8], last: bool) {
    let freqs = Freqs::of(seqs);
    let (litlen, dist) = code_lengths(&freqs);
    let head = header(&litlen, &dist);
    let dynamic = 3 + head.bits + body_bits(&freqs, &litlen, &dist);
    let fixed = 3 + body_bits(&freqs, &FIXED_LITLEN, &FIXED_DIST);
    // Stored: a 3-bit header padded to a byte, then LEN and NLEN, per 65,535 bytes.
    let stored_blocks = raw.len().div_ceil(65_535).max(1) as u64;
    let stored = 3
        + u64::from(w.pad_bits().wrapping_sub(3) % 8)
        + 32
        + 8 * raw.len() as u64
        + (stored_blocks - 1) * 40;
    if stored < dynamic.min(fixed) {
        write_stored(w, raw, last);
    } else if fixed <= dynamic {
        w.put(u32::from(last), 1);
        w.put(1, 2);
        write_symbols(w, seqs, &FIXED_LITLEN, &FIXED_DIST);
    } else {
        w.put(u32::from(last), 1);
        w.put(2, 2);
        w.put((head.hlit - 257) as u32, 5);
        w.put((head.hdist - 1) as u32, 5);
        w.put((head.hclen - 4) as u32, 4);
        for &s in &CL_ORDER[..head.hclen] {
            w.put(u32::from(head.cl_lens[s]), 3);
        }
        for &(s, extra) in &head.rle {
            let s = usize::from(s);
            w.put(u32::from(head.cl_codes[s]), u32::from(head.cl_lens[s]));
            w.put(u32::from(extra), CL_EXTRA[s]);
        }
        write_symbols(w, seqs, &litlen, &dist);
    }
}

fn write_stored(w: &mut BitWriter, raw: &[u8], last: bool) {
    let mut parts = raw.chunks(65_535).peekable();
    if parts.peek().is_none() {
        w.put(u32::from(last), 1);
        w.put(0, 2);
        w.align();
        w.put(0xffff_0000, 32);
        return;
    }
    while let Some(part) = parts.next() {
        let final_part = last && parts.peek().is_none();
        w.put(u32::from(final_part), 1);
        w.put(0, 2);
        w.align();
        let len = part.len() as u32;
        w.put(len | (!len & 0xffff) << 16, 32);
        w.bytes(part);
    }
}

fn write_symbols(w: &mut BitWriter, seqs: &[Seq], litlen: &[u8], dist: &[u8]) {
    let mut lit_codes = [0u16; 288];
    let mut dist_codes = [0u16; DIST_SYMS];
    huffman::codes(litlen, &mut lit_codes[..litlen.len()]);
    huffman::codes(dist, &mut dist_codes);
    for s in seqs {
        if s.dist == 0 {
            let sym = usize::from(s.len);
            w.put(u32::from(lit_codes[sym]), u32::from(litlen[sym]));
        } else {
            let len = usize::from(s.len);
            let slot = usize::from(LEN_SLOT[len]);
            let sym = 257 + slot;
            w.put(u32::from(lit_codes[sym]), u32::from(litlen[sym]));
            w.put(
                u32::from(s.len - LEN_BASE[slot]),
                u32::from(LEN_EXTRA[slot]),
            );
            let d = usize::from(s.dist);
            let ds = dist_slot(d);
            w.put(u32::from(dist_codes[ds]), u32::from(dist[ds]));
            w.put(u32::from(s.dist - DIST_BASE[ds]), u32::from(DIST_EXTRA[ds]));
        }
    }
    w.put(
        u32::from(lit_codes[END_OF_BLOCK]),
        u32::from(litlen[END_OF_BLOCK]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_specification_tables() {
        assert_eq!(LEN_SLOT[3], 0);
        assert_eq!(LEN_SLOT[10], 7);
        assert_eq!(LEN_SLOT[11], 8);
        assert_eq!(LEN_SLOT[257], 27);
        assert_eq!(LEN_SLOT[258], 28);
        for (slot, &base) in DIST_BASE.iter().enumerate() {
            assert_eq!(dist_slot(usize::from(base)), slot);
            let top = usize::from(base) + (1 << DIST_EXTRA[slot]) - 1;
            assert_eq!(dist_slot(top), slot);
        }
    }
}
