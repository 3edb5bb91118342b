//! Quantisation tables and the zigzag order.

/// Zigzag position → row-major index within an 8×8 block (ITU T.81 figure A.6).
pub(super) const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Klein, Silverstein and Carney's table ("Relevance of human vision to JPEG-DCT compression", 1992),
/// row-major, as MozJPEG's jcparam.c lists it. Used for luma and chroma alike: of the nine classic
/// tables it needs the fewest bytes for equal SSIMULACRA2 (jpeg-notes.md).
const KLEIN_SILVERSTEIN_CARNEY: [u16; 64] = [
    10, 12, 14, 19, 26, 38, 57, 86, //
    12, 18, 21, 28, 35, 41, 54, 76, //
    14, 21, 25, 32, 44, 63, 92, 136, //
    19, 28, 32, 41, 54, 75, 107, 157, //
    26, 35, 44, 54, 70, 95, 132, 190, //
    38, 41, 63, 75, 95, 125, 170, 239, //
    57, 54, 92, 107, 132, 170, 227, 312, //
    86, 76, 136, 157, 190, 239, 312, 419,
];

/// A quantisation table in zigzag order (what DQT stores), each step 1–255 so that baseline
/// decoders take it.
pub(super) type QuantTable = [u16; 64];

/// The table for `quality` (1–100) with the IJG's scaling (libjpeg's `jpeg_quality_scaling`): 50 is
/// the base table, 100 all ones, below 50 steps grow as 50/quality.
pub(super) fn scaled(quality: u8) -> QuantTable {
    let q = u32::from(quality.clamp(1, 100));
    let scale = if q < 50 { 5000 / q } else { 200 - q * 2 };
    ZIGZAG.map(|natural| {
        let step = (u32::from(KLEIN_SILVERSTEIN_CARNEY[natural]) * scale + 50) / 100;
        step.clamp(1, 255) as u16
    })
}
