//! Animated GIF input, frame by frame, through the `gif` crate: each frame composited onto the canvas
//! as a browser shows it (disposal "keep", "restore to background" = transparent, "restore to
//! previous"), one canvas in memory at a time (two while a "previous" disposal needs a copy).

use std::io::Cursor;

use crate::error::{Error, Result};
use crate::limits::{rgba_len, Limits};

/// The frames of a GIF as whole canvases, RGBA8, with their delays.
pub(crate) struct GifFrames<'a> {
    decoder: gif::Decoder<Cursor<&'a [u8]>>,
    width: u32,
    height: u32,
    canvas: Vec<u8>,
    /// How to undo the last frame before drawing the next: its rectangle and disposal.
    pending: Option<(Rect, gif::DisposalMethod)>,
    saved: Option<Vec<u8>>,
    /// The last frame's pixels, at the frame's own size (reused).
    frame: Vec<u8>,
    limits: Limits,
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x: usize,
    y: usize,
    width: usize,
    height: usize,
}

impl<'a> GifFrames<'a> {
    /// Reads the header; the canvas size is checked against `limits` before anything is allocated.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] for a canvas over the limits, [`Error::Decode`] for a damaged file.
    pub(crate) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        // One frame's RGBA buffer at most as large as the canvas the limits allow.
        let frame_limit = limits.max_pixels.saturating_mul(4).max(1);
        options.set_memory_limit(gif::MemoryLimit::Bytes(
            std::num::NonZeroU64::new(frame_limit).unwrap_or(std::num::NonZeroU64::MIN),
        ));
        let decoder = options.read_info(Cursor::new(bytes)).map_err(gif_error)?;
        let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
        if width == 0 || height == 0 {
            return Err(Error::Decode(format!(
                "the GIF declares a {width} x {height} screen"
            )));
        }
        limits.check_dimensions(width, height)?;
        limits.check_rgba("the GIF's screen", width, height)?;
        let len = rgba_len(width, height)?;
        let mut canvas = Vec::new();
        canvas.try_reserve_exact(len).map_err(|_| {
            Error::LimitExceeded(format!("not enough memory for a {width} x {height} GIF"))
        })?;
        canvas.resize(len, 0);
        Ok(GifFrames {
            decoder,
            width,
            height,
            canvas,
            pending: None,
            saved: None,
            frame: Vec::new(),
            limits: *limits,
        })
    }

    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    pub(crate) fn height(&self) -> u32 {
        self.height
    }

    /// The WebP loop count for the GIF's: its NETSCAPE2.0 count is how many times it plays *again*
    /// (0: forever), and without one it plays once. Known once the first frame is read.
    pub(crate) fn loop_count(&self) -> u16 {
        match self.decoder.repeat() {
            gif::Repeat::Infinite => 0,
            gif::Repeat::Finite(n) => n.saturating_add(1),
        }
    }

    /// The canvas as the last frame [`next_frame`](Self::next_frame) drew left it.
    pub(crate) fn canvas(&self) -> &[u8] {
        &self.canvas
    }

    /// Draws the next frame; its delay in milliseconds, or `None` after the last.
    ///
    /// # Errors
    /// [`Error::Decode`] for a damaged frame, [`Error::LimitExceeded`] for a frame over the limits
    /// (a frame may be larger than the screen it is drawn on: its size is checked before its
    /// pixels are read).
    pub(crate) fn next_frame(&mut self) -> Result<Option<u32>> {
        let Some(info) = self.decoder.next_frame_info().map_err(gif_error)? else {
            return Ok(None);
        };
        let (left, top, dispose, delay) = (info.left, info.top, info.dispose, info.delay);
        let (w, h) = (u32::from(info.width), u32::from(info.height));
        self.limits.check_size("a GIF frame", w, h)?;
        self.limits.check_rgba("a GIF frame", w, h)?;
        let len = self.decoder.buffer_size();
        self.frame.clear();
        self.frame.try_reserve_exact(len).map_err(|_| {
            Error::LimitExceeded(format!("not enough memory for a {w} x {h} GIF frame"))
        })?;
        self.frame.resize(len, 0);
        self.decoder
            .read_into_buffer(&mut self.frame)
            .map_err(gif_error)?;

        let (cw, ch) = (self.width as usize, self.height as usize);
        // Undo the previous frame as its disposal says.
        match self.pending.take() {
            Some((r, gif::DisposalMethod::Background)) => {
                for row in r.y..r.y + r.height {
                    let at = (row * cw + r.x) * 4;
                    self.canvas[at..at + r.width * 4].fill(0);
                }
            }
            Some((_, gif::DisposalMethod::Previous)) => {
                if let Some(saved) = self.saved.take() {
                    self.canvas = saved;
                }
            }
            _ => {}
        }
        let (fx, fy) = (usize::from(left), usize::from(top));
        let (fw, fh) = (w as usize, h as usize);
        // The part of the frame on the canvas (frames may stick out; what is outside is not shown).
        let x0 = fx.min(cw);
        let y0 = fy.min(ch);
        let x1 = (fx + fw).min(cw);
        let y1 = (fy + fh).min(ch);
        let rect = Rect {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        };
        if dispose == gif::DisposalMethod::Previous {
            let mut copy = Vec::new();
            copy.try_reserve_exact(self.canvas.len()).map_err(|_| {
                Error::LimitExceeded("not enough memory to keep a GIF frame".into())
            })?;
            copy.extend_from_slice(&self.canvas);
            self.saved = Some(copy);
        }
        let buffer = &self.frame;
        if buffer.len() < fw * fh * 4 {
            return Err(Error::Decode("a GIF frame holds too few pixels".into()));
        }
        for row in y0..y1 {
            let src_row = (row - fy) * fw;
            for col in x0..x1 {
                let s = (src_row + col - fx) * 4;
                // GIF pixels are opaque or (the transparent index) not drawn.
                if buffer[s + 3] != 0 {
                    let d = (row * cw + col) * 4;
                    self.canvas[d..d + 4].copy_from_slice(&buffer[s..s + 4]);
                }
            }
        }
        self.pending = Some((rect, dispose));
        Ok(Some(u32::from(delay) * 10))
    }
}

/// A GIF's frames, counted without decoding their pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FrameCount {
    /// How many, up to the bound the walk was given.
    pub frames: usize,
    /// The size of the one with the most pixels (its own size, which may exceed the screen's).
    pub largest: (u32, u32),
}

/// How many frames a GIF has, up to `at_most` (the walk stops there: a file of millions of tiny
/// frames costs no more than `at_most` of them), and the largest, without decoding their pixels.
pub(crate) fn count_frames(bytes: &[u8], at_most: usize) -> FrameCount {
    let mut options = gif::DecodeOptions::new();
    options.skip_frame_decoding(true);
    let mut count = FrameCount::default();
    let Ok(mut decoder) = options.read_info(Cursor::new(bytes)) else {
        return count;
    };
    while count.frames < at_most {
        match decoder.next_frame_info() {
            Ok(Some(f)) => {
                count.frames += 1;
                let (w, h) = (u32::from(f.width), u32::from(f.height));
                let (lw, lh) = count.largest;
                if u64::from(w) * u64::from(h) > u64::from(lw) * u64::from(lh) {
                    count.largest = (w, h);
                }
            }
            _ => break,
        }
    }
    count
}

fn gif_error(e: gif::DecodingError) -> Error {
    use gif::DecodingError as E;
    match e {
        E::MemoryLimit | E::OutOfMemory => {
            Error::LimitExceeded("a GIF frame is over the memory limits".into())
        }
        E::UnexpectedEof => {
            Error::Decode("the GIF is truncated (it ends before its data does)".into())
        }
        E::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("the GIF is truncated (it ends before its data does)".into())
        }
        other => Error::Decode(format!("the GIF is damaged or not valid: {other}")),
    }
}
