//! What the two animation encoders (animated WebP and APNG) share: a frame placed on the canvas, the
//! rectangle that changed between two canvases, and canvas buffers allocated without aborting.

use crate::error::{Error, Result};

/// A frame to be written: its encoded pixels `data`, placed at `(x, y)` on the canvas.
pub(crate) struct Placed<T> {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Milliseconds.
    pub(crate) duration: u32,
    /// Drawn over what is there (unchanged pixels left transparent), not replacing it.
    pub(crate) blend: bool,
    pub(crate) data: T,
}

/// The rectangle `[x0, x1) x [y0, y1)` holding every RGBA pixel for which `same` is false, or `None`.
pub(crate) fn changed_rect(
    before: &[u8],
    after: &[u8],
    width: u32,
    height: u32,
    same: impl Fn(&[u8], &[u8]) -> bool,
) -> Option<(u32, u32, u32, u32)> {
    let stride = width as usize * 4;
    let pairs = |y: u32| {
        let r = y as usize * stride..(y as usize + 1) * stride;
        before[r.clone()]
            .chunks_exact(4)
            .zip(after[r].chunks_exact(4))
    };
    let differs = |y: u32| pairs(y).any(|(b, a)| !same(a, b));
    let y0 = (0..height).find(|&y| differs(y))?;
    let y1 = (y0..height).rev().find(|&y| differs(y))? + 1;
    let (mut x0, mut x1) = (width, 0);
    for y in y0..y1 {
        if let Some(first) = pairs(y).position(|(b, a)| !same(a, b)) {
            x0 = x0.min(first as u32);
            let last = pairs(y).rposition(|(b, a)| !same(a, b)).unwrap_or(first);
            x1 = x1.max(last as u32 + 1);
        }
    }
    Some((x0, y0, x1, y1))
}

/// [`Error::InvalidInput`] unless `canvas` is RGBA8 of `width` x `height`.
pub(crate) fn check_frame(canvas: &[u8], width: u32, height: u32) -> Result<()> {
    if canvas.len() as u64 != u64::from(width) * u64::from(height) * 4 {
        return Err(Error::InvalidInput(format!(
            "an animation frame of {} bytes for a {width} x {height} canvas",
            canvas.len()
        )));
    }
    Ok(())
}

/// `len` zero bytes, or [`Error::LimitExceeded`] when they cannot be had.
pub(crate) fn zeroed(len: usize) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        Error::LimitExceeded(format!("not enough memory for {len} bytes of pixels"))
    })?;
    v.resize(len, 0);
    Ok(v)
}
