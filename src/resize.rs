//! Shrinking to a maximum width and height with Lanczos3, alpha-aware, in linear light by default.

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{
    create_srgb_mapper, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer,
};

use crate::error::{Error, Result};
use crate::pixels::{Image, Rgba16, Rgba8};

/// The size `width` x `height` shrinks to within the bounds, keeping the aspect ratio; never larger.
pub fn fitted_size(width: u32, height: u32, max_w: Option<u32>, max_h: Option<u32>) -> (u32, u32) {
    let scale_w = max_w.map_or(1.0, |m| f64::from(m) / f64::from(width));
    let scale_h = max_h.map_or(1.0, |m| f64::from(m) / f64::from(height));
    let scale = scale_w.min(scale_h).min(1.0);
    if scale >= 1.0 {
        return (width, height);
    }
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    (side(width), side(height))
}

fn resize_error(e: impl std::fmt::Display) -> Error {
    Error::InvalidInput(format!("could not resize the image: {e}"))
}

/// Resizes `image` to fit the bounds (a no-op when it already fits).
///
/// # Errors
/// [`Error::InvalidInput`] if the resizer rejects the buffers (it should not for valid images).
pub fn fit(image: Image, max_w: Option<u32>, max_h: Option<u32>, linear: bool) -> Result<Image> {
    let (w, h) = (image.width(), image.height());
    let (nw, nh) = fitted_size(w, h, max_w, max_h);
    if (nw, nh) == (w, h) {
        return Ok(image);
    }
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .use_alpha(true);
    let mut resizer = Resizer::new();
    match image {
        Image::Rgba8(i) => {
            let src = FirImage::from_vec_u8(w, h, i.into_data(), PixelType::U8x4)
                .map_err(resize_error)?;
            let out = if linear {
                // sRGB bytes to 16-bit linear light and back: averaging encoded values darkens detail.
                let mapper = create_srgb_mapper();
                let mut lin = FirImage::new(w, h, PixelType::U16x4);
                mapper.forward_map(&src, &mut lin).map_err(resize_error)?;
                drop(src);
                let mut small = FirImage::new(nw, nh, PixelType::U16x4);
                resizer
                    .resize(&lin, &mut small, &options)
                    .map_err(resize_error)?;
                let mut out = FirImage::new(nw, nh, PixelType::U8x4);
                mapper
                    .backward_map(&small, &mut out)
                    .map_err(resize_error)?;
                out
            } else {
                let mut out = FirImage::new(nw, nh, PixelType::U8x4);
                resizer
                    .resize(&src, &mut out, &options)
                    .map_err(resize_error)?;
                out
            };
            Ok(Image::Rgba8(Rgba8::new(nw, nh, out.into_vec())?))
        }
        Image::Rgba16(i) => {
            // 16-bit input is resized on its own values: there is no 16-bit sRGB mapper, and its
            // precision already hides most of the gamma error.
            let mut src = FirImage::new(w, h, PixelType::U16x4);
            for (dst, v) in src.buffer_mut().chunks_exact_mut(2).zip(i.data()) {
                dst.copy_from_slice(&v.to_ne_bytes());
            }
            let mut out = FirImage::new(nw, nh, PixelType::U16x4);
            resizer
                .resize(&src, &mut out, &options)
                .map_err(resize_error)?;
            let data = out
                .buffer()
                .chunks_exact(2)
                .map(|b| u16::from_ne_bytes([b[0], b[1]]))
                .collect();
            Ok(Image::Rgba16(Rgba16::new(nw, nh, data)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_size_keeps_aspect_and_never_enlarges() {
        assert_eq!(fitted_size(4000, 3000, Some(1000), None), (1000, 750));
        assert_eq!(fitted_size(4000, 3000, None, Some(300)), (400, 300));
        assert_eq!(fitted_size(4000, 3000, Some(1000), Some(300)), (400, 300));
        assert_eq!(fitted_size(400, 300, Some(1000), Some(1000)), (400, 300));
        assert_eq!(fitted_size(10_000, 1, Some(100), None), (100, 1));
    }
}
