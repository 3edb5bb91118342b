//! Length-limited Huffman code lengths and their canonical codes.

/// Optimal code lengths for `freqs`, none longer than `max_bits`, written to `lens` (0 for unused
/// symbols). Boundary-free package-merge: small alphabets (at most 288 symbols, 15 levels) make its
/// O(n·L) cost negligible next to parsing, and unlike heuristic length fixes it stays optimal.
pub fn lengths(freqs: &[u32], max_bits: u32, lens: &mut [u8]) {
    lens.iter_mut().for_each(|l| *l = 0);
    let mut leaves: Vec<(u64, u16)> = freqs
        .iter()
        .enumerate()
        .filter(|&(_, &f)| f > 0)
        .map(|(s, &f)| (u64::from(f), s as u16))
        .collect();
    match leaves.len() {
        0 => return,
        1 => {
            lens[usize::from(leaves[0].1)] = 1;
            return;
        }
        _ => {}
    }
    leaves.sort_unstable();
    let n = leaves.len();
    let keep = 2 * n - 2;
    // An item is a leaf (its symbol) or a package of items 2i and 2i+1 of the level below.
    #[derive(Clone, Copy)]
    struct Item {
        weight: u64,
        leaf: bool,
        index: u32,
    }
    let leaf_items: Vec<Item> = leaves
        .iter()
        .enumerate()
        .map(|(i, &(w, _))| Item {
            weight: w,
            leaf: true,
            index: i as u32,
        })
        .collect();
    let mut levels: Vec<Vec<Item>> = vec![leaf_items.clone()];
    for _ in 1..max_bits {
        let below = levels.last().map(Vec::as_slice).unwrap_or(&[]);
        let mut merged = Vec::with_capacity(keep);
        let (mut li, mut pi) = (0, 0);
        let packages = below.len() / 2;
        while merged.len() < keep && (li < n || pi < packages) {
            let package_weight = if pi < packages {
                below[2 * pi].weight + below[2 * pi + 1].weight
            } else {
                u64::MAX
            };
            if li < n && leaf_items[li].weight <= package_weight {
                merged.push(leaf_items[li]);
                li += 1;
            } else {
                merged.push(Item {
                    weight: package_weight,
                    leaf: false,
                    index: pi as u32,
                });
                pi += 1;
            }
        }
        levels.push(merged);
    }
    // Every appearance of a leaf among the chosen items adds one bit to its code.
    let top = levels.len() - 1;
    let mut stack: Vec<(usize, u32)> = (0..keep.min(levels[top].len()) as u32)
        .map(|i| (top, i))
        .collect();
    while let Some((level, i)) = stack.pop() {
        let item = levels[level][i as usize];
        if item.leaf {
            lens[usize::from(leaves[item.index as usize].1)] += 1;
        } else if level > 0 {
            stack.push((level - 1, 2 * item.index));
            stack.push((level - 1, 2 * item.index + 1));
        }
    }
}

/// Canonical codes for `lens`, bit-reversed so that they can be written LSB first.
pub fn codes(lens: &[u8], codes: &mut [u16]) {
    let mut count = [0u16; 16];
    for &l in lens {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    for (sym, &l) in lens.iter().enumerate() {
        if l > 0 {
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            codes[sym] = c.reverse_bits() >> (16 - u32::from(l));
        } else {
            codes[sym] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kraft(lens: &[u8]) -> f64 {
        lens.iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(i32::from(l)))
            .sum()
    }

    #[test]
    fn lengths_respect_the_limit_and_form_a_complete_code() {
        // Fibonacci weights make the unlimited Huffman code as deep as the alphabet.
        let mut freqs = vec![1u32, 1];
        while freqs.len() < 30 {
            let n = freqs.len();
            freqs.push(freqs[n - 1] + freqs[n - 2]);
        }
        for max in [7, 9, 15] {
            let mut lens = vec![0u8; freqs.len()];
            lengths(&freqs, max, &mut lens);
            assert!(lens.iter().all(|&l| l >= 1 && u32::from(l) <= max));
            assert!((kraft(&lens) - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn lengths_match_plain_huffman_when_the_limit_does_not_bind() {
        let freqs = [5u32, 9, 12, 13, 16, 45];
        let mut lens = [0u8; 6];
        lengths(&freqs, 15, &mut lens);
        assert_eq!(lens, [4, 4, 3, 3, 3, 1]);
    }

    #[test]
    fn codes_are_canonical() {
        let lens = [2u8, 1, 3, 3];
        let mut c = [0u16; 4];
        codes(&lens, &mut c);
        // Canonical: 1 -> 0, 0 -> 10, 2 -> 110, 3 -> 111; stored bit-reversed.
        assert_eq!(c, [0b01, 0b0, 0b011, 0b111]);
    }
}
