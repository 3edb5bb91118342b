//! Hostile files made in code (none is committed): each class of attack the hardening tests refuse,
//! small enough to seed the fuzzers as well. `tests/hardening.rs` builds the full-sized ones (a
//! 1.6 GB profile, a 24000 x 24000 frame) from the same functions; `tests/fuzz_regressions.rs` runs
//! the seed-sized ones through every target and, with `PIXSQUEEZE_WRITE_SEEDS=dir`, writes them out
//! for `scripts/fuzz.sh`.

/// A zlib stream that inflates to `len` zero bytes, at DEFLATE's best ratio (about 1032 to 1): one
/// dynamic block whose codes give a 258-byte match at distance 1 two bits.
pub fn zlib_zeros(len: u64) -> Vec<u8> {
    let mut w = Bits::default();
    w.bytes.extend([0x78, 0x01]);
    w.put(1, 1); // BFINAL
    w.put(2, 2); // BTYPE = 2, dynamic
    w.put(29, 5); // HLIT: 286 length/literal codes, up to 285 (length 258)
    w.put(1, 5); // HDIST: two distance codes (a complete code; only the first is used)
    w.put(14, 4); // HCLEN: 18 code-length code lengths, up to that of length 1
                  // Code-length code lengths in their permuted order 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12,
                  // 3, 13, 2, 14, 1: symbol 18 (a run of zeros) one bit, lengths 1 and 2 two bits each.
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        w.put(len, 3);
    }
    // Canonical codes, read most significant bit first: 18 → 0, 1 → 10, 2 → 11.
    let (run, one, two) = ((0b0, 1), (0b10, 2), (0b11, 2));
    let zeros = |w: &mut Bits, n: u32| {
        // Code 18 repeats a zero 11–138 times (7 extra bits).
        let mut left = n;
        while left > 0 {
            let take = left.min(138);
            w.code(run);
            w.put(take - 11, 7);
            left -= take;
        }
    };
    // Literal/length lengths: 0 → 2, 1–255 → none, 256 (end) → 2, 257–284 → none, 285 → 1; then
    // the two distance codes → 1 each.
    w.code(two);
    zeros(&mut w, 255);
    w.code(two);
    zeros(&mut w, 28);
    for _ in 0..3 {
        w.code(one);
    }
    // Codes: 285 → 0, literal 0 → 10, end of block → 11; distance code 0 → 0.
    let (zero, end) = ((0b10, 2), (0b11, 2));
    if len > 0 {
        w.code(zero);
        let rest = len - 1;
        // Each match is the length code and the distance code, both a single zero bit.
        w.zero_bits(2 * (rest / 258));
        for _ in 0..rest % 258 {
            w.code(zero);
        }
    }
    w.code(end);
    let mut out = w.finish();
    // Adler-32 of `len` zeros: the sum stays 1 and each byte adds it to the second sum.
    let b = (len % 65_521) as u32;
    out.extend((b << 16 | 1).to_be_bytes());
    out
}

/// A DEFLATE bit writer (least significant bit first; Huffman codes reversed into it).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += len;
        while self.n >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code (`code`, `len`), most significant bit first.
    fn code(&mut self, (code, len): (u32, u32)) {
        let reversed = (0..len).fold(0, |r, i| r | ((code >> i) & 1) << (len - 1 - i));
        self.put(reversed, len);
    }

    fn zero_bits(&mut self, mut count: u64) {
        while count > 0 && self.n != 0 {
            self.put(0, 1);
            count -= 1;
        }
        let whole = usize::try_from(count / 8).expect("fits in memory");
        self.bytes.resize(self.bytes.len() + whole, 0);
        for _ in 0..count % 8 {
            self.put(0, 1);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}

/// A PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let len = u32::try_from(data.len()).expect("a chunk under 4 GiB");
    let mut out = len.to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[4..]);
    out.extend(crc.to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                crc >> 1 ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of `width` x `height` opaque black pixels (8-bit RGB, or 16-bit when `deep`), with `extra`
/// chunks before its image data.
pub fn png_black(width: u32, height: u32, deep: bool, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([if deep { 16 } else { 8 }, 2, 0, 0, 0]);
    let row = 1 + u64::from(width) * if deep { 6 } else { 3 };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    for chunk in extra {
        out.extend(chunk);
    }
    for part in zlib_zeros(row * u64::from(height)).chunks(1 << 20) {
        out.extend(png_chunk(b"IDAT", part));
    }
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// An iCCP chunk whose profile inflates to `len` bytes.
pub fn iccp_bomb(len: u64) -> Vec<u8> {
    let mut data = b"bomb\0\0".to_vec();
    data.extend(zlib_zeros(len));
    png_chunk(b"iCCP", &data)
}

/// zTXt and iTXt chunks whose text inflates to `len` bytes each.
pub fn text_bombs(len: u64) -> Vec<Vec<u8>> {
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend(zlib_zeros(len));
    let mut itxt = b"XML:com.adobe.xmp\0\x01\0\0\0".to_vec();
    itxt.extend(zlib_zeros(len));
    vec![png_chunk(b"zTXt", &ztxt), png_chunk(b"iTXt", &itxt)]
}

/// An eXIf chunk of `len` bytes (a little-endian TIFF header, then padding).
pub fn exif_chunk(len: usize) -> Vec<u8> {
    let mut data = b"II*\0\x08\0\0\0\0\0".to_vec();
    data.resize(len.max(data.len()), 0);
    png_chunk(b"eXIf", &data)
}

/// A GIF whose logical screen is 1 x 1 and whose first frame is `width` x `height`, with a few
/// pixels of LZW data and then the end.
pub fn gif_big_frame(width: u16, height: u16) -> Vec<u8> {
    let mut f = b"GIF89a".to_vec();
    f.extend([1, 0, 1, 0, 0x80, 0, 0]); // 1 x 1 screen, a 2-entry global palette
    f.extend([0, 0, 0, 255, 255, 255]);
    f.extend([0x2c, 0, 0, 0, 0]);
    f.extend(width.to_le_bytes());
    f.extend(height.to_le_bytes());
    f.push(0);
    // Minimum code size 2; one sub-block: clear, a pixel, end of information.
    f.extend([2, 2, 0x44, 0x01, 0, b';']);
    f
}

/// An animated GIF: a `width` x `height` screen (2-entry global palette, looping forever) and one
/// frame of each size in `frames`, a tenth of a second long, holding one black pixel (a frame larger
/// than that is truncated: its size alone is the attack).
pub fn gif_animation(width: u16, height: u16, frames: &[(u16, u16)]) -> Vec<u8> {
    let mut f = b"GIF89a".to_vec();
    f.extend(width.to_le_bytes());
    f.extend(height.to_le_bytes());
    f.extend([0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    f.extend([0x21, 0xff, 11]);
    f.extend(b"NETSCAPE2.0");
    f.extend([3, 1, 0, 0, 0]);
    for &(w, h) in frames {
        f.extend([0x21, 0xf9, 4, 0, 10, 0, 0, 0]); // graphic control: 10 centiseconds
        f.extend([0x2c, 0, 0, 0, 0]);
        f.extend(w.to_le_bytes());
        f.extend(h.to_le_bytes());
        f.push(0);
        f.extend([2, 2, 0x44, 0x01, 0]);
    }
    f.push(b';');
    f
}

/// A GIF of `n` frames of one pixel each on a 1 x 1 screen, 15 bytes a frame: millions fit in a
/// file under the input limit, and each is a frame to decode, encode and measure.
pub fn gif_tiny_frames(n: usize) -> Vec<u8> {
    let mut f = b"GIF89a".to_vec();
    f.extend([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    f.reserve(n * 15 + 1);
    for _ in 0..n {
        f.extend([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0]);
    }
    f.push(b';');
    f
}

/// An extended WebP (VP8X) holding a 1 x 1 lossless image, then an ICCP chunk that declares
/// `declared` bytes and holds none.
pub fn webp_iccp_overclaim(declared: u32) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    body.extend(b"VP8X");
    body.extend(10u32.to_le_bytes());
    body.extend([0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // ICC flag, 1 x 1 canvas
    body.extend(b"VP8L");
    body.extend(8u32.to_le_bytes());
    // Signature, 1 x 1, no transforms, no cache, five one-symbol prefix codes: one pixel, 0 bits.
    body.extend([0x2f, 0, 0, 0, 0, 0x88, 0x88, 0x08]);
    body.extend(b"ICCP");
    body.extend(declared.to_le_bytes());
    let mut f = b"RIFF".to_vec();
    f.extend(u32::try_from(body.len()).expect("small").to_le_bytes());
    f.extend(body);
    f
}

/// `jpeg` (a progressive JPEG) with its first AC scan (a first pass, which a decoder can read again
/// and again: it only overwrites the same coefficients) repeated until the file has `scans` of them.
/// Each scan is another pass over the image for a decoder.
pub fn jpeg_many_scans(jpeg: &[u8], scans: usize) -> Vec<u8> {
    // Segments: (start, end) of each marker segment with the entropy-coded data after an SOS.
    let mut at = 2;
    let mut segments = Vec::new();
    while at + 4 <= jpeg.len() && jpeg[at] == 0xff && jpeg[at + 1] != 0xd9 {
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let mut end = at + 2 + len;
        if jpeg[at + 1] == 0xda {
            while end + 1 < jpeg.len()
                && !(jpeg[end] == 0xff
                    && jpeg[end + 1] != 0
                    && !(0xd0..=0xd7).contains(&jpeg[end + 1]))
            {
                end += 1;
            }
        }
        segments.push((at, end));
        at = end;
    }
    let is_sos = |&(s, _): &(usize, usize)| jpeg[s + 1] == 0xda;
    let sos_count = segments.iter().filter(|s| is_sos(s)).count();
    // The first scan with Ss > 0 and Ah = 0, with the DHT right before it.
    let index = segments
        .iter()
        .position(|&(s, _)| {
            let n = usize::from(jpeg[s + 4]);
            let spectral = s + 5 + 2 * n;
            jpeg[s + 1] == 0xda && jpeg[spectral] > 0 && jpeg[spectral + 2] >> 4 == 0
        })
        .expect("a progressive JPEG with a first AC scan");
    let first = if index > 0 && jpeg[segments[index - 1].0 + 1] == 0xc4 {
        index - 1
    } else {
        index
    };
    let repeat = &jpeg[segments[first].0..segments[index].1];
    let split = segments[index].1;
    let mut out = jpeg[..split].to_vec();
    for _ in sos_count..scans {
        out.extend_from_slice(repeat);
    }
    out.extend_from_slice(&jpeg[split..]);
    out
}

/// The hostile classes at seed size (each under the fuzzers' 64 KiB input length and 2^18 pixels
/// limits, so they exercise the same paths without the bulk), as (target, name, file). The
/// `compress` and `search` targets read two settings bytes first.
pub fn seeds(progressive_jpeg: &[u8]) -> Vec<(&'static str, String, Vec<u8>)> {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "png-iccp-inflates-to-60mb",
            png_black(4, 4, false, &[iccp_bomb(60_000_000)]),
        ),
        (
            "png-text-chunks-inflate-to-30mb",
            png_black(4, 4, false, &text_bombs(30_000_000)),
        ),
        (
            "png-exif-40kb",
            png_black(4, 4, false, &[exif_chunk(40_000)]),
        ),
        (
            "png16-repeated-rows-300x200",
            png_black(300, 200, true, &[]),
        ),
        (
            "gif-1x1-screen-24000x24000-frame",
            gif_big_frame(24_000, 24_000),
        ),
        ("gif-1x1-screen-400x400-frame", gif_big_frame(400, 400)),
        (
            "gif-animated-second-frame-24000x24000",
            gif_animation(16, 16, &[(16, 16), (24_000, 24_000)]),
        ),
        ("gif-3000-tiny-frames", gif_tiny_frames(3000)),
        ("webp-iccp-claims-2gb", webp_iccp_overclaim(2_000_000_000)),
        ("webp-iccp-claims-4gb", webp_iccp_overclaim(u32::MAX - 1)),
        (
            "jpeg-progressive-300-scans",
            jpeg_many_scans(progressive_jpeg, 300),
        ),
    ];
    let mut out = Vec::new();
    for (name, file) in files {
        out.push(("decode", name.to_string(), file.clone()));
        // Settings bytes: format PNG (1) and JPEG (0) at quality 75; a 1-byte budget, shrinking.
        for (target, select, level, tag) in [
            ("compress", 1u8, 74u8, "png"),
            ("compress", 0, 74, "jpeg"),
            ("search", 0b10_0000, 0, "budget-1-resize"),
        ] {
            let mut input = vec![select, level];
            input.extend(&file);
            out.push((target, format!("{name}-{tag}"), input));
        }
    }
    out
}
