//! The in-memory images every stage passes along: RGBA, row-major, no padding, at 8 or 16 bits.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::limits::rgba_len;

/// An RGBA image whose buffer length is guaranteed to match its dimensions: 4 samples a pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgba<T> {
    width: u32,
    height: u32,
    data: Vec<T>,
}

/// 8 bits a sample: what every lossy path and every metric works on.
pub type Rgba8 = Rgba<u8>;

/// 16 bits a sample, for inputs whose precision lossless output must keep.
pub type Rgba16 = Rgba<u16>;

impl<T> Rgba<T> {
    /// Wraps `data` as a `width` x `height` image.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if either dimension is zero or `data` is not `width * height * 4` samples.
    pub fn new(width: u32, height: u32, data: Vec<T>) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::InvalidInput(format!(
                "an image needs at least one pixel, got {width} x {height}"
            )));
        }
        let expected = rgba_len(width, height)?;
        if data.len() != expected {
            return Err(Error::InvalidInput(format!(
                "a {width} x {height} RGBA image needs {expected} samples, got {}",
                data.len()
            )));
        }
        Ok(Rgba {
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

    /// The samples, 4 per pixel.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    pub fn into_data(self) -> Vec<T> {
        self.data
    }
}

impl Rgba8 {
    /// Whether any pixel is less than fully opaque.
    pub fn has_transparency(&self) -> bool {
        self.data.chunks_exact(4).any(|p| p[3] != 255)
    }
}

impl Rgba16 {
    /// The nearest 8-bit image (rounded, not truncated).
    pub fn to_rgba8(&self) -> Rgba8 {
        Rgba {
            width: self.width,
            height: self.height,
            data: self.data.iter().map(|&v| to_u8(v)).collect(),
        }
    }
}

/// The nearest 8-bit value to a 16-bit one.
pub(crate) fn to_u8(v: u16) -> u8 {
    ((u32::from(v) * 255 + 32_767) / 65_535) as u8
}

/// A decoded image at the precision its file had (8 or 16 bits a sample).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Image {
    Rgba8(Rgba8),
    Rgba16(Rgba16),
}

impl Image {
    pub fn width(&self) -> u32 {
        match self {
            Image::Rgba8(i) => i.width,
            Image::Rgba16(i) => i.width,
        }
    }

    pub fn height(&self) -> u32 {
        match self {
            Image::Rgba8(i) => i.height,
            Image::Rgba16(i) => i.height,
        }
    }

    /// The image at 8 bits a sample, borrowed when it already is.
    pub fn rgba8(&self) -> Cow<'_, Rgba8> {
        match self {
            Image::Rgba8(i) => Cow::Borrowed(i),
            Image::Rgba16(i) => Cow::Owned(i.to_rgba8()),
        }
    }

    /// Whether any pixel is less than fully opaque.
    pub fn has_transparency(&self) -> bool {
        match self {
            Image::Rgba8(i) => i.has_transparency(),
            Image::Rgba16(i) => i.data.chunks_exact(4).any(|p| p[3] != u16::MAX),
        }
    }

    /// The image at 8 bits a sample.
    pub fn into_rgba8(self) -> Rgba8 {
        match self {
            Image::Rgba8(i) => i,
            Image::Rgba16(i) => i.to_rgba8(),
        }
    }
}

impl From<Rgba8> for Image {
    fn from(i: Rgba8) -> Self {
        Image::Rgba8(i)
    }
}

impl From<Rgba16> for Image {
    fn from(i: Rgba16) -> Self {
        Image::Rgba16(i)
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
