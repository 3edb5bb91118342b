//! RGB to Y'CbCr for the encoder: BT.601 coefficients over full-range samples (what libavif writes by
//! default, so every AVIF reader converts back the same way), chroma averaged over 2x2 blocks for
//! 4:2:0 (2x1 for 4:2:2). Row by row straight into the encoder's planes: no full-size intermediate.

use rav1e::prelude::{Frame, Pixel};

use crate::pixels::Image;

/// BT.601 luma weights of R and B (G's is what is left).
pub(crate) const KR: f32 = 0.299;
pub(crate) const KB: f32 = 0.114;

/// One pixel as R, G, B, A in 0..=1.
fn pixel(image: &Image, x: usize, y: usize) -> [f32; 4] {
    match image {
        Image::Rgba8(i) => {
            let at = (y * i.width() as usize + x) * 4;
            let p = &i.data()[at..at + 4];
            [p[0], p[1], p[2], p[3]].map(|v| f32::from(v) / 255.0)
        }
        Image::Rgba16(i) => {
            let at = (y * i.width() as usize + x) * 4;
            let p = &i.data()[at..at + 4];
            [p[0], p[1], p[2], p[3]].map(|v| f32::from(v) / 65_535.0)
        }
    }
}

/// Y', Cb, Cr of one pixel, each in 0..=1 (chroma centred on 0.5).
fn ycc([r, g, b, _]: [f32; 4]) -> [f32; 3] {
    let y = KR * r + (1.0 - KR - KB) * g + KB * b;
    [
        y,
        (b - y) / (2.0 * (1.0 - KB)) + 0.5,
        (r - y) / (2.0 * (1.0 - KR)) + 0.5,
    ]
}

fn quantise<P: Pixel>(v: f32, max: f32) -> P {
    P::cast_from((v * max).round().clamp(0.0, max) as u16)
}

/// Fills the three planes of `frame` (sized for `image`) at `depth` bits, chroma halved across when
/// `half_x` (4:2:2, 4:2:0) and down when `half_y` (4:2:0).
pub(super) fn fill_color<P: Pixel>(
    frame: &mut Frame<P>,
    image: &Image,
    depth: u8,
    (half_x, half_y): (bool, bool),
) {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let max = f32::from((1u16 << depth) - 1);
    let [py, pu, pv] = &mut frame.planes;
    let mut y_rows = py.rows_iter_mut();
    let mut u_rows = pu.rows_iter_mut();
    let mut v_rows = pv.rows_iter_mut();
    let (sx, sy) = (1 + usize::from(half_x), 1 + usize::from(half_y));
    // Chroma sums of one output chroma row, and how many pixels went into each.
    let mut sums = vec![[0f32; 3]; w.div_ceil(sx)];
    for y0 in (0..h).step_by(sy) {
        sums.fill([0.0; 3]);
        for y in y0..(y0 + sy).min(h) {
            let Some(row) = y_rows.next() else { return };
            for (x, out) in row.iter_mut().take(w).enumerate() {
                let c = ycc(pixel(image, x, y));
                *out = quantise(c[0], max);
                let s = &mut sums[x / sx];
                s[1] += c[1];
                s[2] += c[2];
                s[0] += 1.0;
            }
        }
        let (Some(urow), Some(vrow)) = (u_rows.next(), v_rows.next()) else {
            return;
        };
        for ((u, v), s) in urow.iter_mut().zip(vrow.iter_mut()).zip(&sums) {
            *u = quantise(s[1] / s[0], max);
            *v = quantise(s[2] / s[0], max);
        }
    }
}

/// Fills the one plane of a monochrome `frame` with `image`'s alpha at `depth` bits.
pub(super) fn fill_alpha<P: Pixel>(frame: &mut Frame<P>, image: &Image, depth: u8) {
    let w = image.width() as usize;
    let max = f32::from((1u16 << depth) - 1);
    for (y, row) in frame.planes[0].rows_iter_mut().enumerate() {
        if y >= image.height() as usize {
            break;
        }
        for (x, out) in row.iter_mut().take(w).enumerate() {
            *out = quantise(pixel(image, x, y)[3], max);
        }
    }
}
