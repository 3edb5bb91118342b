//! LSB-first bit output, as DEFLATE packs its codes.

pub struct BitWriter {
    pub out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl BitWriter {
    pub fn new(out: Vec<u8>) -> Self {
        BitWriter {
            out,
            acc: 0,
            count: 0,
        }
    }

    /// Appends the low `count` bits of `bits` (at most 32; the higher bits must be zero).
    #[inline]
    pub fn put(&mut self, bits: u32, count: u32) {
        self.acc |= u64::from(bits) << self.count;
        self.count += count;
        if self.count >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.count -= 32;
        }
    }

    /// Pads with zero bits to the next byte boundary and flushes every whole byte.
    pub fn align(&mut self) {
        self.count = self.count.div_ceil(8) * 8;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// Bits needed to reach the next byte boundary.
    pub fn pad_bits(&self) -> u32 {
        (8 - self.count % 8) % 8
    }

    /// Raw bytes; only valid on a byte boundary (after [`align`](Self::align)).
    pub fn bytes(&mut self, data: &[u8]) {
        self.out.extend_from_slice(data);
    }

    /// The output, with any final partial byte padded out.
    pub fn finish(mut self) -> Vec<u8> {
        self.align();
        self.out
    }
}
