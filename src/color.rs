//! Colour management: ICC profiles (kept, or converted to sRGB with moxcms) and CMYK input.
//!
//! moxcms is in the full build only. The core build keeps profiles and converts profile-less CMYK,
//! and refuses anything that needs a transform with [`Error::NeedsFullModule`], from the file's
//! header ([`check_supported`]) so that no decoding is wasted.

#[cfg(feature = "full")]
use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

use crate::error::{Error, Result};
use crate::pixels::Image;
#[cfg(feature = "full")]
use crate::pixels::{Rgba16, Rgba8};

/// The colour space an ICC profile's header declares (bytes 16..20), e.g. `b"RGB "`.
fn declared_space(icc: &[u8]) -> Option<&[u8]> {
    icc.get(16..20)
}

/// Whether a profile can describe the RGB pixels pixsqueeze writes (so embedding it is meaningful).
pub fn is_rgb_profile(icc: &[u8]) -> bool {
    declared_space(icc) == Some(b"RGB ")
}

/// Whether this build can handle an image whose header declares `icc` (the pixels being CMYK when
/// `cmyk`), converting to sRGB when `to_srgb`. Only an RGB profile to convert, or a CMYK profile for
/// CMYK pixels, needs moxcms: other profiles are kept or dropped without a transform.
///
/// # Errors
/// [`Error::NeedsFullModule`] in the core build when a transform is needed.
pub fn check_supported(icc: Option<&[u8]>, cmyk: bool, to_srgb: bool) -> Result<()> {
    let Some(space) = icc.and_then(declared_space) else {
        return Ok(());
    };
    let needs_cms = (space == b"RGB " && to_srgb) || (space == b"CMYK" && cmyk);
    if needs_cms && cfg!(not(feature = "full")) {
        return Err(Error::needs_full("converting colours with an ICC profile"));
    }
    Ok(())
}

/// Converts `image` from the colour space `icc` describes to sRGB. Returns false (pixels untouched)
/// when the profile cannot be parsed or has no RGB transform: the caller then treats the image as
/// sRGB, which is what browsers do with a broken profile too.
///
/// # Errors
/// [`Error::NeedsFullModule`] in the core build for an RGB profile.
#[cfg(not(feature = "full"))]
pub fn convert_to_srgb(_image: &mut Image, icc: &[u8]) -> Result<bool> {
    check_supported(Some(icc), false, true)?;
    Ok(false)
}

/// Converts `image` from the colour space `icc` describes to sRGB. Returns false (pixels untouched)
/// when the profile cannot be parsed or has no RGB transform: the caller then treats the image as
/// sRGB, which is what browsers do with a broken profile too.
#[cfg(feature = "full")]
pub fn convert_to_srgb(image: &mut Image, icc: &[u8]) -> Result<bool> {
    let Ok(src) = ColorProfile::new_from_slice(icc) else {
        return Ok(false);
    };
    if src.color_space != DataColorSpace::Rgb {
        return Ok(false);
    }
    let srgb = ColorProfile::new_srgb();
    let options = TransformOptions::default();
    match image {
        Image::Rgba8(i) => {
            let Ok(t) = src.create_transform_8bit(Layout::Rgba, &srgb, Layout::Rgba, options)
            else {
                return Ok(false);
            };
            let mut out = vec![0u8; i.data().len()];
            if t.transform(i.data(), &mut out).is_err() {
                return Ok(false);
            }
            *i = Rgba8::new(i.width(), i.height(), out)?;
        }
        Image::Rgba16(i) => {
            let Ok(t) = src.create_transform_16bit(Layout::Rgba, &srgb, Layout::Rgba, options)
            else {
                return Ok(false);
            };
            let mut out = vec![0u16; i.data().len()];
            if t.transform(i.data(), &mut out).is_err() {
                return Ok(false);
            }
            *i = Rgba16::new(i.width(), i.height(), out)?;
        }
    }
    Ok(true)
}

/// CMYK samples as a JPEG decoder hands them over, to opaque RGBA8 (sRGB). With a CMYK ICC profile
/// the profile's own transform is used; without one, the plain device-CMYK formula.
/// Samples are ink amounts, 255 = full ink (jpeg-decoder undoes Adobe's stored inversion).
///
/// # Errors
/// [`Error::NeedsFullModule`] in the core build for a CMYK profile.
pub fn cmyk_to_rgba(cmyk: &[u8], icc: Option<&[u8]>) -> Result<Vec<u8>> {
    if let Some(rgba) = icc.and_then(|icc| cmyk_via_profile(cmyk, icc)) {
        return Ok(rgba);
    }
    check_supported(icc, true, false)?;
    let mut out = Vec::with_capacity(cmyk.len());
    for p in cmyk.chunks_exact(4) {
        let k = 255 - u32::from(p[3]);
        let channel = |c: u8| ((255 - u32::from(c)) * k / 255) as u8;
        out.extend([channel(p[0]), channel(p[1]), channel(p[2]), 255]);
    }
    Ok(out)
}

#[cfg(not(feature = "full"))]
fn cmyk_via_profile(_: &[u8], _: &[u8]) -> Option<Vec<u8>> {
    None
}

#[cfg(feature = "full")]
fn cmyk_via_profile(cmyk: &[u8], icc: &[u8]) -> Option<Vec<u8>> {
    let src = ColorProfile::new_from_slice(icc).ok()?;
    if src.color_space != DataColorSpace::Cmyk {
        return None;
    }
    let t = src
        .create_transform_8bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgba,
            TransformOptions::default(),
        )
        .ok()?;
    let mut out = vec![0u8; cmyk.len()];
    t.transform(cmyk, &mut out).ok()?;
    for p in out.chunks_exact_mut(4) {
        p[3] = 255;
    }
    Some(out)
}
