//! Length-limited Huffman code lengths and their canonical codes.

/// Optimal code lengths for `freqs`, none longer than `max_bits`, written to `lens` (0 for unused
/// symbols): plain Huffman when no code exceeds the limit, else boundary-free package-merge, which
/// unlike heuristic length fixes stays optimal (small alphabets, at most 288 symbols and 15 levels).
pub fn lengths(freqs: &[u32], max_bits: u32, lens: &mut [u8]) {
    lens.iter_mut().for_each(|l| *l = 0);
    let leaves = sorted_leaves(freqs);
    match leaves.len() {
        0 => return,
        1 => {
            lens[usize::from(leaves[0].1)] = 1;
            return;
        }
        _ => {}
    }
    if huffman_within(&leaves, max_bits, lens) {
        return;
    }
    package_merge(&leaves, max_bits, lens);
}

/// The used symbols of `freqs` as (weight, symbol), lightest first (ties by symbol).
fn sorted_leaves(freqs: &[u32]) -> Vec<(u64, u16)> {
    let mut leaves: Vec<(u64, u16)> = freqs
        .iter()
        .enumerate()
        .filter(|&(_, &f)| f > 0)
        .map(|(s, &f)| (u64::from(f), s as u16))
        .collect();
    leaves.sort_unstable();
    leaves
}

/// Plain Huffman code lengths for `leaves` (at least two, sorted by weight), written to `lens` if
/// none exceeds `max_bits`: then they are optimal under the limit too. Two queues (leaves, and
/// the packages made so far, which come out in order of weight) build the tree in linear time:
/// a fraction of package-merge's cost, which was a tenth of a default-effort encode since every
/// block split trial prices its segments with a fresh code. Returns false, having written
/// nothing, when the limit binds.
fn huffman_within(leaves: &[(u64, u16)], max_bits: u32, lens: &mut [u8]) -> bool {
    let n = leaves.len();
    let mut weight: Vec<u64> = leaves.iter().map(|&(w, _)| w).collect();
    weight.resize(2 * n - 1, 0);
    let mut parent = vec![0u32; 2 * n - 1];
    let (mut leaf, mut node) = (0, n);
    for next in n..2 * n - 1 {
        for _ in 0..2 {
            let take = if leaf < n && (node >= next || weight[leaf] <= weight[node]) {
                leaf += 1;
                leaf - 1
            } else {
                node += 1;
                node - 1
            };
            weight[next] += weight[take];
            parent[take] = next as u32;
        }
    }
    // Parents come after their children: depths from the root down.
    let mut depth = vec![0u32; 2 * n - 1];
    for i in (0..2 * n - 2).rev() {
        depth[i] = depth[parent[i] as usize] + 1;
    }
    if depth[..n].iter().any(|&d| d > max_bits) {
        return false;
    }
    for (&(_, sym), &d) in leaves.iter().zip(&depth) {
        lens[usize::from(sym)] = d as u8;
    }
    true
}

/// Optimal code lengths under the limit, by boundary-free package-merge, for `leaves` (at least
/// two, sorted by weight).
fn package_merge(leaves: &[(u64, u16)], max_bits: u32, lens: &mut [u8]) {
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

    fn cost(freqs: &[u32], lens: &[u8]) -> u64 {
        freqs
            .iter()
            .zip(lens)
            .map(|(&f, &l)| u64::from(f) * u64::from(l))
            .sum()
    }

    /// The plain Huffman shortcut costs exactly what package-merge's optimum does, and where the
    /// limit binds (Fibonacci weights) the fallback keeps every code within it.
    #[test]
    fn the_huffman_shortcut_is_as_short_as_package_merge() {
        let mut next = crate::test_rng::xorshift32(0x9e37_79b9_u32);
        for case in 0..300 {
            let n = 2 + case % 286;
            let freqs: Vec<u32> = (0..n)
                .map(|_| {
                    let seed = next();
                    // Many zeros, many small counts, some large.
                    match seed % 4 {
                        0 => 0,
                        1 => seed >> 28,
                        _ => seed >> (8 + case % 20),
                    }
                })
                .collect();
            let leaves = sorted_leaves(&freqs);
            if leaves.len() < 2 {
                continue;
            }
            let (mut quick, mut slow) = (vec![0u8; n], vec![0u8; n]);
            package_merge(&leaves, 15, &mut slow);
            if huffman_within(&leaves, 15, &mut quick) {
                assert_eq!(cost(&freqs, &quick), cost(&freqs, &slow), "case {case}");
            }
            let mut both = vec![0u8; n];
            lengths(&freqs, 15, &mut both);
            assert_eq!(cost(&freqs, &both), cost(&freqs, &slow), "case {case}");
        }
        let mut fib = vec![1u32, 1];
        while fib.len() < 30 {
            fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
        }
        let mut lens = vec![0u8; fib.len()];
        lengths(&fib, 15, &mut lens);
        assert!(lens.iter().all(|&l| (1..=15).contains(&l)));
        let kraft: f64 = lens.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
        assert!(kraft <= 1.0);
        let mut slow = vec![0u8; fib.len()];
        assert!(!huffman_within(&sorted_leaves(&fib), 15, &mut slow));
    }
}
