//! Optimal Huffman tables from symbol counts, limited to JPEG's 16-bit codes (ITU T.81 annex K.2).

/// A Huffman table: what DHT stores (`counts`, `symbols`) and what the entropy coder looks up.
#[derive(Clone)]
pub(super) struct HuffTable {
    /// Number of codes of each length 1–16 (index 0 unused).
    pub counts: [u8; 17],
    /// Symbols in order of increasing code length.
    pub symbols: Vec<u8>,
    /// Code length per symbol (0: symbol absent).
    pub len: [u8; 256],
    /// Code per symbol, right-aligned.
    pub code: [u16; 256],
}

impl HuffTable {
    /// The optimal length-limited table for `freq`; symbols never seen get no code. Works for any
    /// counts, including all zero (one dummy code).
    pub(super) fn optimal(freq: &[u32; 256]) -> HuffTable {
        let lengths = code_lengths(freq);
        // Canonical order: by length, then symbol.
        let symbols: Vec<u8> =
            by_length((0..=255u8).map(|s| (u32::from(lengths[usize::from(s)]), s)));
        let mut counts = [0u8; 17];
        for &s in &symbols {
            counts[usize::from(lengths[usize::from(s)])] += 1;
        }
        Self::canonical(counts, symbols)
    }

    /// The typical tables of ITU T.81 annex K.3 (in the [`Sink`](super::scans::Sink) numbering: 0
    /// luma DC, 1 luma AC, 2 chroma DC, 3 chroma AC), which every decoder knows and which need no
    /// counting pass.
    pub(super) fn standard(table: usize) -> HuffTable {
        let (bits, values): (&[u8; 16], &[u8]) = match table {
            0 => (&STD_DC_LUMA_BITS, &STD_DC_VALUES),
            1 => (&STD_AC_LUMA_BITS, &STD_AC_LUMA_VALUES),
            2 => (&STD_DC_CHROMA_BITS, &STD_DC_VALUES),
            _ => (&STD_AC_CHROMA_BITS, &STD_AC_CHROMA_VALUES),
        };
        let mut counts = [0u8; 17];
        counts[1..].copy_from_slice(bits);
        Self::canonical(counts, values.to_vec())
    }

    /// Codes assigned in canonical order to `symbols`, `counts[l]` of them of length `l`.
    fn canonical(counts: [u8; 17], symbols: Vec<u8>) -> HuffTable {
        let mut len = [0u8; 256];
        let mut code = [0u16; 256];
        let mut next = 0u32;
        let mut at = 0;
        for (l, &n) in counts.iter().enumerate().skip(1) {
            for _ in 0..n {
                if let Some(&s) = symbols.get(at) {
                    len[usize::from(s)] = l as u8;
                    code[usize::from(s)] = next as u16;
                }
                next += 1;
                at += 1;
            }
            next <<= 1;
        }
        HuffTable {
            counts,
            symbols,
            len,
            code,
        }
    }
}

/// Annex K.3, tables K.3 to K.6: code counts per length 1–16, then symbols in code order.
const STD_DC_LUMA_BITS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const STD_DC_CHROMA_BITS: [u8; 16] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
const STD_DC_VALUES: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const STD_AC_LUMA_BITS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
#[rustfmt::skip]
const STD_AC_LUMA_VALUES: [u8; 162] = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
    0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
    0xf9, 0xfa,
];
const STD_AC_CHROMA_BITS: [u8; 16] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
#[rustfmt::skip]
const STD_AC_CHROMA_VALUES: [u8; 162] = [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
    0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
    0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
    0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
    0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
    0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
    0xf9, 0xfa,
];

/// The symbols with a nonzero length, shortest first, ties by symbol. (Sorted as `(u64, u16)` pairs,
/// the type the PNG encoder's Huffman code sorts, so the wasm module holds one sort for both.)
fn by_length(lengths: impl Iterator<Item = (u32, u8)>) -> Vec<u8> {
    let mut pairs: Vec<(u64, u16)> = lengths
        .filter(|&(l, _)| l > 0)
        .map(|(l, s)| (u64::from(l), u16::from(s)))
        .collect();
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, s)| s as u8).collect()
}

/// Code lengths (≤ 16) for each symbol with a nonzero count; a reserved extra symbol keeps any code
/// from being all ones, as T.81 requires. A table with no symbols at all gets one (symbol 0), so that
/// DHT is never empty.
fn code_lengths(freq: &[u32; 256]) -> [u8; 256] {
    // Index 256 is the reserved symbol, counted once.
    let mut f = [0u64; 257];
    for (d, &s) in f.iter_mut().zip(freq.iter()) {
        *d = u64::from(s);
    }
    if f.iter().all(|&c| c == 0) {
        f[0] = 1;
    }
    f[256] = 1;
    let mut size = [0u32; 257];
    // Each symbol's successor in its subtree's list, to bump every leaf's length when merging.
    let mut others = [usize::MAX; 257];
    loop {
        // The two least frequent live subtrees (ties to the higher index, as T.81 K.2 does).
        let (mut c1, mut c2) = (usize::MAX, usize::MAX);
        for i in 0..257 {
            if f[i] == 0 {
                continue;
            }
            if c1 == usize::MAX || f[i] <= f[c1] {
                c2 = c1;
                c1 = i;
            } else if c2 == usize::MAX || f[i] <= f[c2] {
                c2 = i;
            }
        }
        if c2 == usize::MAX {
            break;
        }
        f[c1] += f[c2];
        f[c2] = 0;
        let mut k = c1;
        size[k] += 1;
        while others[k] != usize::MAX {
            k = others[k];
            size[k] += 1;
        }
        others[k] = c2;
        let mut k = c2;
        size[k] += 1;
        while others[k] != usize::MAX {
            k = others[k];
            size[k] += 1;
        }
    }
    // Histogram of lengths, then fold anything over 16 bits back (T.81 figure K.3).
    let mut bits = [0u32; 64];
    for &s in &size {
        if s > 0 {
            bits[s.min(63) as usize] += 1;
        }
    }
    let mut i = 63;
    while i > 16 {
        while bits[i] > 0 {
            let mut j = i - 2;
            while j > 0 && bits[j] == 0 {
                j -= 1;
            }
            bits[i] -= 2;
            bits[i - 1] += 1;
            bits[j + 1] += 2;
            bits[j] = bits[j].saturating_sub(1);
        }
        i -= 1;
    }
    // Drop the reserved symbol: it holds one of the longest codes.
    let mut i = 16;
    while i > 0 && bits[i] == 0 {
        i -= 1;
    }
    bits[i] = bits[i].saturating_sub(1);
    // Hand the lengths out again, shortest to the most frequent (the original lengths' order).
    let order = by_length((0..=255u8).map(|s| (size[usize::from(s)], s)));
    let mut out = [0u8; 256];
    let mut it = order.into_iter();
    for (l, &n) in bits.iter().enumerate().take(17).skip(1) {
        for _ in 0..n {
            if let Some(s) = it.next() {
                out[usize::from(s)] = l as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_limited_and_prefix_free() {
        // Fibonacci-like counts force a deep tree that needs limiting.
        let mut freq = [0u32; 256];
        let (mut a, mut b) = (1u32, 1u32);
        for f in freq.iter_mut().take(40) {
            *f = a;
            (a, b) = (b, a.saturating_add(b));
        }
        let t = HuffTable::optimal(&freq);
        assert!(t.len.iter().all(|&l| l <= 16));
        assert_eq!(t.symbols.len(), 40);
        // Kraft sum strictly below 1: no all-ones code.
        let kraft: f64 = t
            .len
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(i32::from(l)))
            .sum();
        assert!(kraft < 1.0, "{kraft}");
    }

    #[test]
    fn the_standard_tables_are_complete_prefix_codes_of_every_sequential_symbol() {
        for (i, t) in (0..4).map(|i| (i, HuffTable::standard(i))) {
            let symbols = if i % 2 == 0 { 12 } else { 162 };
            assert_eq!(t.symbols.len(), symbols, "table {i}");
            assert_eq!(t.len.iter().filter(|&&l| l > 0).count(), symbols);
            let kraft: f64 = t
                .len
                .iter()
                .filter(|&&l| l > 0)
                .map(|&l| 0.5f64.powi(i32::from(l)))
                .sum();
            assert!(kraft < 1.0, "table {i}: {kraft}");
        }
        // Every run/size a sequential AC scan codes: EOB, ZRL, runs 0–15 of sizes 1–10.
        let ac = HuffTable::standard(1);
        assert!(ac.len[0x00] > 0 && ac.len[0xf0] > 0);
        assert!((0..16).all(|r| (1..=10).all(|s| ac.len[r << 4 | s] > 0)));
    }

    #[test]
    fn an_empty_table_still_has_a_code() {
        let t = HuffTable::optimal(&[0; 256]);
        assert_eq!(t.symbols.len(), 1);
    }
}
