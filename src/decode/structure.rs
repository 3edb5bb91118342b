//! What a file's structure declares, read without decoding any pixels: the scans of a JPEG, the
//! first frame of a GIF, and the profile chunk of a PNG. Decoders find these out only
//! while they work (a JPEG decoder meets its 2000th scan after 1999 passes over the image) or
//! allocate what a chunk header declares before reading it; walking the structure first lets every
//! bound be checked before the work or the allocation happens.

/// How many scans (SOS markers) a JPEG has: markers are walked and entropy-coded data skipped,
/// one pass over the bytes. A file that ends early counts the scans it has.
pub(super) fn jpeg_scans(bytes: &[u8]) -> u32 {
    let mut at = 2; // after SOI
    let mut scans = 0u32;
    while at + 1 < bytes.len() {
        if bytes[at] != 0xff {
            // Entropy-coded data (or garbage): find the next marker.
            at += 1;
            continue;
        }
        let marker = bytes[at + 1];
        match marker {
            // Fill bytes, stuffed zeros and restart markers belong to entropy-coded data.
            0xff => at += 1,
            0x00 | 0xd0..=0xd7 | 0x01 => at += 2,
            0xd9 => break,
            _ => {
                let Some(len) = bytes.get(at + 2..at + 4) else {
                    break;
                };
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                if marker == 0xda {
                    scans = scans.saturating_add(1);
                }
                at += 2 + len.max(2);
            }
        }
    }
    scans
}

/// The size of a GIF's first frame (its image descriptor), which its decoder allocates whatever
/// the logical screen says. `None` when the file ends or breaks before the first frame.
#[cfg(feature = "full")]
pub(super) fn gif_first_frame(bytes: &[u8]) -> Option<(u32, u32)> {
    let le16 = |at: usize| -> Option<u32> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?).into())
    };
    let flags = *bytes.get(10)?;
    let mut at = 13;
    if flags & 0x80 != 0 {
        at += 3 << ((flags & 7) + 1);
    }
    loop {
        match *bytes.get(at)? {
            // Image descriptor: left, top, width, height.
            0x2c => return Some((le16(at + 5)?, le16(at + 7)?)),
            // Extension: label, then data sub-blocks up to a zero-length one.
            0x21 => {
                at += 2;
                loop {
                    let len = usize::from(*bytes.get(at)?);
                    at += 1 + len;
                    if len == 0 {
                        break;
                    }
                }
            }
            _ => return None,
        }
    }
}

/// The first `iCCP` chunk of a PNG before its image data: the compressed profile (after the name
/// and method bytes), or `None` if there is none. A chunk that runs past the end of the file counts
/// as none: the decoder will report the truncation.
pub(super) fn png_iccp(bytes: &[u8]) -> Option<Result<&[u8], &'static str>> {
    let mut at = 8usize;
    while let Some(header) = bytes.get(at..at + 8) {
        let len = usize::try_from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]))
        .ok()?;
        let kind = &header[4..8];
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        let data = bytes.get(at + 8..(at + 8).checked_add(len)?)?;
        if kind == b"iCCP" {
            // A profile name of 1–79 bytes, its terminating zero, then compression method 0.
            let Some(name_end) = data.iter().take(80).position(|&b| b == 0) else {
                return Some(Err("its name is not terminated"));
            };
            return Some(match data.get(name_end + 1..) {
                Some([0, zlib @ ..]) if name_end > 0 => Ok(zlib),
                _ => Err("its header is not valid"),
            });
        }
        at = at + 12 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_scans_are_counted_past_entropy_coded_data() {
        // SOI, a DQT segment, two SOS segments each followed by data with a stuffed 0xff00, a
        // restart marker and fill bytes, then EOI.
        let mut f = vec![0xff, 0xd8, 0xff, 0xdb, 0, 4, 1, 2];
        for _ in 0..2 {
            f.extend([
                0xff, 0xda, 0, 3, 1, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0xff, 0xff,
            ]);
        }
        f.extend([0xff, 0xd9]);
        assert_eq!(jpeg_scans(&f), 2);
        for cut in 0..f.len() {
            assert!(jpeg_scans(&f[..cut]) <= 2);
        }
    }

    #[test]
    #[cfg(feature = "full")]
    fn the_first_gif_frame_is_found_past_the_palette_and_extensions() {
        let mut f = b"GIF89a".to_vec();
        f.extend([1, 0, 1, 0, 0x80, 0, 0]); // 1 x 1 screen, a 2-entry global palette
        f.extend([0; 6]);
        f.extend([0x21, 0xf9, 4, 0, 0, 0, 0, 0]); // graphic control extension
        f.extend([0x2c, 0, 0, 0, 0, 0xc0, 0x5d, 0xc0, 0x5d, 0]); // 24000 x 24000 at 0, 0
        assert_eq!(gif_first_frame(&f), Some((24_000, 24_000)));
        for cut in 0..f.len() - 9 {
            assert_eq!(gif_first_frame(&f[..cut]), None, "cut {cut}");
        }
    }
}
