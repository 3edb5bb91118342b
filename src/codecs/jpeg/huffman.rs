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
        let mut symbols: Vec<u8> = (0..=255u8)
            .filter(|&s| lengths[usize::from(s)] > 0)
            .collect();
        symbols.sort_by_key(|&s| (lengths[usize::from(s)], s));
        let mut counts = [0u8; 17];
        for &s in &symbols {
            counts[usize::from(lengths[usize::from(s)])] += 1;
        }
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
    let mut order: Vec<usize> = (0..256).filter(|&s| size[s] > 0).collect();
    order.sort_by_key(|&s| (size[s], s));
    let mut out = [0u8; 256];
    let mut it = order.into_iter();
    for (l, &n) in bits.iter().enumerate().take(17).skip(1) {
        for _ in 0..n {
            if let Some(s) = it.next() {
                out[s] = l as u8;
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
    fn an_empty_table_still_has_a_code() {
        let t = HuffTable::optimal(&[0; 256]);
        assert_eq!(t.symbols.len(), 1);
    }
}
