//! Animated PNG (APNG) output, lossless: whole canvases in, each written as the rectangle that
//! changed since the one before (`fcTL` + `fdAT`), over the chunk stream, filters and DEFLATE of
//! [`write`](super::write). One layout for every frame, as APNG wants: a shared palette when the
//! whole animation has at most 256 colours (fully transparent pixels counted as one), else RGB or
//! RGBA. Where every changed pixel is opaque and the layout has a transparent colour, the unchanged
//! pixels inside the rectangle are made transparent and the frame drawn with `APNG_BLEND_OP_OVER`,
//! when that compresses smaller. Unchanged canvases lengthen the frame before. Disposal is always
//! "none": each frame is drawn on what the one before left.

use std::collections::HashMap;

use super::reduce::{indexed_from_palette, ColorType, Packed};
use super::write::{best_idat, chunk, head, IDAT_CHUNK};
use crate::codecs::canvas::{changed_rect, check_frame, zeroed, Placed};
use crate::error::{Error, Result};
use crate::limits::rgba_len;
use crate::options::Effort;
use crate::pixels::Rgba8;

/// The pixel layout every frame is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// At most 256 colours (RGBA, fully transparent ones as `[0, 0, 0, 0]`).
    Indexed(Vec<[u8; 4]>),
    Rgb,
    Rgba,
}

/// Finds the layout for an animation's canvases, fed one at a time.
#[derive(Default)]
pub(crate) struct LayoutFinder {
    colors: HashMap<u32, ()>,
    too_many: bool,
    alpha: bool,
}

impl LayoutFinder {
    pub(crate) fn add(&mut self, canvas: &[u8]) {
        for p in canvas.chunks_exact(4) {
            self.alpha |= p[3] != 255;
            if !self.too_many {
                self.colors.insert(key(p), ());
                self.too_many = self.colors.len() > 256;
            }
        }
    }

    pub(crate) fn layout(self) -> Layout {
        if self.too_many {
            return if self.alpha {
                Layout::Rgba
            } else {
                Layout::Rgb
            };
        }
        let mut colors: Vec<[u8; 4]> = self.colors.keys().map(|k| k.to_be_bytes()).collect();
        // A transparent entry lets frames leave unchanged pixels out (blend "over").
        if colors.len() < 256 && !colors.contains(&[0; 4]) {
            colors.push([0; 4]);
        }
        Layout::Indexed(colors)
    }
}

/// A pixel as a palette key: fully transparent pixels are all the same.
fn key(p: &[u8]) -> u32 {
    if p[3] == 0 {
        0
    } else {
        u32::from_be_bytes([p[0], p[1], p[2], p[3]])
    }
}

/// Builds an APNG from whole canvases (RGBA8), one at a time.
pub(crate) struct ApngEncoder {
    width: u32,
    height: u32,
    layout: Layout,
    effort: Effort,
    /// The canvas as a viewer shows it after the frames so far (transparent pixels zeroed when
    /// indexed: the colour under them is not kept).
    shown: Vec<u8>,
    /// Each frame's zlib stream.
    frames: Vec<Placed<Vec<u8>>>,
}

/// The longest duration one frame holds: 65,535 hundredths of a second.
const MAX_DURATION: u32 = 655_350;

impl ApngEncoder {
    /// # Errors
    /// [`Error::LimitExceeded`] when the canvas cannot be held.
    pub(crate) fn new(width: u32, height: u32, layout: Layout, effort: Effort) -> Result<Self> {
        Ok(ApngEncoder {
            width,
            height,
            layout,
            effort,
            shown: zeroed(rgba_len(width, height)?)?,
            frames: Vec::new(),
        })
    }

    /// How many frames the file will hold (unchanged canvases merged into the one before).
    pub(crate) fn frames(&self) -> usize {
        self.frames.len()
    }

    /// Adds a canvas shown for `duration` milliseconds; returns the canvas a viewer will show.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a buffer of the wrong size or a colour outside the palette.
    pub(crate) fn push(&mut self, canvas: &[u8], duration: u32) -> Result<&[u8]> {
        check_frame(canvas, self.width, self.height)?;
        let duration = duration.min(MAX_DURATION);
        let indexed = matches!(self.layout, Layout::Indexed(_));
        // What this canvas looks like in the file's layout.
        let mut next = canvas.to_vec();
        if indexed {
            for p in next.chunks_exact_mut(4).filter(|p| p[3] == 0) {
                p.fill(0);
            }
        }
        let (x0, y0, x1, y1) = if self.frames.is_empty() {
            // The first frame is the default image: the whole canvas.
            (0, 0, self.width, self.height)
        } else if let Some(rect) =
            changed_rect(&self.shown, &next, self.width, self.height, |a, b| a == b)
        {
            rect
        } else {
            let last = self.frames.last_mut().expect("not the first frame");
            if last.duration + duration <= MAX_DURATION {
                last.duration += duration;
                return Ok(&self.shown);
            }
            // Too long for one frame: the top-left pixel again, unchanged.
            (0, 0, 1, 1)
        };
        let (w, h) = (x1 - x0, y1 - y0);
        let stride = self.width as usize * 4;
        let rows = |src: &[u8]| {
            let mut out = Vec::with_capacity(w as usize * h as usize * 4);
            for y in y0..y1 {
                let at = y as usize * stride + x0 as usize * 4;
                out.extend_from_slice(&src[at..at + w as usize * 4]);
            }
            out
        };
        let replace = rows(&next);
        let mut zlib = self.compress(&replace, w, h)?;
        let mut blend = false;
        let transparent = match &self.layout {
            Layout::Indexed(colors) => colors.contains(&[0; 4]),
            Layout::Rgba => true,
            Layout::Rgb => false,
        };
        if transparent && !self.frames.is_empty() {
            let before = rows(&self.shown);
            let mut over = replace;
            let mut blendable = true;
            for (p, b) in over.chunks_exact_mut(4).zip(before.chunks_exact(4)) {
                if p == b {
                    p.fill(0);
                } else if p[3] != 255 {
                    blendable = false;
                    break;
                }
            }
            if blendable {
                let z = self.compress(&over, w, h)?;
                if z.len() < zlib.len() {
                    (zlib, blend) = (z, true);
                }
            }
        }
        self.frames.push(Placed {
            x: x0,
            y: y0,
            width: w,
            height: h,
            duration,
            blend,
            data: zlib,
        });
        self.shown = next;
        Ok(&self.shown)
    }

    /// The zlib stream of a `w` x `h` RGBA rectangle in the file's layout.
    fn compress(&self, rgba: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
        let packed = match &self.layout {
            Layout::Indexed(colors) => {
                let known: std::collections::HashSet<u32> =
                    colors.iter().map(|c| u32::from_be_bytes(*c)).collect();
                if let Some(p) = rgba.chunks_exact(4).find(|p| !known.contains(&key(p))) {
                    return Err(Error::InvalidInput(format!(
                        "the colour {p:?} is not in the animation's palette"
                    )));
                }
                indexed_from_palette(&Rgba8::new(w, h, rgba.to_vec())?, colors.clone())
            }
            Layout::Rgba => Packed {
                width: w,
                height: h,
                color: ColorType::Rgba,
                depth: 8,
                palette: Vec::new(),
                trns: Vec::new(),
                data: rgba.to_vec(),
            },
            Layout::Rgb => Packed {
                width: w,
                height: h,
                color: ColorType::Rgb,
                depth: 8,
                palette: Vec::new(),
                trns: Vec::new(),
                data: rgba
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect(),
            },
        };
        best_idat(std::slice::from_ref(&packed), self.effort)
            .map(|(_, z)| z)
            .ok_or_else(|| Error::Encode("no PNG layout fits this frame".into()))
    }

    /// The file: `loops` 0 plays forever; `icc` describes every frame's pixels.
    ///
    /// # Errors
    /// [`Error::Encode`] when no frame was added.
    pub(crate) fn finish(self, loops: u16, icc: Option<&[u8]>) -> Result<Vec<u8>> {
        if self.frames.is_empty() {
            return Err(Error::Encode(
                "an animation needs at least one frame".into(),
            ));
        }
        // The header's layout: the palette as every frame uses it (sorted the same way).
        let header = match &self.layout {
            Layout::Indexed(colors) => {
                let mut p = indexed_from_palette(&Rgba8::new(1, 1, vec![0; 4])?, colors.clone());
                (p.width, p.height) = (self.width, self.height);
                p
            }
            other => Packed {
                width: self.width,
                height: self.height,
                color: if *other == Layout::Rgb {
                    ColorType::Rgb
                } else {
                    ColorType::Rgba
                },
                depth: 8,
                palette: Vec::new(),
                trns: Vec::new(),
                data: Vec::new(),
            },
        };
        let total: usize = self.frames.iter().map(|f| f.data.len() + 64).sum();
        let mut out = Vec::with_capacity(total + 1024);
        head(&mut out, &header, icc);
        let mut actl = Vec::with_capacity(8);
        actl.extend((self.frames.len() as u32).to_be_bytes());
        actl.extend(u32::from(loops).to_be_bytes());
        chunk(&mut out, b"acTL", &actl);
        let mut sequence = 0u32;
        for (i, f) in self.frames.iter().enumerate() {
            let (num, den) = if f.duration <= u32::from(u16::MAX) {
                (f.duration, 1000)
            } else {
                (f.duration.div_ceil(10), 100)
            };
            let mut fctl = Vec::with_capacity(26);
            for v in [sequence, f.width, f.height, f.x, f.y] {
                fctl.extend(v.to_be_bytes());
            }
            fctl.extend((num as u16).to_be_bytes());
            fctl.extend((den as u16).to_be_bytes());
            // Dispose "none"; blend "source" (0) or "over" (1).
            fctl.extend([0, u8::from(f.blend)]);
            chunk(&mut out, b"fcTL", &fctl);
            sequence += 1;
            for part in f.data.chunks(IDAT_CHUNK) {
                if i == 0 {
                    chunk(&mut out, b"IDAT", part);
                } else {
                    let mut fdat = Vec::with_capacity(part.len() + 4);
                    fdat.extend(sequence.to_be_bytes());
                    fdat.extend_from_slice(part);
                    chunk(&mut out, b"fdAT", &fdat);
                    sequence += 1;
                }
            }
        }
        chunk(&mut out, b"IEND", &[]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two opaque frames of 300 colours, the second changing a 3 x 2 rectangle, read back with
    /// the `png` crate: RGB, one `fcTL` + `fdAT` for the change.
    #[test]
    fn many_colours_are_written_as_rgb_frames_of_the_changed_rectangle() {
        let (w, h) = (20u32, 15u32);
        let first: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % 256) as u8, (i / 256) as u8, 7, 255])
            .collect();
        let mut second = first.clone();
        for (x, y) in [(4, 5), (6, 6)] {
            second[((y * w + x) * 4) as usize] ^= 0x80;
        }
        let mut finder = LayoutFinder::default();
        finder.add(&first);
        finder.add(&second);
        let layout = finder.layout();
        assert_eq!(layout, Layout::Rgb);
        let mut e = ApngEncoder::new(w, h, layout, Effort::Fast).unwrap();
        assert_eq!(e.push(&first, 70).unwrap(), &first[..]);
        assert_eq!(e.push(&first, 30).unwrap(), &first[..]);
        assert_eq!(e.push(&second, 100_000).unwrap(), &second[..]);
        assert_eq!(e.frames(), 2);
        let file = e.finish(2, None).unwrap();
        let mut r = png::Decoder::new(std::io::Cursor::new(&file))
            .read_info()
            .unwrap();
        assert_eq!(r.info().color_type, png::ColorType::Rgb);
        assert_eq!(r.info().animation_control.unwrap().num_plays, 2);
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        r.next_frame(&mut buf).unwrap();
        let fc = r.info().frame_control.unwrap();
        assert_eq!((fc.delay_num, fc.delay_den), (100, 1000));
        r.next_frame(&mut buf).unwrap();
        let fc = r.info().frame_control.unwrap();
        assert_eq!(
            (fc.x_offset, fc.y_offset, fc.width, fc.height),
            (4, 5, 3, 2)
        );
        assert_eq!((fc.delay_num, fc.delay_den), (10_000, 100));
        assert_eq!(&buf[..3], &second[(5 * w as usize + 4) * 4..][..3]);
    }

    #[test]
    fn colours_with_alpha_past_256_are_rgba_and_few_are_a_palette_with_transparency() {
        let mut finder = LayoutFinder::default();
        finder.add(&[1, 2, 3, 255, 9, 9, 9, 0, 8, 8, 8, 0]);
        // Fully transparent pixels are one colour, and a transparent entry is always there.
        let Layout::Indexed(mut colors) = finder.layout() else {
            panic!("a palette")
        };
        colors.sort_unstable();
        assert_eq!(colors, [[0, 0, 0, 0], [1, 2, 3, 255]]);
        let mut finder = LayoutFinder::default();
        let many: Vec<u8> = (0..300u32)
            .flat_map(|i| [i as u8, (i >> 8) as u8, 0, 128])
            .collect();
        finder.add(&many);
        assert_eq!(finder.layout(), Layout::Rgba);
    }
}
