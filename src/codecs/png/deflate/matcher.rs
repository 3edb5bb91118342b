//! Match finders over a sliding window: hash chains for the lazy parser, binary trees (one per
//! 4-byte hash, ordered by the strings that follow) for the optimal parser, which needs every
//! longer match at every position.
//!
//! Positions are indices into the compressor's buffer, as `i32`; when the buffer slides, every
//! stored position moves with it ([`HashChains::rebase`], [`BinaryTrees::rebase`]).

pub const WINDOW: usize = 1 << 15;
const WMASK: usize = WINDOW - 1;
pub const MIN_MATCH: usize = 3;
pub const MAX_MATCH: usize = 258;
/// Far below any cutoff, even after many rebases (which saturate).
const NONE: i32 = i32::MIN / 2;

/// A match: its length and how far back it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub len: u16,
    pub dist: u16,
}

#[inline]
fn load32(buf: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&buf[at..at + 4]);
    u32::from_le_bytes(b)
}

#[inline]
fn load64(buf: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(b)
}

#[inline]
fn hash3(buf: &[u8], at: usize, bits: u32) -> usize {
    let v = u32::from(buf[at]) | u32::from(buf[at + 1]) << 8 | u32::from(buf[at + 2]) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// A little-endian word's first three bytes: what a length-3 match compares.
const LOW3: u32 = 0x00FF_FFFF;

/// The trees' two hashes of `v`, the 4 bytes at a position read as one word (the trees always have
/// 4 bytes ahead): its low three bytes are what [`hash3`] hashes, so that one needs no loads of
/// its own.
#[inline]
fn hashes34(v: u32) -> (usize, usize) {
    let h3 = ((v & LOW3).wrapping_mul(0x9E37_79B1) >> (32 - BT_HASH3_BITS)) as usize;
    let h4 = (v.wrapping_mul(0x9E37_79B1) >> (32 - BT_HASH4_BITS)) as usize;
    (h3, h4)
}

/// Length of the common prefix of `buf[a..]` and `buf[b..]` (`a < b`), at most `max`;
/// `b + max` must not pass the end of `buf`.
#[inline]
pub fn common_len(buf: &[u8], a: usize, b: usize, max: usize) -> usize {
    let mut n = 0;
    while n + 8 <= max {
        let x = load64(buf, a + n) ^ load64(buf, b + n);
        if x != 0 {
            return n + (x.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < max && buf[a + n] == buf[b + n] {
        n += 1;
    }
    n
}

/// [`common_len`], and whether `buf[a..]` orders before `buf[b..]` at the first difference (false
/// when there is none within `max`): what the binary trees need at every node, found from the
/// words the comparison already loaded.
#[inline]
fn common_len_ord(buf: &[u8], a: usize, b: usize, max: usize) -> (usize, bool) {
    let mut n = 0;
    while n + 8 <= max {
        let (x, y) = (load64(buf, a + n), load64(buf, b + n));
        if x != y {
            let shift = (x ^ y).trailing_zeros() & !7;
            return (
                n + (shift / 8) as usize,
                ((x >> shift) as u8) < (y >> shift) as u8,
            );
        }
        n += 8;
    }
    while n < max {
        let (x, y) = (buf[a + n], buf[b + n]);
        if x != y {
            return (n, x < y);
        }
        n += 1;
    }
    (n, false)
}

fn rebase(table: &mut [i32], shift: i32) {
    for v in table {
        *v = v.saturating_sub(shift);
    }
}

const CHAIN_HASH_BITS: u32 = 15;

/// zlib-style chains: the most recent position per 3-byte hash, and for every position in the
/// window the previous one with the same hash.
pub struct HashChains {
    head: Vec<i32>,
    prev: Vec<i32>,
}

impl HashChains {
    pub fn new() -> Self {
        HashChains {
            head: vec![NONE; 1 << CHAIN_HASH_BITS],
            prev: vec![NONE; WINDOW],
        }
    }

    pub fn rebase(&mut self, shift: usize) {
        rebase(&mut self.head, shift as i32);
        rebase(&mut self.prev, shift as i32);
    }

    /// Adds `at` (which needs 3 bytes after it in `buf`).
    #[inline]
    pub fn insert(&mut self, buf: &[u8], at: usize) {
        let h = hash3(buf, at, CHAIN_HASH_BITS);
        self.prev[at & WMASK] = self.head[h];
        self.head[h] = at as i32;
    }

    /// The longest match at `at` (already inserted) longer than `min_len`, walking at most
    /// `depth` links; stops early at `nice` bytes. `max_len` is what the buffer holds past `at`.
    pub fn longest(
        &self,
        buf: &[u8],
        at: usize,
        min_len: usize,
        max_len: usize,
        depth: u32,
        nice: usize,
    ) -> Option<Match> {
        let cutoff = at as i32 - WINDOW as i32;
        let nice = nice.min(max_len);
        let mut best_len = min_len;
        let mut best = None;
        let mut node = self.prev[at & WMASK];
        let mut depth = depth;
        while node > cutoff && depth > 0 {
            let m = node as usize;
            // The byte just past the current best decides quickly whether this can beat it.
            if best_len < max_len && buf[m + best_len] == buf[at + best_len] {
                let len = common_len(buf, m, at, max_len);
                if len > best_len {
                    best_len = len;
                    best = Some(Match {
                        len: len as u16,
                        dist: (at - m) as u16,
                    });
                    if len >= nice {
                        break;
                    }
                }
            }
            node = self.prev[m & WMASK];
            depth -= 1;
        }
        best
    }
}

const BT_HASH3_BITS: u32 = 18;
const BT_HASH4_BITS: u32 = 16;

/// Binary trees per 4-byte hash, plus the latest position per 3-byte hash for length-3 matches.
pub struct BinaryTrees {
    /// Low 16 bits of the latest position per 3-byte hash: half the cache footprint of full
    /// positions. A stale entry points at some other window position, which the byte comparison
    /// then accepts only if it really matches.
    hash3: Vec<u16>,
    hash4: Vec<i32>,
    /// Left (smaller) and right (greater) child of each window position.
    child: Vec<i32>,
}

impl BinaryTrees {
    pub fn new() -> Self {
        BinaryTrees {
            hash3: vec![0; 1 << BT_HASH3_BITS],
            hash4: vec![NONE; 1 << BT_HASH4_BITS],
            child: vec![NONE; 2 * WINDOW],
        }
    }

    pub fn rebase(&mut self, shift: usize) {
        for v in &mut self.hash3 {
            *v = v.wrapping_sub(shift as u16);
        }
        rebase(&mut self.hash4, shift as i32);
        rebase(&mut self.child, shift as i32);
    }

    /// The latest position with `at`'s 4-byte hash while it is in the window: the first one
    /// [`advance`](Self::advance) would compare `at` with. `at` needs 4 bytes after it in `buf`.
    #[inline]
    pub fn latest(&self, buf: &[u8], at: usize) -> Option<usize> {
        let node = self.hash4[hashes34(load32(buf, at)).1];
        (node > at as i32 - WINDOW as i32).then_some(node as usize)
    }

    /// Inserts `at` whose next `nice` bytes (as [`advance`](Self::advance) caps it: at most what
    /// the buffer holds) repeat those `period` bytes back, when the trees hold `at - period` as the
    /// latest position of its 4-byte hash: [`advance`](Self::advance) would compare the two, find
    /// them equal up to its nice length and put `at` in that position's place, which this does
    /// without comparing. Inside runs and repeated rows that comparison (up to `nice` bytes at
    /// every position) was most of the time DEFLATE took. Returns false, having done nothing, when
    /// `at - period` is not that position.
    #[inline]
    pub fn replace_repeat(&mut self, buf: &[u8], at: usize, period: usize) -> bool {
        let (h3, h4) = hashes34(load32(buf, at));
        let Some(root) = at.checked_sub(period) else {
            return false;
        };
        if period == 0 || period >= WINDOW || self.hash4[h4] != root as i32 {
            return false;
        }
        self.hash3[h3] = at as u16;
        self.hash4[h4] = at as i32;
        let (slot, root_slot) = (2 * (at & WMASK), 2 * (root & WMASK));
        self.child[slot] = self.child[root_slot];
        self.child[slot + 1] = self.child[root_slot + 1];
        true
    }

    /// Inserts `at` and, if `RECORD`, appends to `out` its matches, each longer than the one before
    /// (so, nearest first for each length). `max_len` (at least 4) is what the buffer holds past
    /// `at`; a match of `nice` bytes ends the search. Returns the longest length found.
    #[inline]
    pub fn advance<const RECORD: bool>(
        &mut self,
        buf: &[u8],
        at: usize,
        max_len: usize,
        nice: usize,
        depth: u32,
        out: &mut Vec<Match>,
    ) -> usize {
        let cutoff = at as i32 - WINDOW as i32;
        let mut best = MIN_MATCH - 1;
        let v = load32(buf, at);
        let (h3, h4) = hashes34(v);
        let dist3 = usize::from((at as u16).wrapping_sub(self.hash3[h3]));
        self.hash3[h3] = at as u16;
        if RECORD && dist3 > 0 && dist3 < WINDOW && dist3 <= at {
            let m = at - dist3;
            if (load32(buf, m) ^ v) & LOW3 == 0 {
                best = MIN_MATCH;
                out.push(Match {
                    len: MIN_MATCH as u16,
                    dist: (at - m) as u16,
                });
            }
        }
        // Tree matches of length 3 would only repeat the hash3 one, or be farther; they still
        // stand in when a hash collision lost the nearer one.
        let mut node = self.hash4[h4];
        self.hash4[h4] = at as i32;
        let mut lt = 2 * (at & WMASK);
        let mut gt = lt + 1;
        if node <= cutoff {
            self.child[lt] = NONE;
            self.child[gt] = NONE;
            return best;
        }
        let nice = nice.min(max_len);
        let (mut lt_len, mut gt_len) = (0usize, 0usize);
        let mut len = 0usize;
        let mut depth = depth;
        loop {
            let m = node as usize;
            // `len` is below `nice`, so below `max_len`.
            let (same, less) = common_len_ord(buf, m + len, at + len, max_len - len);
            if same > 0 {
                len += same;
                if RECORD && len > best {
                    best = len;
                    out.push(Match {
                        len: len as u16,
                        dist: (at - m) as u16,
                    });
                }
                if len >= nice {
                    // `at` takes `m`'s place: equal strings, and `at` is nearer.
                    let slot = 2 * (m & WMASK);
                    self.child[lt] = self.child[slot];
                    self.child[gt] = self.child[slot + 1];
                    return best.max(len);
                }
            }
            let slot = 2 * (m & WMASK);
            if less {
                self.child[lt] = node;
                lt = slot + 1;
                node = self.child[lt];
                lt_len = len;
            } else {
                self.child[gt] = node;
                gt = slot;
                node = self.child[gt];
                gt_len = len;
            }
            depth -= 1;
            if node <= cutoff || depth == 0 {
                self.child[lt] = NONE;
                self.child[gt] = NONE;
                return best;
            }
            len = lt_len.min(gt_len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order from the loaded words is the bytes' order at the first difference, wherever it
    /// falls (inside a word, at its edges, in the bytewise tail) and when there is none.
    #[test]
    fn common_len_ord_is_the_prefix_and_the_first_differing_bytes_order() {
        let mut next = crate::test_rng::xorshift32(0x1234_5678_u32);
        for _ in 0..20_000 {
            let max = (next() % 40) as usize;
            let mut buf: Vec<u8> = (0..2 * max + 16).map(|_| (next() % 3) as u8).collect();
            let (a, b) = (0, max + (next() % 8) as usize);
            // Long common prefixes too.
            let same = (next() as usize) % (max + 1);
            for i in 0..same {
                buf[b + i] = buf[a + i];
            }
            let n = common_len(&buf, a, b, max);
            let less = n < max && buf[a + n] < buf[b + n];
            assert_eq!(common_len_ord(&buf, a, b, max), (n, less));
        }
    }
}
