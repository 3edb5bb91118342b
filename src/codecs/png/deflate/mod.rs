//! A zlib (DEFLATE) compressor written for PNG's filtered rows: lazy matching over hash chains for
//! fast effort, and for more effort a near-optimal parse (binary-tree match finder, shortest path
//! priced by the previous pass's Huffman code, repeated). Blocks are stored, fixed or dynamic,
//! whichever is smallest, with optimal length-limited codes.
//!
//! Input streams through a buffer of the 32 KiB window plus about a megabyte, so that memory stays
//! bounded whatever the image size. The design follows the published descriptions of zlib,
//! libdeflate and zopfli; the code is our own.

mod bits;
mod block;
mod huffman;
mod matcher;
mod parse;

use bits::BitWriter;
use matcher::{MAX_MATCH, WINDOW};
use parse::{Lazy, Optimal};

/// How hard the compressor looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Lazy matching over hash chains.
    Fast,
    /// Near-optimal parsing, moderate search.
    Default,
    /// [`Default`](Self::Default)'s parse with a shallower search and one cost pass: ranks filter
    /// strategies on a sample of rows, where only which one compresses smaller matters. (Two
    /// passes, as before 3 December, ranked every corpus image the same at default and max
    /// effort, for 3 % more instructions on kodim01's whole encode.)
    Rank,
    /// Near-optimal parsing, deep search and more passes.
    Max,
}

impl Level {
    /// The zlib header's second byte (FLEVEL, with the check bits) for streams at this level.
    pub fn flags(self) -> u8 {
        match self {
            Level::Fast => 0x01,
            Level::Default | Level::Rank => 0x9c,
            Level::Max => 0xda,
        }
    }
}

/// New input collected before it is parsed, beyond the window.
const CHUNK: usize = 1 << 20;

enum Engine {
    Lazy(Lazy),
    Optimal(Optimal),
}

/// A streaming zlib compressor: [`write`](Self::write) any amount, then [`finish`](Self::finish).
pub struct Deflater {
    engine: Engine,
    /// The window (already compressed bytes still in reach of matches), then pending input.
    buf: Vec<u8>,
    /// Where the pending input starts in `buf`.
    pos: usize,
    out: BitWriter,
    adler: Adler32,
}

impl Deflater {
    pub fn new(level: Level) -> Self {
        let engine = match level {
            Level::Fast => Engine::Lazy(Lazy::new(16, 64)),
            // Searches that record matches go 32 deep rather than 16, which pays where the trees
            // are deep (the text screenshot's few distinct bytes) and costs little where they
            // rarely reach 16 (photos); a block that starts from flat prices takes a third pass,
            // as later blocks start near their optimum already. Together: the screenshot −0.9 %
            // for +11 % instructions, photos +0.4 % instructions (deflate-notes.md, session 11).
            Level::Default => Engine::Optimal(Optimal::new(32, 16, 96, 2, 3, 1 << 16)),
            Level::Rank => Engine::Optimal(Optimal::new(16, 16, 96, 1, 1, 1 << 16)),
            Level::Max => Engine::Optimal(Optimal::new(100, 100, 258, 4, 4, 1 << 16)),
        };
        Deflater {
            engine,
            buf: Vec::with_capacity(WINDOW + CHUNK + MAX_MATCH),
            pos: 0,
            out: BitWriter::new(vec![0x78, level.flags()]),
            adler: Adler32::new(),
        }
    }

    pub fn write(&mut self, mut data: &[u8]) {
        self.adler.update(data);
        while !data.is_empty() {
            let room = (WINDOW + CHUNK + MAX_MATCH).saturating_sub(self.buf.len());
            let (now, later) = data.split_at(room.min(data.len()));
            self.buf.extend_from_slice(now);
            data = later;
            if self.buf.len() >= WINDOW + CHUNK + MAX_MATCH {
                self.compress(false);
            }
        }
    }

    /// A compressor of one band of a stream split over several workers: raw DEFLATE (no zlib
    /// header), ended by [`finish_band`](Self::finish_band). The window starts empty, so a band's
    /// matches never reach into the band before it: that is what a split costs in bytes.
    #[cfg(feature = "full")]
    pub fn band(level: Level) -> Self {
        let mut d = Deflater::new(level);
        d.out = BitWriter::new(Vec::new());
        d
    }

    /// Ends a [`band`](Self::band): its blocks, then (unless `last`, which ends the stream with the
    /// final block) an empty stored block, the sync flush that leaves the stream on a byte boundary
    /// so that the next band's blocks can simply follow. With the Adler-32 of the band's input.
    #[cfg(feature = "full")]
    pub fn finish_band(mut self, last: bool) -> (Vec<u8>, u32) {
        if last {
            self.compress(true);
        } else {
            let to = self.buf.len();
            match &mut self.engine {
                Engine::Lazy(e) => e.run(&self.buf, self.pos, to, false, &mut self.out),
                Engine::Optimal(e) => e.run(&self.buf, self.pos, to, false, &mut self.out),
            }
            // BFINAL 0, BTYPE 00 (stored), then LEN 0 and NLEN 0xffff.
            self.out.put(0, 3);
            self.out.align();
            self.out.bytes(&[0, 0, 0xff, 0xff]);
        }
        let adler = self.adler.value();
        (self.out.finish(), adler)
    }

    /// The compressed bytes so far, taken out of the stream (the rest follows from `finish`): a
    /// caller streaming a huge image moves them on instead of holding the whole stream twice.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out.out)
    }

    /// The zlib stream: header, blocks and the Adler-32 of everything written.
    pub fn finish(mut self) -> Vec<u8> {
        self.compress(true);
        let mut out = self.out.finish();
        out.extend_from_slice(&self.adler.value().to_be_bytes());
        out
    }

    /// Parses the pending input, keeping the last `MAX_MATCH` bytes back as lookahead unless this
    /// is the end, then slides the window.
    fn compress(&mut self, last: bool) {
        let to = if last {
            self.buf.len()
        } else {
            self.buf.len() - MAX_MATCH
        };
        match &mut self.engine {
            Engine::Lazy(e) => e.run(&self.buf, self.pos, to, last, &mut self.out),
            Engine::Optimal(e) => e.run(&self.buf, self.pos, to, last, &mut self.out),
        }
        self.pos = to;
        if self.pos > WINDOW {
            let shift = self.pos - WINDOW;
            self.buf.drain(..shift);
            self.pos -= shift;
            match &mut self.engine {
                Engine::Lazy(e) => e.rebase(shift),
                Engine::Optimal(e) => e.rebase(shift),
            }
        }
    }
}

/// Compresses `data` in one go.
pub fn zlib(data: &[u8], level: Level) -> Vec<u8> {
    let mut d = Deflater::new(level);
    d.write(data);
    d.finish()
}

struct Adler32 {
    a: u32,
    b: u32,
}

impl Adler32 {
    fn new() -> Self {
        Adler32 { a: 1, b: 0 }
    }

    fn update(&mut self, data: &[u8]) {
        // 5552 bytes is the most that can be summed before `b` could overflow 32 bits.
        for part in data.chunks(5552) {
            for &x in part {
                self.a += u32::from(x);
                self.b += self.a;
            }
            self.a %= 65_521;
            self.b %= 65_521;
        }
    }

    fn value(&self) -> u32 {
        self.b << 16 | self.a
    }
}

#[cfg(test)]
mod tests;
