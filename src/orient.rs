//! Applying an EXIF orientation to pixels, so results are upright and carry no orientation tag.

use crate::error::Result;
use crate::pixels::{Image, Rgba16, Rgba8};

/// Rotates/mirrors `image` as EXIF orientation `o` (1–8) says; other values leave it as is.
///
/// # Errors
/// Only if the transposed buffer cannot be described (never for a valid image).
pub fn apply(image: Image, o: u8) -> Result<Image> {
    if !(2..=8).contains(&o) {
        return Ok(image);
    }
    Ok(match image {
        Image::Rgba8(i) => {
            let (w, h, data) = transform(i.width(), i.height(), i.data(), o);
            Image::Rgba8(Rgba8::new(w, h, data)?)
        }
        Image::Rgba16(i) => {
            let (w, h, data) = transform(i.width(), i.height(), i.data(), o);
            Image::Rgba16(Rgba16::new(w, h, data)?)
        }
    })
}

/// The source pixel of output pixel `(x, y)` for orientation `o`, with `w` x `h` the source size.
fn source(o: u8, x: usize, y: usize, w: usize, h: usize) -> (usize, usize) {
    match o {
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (y, h - 1 - x),
        7 => (w - 1 - y, h - 1 - x),
        8 => (w - 1 - y, x),
        _ => (x, y),
    }
}

fn transform<T: Copy>(width: u32, height: u32, data: &[T], o: u8) -> (u32, u32, Vec<T>) {
    let (w, h) = (width as usize, height as usize);
    let swaps = o >= 5;
    let (ow, oh) = if swaps { (h, w) } else { (w, h) };
    let mut out = Vec::with_capacity(data.len());
    for y in 0..oh {
        for x in 0..ow {
            let (sx, sy) = source(o, x, y, w, h);
            let at = (sy * w + sx) * 4;
            out.extend_from_slice(&data[at..at + 4]);
        }
    }
    if swaps {
        (height, width, out)
    } else {
        (width, height, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 x 2 image whose red channel numbers the pixels 0..6 in reading order.
    fn numbered() -> Image {
        Image::Rgba8(Rgba8::new(3, 2, (0..6).flat_map(|i| [i, 0, 0, 255]).collect()).unwrap())
    }

    fn reds(i: &Image) -> (u32, u32, Vec<u8>) {
        let rgba = i.rgba8();
        let reds = rgba.data().chunks_exact(4).map(|p| p[0]).collect();
        (i.width(), i.height(), reds)
    }

    #[test]
    fn each_orientation_maps_pixels_as_exif_defines() {
        // Source:  0 1 2
        //          3 4 5
        let cases: [(u8, u32, u32, [u8; 6]); 8] = [
            (1, 3, 2, [0, 1, 2, 3, 4, 5]),
            (2, 3, 2, [2, 1, 0, 5, 4, 3]),
            (3, 3, 2, [5, 4, 3, 2, 1, 0]),
            (4, 3, 2, [3, 4, 5, 0, 1, 2]),
            (5, 2, 3, [0, 3, 1, 4, 2, 5]),
            (6, 2, 3, [3, 0, 4, 1, 5, 2]),
            (7, 2, 3, [5, 2, 4, 1, 3, 0]),
            (8, 2, 3, [2, 5, 1, 4, 0, 3]),
        ];
        for (o, w, h, expected) in cases {
            assert_eq!(
                reds(&apply(numbered(), o).unwrap()),
                (w, h, expected.to_vec()),
                "orientation {o}"
            );
        }
    }
}
