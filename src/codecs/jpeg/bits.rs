//! The entropy-coded segment's bit writer: MSB first, 0xFF bytes stuffed with 0x00, padded with ones.

pub(super) struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    /// Bits held in the low end of `acc`.
    n: u32,
}

impl<'a> BitWriter<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>) -> Self {
        BitWriter { out, acc: 0, n: 0 }
    }

    /// Appends the low `len` bits of `bits` (len ≤ 32).
    #[inline]
    pub(super) fn put(&mut self, bits: u32, len: u32) {
        if len == 0 {
            return;
        }
        self.acc = (self.acc << len) | (u64::from(bits) & ((1u64 << len) - 1));
        self.n += len;
        if self.n >= 32 {
            self.drain();
        }
    }

    #[inline]
    fn drain(&mut self) {
        // Four bytes at once when none of them needs stuffing, as nearly always.
        if self.n >= 32 {
            let word = (self.acc >> (self.n - 32)) as u32;
            if word.to_ne_bytes().iter().all(|&b| b != 0xff) {
                self.out.extend_from_slice(&word.to_be_bytes());
                self.n -= 32;
            }
        }
        while self.n >= 8 {
            self.n -= 8;
            let byte = (self.acc >> self.n) as u8;
            self.out.push(byte);
            if byte == 0xff {
                self.out.push(0);
            }
        }
        self.acc &= (1u64 << self.n) - 1;
    }

    /// Ends a restart interval: pads to a byte with ones, then writes marker RSTn (`n` mod 8).
    pub(super) fn restart(&mut self, n: u8) {
        let pad = (8 - self.n % 8) % 8;
        self.put(0xff, pad);
        self.drain();
        self.out.extend([0xff, 0xd0 + (n & 7)]);
    }

    /// Pads the last byte with ones and writes everything out.
    pub(super) fn finish(mut self) {
        let pad = (8 - self.n % 8) % 8;
        self.put(0xff, pad);
        self.drain();
    }
}
