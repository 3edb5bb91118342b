//! Palette quantisation for lossy PNG, with exoquant (MIT): k-means refined palettes in a perceptual
//! colour space, optional Floyd–Steinberg dithering, alpha included.

use std::collections::HashSet;

use exoquant::{convert_to_indexed, ditherer, optimizer, Color};

use crate::error::Result;
use crate::pixels::Rgba8;

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
    let (palette, indices) = if dither {
        convert_to_indexed(
            &pixels,
            width,
            colors,
            &optimizer::KMeans,
            &ditherer::FloydSteinberg::new(),
        )
    } else {
        convert_to_indexed(&pixels, width, colors, &optimizer::KMeans, &ditherer::None)
    };
    drop(pixels);
    let palette: Vec<[u8; 4]> = palette.iter().map(|c| [c.r, c.g, c.b, c.a]).collect();
    let data = indices
        .iter()
        .flat_map(|&i| palette.get(usize::from(i)).copied().unwrap_or([0, 0, 0, 0]))
        .collect();
    let mut unique = palette;
    unique.sort_unstable();
    unique.dedup();
    Ok((Rgba8::new(image.width(), image.height(), data)?, unique))
}
