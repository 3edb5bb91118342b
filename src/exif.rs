//! Just enough EXIF (TIFF) parsing to read and reset the orientation tag; the rest of the block is
//! passed through untouched when the caller keeps metadata.

const ORIENTATION: u16 = 0x0112;
const SHORT: u16 = 3;

/// The TIFF structure inside an EXIF block, without the `Exif\0\0` prefix APP1 segments carry.
fn tiff(exif: &[u8]) -> &[u8] {
    exif.strip_prefix(b"Exif\0\0").unwrap_or(exif)
}

/// Offset of the orientation entry's value in `tiff`, and whether the file is big-endian.
fn orientation_value_offset(tiff: &[u8]) -> Option<(usize, bool)> {
    let big = match tiff.get(..4)? {
        [b'I', b'I', 42, 0] => false,
        [b'M', b'M', 0, 42] => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for i in 0..count {
        let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        if u16_at(entry)? == ORIENTATION && u16_at(entry + 2)? == SHORT {
            return Some((entry + 8, big));
        }
    }
    None
}

/// The EXIF orientation (1–8), if the block has a valid one.
pub fn orientation(exif: &[u8]) -> Option<u8> {
    let tiff = tiff(exif);
    let (at, big) = orientation_value_offset(tiff)?;
    let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
    let v = if big {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    };
    u8::try_from(v).ok().filter(|v| (1..=8).contains(v))
}

/// Sets the orientation tag to 1 (upright) in place, for output whose pixels are already rotated.
pub fn reset_orientation(exif: &mut [u8]) {
    let start = if exif.starts_with(b"Exif\0\0") { 6 } else { 0 };
    if let Some((at, big)) = orientation_value_offset(&exif[start..]) {
        let one = if big { [0, 1] } else { [1, 0] };
        if let Some(slot) = exif.get_mut(start + at..start + at + 2) {
            slot.copy_from_slice(&one);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(big: bool, orientation: u16) -> Vec<u8> {
        let mut t = Vec::new();
        if big {
            t.extend(b"MM\0\x2a\0\0\0\x08\0\x01");
            t.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
            t.extend(orientation.to_be_bytes());
            t.extend([0, 0, 0, 0, 0, 0]);
        } else {
            t.extend(b"II\x2a\0\x08\0\0\0\x01\0");
            t.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0]);
            t.extend(orientation.to_le_bytes());
            t.extend([0, 0, 0, 0, 0, 0]);
        }
        t
    }

    #[test]
    fn reads_and_resets_both_byte_orders() {
        for big in [false, true] {
            let mut b = block(big, 6);
            assert_eq!(orientation(&b), Some(6));
            reset_orientation(&mut b);
            assert_eq!(orientation(&b), Some(1));
            let mut prefixed = [b"Exif\0\0".as_slice(), &block(big, 8)].concat();
            assert_eq!(orientation(&prefixed), Some(8));
            reset_orientation(&mut prefixed);
            assert_eq!(orientation(&prefixed), Some(1));
        }
    }

    #[test]
    fn garbage_and_truncation_give_none() {
        assert_eq!(orientation(b""), None);
        assert_eq!(orientation(b"II\x2a\0\xff\xff\xff\xff"), None);
        let b = block(false, 6);
        for cut in 0..b.len() - 6 {
            assert_eq!(orientation(&b[..cut]), None, "cut {cut}");
        }
        assert_eq!(orientation(&block(true, 9)), None);
    }
}
