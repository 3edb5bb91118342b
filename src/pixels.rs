//! The in-memory image every stage passes along: 8-bit RGBA, row-major, no padding.

use crate::error::{Error, Result};
use crate::limits::rgba_len;

/// An RGBA8 image whose buffer length is guaranteed to match its dimensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgba8 {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl Rgba8 {
    /// Wraps `data` as a `width` x `height` image.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if either dimension is zero or `data` is not `width * height * 4` bytes.
    pub fn new(width: u32, height: u32, data: Vec<u8>) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::InvalidInput(format!(
                "an image needs at least one pixel, got {width} x {height}"
            )));
        }
        let expected = rgba_len(width, height)?;
        if data.len() != expected {
            return Err(Error::InvalidInput(format!(
                "a {width} x {height} RGBA image needs {expected} bytes, got {}",
                data.len()
            )));
        }
        Ok(Rgba8 {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels, 4 bytes each.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// Whether any pixel is less than fully opaque.
    pub fn has_transparency(&self) -> bool {
        self.data.chunks_exact(4).any(|p| p[3] != 255)
    }
}

/// The colour a viewer shows for channel value `c` at alpha `a` over background channel `bg`, rounded.
pub(crate) fn over_background(c: u8, a: u8, bg: u8) -> u8 {
    let (c, a, bg) = (u32::from(c), u32::from(a), u32::from(bg));
    ((c * a + bg * (255 - a) + 127) / 255) as u8
}

/// [`over_background`] on white, as a page shows a transparent image.
pub(crate) fn over_white(c: u8, a: u8) -> u8 {
    over_background(c, a, 255)
}
