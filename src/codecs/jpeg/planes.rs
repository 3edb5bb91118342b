//! RGBA → level-shifted Y, Cb, Cr samples, one MCU row at a time: the whole image is never copied,
//! only a strip of MCU height is converted, subsampled and handed out as 8×8 blocks.

use crate::pixels::{over_background, Rgba8};

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

    /// Converts MCU row `row`, replicating the last column and row into the padding.
    pub(super) fn load(&mut self, row: usize) {
        let l = self.layout;
        let rows = 8 * l.v;
        let data = self.image.data();
        let bg = self.background;
        let [y_plane, cb_plane, cr_plane] = &mut self.full;
        for r in 0..rows {
            let sy = (row * rows + r).min(l.height - 1);
            let src = data
                .get(sy * l.width * 4..(sy + 1) * l.width * 4)
                .unwrap_or(&[]);
            let line = r * self.stride;
            let mut last = [0.0f32; 3];
            for x in 0..self.stride {
                if let Some(p) = src.get(x * 4..x * 4 + 4) {
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
                    last[0] = 0.299 * rf + 0.587 * gf + 0.114 * bf - 128.0;
                    if l.components == 3 {
                        last[1] = -0.168_736 * rf - 0.331_264 * gf + 0.5 * bf;
                        last[2] = 0.5 * rf - 0.418_688 * gf - 0.081_312 * bf;
                    }
                }
                y_plane[line + x] = last[0];
                if l.components == 3 {
                    cb_plane[line + x] = last[1];
                    cr_plane[line + x] = last[2];
                }
            }
        }
        if l.components == 3 && (l.h > 1 || l.v > 1) {
            let sub_stride = self.stride / l.h;
            let area = 1.0 / (l.h * l.v) as f32;
            for (plane, out) in self.full[1..].iter().zip(self.sub.iter_mut()) {
                for sr in 0..rows / l.v {
                    for sx in 0..sub_stride {
                        let mut sum = 0.0;
                        for dy in 0..l.v {
                            let at = (sr * l.v + dy) * self.stride + sx * l.h;
                            for dx in 0..l.h {
                                sum += plane[at + dx];
                            }
                        }
                        out[sr * sub_stride + sx] = sum * area;
                    }
                }
            }
        }
    }

    /// Block (`bx`, `by`) of component `c` within the loaded strip (`by` < the component's v).
    pub(super) fn block(&self, c: usize, bx: usize, by: usize, out: &mut [f32; 64]) {
        let l = self.layout;
        let subsampled = c > 0 && (l.h > 1 || l.v > 1);
        let (plane, stride) = if subsampled {
            (&self.sub[c - 1], self.stride / l.h)
        } else {
            (&self.full[c], self.stride)
        };
        for (r, dst) in out.chunks_exact_mut(8).enumerate() {
            let at = (by * 8 + r) * stride + bx * 8;
            if let Some(src) = plane.get(at..at + 8) {
                dst.copy_from_slice(src);
            }
        }
    }
}
