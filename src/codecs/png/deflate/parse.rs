//! Turning bytes into literals and matches: a lazy parser over hash chains (fast), and a
//! near-optimal parser (default and max) that finds the cheapest path through every match the
//! binary trees report, priced by the Huffman code of the previous pass.

use super::bits::BitWriter;
use super::block::{self, dist_slot, len_extra, Seq, DIST_EXTRA, DIST_SYMS, LEN_SLOT};
use super::matcher::{common_len, BinaryTrees, HashChains, Match, MAX_MATCH, MIN_MATCH, WINDOW};

/// A length-3 match this far back costs more than its three literals, nearly always.
const FAR_THREE: usize = 4096;

/// Symbols per lazily-parsed block: long enough to pay for a dynamic header, short enough to
/// follow changes in the statistics.
const LAZY_BLOCK: usize = 1 << 15;

pub struct Lazy {
    chains: HashChains,
    depth: u32,
    nice: usize,
    seqs: Vec<Seq>,
}

impl Lazy {
    pub fn new(depth: u32, nice: usize) -> Self {
        Lazy {
            chains: HashChains::new(),
            depth,
            nice,
            seqs: Vec::with_capacity(LAZY_BLOCK + 2),
        }
    }

    pub fn rebase(&mut self, shift: usize) {
        self.chains.rebase(shift);
    }

    fn insert_through(&mut self, buf: &[u8], from: usize, to: usize) {
        for q in from..to.min(buf.len().saturating_sub(MIN_MATCH - 1)) {
            self.chains.insert(buf, q);
        }
    }

    /// Parses `buf[from..to]` (earlier bytes are history) into blocks written to `w`.
    pub fn run(&mut self, buf: &[u8], from: usize, to: usize, last: bool, w: &mut BitWriter) {
        let mut p = from;
        let mut block_start = from;
        let mut pending: Option<Match> = None;
        self.seqs.clear();
        while p < to {
            if pending.is_none() && self.seqs.len() >= LAZY_BLOCK {
                block::write(w, &self.seqs, &buf[block_start..p], false);
                self.seqs.clear();
                block_start = p;
            }
            let max_len = (to - p).min(MAX_MATCH);
            if max_len < MIN_MATCH || buf.len() - p < MIN_MATCH {
                if let Some(m) = pending.take() {
                    self.seqs.push(Seq {
                        len: m.len,
                        dist: m.dist,
                    });
                    p += usize::from(m.len) - 1;
                    continue;
                }
                self.seqs.push(Seq::literal(buf[p]));
                p += 1;
                continue;
            }
            self.chains.insert(buf, p);
            let floor = pending.map_or(MIN_MATCH - 1, |m| usize::from(m.len));
            let found = self
                .chains
                .longest(buf, p, floor, max_len, self.depth, self.nice)
                .filter(|m| m.len > 3 || usize::from(m.dist) <= FAR_THREE);
            match (pending, found) {
                (Some(_), Some(better)) => {
                    self.seqs.push(Seq::literal(buf[p - 1]));
                    pending = Some(better);
                    p += 1;
                }
                (Some(m), None) => {
                    self.seqs.push(Seq {
                        len: m.len,
                        dist: m.dist,
                    });
                    let end = p - 1 + usize::from(m.len);
                    self.insert_through(buf, p + 1, end);
                    p = end;
                    pending = None;
                }
                (None, Some(m)) if usize::from(m.len) >= self.nice => {
                    self.seqs.push(Seq {
                        len: m.len,
                        dist: m.dist,
                    });
                    let end = p + usize::from(m.len);
                    self.insert_through(buf, p + 1, end);
                    p = end;
                }
                (None, Some(m)) => {
                    pending = Some(m);
                    p += 1;
                }
                (None, None) => {
                    self.seqs.push(Seq::literal(buf[p]));
                    p += 1;
                }
            }
        }
        if let Some(m) = pending {
            self.seqs.push(Seq {
                len: m.len,
                dist: m.dist,
            });
        }
        if !self.seqs.is_empty() || last {
            block::write(w, &self.seqs, &buf[block_start..to], last);
        }
        self.seqs.clear();
    }
}

/// The first position from `from` on (up to `limit` and the end of `buf`) whose byte differs from
/// the one `period` back: the data repeats with that period up to there. `from` itself when there
/// is no period.
fn repeats_until(buf: &[u8], from: usize, period: usize, limit: usize) -> usize {
    let limit = limit.min(buf.len());
    if period == 0 || period > from || from >= limit {
        return from;
    }
    from + common_len(buf, from - period, from, limit - from)
}

fn histogram(raw: &[u8]) -> [u32; 256] {
    let mut hist = [0u32; 256];
    for &b in raw {
        hist[usize::from(b)] += 1;
    }
    hist
}

/// Whether two byte histograms share at least half their mass: the differences of their bytes'
/// shares sum to at most 1 (of 2, for disjoint ones). Stricter (1/2) cost kodim01 0.16 %; looser
/// changed nothing on the corpus.
fn alike(a: &[u32; 256], b: &[u32; 256]) -> bool {
    let (na, nb) = (
        a.iter().map(|&h| u64::from(h)).sum::<u64>(),
        b.iter().map(|&h| u64::from(h)).sum::<u64>(),
    );
    // Each share scaled by both totals: integer sums, no division.
    let apart: u64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (u64::from(x) * nb).abs_diff(u64::from(y) * na))
        .sum();
    apart <= na * nb
}

/// Costs in 1/16 bit, so that the first pass's entropy estimates keep some precision.
const BIT: u32 = 16;

/// What each symbol costs in the current model.
struct Costs {
    lit: [u32; 256],
    /// By match length, extra bits included.
    len: [u32; MAX_MATCH + 1],
    /// By distance slot, extra bits included.
    dist: [u32; DIST_SYMS],
}

impl Costs {
    /// A first guess before any code exists: every literal alike, priced by how many distinct
    /// bytes the block uses and how often matches seem to replace them, and matches at flat
    /// symbol prices plus their extra bits (the approach libdeflate describes).
    fn initial(raw: &[u8], hist: &[u32; 256], match_share: f32) -> Self {
        let rare = (raw.len() >> 11) as u32;
        let used = hist.iter().filter(|&&h| h > rare).count().max(1) as f32;
        let lit_bits = -((1.0 - match_share) / used).log2();
        let len_bits = -(match_share / 29.0).log2();
        let lit = [(lit_bits * BIT as f32) as u32; 256];
        let mut len = [0u32; MAX_MATCH + 1];
        for (l, c) in len.iter_mut().enumerate().skip(MIN_MATCH) {
            *c = (len_bits * BIT as f32) as u32 + len_extra(l) * BIT;
        }
        let mut dist = [0u32; DIST_SYMS];
        for (s, c) in dist.iter_mut().enumerate() {
            *c = (4.9 * BIT as f32) as u32 + u32::from(DIST_EXTRA[s]) * BIT;
        }
        Costs { lit, len, dist }
    }

    /// Each price a quarter of the way from `previous`'s towards this one's.
    fn blended(&self, previous: &Costs) -> Costs {
        fn mix<const N: usize>(own: &[u32; N], previous: &[u32; N]) -> [u32; N] {
            std::array::from_fn(|i| (own[i] + 3 * previous[i]) / 4)
        }
        Costs {
            lit: mix(&self.lit, &previous.lit),
            len: mix(&self.len, &previous.len),
            dist: mix(&self.dist, &previous.dist),
        }
    }

    /// Prices from the code lengths of a pass's symbols. Symbols that code left out get a
    /// moderate price, so that a later pass can still discover them.
    fn from_code(seqs: &[Seq]) -> Self {
        let freqs = block::Freqs::of(seqs);
        let (litlen, dist_lens) = block::code_lengths(&freqs);
        let bits = |l: u8, unused: u32| if l == 0 { unused } else { u32::from(l) };
        let mut lit = [0u32; 256];
        for (c, &l) in lit.iter_mut().zip(&litlen) {
            *c = bits(l, 13) * BIT;
        }
        let mut len = [0u32; MAX_MATCH + 1];
        for (l, c) in len.iter_mut().enumerate().skip(MIN_MATCH) {
            let sym = 257 + usize::from(LEN_SLOT[l]);
            *c = (bits(litlen[sym], 12) + len_extra(l)) * BIT;
        }
        let mut dist = [0u32; DIST_SYMS];
        for (s, c) in dist.iter_mut().enumerate() {
            *c = (bits(dist_lens[s], 8) + u32::from(DIST_EXTRA[s])) * BIT;
        }
        Costs { lit, len, dist }
    }
}

pub struct Optimal {
    trees: BinaryTrees,
    /// Whether repeats skip the trees' comparisons ([`BinaryTrees::replace_repeat`]); off only
    /// in the test that proves the output is the same either way.
    shortcut: bool,
    depth: u32,
    /// Depth of the searches that only insert the positions inside a long match: they find no
    /// matches, and keep the trees for later searches, where depth 32 instead of 16 gained the
    /// screenshot 0.25 % for +9 % instructions, the graphic 0.09 % for +15 %.
    insert_depth: u32,
    nice: usize,
    passes: u32,
    /// Passes for a block that starts from flat prices (the first, or one unlike the block
    /// before): one more than `passes` at the default level.
    flat_passes: u32,
    max_block: usize,
    /// Per position of the block: how many matches the cache holds for it.
    counts: Vec<u16>,
    cache: Vec<Match>,
    cost: Vec<u32>,
    choice: Vec<Match>,
    seqs: Vec<Seq>,
    /// Distance slot by distance: one load where the shortest path prices every cached match,
    /// in every pass, instead of [`dist_slot`]'s arithmetic.
    dist_slots: Vec<u8>,
    /// The cost model of the previous block's final parse, which the next block starts from, and
    /// that block's byte histogram. Boxed: 3 KiB would make every `Engine` (`mod.rs`) that
    /// large.
    previous: Option<Box<(Costs, [u32; 256])>>,
}

impl Optimal {
    pub fn new(
        depth: u32,
        insert_depth: u32,
        nice: usize,
        passes: u32,
        flat_passes: u32,
        max_block: usize,
    ) -> Self {
        Optimal {
            trees: BinaryTrees::new(),
            shortcut: true,
            depth,
            insert_depth,
            nice,
            passes: passes.max(1),
            flat_passes: flat_passes.max(1),
            max_block,
            counts: Vec::new(),
            cache: Vec::new(),
            cost: Vec::new(),
            choice: Vec::new(),
            seqs: Vec::new(),
            dist_slots: (0..=WINDOW).map(|d| dist_slot(d.max(1)) as u8).collect(),
            previous: None,
        }
    }

    pub fn rebase(&mut self, shift: usize) {
        self.trees.rebase(shift);
    }

    #[cfg(test)]
    pub fn set_shortcut(&mut self, on: bool) {
        self.shortcut = on;
    }

    /// Parses `buf[from..to]` into blocks written to `w`; bytes past `to` serve only as lookahead
    /// for the match finder.
    pub fn run(&mut self, buf: &[u8], from: usize, to: usize, last: bool, w: &mut BitWriter) {
        let mut p = from;
        if p >= to && last {
            block::write(w, &[], &[], true);
        }
        while p < to {
            let start = p;
            p = self.find_matches(buf, start, to);
            let raw = &buf[start..p];
            let hist = histogram(raw);
            let fresh = Costs::initial(raw, &hist, self.match_share());
            // Neighbouring blocks of an image share most of their statistics: the previous block's
            // final code is a far better first guess than flat prices (−1.0 % on the screenshot,
            // −0.33 % over the Kodak photos), kept a quarter of the way towards the flat guess so
            // that a block somewhat unlike the one before can still find its own optimum (all of
            // it: +0.6 % on kodim19 and kodim21). Where the bytes differ a lot the old code would
            // mislead the first pass, and two passes do not recover: flat prices then.
            // libdeflate blends likewise, by how much its block statistics changed.
            let (mut costs, passes) = match &self.previous {
                Some(previous) if alike(&previous.1, &hist) => {
                    (fresh.blended(&previous.0), self.passes)
                }
                _ => (fresh, self.flat_passes),
            };
            for pass in 0..passes {
                self.shortest_path(raw, &costs);
                self.walk(raw);
                if pass + 1 < passes {
                    costs = Costs::from_code(&self.seqs);
                }
            }
            self.previous = Some(Box::new((Costs::from_code(&self.seqs), hist)));
            self.write_split(w, raw, last && p >= to);
        }
    }

    /// Writes the parsed block as one or more blocks: cut into segments of about `SEGMENT` bytes,
    /// then, left to right, each segment joins the block before it unless a block of its own, with
    /// a code fitted to it, costs fewer bits than the shared code.
    fn write_split(&mut self, w: &mut BitWriter, raw: &[u8], last: bool) {
        const SEGMENT: usize = 8 << 10;
        // (first seq, first byte, counts) of each segment.
        let mut segments: Vec<(usize, usize, block::Freqs)> = Vec::new();
        let (mut seq_start, mut byte_start, mut bytes) = (0, 0, 0);
        for (i, s) in self.seqs.iter().enumerate() {
            bytes += if s.dist == 0 { 1 } else { usize::from(s.len) };
            if bytes - byte_start >= SEGMENT || i + 1 == self.seqs.len() {
                let f = block::Freqs::of(&self.seqs[seq_start..=i]);
                segments.push((seq_start, byte_start, f));
                seq_start = i + 1;
                byte_start = bytes;
            }
        }
        let mut open: Option<(usize, usize, block::Freqs, u64)> = None;
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        for (seq, byte, f) in segments {
            let alone = block::dynamic_bits(&f);
            open = Some(match open {
                None => (seq, byte, f, alone),
                Some((s0, b0, f0, bits0)) => {
                    let joined = f0.merged(&f);
                    let together = block::dynamic_bits(&joined);
                    if together <= bits0 + alone {
                        (s0, b0, joined, together)
                    } else {
                        cuts.push((seq, byte));
                        (seq, byte, f, alone)
                    }
                }
            });
        }
        let mut from = (0, 0);
        for &(seq, byte) in &cuts {
            block::write(w, &self.seqs[from.0..seq], &raw[from.1..byte], false);
            from = (seq, byte);
        }
        block::write(w, &self.seqs[from.0..], &raw[from.1..], last);
    }

    /// Fills the match cache for a block starting at `start`; returns where the block ends.
    fn find_matches(&mut self, buf: &[u8], start: usize, to: usize) -> usize {
        self.counts.clear();
        self.cache.clear();
        let end = to.min(start + self.max_block);
        // Runs of short repeats can report many matches per position: the cache stays bounded.
        let cache_cap = 4 * self.max_block;
        let mut p = start;
        while p < end && self.cache.len() < cache_cap {
            let max_len = (buf.len() - p).min(MAX_MATCH);
            if max_len < 4 {
                self.counts.push(0);
                p += 1;
                continue;
            }
            let before = self.cache.len();
            let longest =
                self.trees
                    .advance::<true>(buf, p, max_len, self.nice, self.depth, &mut self.cache);
            let found = self.cache.len() - before;
            self.counts.push(found as u16);
            p += 1;
            if longest >= self.nice {
                // Inside a long match the cheapest path nearly always continues it: insert
                // these positions into the trees without searching from them. Where the data
                // goes on repeating the bytes a period back for the nice length ahead, and the
                // trees' latest position of the hash is the one a period back, they would find
                // the two equal: put the new one in its place without comparing. The period is
                // that latest position's distance (the match's own one missed runs inside
                // repeated rows); how far the data repeats with it is found once for all the
                // positions that share it. (Asking for a whole match length, 258 bytes, missed
                // the repeats of 96 to 257 bytes, as on the screenshot's text rows.)
                let skip_end = (p + longest - 1).min(end);
                let (mut period, mut repeats_to) = (0, p);
                while p < skip_end {
                    let max_len = (buf.len() - p).min(MAX_MATCH);
                    let root = if max_len >= 4 && self.shortcut {
                        self.trees.latest(buf, p)
                    } else {
                        None
                    };
                    if let Some(root) = root {
                        if p - root != period {
                            period = p - root;
                            repeats_to = repeats_until(buf, p, period, skip_end + self.nice);
                        }
                    }
                    if root.is_some()
                        && p + self.nice.min(max_len) <= repeats_to
                        && self.trees.replace_repeat(buf, p, period)
                    {
                        // Inserted.
                    } else if max_len >= 4 {
                        self.trees.advance::<false>(
                            buf,
                            p,
                            max_len,
                            self.nice,
                            self.insert_depth,
                            &mut self.cache,
                        );
                    }
                    self.counts.push(0);
                    p += 1;
                }
            }
        }
        p
    }

    /// A rough share of symbols that will be matches: each position's longest match counted as
    /// if taken, bytes not covered by one as literals.
    fn match_share(&self) -> f32 {
        let (mut matches, mut covered) = (0usize, 0usize);
        let mut at = 0;
        for &c in &self.counts {
            at += usize::from(c);
            if c > 0 {
                matches += 1;
                covered += usize::from(self.cache[at - 1].len);
            }
        }
        let literals = self.counts.len().saturating_sub(covered);
        if matches > literals {
            0.75
        } else if matches * 4 > literals {
            0.5
        } else {
            0.25
        }
    }

    /// Cheapest cost from every position to the block's end, and the first step of that path.
    fn shortest_path(&mut self, raw: &[u8], costs: &Costs) {
        let n = raw.len();
        self.cost.clear();
        self.cost.resize(n + 1, 0);
        self.choice.clear();
        self.choice.resize(n, Match { len: 1, dist: 0 });
        let mut cache_end = self.cache.len();
        for i in (0..n).rev() {
            let count = usize::from(self.counts[i]);
            cache_end -= count;
            let mut best = self.cost[i + 1] + costs.lit[usize::from(raw[i])];
            let mut step = Match { len: 1, dist: 0 };
            let limit = n - i;
            let mut len = MIN_MATCH;
            for m in &self.cache[cache_end..cache_end + count] {
                let top = usize::from(m.len).min(limit);
                if len > top {
                    continue;
                }
                let dcost = costs.dist[usize::from(self.dist_slots[usize::from(m.dist)])];
                // Each length up to this match's, from the nearest match that reaches it. The
                // distance's cost is the same for all of them: compare the rest against what it
                // leaves of the best (none can beat a best below it), one add less per length.
                if let Some(mut bound) = best.checked_sub(dcost) {
                    let ahead = &self.cost[i + len..=i + top];
                    let lens = &costs.len[len..=top];
                    for (k, (&rest, &lcost)) in ahead.iter().zip(lens).enumerate() {
                        let c = rest + lcost;
                        if c < bound {
                            bound = c;
                            step = Match {
                                len: (len + k) as u16,
                                dist: m.dist,
                            };
                        }
                    }
                    best = bound + dcost;
                }
                len = top + 1;
            }
            self.cost[i] = best;
            self.choice[i] = step;
        }
    }

    /// The symbols along the cheapest path.
    fn walk(&mut self, raw: &[u8]) {
        self.seqs.clear();
        let mut i = 0;
        while i < raw.len() {
            let step = self.choice[i];
            if step.dist == 0 {
                self.seqs.push(Seq::literal(raw[i]));
                i += 1;
            } else {
                self.seqs.push(Seq {
                    len: step.len,
                    dist: step.dist,
                });
                i += usize::from(step.len);
            }
        }
    }
}
