//! AVIF input: our container reader ([`container`]) finds the AV1 data, rav1d (BSD-2, the Rust port of
//! dav1d) decodes it, [`yuv`] turns it into RGBA. In the `avif` build only; the others answer
//! `NeedsFullModule` naming it. Why these: `src/codecs/avif-notes.md`.

#[cfg_attr(not(feature = "avif"), allow(dead_code))]
mod container;
#[cfg(feature = "avif")]
mod yuv;

use crate::error::Result;
use crate::limits::Limits;

use super::{Decoded, Plan};

pub(super) use container::is_avif;

#[cfg(not(feature = "avif"))]
pub(super) fn decode(_: &[u8], _: &Limits, _: Plan) -> Result<Decoded> {
    Err(crate::error::Error::needs_module(
        "avif",
        "reading AVIF input",
    ))
}

#[cfg(feature = "avif")]
pub(super) fn decode(bytes: &[u8], limits: &Limits, plan: Plan) -> Result<Decoded> {
    use container::Transform;

    use crate::error::Error;
    use crate::orient;

    let avif = container::parse(bytes, |w, h| limits.check_dimensions(w, h))?;
    let (width, height, deep) = (avif.color.width, avif.color.height, avif.color.deep);
    plan(&super::Header {
        width,
        height,
        deep,
        decode_peak: crate::memory::avif_decode(width, height, deep, avif.alpha.is_some()),
    })?;
    let mut notes = Vec::new();
    let icc = super::bounded(avif.icc, limits.max_icc_bytes, "ICC profile", &mut notes);
    let color = av1::decode(&avif.color.data, limits)?;
    if (color.width(), color.height()) != (avif.color.width, avif.color.height) {
        return Err(Error::Decode(format!(
            "the AVIF is damaged: its header says {} x {} but its image is {} x {}",
            avif.color.width,
            avif.color.height,
            color.width(),
            color.height()
        )));
    }
    let alpha = match &avif.alpha {
        Some(a) => {
            let plane = av1::decode(&a.data, limits)?;
            if (plane.width(), plane.height()) != (color.width(), color.height()) {
                return Err(Error::Unsupported(
                    "an AVIF alpha plane of another size than its image".into(),
                ));
            }
            Some(plane)
        }
        None => None,
    };
    let mut image = yuv::to_rgba(&color, alpha.as_ref(), avif.nclx, avif.premultiplied)?;
    drop((color, alpha));
    for t in avif.transforms {
        // As EXIF orientations: 8 turns a quarter anticlockwise, 3 a half, 6 a quarter clockwise;
        // 2 mirrors left–right, 4 top–bottom.
        let o = match t {
            Transform::Rotate(1) => 8,
            Transform::Rotate(2) => 3,
            Transform::Rotate(3) => 6,
            Transform::Mirror(0) => 2,
            Transform::Mirror(_) => 4,
            Transform::Rotate(_) => 1,
        };
        image = orient::apply(image, o)?;
    }
    Ok(Decoded {
        image,
        icc,
        exif: None,
        notes,
    })
}

/// One AV1 key frame through rav1d.
#[cfg(feature = "avif")]
pub(super) mod av1 {
    use re_rav1d::dav1d::{Decoder, Error as Dav1dError, Picture, Settings};

    use crate::error::{Error, Result};
    use crate::limits::Limits;

    fn failed(e: Dav1dError) -> Error {
        match e {
            Dav1dError::NotEnoughMemory => {
                Error::LimitExceeded("the AV1 decoder ran out of memory".into())
            }
            Dav1dError::UnsupportedBitstream => {
                Error::Unsupported("the AVIF's AV1 coding is not supported".into())
            }
            e => Error::Decode(format!("the AVIF's AV1 data is damaged: {e}")),
        }
    }

    /// Decodes the first frame of `data` (an AV1 OBU stream).
    pub fn decode(data: &[u8], limits: &Limits) -> Result<Picture> {
        let mut settings = Settings::new();
        // One thread (wasm has no others), no frame delay: a still image comes out at once.
        settings.set_n_threads(1);
        settings.set_max_frame_delay(1);
        settings.set_frame_size_limit(u32::try_from(limits.max_pixels).unwrap_or(u32::MAX));
        settings.set_all_layers(false);
        let mut decoder = Decoder::with_settings(&settings).map_err(failed)?;
        let mut pending = match decoder.send_data(data.to_vec(), None, None, None) {
            Ok(()) => false,
            Err(Dav1dError::Again) => true,
            Err(e) => return Err(failed(e)),
        };
        loop {
            match decoder.get_picture() {
                Ok(picture) => return Ok(picture),
                Err(Dav1dError::Again) if pending => {
                    pending = match decoder.send_pending_data() {
                        Ok(()) => false,
                        Err(Dav1dError::Again) => true,
                        Err(e) => return Err(failed(e)),
                    };
                }
                Err(Dav1dError::Again) => {
                    return Err(Error::Decode(
                        "the AVIF is truncated or damaged: its AV1 data holds no whole frame"
                            .into(),
                    ))
                }
                Err(e) => return Err(failed(e)),
            }
        }
    }
}
