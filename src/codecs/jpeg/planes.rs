//! RGBA → level-shifted Y, Cb, Cr samples, one MCU row at a time: the whole image is never copied,
//! only a strip of MCU height is converted, subsampled and handed out as 8×8 blocks.

use super::fdct::Block4;
use crate::pixels::{over_background, Rgba8};
use crate::simd::{F32x4, I32x4};

/// Component sampling and the block grid it implies.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub width: usize,
    pub height: usize,
    /// 1 (grayscale) or 3 (Y, Cb, Cr).
    pub components: usize,
    /// Luma's horizontal and vertical sampling factors; chroma's are 1.
    pub h: usize,
    pub v: usize,
    pub mcus_x: usize,
    pub mcus_y: usize,
}

impl Layout {
    pub(super) fn new(width: usize, height: usize, components: usize, h: usize, v: usize) -> Self {
        let (h, v) = if components == 1 { (1, 1) } else { (h, v) };
        Layout {
            width,
            height,
            components,
            h,
            v,
            mcus_x: width.div_ceil(8 * h),
            mcus_y: height.div_ceil(8 * v),
        }
    }

    /// Sampling factors of component `c`.
    pub(super) fn factors(&self, c: usize) -> (usize, usize) {
        if c == 0 {
            (self.h, self.v)
        } else {
            (1, 1)
        }
    }

    /// Blocks stored per row and per column for component `c` (whole MCUs).
    pub(super) fn grid(&self, c: usize) -> (usize, usize) {
        let (h, v) = self.factors(c);
        (self.mcus_x * h, self.mcus_y * v)
    }

    /// Blocks a non-interleaved scan of component `c` covers: just those holding image samples.
    pub(super) fn visible(&self, c: usize) -> (usize, usize) {
        let (h, v) = self.factors(c);
        let w = (self.width * h).div_ceil(self.h);
        let hgt = (self.height * v).div_ceil(self.v);
        (w.div_ceil(8), hgt.div_ceil(8))
    }
}

/// One MCU row of samples per component, level-shifted (−128…127).
pub(super) struct Strips<'a> {
    image: &'a Rgba8,
    background: [u8; 3],
    layout: Layout,
    /// Full-resolution planes of the strip (Y, Cb, Cr), `stride` × MCU height.
    full: [Vec<f32>; 3],
    /// Subsampled chroma planes (when h or v > 1).
    sub: [Vec<f32>; 2],
    stride: usize,
}

impl<'a> Strips<'a> {
    pub(super) fn new(image: &'a Rgba8, background: [u8; 3], layout: Layout) -> Self {
        let stride = layout.mcus_x * 8 * layout.h;
        let rows = 8 * layout.v;
        let full_len = stride * rows;
        let chroma_len = if layout.components == 3 { full_len } else { 0 };
        let sub_len = if layout.components == 3 && (layout.h > 1 || layout.v > 1) {
            full_len / (layout.h * layout.v)
        } else {
            0
        };
        Strips {
            image,
            background,
            layout,
            full: [
                vec![0.0; full_len],
                vec![0.0; chroma_len],
                vec![0.0; chroma_len],
            ],
            sub: [vec![0.0; sub_len], vec![0.0; sub_len]],
            stride,
        }
    }

    /// Converts MCU row `row`, replicating the last column and row into the padding; `vector`
    /// takes the four-lane paths (identical output).
    pub(super) fn load(&mut self, row: usize, vector: bool) {
        let l = self.layout;
        let rows = 8 * l.v;
        let data = self.image.data();
        let bg = self.background;
        let color = l.components == 3;
        let [y_plane, cb_plane, cr_plane] = &mut self.full;
        for r in 0..rows {
            let sy = (row * rows + r).min(l.height - 1);
            let src = data
                .get(sy * l.width * 4..(sy + 1) * l.width * 4)
                .unwrap_or(&[]);
            let line = r * self.stride..(r + 1) * self.stride;
            let y_row = &mut y_plane[line.clone()];
            let (cb_row, cr_row) = if color {
                (&mut cb_plane[line.clone()], &mut cr_plane[line])
            } else {
                (&mut [][..], &mut [][..])
            };
            let done = if vector {
                convert_x4(src, bg, y_row, cb_row, cr_row)
            } else {
                0
            };
            let mut last = [0.0f32; 3];
            if let Some(x) = done.checked_sub(1) {
                last = [
                    y_row[x],
                    cb_row.get(x).copied().unwrap_or(0.0),
                    cr_row.get(x).copied().unwrap_or(0.0),
                ];
            }
            for x in done..self.stride {
                if let Some(p) = src.get(x * 4..x * 4 + 4) {
                    last = ycc(p, bg);
                }
                y_row[x] = last[0];
                if color {
                    cb_row[x] = last[1];
                    cr_row[x] = last[2];
                }
            }
        }
        if color && (l.h > 1 || l.v > 1) {
            let sub_stride = self.stride / l.h;
            let area = 1.0 / (l.h * l.v) as f32;
            for (plane, out) in self.full[1..].iter().zip(self.sub.iter_mut()) {
                for sr in 0..rows / l.v {
                    let out = &mut out[sr * sub_stride..(sr + 1) * sub_stride];
                    let at = sr * l.v * self.stride;
                    let done = if vector && l.h == 2 {
                        downsample_x4(&plane[at..], self.stride, l.v, area, out)
                    } else {
                        0
                    };
                    for (sx, o) in out.iter_mut().enumerate().skip(done) {
                        let mut sum = 0.0;
                        for dy in 0..l.v {
                            let at = at + dy * self.stride + sx * l.h;
                            for dx in 0..l.h {
                                sum += plane[at + dx];
                            }
                        }
                        *o = sum * area;
                    }
                }
            }
        }
    }

    /// The plane holding component `c`'s samples and its row length.
    fn plane(&self, c: usize) -> (&[f32], usize) {
        let l = self.layout;
        if c > 0 && (l.h > 1 || l.v > 1) {
            (&self.sub[c - 1], self.stride / l.h)
        } else {
            (&self.full[c], self.stride)
        }
    }

    /// [`block`](Self::block) as vectors.
    #[inline]
    pub(super) fn block_x4(&self, c: usize, bx: usize, by: usize) -> Block4 {
        let (plane, stride) = self.plane(c);
        std::array::from_fn(|r| {
            let at = (by * 8 + r) * stride + bx * 8;
            [F32x4::load(&plane[at..]), F32x4::load(&plane[at + 4..])]
        })
    }

    /// Block (`bx`, `by`) of component `c` within the loaded strip (`by` < the component's v).
    pub(super) fn block(&self, c: usize, bx: usize, by: usize, out: &mut [f32; 64]) {
        let (plane, stride) = self.plane(c);
        for (r, dst) in out.chunks_exact_mut(8).enumerate() {
            let at = (by * 8 + r) * stride + bx * 8;
            if let Some(src) = plane.get(at..at + 8) {
                dst.copy_from_slice(src);
            }
        }
    }
}

/// Level-shifted Y, Cb, Cr of one RGBA pixel composited over `bg`.
#[inline]
fn ycc(p: &[u8], bg: [u8; 3]) -> [f32; 3] {
    let (r8, g8, b8) = if p[3] == 255 {
        (p[0], p[1], p[2])
    } else {
        (
            over_background(p[0], p[3], bg[0]),
            over_background(p[1], p[3], bg[1]),
            over_background(p[2], p[3], bg[2]),
        )
    };
    let (rf, gf, bf) = (f32::from(r8), f32::from(g8), f32::from(b8));
    [
        0.299 * rf + 0.587 * gf + 0.114 * bf - 128.0,
        -0.168_736 * rf - 0.331_264 * gf + 0.5 * bf,
        0.5 * rf - 0.418_688 * gf - 0.081_312 * bf,
    ]
}

/// [`ycc`] four pixels at a time over the row's whole groups of four (`cb`, `cr` empty for
/// grayscale); groups with any transparency take the scalar path. Returns the pixels converted.
fn convert_x4(src: &[u8], bg: [u8; 3], y: &mut [f32], cb: &mut [f32], cr: &mut [f32]) -> usize {
    let color = !cb.is_empty();
    let byte = I32x4::splat(0xff);
    let opaque = I32x4::splat(0xff);
    let c = F32x4::splat;
    let groups = (src.len() / 16).min(y.len() / 4);
    // Whole groups by chunks, so that no index into the rows needs a bounds check.
    let quads = src.chunks_exact(16).zip(y.chunks_exact_mut(4));
    for (g, (quad, yq)) in quads.enumerate() {
        let px = I32x4::load_bytes(quad);
        if !px.shr(24).all_eq(opaque) {
            for (i, p) in quad.chunks_exact(4).enumerate() {
                let v = ycc(p, bg);
                yq[i] = v[0];
                if color {
                    cb[4 * g + i] = v[1];
                    cr[4 * g + i] = v[2];
                }
            }
            continue;
        }
        let r = px.and(byte).to_f32();
        let gr = px.shr(8).and(byte).to_f32();
        let b = px.shr(16).and(byte).to_f32();
        (c(0.299) * r + c(0.587) * gr + c(0.114) * b - c(128.0)).store(yq);
        if color {
            (c(-0.168_736) * r - c(0.331_264) * gr + c(0.5) * b).store(&mut cb[4 * g..]);
            (c(0.5) * r - c(0.418_688) * gr - c(0.081_312) * b).store(&mut cr[4 * g..]);
        }
    }
    4 * groups
}

/// Horizontal 2:1 (and vertical `v`:1) box downsampling four outputs at a time from `plane`
/// (rows `stride` apart), in the scalar loop's order of additions. Returns the outputs written.
fn downsample_x4(plane: &[f32], stride: usize, v: usize, area: f32, out: &mut [f32]) -> usize {
    let groups = out.len() / 4;
    for g in 0..groups {
        let mut sum = F32x4::splat(0.0);
        for dy in 0..v {
            let at = dy * stride + 8 * g;
            let (even, odd) =
                F32x4::deinterleave(F32x4::load(&plane[at..]), F32x4::load(&plane[at + 4..]));
            sum = sum + even + odd;
        }
        (sum * F32x4::splat(area)).store(&mut out[4 * g..]);
    }
    4 * groups
}
