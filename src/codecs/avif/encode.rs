//! Settings to rav1e configuration, one frame in, the AV1 packets and `av1C` out, then the container.

use rav1e::prelude::{
    ChromaSamplePosition, ChromaSampling, ColorDescription, ColorPrimaries, Config, EncoderConfig,
    EncoderStatus, MatrixCoefficients, Pixel, PixelRange, Rational, SpeedSettings,
    TransferCharacteristics, Tune,
};
use rav1e::prelude::{Frame, SceneDetectionSpeed};

use super::mux::{self, Item, Nclx};
use super::{yuv, FULL_CHROMA_FROM};
use crate::error::{Error, Result};
use crate::options::{BitDepth, Settings, Subsampling};
use crate::pixels::Image;

/// Whether 10-bit output pays for 16-bit sources (`avif-notes.md`).
const TEN_BITS_FOR_DEEP_SOURCES: bool = true;

/// Quality 1–100 to AV1's quantiser index 255–1, linearly as libavif maps its quality to quantisers
/// (0 would be lossless coding, a different tool set).
pub(crate) fn quantizer(quality: u8) -> usize {
    let q = usize::from(quality.clamp(1, 100));
    1 + (254 * (100 - q) + 49) / 99
}

/// One AV1 stream's parameters.
struct Stream {
    width: usize,
    height: usize,
    depth: u8,
    sampling: ChromaSampling,
    color: Option<ColorDescription>,
    quantizer: usize,
    speed: u8,
}

fn speed_settings(speed: u8) -> SpeedSettings {
    let mut s = SpeedSettings::from_preset(speed);
    // A still image: no other frames to look ahead to, detect scenes in or reference.
    s.rdo_lookahead_frames = 1;
    s.scene_detection_mode = SceneDetectionSpeed::None;
    s.multiref = false;
    // Bottom-up partition search (rav1e's presets keep it to speeds 0–3): on a still picture it
    // measured 2.8 % fewer bytes at equal SSIMULACRA2 for 7 % more time at speed 8 (`avif-notes.md`).
    if speed <= 8 {
        s.partition.encode_bottomup = true;
    }
    s
}

/// A change to rav1e's configuration after ours: the native sweep's knobs (`benches/avif_sweep.rs`).
pub(crate) type Tweak<'a> = &'a dyn Fn(&mut EncoderConfig);

/// Encodes one key frame that `fill` draws, returning its OBUs and the `av1C` record.
fn encode_frame<P: Pixel>(
    stream: &Stream,
    tweak: Tweak,
    fill: impl FnOnce(&mut Frame<P>),
) -> Result<Coded> {
    let mut enc = EncoderConfig::with_speed_preset(stream.speed);
    enc.width = stream.width;
    enc.height = stream.height;
    enc.time_base = Rational::new(1, 1);
    enc.bit_depth = usize::from(stream.depth);
    enc.chroma_sampling = stream.sampling;
    enc.chroma_sample_position = ChromaSamplePosition::Unknown;
    enc.pixel_range = PixelRange::Full;
    enc.color_description = stream.color;
    enc.still_picture = true;
    enc.quantizer = stream.quantizer;
    enc.min_quantizer = stream.quantizer.min(255) as u8;
    enc.tune = Tune::Psychovisual;
    enc.speed_settings = speed_settings(stream.speed);
    tweak(&mut enc);
    let failed = |e: &dyn std::fmt::Display| Error::Encode(format!("AV1 encoding failed: {e}"));
    let mut ctx = Config::new()
        .with_encoder_config(enc)
        .with_threads(1)
        .new_context::<P>()
        .map_err(|e| failed(&e))?;
    let mut frame = ctx.new_frame();
    fill(&mut frame);
    ctx.send_frame(frame).map_err(|e| failed(&e))?;
    ctx.flush();
    let mut data = Vec::new();
    loop {
        match ctx.receive_packet() {
            Ok(packet) => data.extend_from_slice(&packet.data),
            Err(EncoderStatus::Encoded) => {}
            Err(EncoderStatus::LimitReached) => break,
            Err(e) => return Err(failed(&e)),
        }
    }
    Ok((data, ctx.container_sequence_header()))
}

/// A stream's OBUs and its `av1C` record.
type Coded = (Vec<u8>, Vec<u8>);

fn encode_at<P: Pixel>(
    image: &Image,
    color: &Stream,
    alpha: Option<&Stream>,
    tweak: Tweak,
) -> Result<(Coded, Option<Coded>)> {
    let halves = match color.sampling {
        ChromaSampling::Cs420 => (true, true),
        ChromaSampling::Cs422 => (true, false),
        _ => (false, false),
    };
    let c = encode_frame::<P>(color, tweak, |f| {
        yuv::fill_color(f, image, color.depth, halves)
    })?;
    let a = alpha
        .map(|s| encode_frame::<P>(s, tweak, |f| yuv::fill_alpha(f, image, s.depth)))
        .transpose()?;
    Ok((c, a))
}

/// Encodes `image` as AVIF with `settings`' quality, speed, subsampling and depth, carrying `icc`;
/// `tweak` changes rav1e's configuration last.
pub(crate) fn encode(
    image: &Image,
    icc: Option<&[u8]>,
    settings: &Settings,
    tweak: Tweak,
) -> Result<Vec<u8>> {
    let depth = match settings.bit_depth {
        BitDepth::Eight => 8,
        BitDepth::Ten => 10,
        BitDepth::Auto if TEN_BITS_FOR_DEEP_SOURCES && matches!(image, Image::Rgba16(_)) => 10,
        BitDepth::Auto => 8,
    };
    let sampling = match settings.subsampling {
        Subsampling::S444 => ChromaSampling::Cs444,
        Subsampling::S420 => ChromaSampling::Cs420,
        Subsampling::Auto if settings.quality >= FULL_CHROMA_FROM => ChromaSampling::Cs444,
        Subsampling::Auto => ChromaSampling::Cs420,
        Subsampling::S422 => ChromaSampling::Cs422,
    };
    // The colour description: sRGB unless an ICC profile says otherwise; the matrix is always ours.
    let (primaries, transfer) = if icc.is_some() {
        (
            ColorPrimaries::Unspecified,
            TransferCharacteristics::Unspecified,
        )
    } else {
        (ColorPrimaries::BT709, TransferCharacteristics::SRGB)
    };
    let color = Stream {
        width: image.width() as usize,
        height: image.height() as usize,
        depth,
        sampling,
        color: Some(ColorDescription {
            color_primaries: primaries,
            transfer_characteristics: transfer,
            matrix_coefficients: MatrixCoefficients::BT601,
        }),
        quantizer: quantizer(settings.quality),
        speed: settings.speed,
    };
    let alpha = has_alpha(image).then_some(Stream {
        sampling: ChromaSampling::Cs400,
        color: None,
        ..color
    });
    let ((data, av1c), alpha_out) = if depth == 8 {
        encode_at::<u8>(image, &color, alpha.as_ref(), tweak)?
    } else {
        encode_at::<u16>(image, &color, alpha.as_ref(), tweak)?
    };
    let alpha_item = alpha_out
        .as_ref()
        .map(|(data, av1c)| Item { data, av1c, depth });
    let nclx = Nclx {
        primaries: primaries as u16,
        transfer: transfer as u16,
        matrix: MatrixCoefficients::BT601 as u16,
        full_range: true,
    };
    Ok(mux::write(
        image.width(),
        image.height(),
        &Item {
            data: &data,
            av1c: &av1c,
            depth,
        },
        alpha_item.as_ref(),
        &nclx,
        icc,
    ))
}

fn has_alpha(image: &Image) -> bool {
    match image {
        Image::Rgba8(i) => i.has_transparency(),
        Image::Rgba16(i) => i.data().chunks_exact(4).any(|p| p[3] != u16::MAX),
    }
}
