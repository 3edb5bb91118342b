//! Palette quantisation for lossy PNG, with exoquant (MIT): k-means refined palettes in a perceptual
//! colour space, optional Floyd–Steinberg dithering, alpha included.

use std::collections::HashSet;

use exoquant::optimizer::{self, Optimizer};
use exoquant::{ditherer, generate_palette, Color, Histogram, Remapper, SimpleColorSpace};

use crate::error::Result;
use crate::pixels::Rgba8;

/// Most pixels the palette is learnt from.
const HISTOGRAM_PIXELS: usize = 1 << 16;

/// Every how many pixels one goes into the histogram: at most [`HISTOGRAM_PIXELS`] of them, and a
/// step that does not divide the width, so the sample does not fall on the same columns row after
/// row.
fn sample_step(pixels: usize, width: usize) -> usize {
    let mut step = pixels.div_ceil(HISTOGRAM_PIXELS).max(1);
    while step > 1 && width.is_multiple_of(step) {
        step += 1;
    }
    step
}

/// The image redrawn with at most `colors` distinct RGBA colours, and that palette. An image that
/// already has no more colours comes back unchanged.
///
/// # Errors
/// Only if the quantised buffer cannot be described (never for a valid image).
pub fn quantize(image: &Rgba8, colors: usize, dither: bool) -> Result<(Rgba8, Vec<[u8; 4]>)> {
    let mut distinct = HashSet::new();
    for p in image.data().chunks_exact(4) {
        distinct.insert([p[0], p[1], p[2], p[3]]);
        if distinct.len() > colors {
            break;
        }
    }
    if distinct.len() <= colors {
        return Ok((image.clone(), distinct.into_iter().collect()));
    }
    let pixels: Vec<Color> = image
        .data()
        .chunks_exact(4)
        .map(|p| Color::new(p[0], p[1], p[2], p[3]))
        .collect();
    let width = image.width() as usize;
    let colorspace = SimpleColorSpace::default();
    // The palette is learnt from at most `HISTOGRAM_PIXELS` pixels spread over the image: k-means
    // costs about 36 µs a distinct colour, so a histogram of every pixel made a megapixel of noise
    // take 37 s and 365 MB, and a 12-megapixel one minutes and gigabytes. Every pixel is still
    // mapped to the palette.
    let step = sample_step(pixels.len(), width);
    let histogram: Histogram = pixels.iter().step_by(step).copied().collect();
    // A sample may hold fewer colours than asked for: the quantiser can only split real ones.
    let colors = colors.min(histogram.iter().count()).max(1);
    let palette = generate_palette(&histogram, &colorspace, &optimizer::KMeans, colors);
    let palette = optimizer::KMeans.optimize_palette(&colorspace, &palette, &histogram, 8);
    drop(histogram);
    let indices = if dither {
        Remapper::new(&palette, &colorspace, &ditherer::FloydSteinberg::new()).remap(&pixels, width)
    } else {
        Remapper::new(&palette, &colorspace, &ditherer::None).remap(&pixels, width)
    };
    drop(pixels);
    let palette: Vec<[u8; 4]> = palette.iter().map(|c| [c.r, c.g, c.b, c.a]).collect();
    let data = indices
        .iter()
        .flat_map(|&i| palette.get(usize::from(i)).copied().unwrap_or([0, 0, 0, 0]))
        .collect();
    // Sorted as the (u64, u16) pairs the Huffman codes sort (one sort in the wasm), in RGBA order.
    let mut keyed: Vec<(u64, u16)> = palette
        .iter()
        .map(|&c| (u64::from(u32::from_be_bytes(c)), 0))
        .collect();
    keyed.sort_unstable();
    keyed.dedup();
    let unique = keyed
        .into_iter()
        .map(|(key, _)| (key as u32).to_be_bytes())
        .collect();
    Ok((Rgba8::new(image.width(), image.height(), data)?, unique))
}
