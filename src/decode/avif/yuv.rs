//! Decoded AV1 planes to RGBA: the matrix and range the container's `nclx` box gives (else the
//! sequence header's), chroma upsampled bilinearly from centred samples (as libavif and browsers
//! do), 8-bit frames to RGBA8 and deeper ones to RGBA16.

use re_rav1d::dav1d::pixel::{MatrixCoefficients, YUVRange};
use re_rav1d::dav1d::{Picture, PixelLayout, PlanarImageComponent as C};

use super::container::Nclx;
use crate::error::{Error, Result};
use crate::pixels::{Image, Rgba16, Rgba8};

/// How Y'CbCr maps to R'G'B'.
#[derive(Clone, Copy)]
enum Matrix {
    /// Luma weights of R and B.
    Weights(f32, f32),
    /// Y = G, Cb = B, Cr = R.
    Identity,
    YCgCo,
}

fn matrix_from_code(code: u16) -> Result<Matrix> {
    Ok(match code {
        0 => Matrix::Identity,
        1 => Matrix::Weights(0.2126, 0.0722),
        4 => Matrix::Weights(0.30, 0.11),
        7 => Matrix::Weights(0.212, 0.087),
        8 => Matrix::YCgCo,
        9 | 10 => Matrix::Weights(0.2627, 0.0593),
        // BT.601 (5, 6), and unspecified, which libavif and browsers read as BT.601.
        2 | 5 | 6 => Matrix::Weights(0.299, 0.114),
        other => {
            return Err(Error::Unsupported(format!(
                "AVIF matrix coefficients {other} (ITU-T H.273)"
            )))
        }
    })
}

fn matrix_of(picture: &Picture) -> Result<Matrix> {
    use MatrixCoefficients as M;
    matrix_from_code(match picture.matrix_coefficients() {
        M::Identity => 0,
        M::BT709 => 1,
        M::BT470M => 4,
        M::ST240M => 7,
        M::YCgCo => 8,
        M::BT2020NonConstantLuminance | M::BT2020ConstantLuminance => 9,
        M::BT470BG => 6,
        M::Unspecified => 2,
        _ => 99,
    })
}

/// One plane's samples, read as numbers whatever their storage.
struct Plane {
    data: re_rav1d::dav1d::Plane,
    stride: usize,
    wide: bool,
    width: usize,
    height: usize,
}

impl Plane {
    fn new(picture: &Picture, c: C, width: usize, height: usize) -> Result<Self> {
        let data = picture.plane(c);
        let stride = picture.stride(c) as usize;
        let wide = picture.bit_depth() > 8;
        let row_bytes = width * if wide { 2 } else { 1 };
        // The decoder's buffer must hold every row we read; say so rather than index past it.
        let needed = stride
            .checked_mul(height.saturating_sub(1))
            .and_then(|n| n.checked_add(row_bytes));
        if needed.is_none_or(|n| n > data.as_ref().len()) || (height > 1 && stride < row_bytes) {
            return Err(Error::Decode(
                "the AV1 decoder returned a short plane".into(),
            ));
        }
        Ok(Plane {
            data,
            stride,
            wide,
            width,
            height,
        })
    }

    fn at(&self, x: usize, y: usize) -> f32 {
        let x = x.min(self.width - 1);
        let y = y.min(self.height - 1);
        let d = self.data.as_ref();
        if self.wide {
            let i = y * self.stride + x * 2;
            f32::from(u16::from_le_bytes([d[i], d[i + 1]]))
        } else {
            f32::from(d[y * self.stride + x])
        }
    }
}

/// The two chroma samples around luma position `x` (with 2:1 subsampling, centred) and the weight
/// of the second.
fn taps(x: usize) -> (usize, usize, f32) {
    let c = x / 2;
    if x.is_multiple_of(2) {
        (c.saturating_sub(1), c, 0.75)
    } else {
        (c, c + 1, 0.25)
    }
}

/// RGBA from a decoded colour frame and optional alpha frame.
pub(super) fn to_rgba(
    picture: &Picture,
    alpha: Option<&Picture>,
    nclx: Option<Nclx>,
    premultiplied: bool,
) -> Result<Image> {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    let bits = picture.bits_per_component().map_or(8, |b| b.0).clamp(8, 12);
    let max = ((1u32 << bits) - 1) as f32;
    let matrix = match nclx {
        Some(n) => matrix_from_code(n.matrix)?,
        None => matrix_of(picture)?,
    };
    let full = match nclx {
        Some(n) => n.full_range,
        None => picture.color_range() == YUVRange::Full,
    };
    let scale = (1u32 << (bits - 8)) as f32;
    // Normalisers to 0..=1 for luma and to -0.5..=0.5 for chroma.
    let (y_off, y_div, c_div) = if full {
        (0.0, max, max)
    } else {
        (16.0 * scale, 219.0 * scale, 224.0 * scale)
    };
    let c_mid = 128.0 * scale;
    let layout = picture.pixel_layout();
    let (sx, sy) = match layout {
        PixelLayout::I420 => (true, true),
        PixelLayout::I422 => (true, false),
        PixelLayout::I444 | PixelLayout::I400 => (false, false),
    };
    let luma = Plane::new(picture, C::Y, w, h)?;
    let (cw, ch) = (
        if sx { w.div_ceil(2) } else { w },
        if sy { h.div_ceil(2) } else { h },
    );
    let chroma = if layout == PixelLayout::I400 {
        None
    } else {
        Some((
            Plane::new(picture, C::U, cw, ch)?,
            Plane::new(picture, C::V, cw, ch)?,
        ))
    };
    let alpha = match alpha {
        Some(a) => Some((
            Plane::new(a, C::Y, w, h)?,
            ((1u32 << a.bits_per_component().map_or(8, |b| b.0).clamp(8, 12)) - 1) as f32,
            a.color_range() == YUVRange::Full,
        )),
        None => None,
    };

    let deep = bits > 8;
    let out_max: f32 = if deep { 65_535.0 } else { 255.0 };
    let len = crate::limits::rgba_len(w as u32, h as u32)?;
    let mut out8: Vec<u8> = Vec::new();
    let mut out16: Vec<u16> = Vec::new();
    if deep {
        out16.reserve_exact(len);
    } else {
        out8.reserve_exact(len);
    }
    let chroma_at = |p: &Plane, x: usize, y: usize| -> f32 {
        let (x0, x1, wx) = if sx { taps(x) } else { (x, x, 0.0) };
        let (y0, y1, wy) = if sy { taps(y) } else { (y, y, 0.0) };
        let top = p.at(x0, y0) * (1.0 - wx) + p.at(x1, y0) * wx;
        let bottom = p.at(x0, y1) * (1.0 - wx) + p.at(x1, y1) * wx;
        top * (1.0 - wy) + bottom * wy
    };
    for y in 0..h {
        for x in 0..w {
            let yv = (luma.at(x, y) - y_off) / y_div;
            let (cb, cr) = match &chroma {
                Some((u, v)) => (
                    (chroma_at(u, x, y) - c_mid) / c_div,
                    (chroma_at(v, x, y) - c_mid) / c_div,
                ),
                None => (0.0, 0.0),
            };
            let (r, g, b) = match matrix {
                Matrix::Weights(kr, kb) => {
                    let r = yv + 2.0 * (1.0 - kr) * cr;
                    let b = yv + 2.0 * (1.0 - kb) * cb;
                    let g = (yv - kr * r - kb * b) / (1.0 - kr - kb);
                    (r, g, b)
                }
                Matrix::Identity => (cr + 0.5, yv, cb + 0.5),
                Matrix::YCgCo => {
                    let t = yv - cb;
                    (t - cr, yv + cb, t + cr)
                }
            };
            let a = match &alpha {
                Some((p, amax, afull)) => {
                    let v = p.at(x, y);
                    if *afull {
                        v / amax
                    } else {
                        (v - 16.0 * (amax + 1.0) / 256.0) / (219.0 * (amax + 1.0) / 256.0)
                    }
                }
                None => 1.0,
            }
            .clamp(0.0, 1.0);
            let unpremultiply = |c: f32| {
                if premultiplied && a > 0.0 {
                    c / a
                } else {
                    c
                }
            };
            let px = [unpremultiply(r), unpremultiply(g), unpremultiply(b), a]
                .map(|c| (c.clamp(0.0, 1.0) * out_max).round());
            if deep {
                out16.extend(px.map(|c| c as u16));
            } else {
                out8.extend(px.map(|c| c as u8));
            }
        }
    }
    Ok(if deep {
        Image::Rgba16(Rgba16::new(w as u32, h as u32, out16)?)
    } else {
        Image::Rgba8(Rgba8::new(w as u32, h as u32, out8)?)
    })
}
