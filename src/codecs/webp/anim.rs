//! Animated WebP, in safe Rust around libwebp's still encoder and decoder: the `ANIM`/`ANMF`
//! container ([`riff`]) written around one still encode per frame, and read back frame by frame.
//!
//! libwebp's own animation encoder (`WebPAnimEncoder`, in its mux library) is compiled into
//! libwebp-sys, but it links to `snprintf`, `fprintf`, `stderr` and `pow`, which the wasm build has no
//! C library for (ffi.rs provides only malloc, calloc, realloc, free and qsort); what it does that
//! matters for size is done here: each frame is cut to the rectangle that changed since the last one
//! (offsets even, as the format wants) and, when every changed pixel is opaque, the unchanged pixels
//! inside it are made transparent and the frame alpha-blended, whichever of the two encodes is
//! smaller. Unchanged frames lengthen the one before. Every frame is decoded again as a viewer would
//! draw it, so the caller can measure what is shown against what was asked for.

use super::{ffi, params, riff, MAX_SIDE};
use crate::codecs::canvas::{changed_rect, check_frame, zeroed, Placed};
use crate::error::{Error, Result};
use crate::limits::{rgba_len, Limits};
use crate::options::Settings;

/// The longest duration one `ANMF` frame holds, in milliseconds (24 bits).
const MAX_DURATION: u32 = (1 << 24) - 1;

/// Builds an animated WebP from whole canvases, one at a time.
pub(crate) struct Encoder {
    width: u32,
    height: u32,
    params: ffi::EncodeParams,
    /// The previous canvas as given (all transparent before the first).
    previous: Vec<u8>,
    /// The canvas as a decoder shows it after the frames so far.
    shown: Vec<u8>,
    /// Each frame's still WebP.
    frames: Vec<Placed<Vec<u8>>>,
    alpha: bool,
}

impl Encoder {
    /// # Errors
    /// [`Error::InvalidInput`] for a canvas WebP cannot hold (over 16,383 pixels a side).
    pub(crate) fn new(width: u32, height: u32, settings: &Settings) -> Result<Self> {
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(Error::InvalidInput(format!(
                "WebP holds images from 1 to {MAX_SIDE} pixels a side; this one is {width} x {height}"
            )));
        }
        let len = rgba_len(width, height)?;
        let mut params = params(settings);
        // What a viewer shows is kept exactly in lossless files; the colour under fully transparent
        // pixels is not (libwebp may then pick it to compress better), as gif2webp does.
        params.exact = false;
        Ok(Encoder {
            width,
            height,
            params,
            previous: zeroed(len)?,
            shown: zeroed(len)?,
            frames: Vec::new(),
            alpha: false,
        })
    }

    /// Adds a canvas (RGBA8, the animation's size) shown for `duration` milliseconds, and returns
    /// the canvas a decoder of the file will show for it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a buffer of the wrong size, [`Error::Encode`] if libwebp fails.
    pub(crate) fn push(&mut self, canvas: &[u8], duration: u32) -> Result<&[u8]> {
        check_frame(canvas, self.width, self.height)?;
        self.alpha |= canvas.chunks_exact(4).any(|p| p[3] != 255);
        let duration = duration.min(MAX_DURATION);
        let changed = changed_rect(&self.previous, canvas, self.width, self.height, same);
        let Some((x0, y0, x1, y1)) = changed else {
            // Nothing changed: the previous frame shows longer.
            if let Some(last) = self.frames.last_mut() {
                if last.duration + duration <= MAX_DURATION {
                    last.duration += duration;
                    return Ok(&self.shown);
                }
            }
            // A first frame that is all transparent, or a duration over 24 bits: one transparent
            // pixel, blended, changes nothing.
            let still = ffi::encode_rgba(&[0; 4], 1, 1, &self.params)?;
            self.frames.push(Placed {
                x: 0,
                y: 0,
                width: 1,
                height: 1,
                duration,
                blend: true,
                data: still,
            });
            return Ok(&self.shown);
        };
        // ANMF offsets are stored halved.
        let (x0, y0) = (x0 & !1, y0 & !1);
        let (w, h) = (x1 - x0, y1 - y0);
        let row = |y: u32| {
            let at = ((y * self.width + x0) * 4) as usize;
            at..at + (w * 4) as usize
        };
        let mut replace = Vec::with_capacity((w * h * 4) as usize);
        for y in y0..y1 {
            replace.extend_from_slice(&canvas[row(y)]);
        }
        let replaced = ffi::encode_rgba(&replace, w, h, &self.params)?;
        // Blending keeps what is under a transparent pixel: unchanged pixels cost (almost) nothing.
        // Only when every changed pixel is opaque (a pixel that turns transparent needs replacing).
        let mut blendable = true;
        let mut over = replace;
        for (i, y) in (y0..y1).enumerate() {
            let range = row(y);
            let (before, after) = (&self.previous[range.clone()], &canvas[range]);
            let line = &mut over[i * (w * 4) as usize..(i + 1) * (w * 4) as usize];
            for ((p, a), b) in line
                .chunks_exact_mut(4)
                .zip(after.chunks_exact(4))
                .zip(before.chunks_exact(4))
            {
                if same(a, b) {
                    p.fill(0);
                } else if a[3] != 255 {
                    blendable = false;
                }
            }
            if !blendable {
                break;
            }
        }
        let blended = if blendable {
            Some(ffi::encode_rgba(&over, w, h, &self.params)?)
        } else {
            None
        };
        let (still, blend) = match blended {
            Some(b) if b.len() < replaced.len() => (b, true),
            _ => (replaced, false),
        };
        // Draw it as a decoder will.
        let mut pixels = zeroed(rgba_len(w, h)?)?;
        ffi::decode_rgba_into(&still, &mut pixels)?;
        draw(&mut self.shown, self.width, &pixels, x0, y0, w, blend);
        self.previous.copy_from_slice(canvas);
        self.frames.push(Placed {
            x: x0,
            y: y0,
            width: w,
            height: h,
            duration,
            blend,
            data: still,
        });
        Ok(&self.shown)
    }

    /// How many frames the file will hold (unchanged canvases merged into the one before).
    pub(crate) fn frames(&self) -> usize {
        self.frames.len()
    }

    /// The file: `loops` 0 plays forever; `icc` describes every frame's pixels; `exif` is kept as
    /// it is.
    ///
    /// # Errors
    /// [`Error::Encode`] when no frame was added or the file would exceed 4 GiB.
    pub(crate) fn finish(
        self,
        loops: u16,
        icc: Option<&[u8]>,
        exif: Option<&[u8]>,
    ) -> Result<Vec<u8>> {
        if self.frames.is_empty() {
            return Err(Error::Encode(
                "an animation needs at least one frame".into(),
            ));
        }
        let payloads = self
            .frames
            .iter()
            .map(|f| {
                riff::anmf(&riff::FrameOut {
                    x: f.x,
                    y: f.y,
                    width: f.width,
                    height: f.height,
                    duration: f.duration,
                    blend: f.blend,
                    still: &f.data,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        riff::animation(
            self.width,
            self.height,
            loops,
            self.alpha,
            icc,
            exif,
            &payloads,
        )
    }
}

/// Two pixels look the same: equal, or both fully transparent.
fn same(a: &[u8], b: &[u8]) -> bool {
    a == b || (a[3] == 0 && b[3] == 0)
}

/// Draws a `w` x `h` frame at `(x, y)` on a canvas `width` wide: replacing its rectangle, or
/// alpha-blending onto it as the WebP container specification defines.
fn draw(canvas: &mut [u8], width: u32, frame: &[u8], x: u32, y: u32, w: u32, blend: bool) {
    let stride = w as usize * 4;
    for (i, line) in frame.chunks_exact(stride).enumerate() {
        let at = ((y as usize + i) * width as usize + x as usize) * 4;
        let dst = &mut canvas[at..at + stride];
        if !blend {
            dst.copy_from_slice(line);
            continue;
        }
        for (d, s) in dst.chunks_exact_mut(4).zip(line.chunks_exact(4)) {
            match s[3] {
                0 => {}
                255 => d.copy_from_slice(s),
                sa => {
                    let sa = u32::from(sa);
                    let da = u32::from(d[3]) * (255 - sa) / 255;
                    let a = sa + da;
                    for c in 0..3 {
                        d[c] = ((u32::from(s[c]) * sa + u32::from(d[c]) * da + a / 2) / a) as u8;
                    }
                    d[3] = a as u8;
                }
            }
        }
    }
}

/// An animated WebP's frames as whole canvases, drawn as a viewer draws them.
pub(crate) struct Frames {
    width: u32,
    height: u32,
    loops: u16,
    frames: std::vec::IntoIter<riff::Frame>,
    canvas: Vec<u8>,
    /// The last frame's rectangle, to clear before the next when it is disposed.
    dispose: Option<(u32, u32, u32, u32)>,
    limits: Limits,
}

impl Frames {
    /// `None` when the file is not an animation of at least two frames.
    ///
    /// # Errors
    /// [`Error::Decode`] for a damaged container, [`Error::LimitExceeded`] for a canvas over
    /// `limits`.
    pub(crate) fn open(bytes: &[u8], limits: &Limits) -> Result<Option<Self>> {
        let chunks = riff::chunks(bytes)?;
        let anmf = chunks.iter().filter(|c| &c.fourcc == b"ANMF").count();
        let Some(vp8x) = riff::find(&chunks, b"VP8X").filter(|_| anmf >= 2) else {
            return Ok(None);
        };
        if vp8x.len() < 10 || vp8x[0] & 0x02 == 0 {
            return Ok(None);
        }
        let u24 = |at: usize| u32::from_le_bytes([vp8x[at], vp8x[at + 1], vp8x[at + 2], 0]);
        let (width, height) = (u24(4) + 1, u24(7) + 1);
        limits.check_dimensions(width, height)?;
        limits.check_rgba("the animation's canvas", width, height)?;
        let frames = riff::frames(&chunks).collect::<Result<Vec<_>>>()?;
        let loops = riff::loop_count(&chunks).unwrap_or(0);
        Ok(Some(Frames {
            width,
            height,
            loops,
            frames: frames.into_iter(),
            canvas: zeroed(rgba_len(width, height)?)?,
            dispose: None,
            limits: *limits,
        }))
    }

    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    pub(crate) fn height(&self) -> u32 {
        self.height
    }

    /// The `ANIM` loop count (0: forever).
    pub(crate) fn loop_count(&self) -> u16 {
        self.loops
    }

    pub(crate) fn canvas(&self) -> &[u8] {
        &self.canvas
    }

    /// Draws the next frame; its duration in milliseconds, or `None` after the last.
    ///
    /// # Errors
    /// [`Error::Decode`] for a damaged frame or one outside the canvas.
    pub(crate) fn next_frame(&mut self) -> Result<Option<u32>> {
        let Some(f) = self.frames.next() else {
            return Ok(None);
        };
        if let Some((x, y, w, h)) = self.dispose.take() {
            for row in y..y + h {
                let at = ((row * self.width + x) * 4) as usize;
                self.canvas[at..at + (w * 4) as usize].fill(0);
            }
        }
        self.limits.check_dimensions(f.width, f.height)?;
        let fits = |at: u32, len: u32, side: u32| at.checked_add(len).is_some_and(|e| e <= side);
        if !fits(f.x, f.width, self.width) || !fits(f.y, f.height, self.height) {
            return Err(Error::Decode(
                "a WebP animation frame lies outside its canvas".into(),
            ));
        }
        let header = ffi::features(&f.file)?;
        if (header.width, header.height) != (f.width, f.height) {
            return Err(Error::Decode(
                "a WebP animation frame's image is not the size its header says".into(),
            ));
        }
        let mut pixels = zeroed(rgba_len(f.width, f.height)?)?;
        ffi::decode_rgba_into(&f.file, &mut pixels)?;
        draw(
            &mut self.canvas,
            self.width,
            &pixels,
            f.x,
            f.y,
            f.width,
            f.blend,
        );
        if f.dispose {
            self.dispose = Some((f.x, f.y, f.width, f.height));
        }
        Ok(Some(f.duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_rectangle_and_sameness_of_transparent_pixels() {
        let (w, h) = (5u32, 4u32);
        let before = vec![0u8; (w * h * 4) as usize];
        let mut after = before.clone();
        assert_eq!(changed_rect(&before, &after, w, h, same), None);
        // Colour under a transparent pixel is not a change.
        after[4 * 7..4 * 7 + 3].copy_from_slice(&[9, 9, 9]);
        assert_eq!(changed_rect(&before, &after, w, h, same), None);
        after[(4 * 7) + 3] = 255; // (2, 1)
        after[(4 * 18) + 3] = 1; // (3, 3)
        assert_eq!(
            changed_rect(&before, &after, w, h, same),
            Some((2, 1, 4, 4))
        );
    }

    #[test]
    fn blending_follows_the_container_specification() {
        let mut canvas = vec![10, 20, 30, 255, 0, 0, 0, 0, 50, 50, 50, 128];
        let frame = [200, 100, 0, 128, 7, 8, 9, 0, 1, 2, 3, 255];
        draw(&mut canvas, 3, &frame, 0, 0, 3, true);
        // Half over opaque: halfway, opaque. Transparent: the canvas stays. Opaque: replaces.
        assert_eq!(&canvas[..4], &[105, 60, 15, 255]);
        assert_eq!(&canvas[4..8], &[0, 0, 0, 0]);
        assert_eq!(&canvas[8..], &[1, 2, 3, 255]);
        draw(&mut canvas, 3, &frame, 0, 0, 3, false);
        assert_eq!(canvas, frame);
    }
}
