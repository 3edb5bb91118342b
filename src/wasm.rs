//! The JavaScript face of pixsqueeze: the only file with `#[wasm_bindgen]`. It converts JS values to
//! core types, maps error categories to JS `Error` names, and hands back owned copies of bytes (never
//! views into wasm memory, which move when memory grows).

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, Format, FormatMeta, OptionValue, Options, Rgba8, LIMIT_OPTIONS};

type JsResult<T> = std::result::Result<T, JsValue>;

/// Turns a core error into a JS `Error` whose `name` is the stable category name.
/// `NeedsFullModule` also carries `module`: the build (`wasm-pack.toml`) that can serve the call.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name(e.name());
    if let Some(module) = e.module() {
        let _ = set(&err, "module", module);
    }
    err.into()
}

fn parse_options(value: JsValue) -> crate::Result<Options> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::InvalidInput(
            "options are required, e.g. { format: \"jpeg\", quality: 75 }".into(),
        ));
    }
    if !value.is_object() || value.is_function() || Array::is_array(&value) {
        return Err(Error::InvalidInput(format!(
            "options must be an object such as {{ format: \"jpeg\", quality: 75 }}, got {}",
            js_type(&value)
        )));
    }
    // The meta checks names and values (Options' Deserialize and resolve); serde-wasm-bindgen hands
    // it every own enumerable property.
    serde_wasm_bindgen::from_value(value).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// What a JS value is, for messages: "a string", "an array", "null".
fn js_type(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    if Array::is_array(value) {
        return "an array".into();
    }
    let t = value.js_typeof().as_string().unwrap_or_default();
    match t.as_str() {
        "object" | "undefined" => format!("an {t}"),
        _ => format!("a {t}"),
    }
}

fn set(target: &Object, key: &str, value: impl Into<JsValue>) -> JsResult<()> {
    Reflect::set(target, &JsValue::from_str(key), &value.into()).map(|_| ())
}

/// `{ mse, psnr, ssimulacra2 }` as `measure` and `measureTotal` return them (`ssimulacra2` null when
/// the image is too small to judge).
fn metrics_object(m: &crate::Metrics) -> JsResult<Object> {
    let out = Object::new();
    set(&out, "mse", m.mse)?;
    set(&out, "psnr", m.psnr)?;
    set(
        &out,
        "ssimulacra2",
        m.ssimulacra2.map_or(JsValue::NULL, JsValue::from),
    )?;
    Ok(out)
}

fn to_js(value: &impl Serialize) -> JsResult<JsValue> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// A width or height as JS gave it: a whole number of pixels from 1 to 2³²−1. Taken as `f64` so that
/// nothing is wrapped (2³²+1 would be 1 as a `u32`) or truncated (1.9 would be 1) on the way in.
fn dimension(name: &str, value: f64) -> crate::Result<u32> {
    if value.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&value) {
        // In range and whole: exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(value as u32);
    }
    Err(Error::InvalidInput(format!(
        "{name} must be a whole number of pixels from 1 to 4294967295, got {value}"
    )))
}

/// `encode(rgba, width, height, options) → Uint8Array`: encodes raw RGBA8 pixels.
#[wasm_bindgen]
pub fn encode(rgba: Vec<u8>, width: f64, height: f64, options: JsValue) -> JsResult<Uint8Array> {
    crash::keep_messages();
    let width = dimension("width", width).map_err(js_error)?;
    let height = dimension("height", height).map_err(js_error)?;
    let options = parse_options(options).map_err(js_error)?;
    // Options first: a bad option should not wait on a pixel-buffer check.
    options.resolve().map_err(js_error)?;
    let image = Rgba8::new(width, height, rgba).map_err(js_error)?;
    let bytes = crate::encode(&image.into(), &options).map_err(js_error)?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

/// `new RgbaInput(length)`, `push(bytes)` for each piece in order, then `encodeInput(input, width,
/// height, options)` (or, for a band of a split JPEG, `jpegBandQuantise`): the pixels handed over in
/// pieces. A worker copies each piece into its wasm as it arrives while the page is still copying the
/// next one out of the caller's buffer (js/pool.js, js/worker.js), rather than copying all 4 bytes a
/// pixel after the last one came.
#[wasm_bindgen]
pub struct RgbaInput {
    data: Vec<u8>,
    length: usize,
}

#[wasm_bindgen]
impl RgbaInput {
    /// Room for `length` bytes, reserved at once: the pieces never move the buffer.
    ///
    /// # Errors
    /// `InvalidInput` unless `length` is a whole number of bytes a wasm memory can hold;
    /// `LimitExceeded` when the memory cannot grow that far.
    #[wasm_bindgen(constructor)]
    pub fn new(length: f64) -> JsResult<RgbaInput> {
        crash::keep_messages();
        if length.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&length) {
            return Err(js_error(Error::InvalidInput(format!(
                "an RGBA input's length must be a whole number of bytes up to 4294967295, got {length}"
            ))));
        }
        // Whole and in range: exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let length = length as usize;
        let mut data = Vec::new();
        data.try_reserve_exact(length).map_err(|_| {
            js_error(Error::LimitExceeded(format!(
                "no room in this wasm memory for {length} bytes of pixels"
            )))
        })?;
        Ok(RgbaInput { data, length })
    }

    /// Appends the next piece.
    ///
    /// # Errors
    /// `InvalidInput` when the pieces would be longer than the length given to the constructor.
    pub fn push(&mut self, bytes: &[u8]) -> JsResult<()> {
        if bytes.len() > self.length - self.data.len() {
            return Err(js_error(Error::InvalidInput(format!(
                "{} more bytes do not fit an RGBA input of {} with {} already in",
                bytes.len(),
                self.length,
                self.data.len()
            ))));
        }
        self.data.extend_from_slice(bytes);
        Ok(())
    }

    /// The pixels pushed so far, copied out: for a larger build when this one cannot write the
    /// options (`encodeInput` left them here), as the worker has handed each piece back.
    pub fn bytes(&self) -> Uint8Array {
        Uint8Array::from(self.data.as_slice())
    }
}

impl RgbaInput {
    /// `InvalidInput` unless every byte of the length given to the constructor was pushed.
    fn check_full(&self) -> crate::Result<()> {
        if self.data.len() == self.length {
            return Ok(());
        }
        Err(Error::InvalidInput(format!(
            "an RGBA input of {} bytes was given {}",
            self.length,
            self.data.len()
        )))
    }

    /// The pixels, once all were pushed, leaving the input empty.
    fn take(&mut self) -> crate::Result<Vec<u8>> {
        self.check_full()?;
        Ok(std::mem::take(&mut self.data))
    }
}

/// `encodeInput(input, width, height, options) → Uint8Array`: `encode` of the pixels pushed into
/// `input` (an `RgbaInput`, emptied by the call, except when this build cannot write the options:
/// NeedsFullModule leaves the pixels there, for `bytes`).
///
/// # Errors
/// `InvalidInput` when fewer bytes were pushed than the input's length; otherwise as `encode`.
#[wasm_bindgen(js_name = "encodeInput")]
pub fn encode_input(
    input: &mut RgbaInput,
    width: f64,
    height: f64,
    options: JsValue,
) -> JsResult<Uint8Array> {
    input.check_full().map_err(js_error)?;
    // Options this build reads but cannot write are refused before the pixels are taken; any other
    // error in them is left for `encode` to report, in its order.
    if let Ok(settings) = parse_options(options.clone()).and_then(|o| o.resolve()) {
        crate::codecs::check_settings(&settings).map_err(js_error)?;
    }
    encode(input.take().map_err(js_error)?, width, height, options)
}

/// The limits of `decode(bytes, { limits })`: `limits` is the only option decoding takes, checked
/// against the same meta as `compress`'s.
fn decode_limits(value: JsValue) -> crate::Result<crate::Limits> {
    if value.is_undefined() || value.is_null() {
        return crate::resolve_limits(None);
    }
    let fields = match serde_wasm_bindgen::from_value(value.clone()) {
        Ok(OptionValue::Map(fields))
            if value.is_object() && !value.is_function() && !Array::is_array(&value) =>
        {
            fields
        }
        _ => {
            return Err(Error::InvalidInput(format!(
                "decode's options must be an object such as {{ limits: {{ maxPixels: 50000000 }} }}, got {}",
                js_type(&value)
            )))
        }
    };
    if let Some((name, _)) = fields.iter().find(|(name, _)| name != "limits") {
        return Err(Error::InvalidInput(format!(
            "unknown option {name}; decode takes limits"
        )));
    }
    crate::resolve_limits(
        fields
            .iter()
            .find(|(name, _)| name == "limits")
            .map(|(_, v)| v),
    )
}

/// `decode(bytes, { limits }?) → { width, height, data }` with `data` an RGBA8 `Uint8Array`; `limits`
/// as for `compress` (absent: the defaults).
#[wasm_bindgen]
pub fn decode(bytes: &[u8], options: JsValue) -> JsResult<Object> {
    crash::keep_messages();
    let limits = decode_limits(options).map_err(js_error)?;
    let image = crate::decode(bytes, &limits).map_err(js_error)?;
    let out = Object::new();
    set(&out, "width", image.width())?;
    set(&out, "height", image.height())?;
    set(&out, "data", Uint8Array::from(image.data()))?;
    Ok(out)
}

/// `compress(bytes, options, onProgress?, onEncoded?) → { data, mimeType, format, width, height, originalBytes,
/// compressedBytes, ratio, mse, psnr, mse16, psnr16, ssimulacra2, quality, options, search, notes,
/// frames }`: decodes a file, encodes it as `options` say and measures the result. `options` in the result is
/// every option actually used, defaults filled in; `search` (smart modes only) lists every probe and
/// the reason for the pick, and `onProgress(probe)` is called after each probe; `mse16`/`psnr16` are
/// on the 16-bit scale for 16-bit inputs (null otherwise); `notes` says what was left out; `frames` is
/// 1, or an animation's frame count (animated GIF or WebP to WebP).
///
/// `onEncoded({ data, mimeType, format, width, height, compressedBytes })`, if given, is called with
/// the file as soon as it is written, before it is scored (one-encode jobs only: no search, animation
/// or bands), so a page can show it while the scores are computed.
#[wasm_bindgen]
pub fn compress(
    bytes: &[u8],
    options: JsValue,
    on_progress: Option<js_sys::Function>,
    on_encoded: Option<js_sys::Function>,
) -> JsResult<Object> {
    crash::keep_messages();
    let options = parse_options(options).map_err(js_error)?;
    let mut progress = |probe: &crate::Probe| {
        if let (Some(f), Ok(p)) = (&on_progress, to_js(probe)) {
            // A throwing callback must not abort the search.
            let _ = f.call1(&JsValue::NULL, &p);
        }
    };
    let mut encoded = |e: &crate::pipeline::Encoded| {
        let Some(f) = &on_encoded else { return };
        let meta = e.settings.format.meta();
        let out = Object::new();
        let filled = set(&out, "data", Uint8Array::from(e.data))
            .and_then(|()| {
                let mime = crate::pipeline::still_mime_type(e.settings.format);
                set(&out, "mimeType", mime)
            })
            .and_then(|()| set(&out, "format", meta.id))
            .and_then(|()| set(&out, "width", e.width))
            .and_then(|()| set(&out, "height", e.height))
            .and_then(|()| set(&out, "compressedBytes", e.data.len() as f64));
        if filled.is_ok() {
            // As for progress: a throwing callback must not fail the job.
            let _ = f.call1(&JsValue::NULL, &out);
        }
    };
    let r = crate::pipeline::compress_with_hooks(bytes, &options, &mut progress, &mut encoded)
        .map_err(js_error)?;
    let meta = r.settings.format.meta();
    let out = Object::new();
    set(&out, "data", Uint8Array::from(r.data.as_slice()))?;
    // A still APNG is a plain PNG: the pipeline says which (image/png or image/apng).
    set(&out, "mimeType", r.mime_type)?;
    set(&out, "format", meta.id)?;
    set(&out, "width", r.width)?;
    set(&out, "height", r.height)?;
    set(&out, "originalBytes", r.original_bytes as f64)?;
    set(&out, "compressedBytes", r.compressed_bytes as f64)?;
    set(&out, "ratio", r.ratio)?;
    set(&out, "mse", r.mse)?;
    set(&out, "psnr", r.psnr)?;
    set(&out, "mse16", r.mse16.map_or(JsValue::NULL, JsValue::from))?;
    set(
        &out,
        "psnr16",
        r.psnr16.map_or(JsValue::NULL, JsValue::from),
    )?;
    set(
        &out,
        "ssimulacra2",
        r.ssimulacra2.map_or(JsValue::NULL, JsValue::from),
    )?;
    let lossless_webp = r.settings.format == crate::Format::Webp && r.settings.lossless;
    let quality = meta
        .option("quality")
        .filter(|_| !lossless_webp)
        .map(|_| r.settings.quality);
    set(
        &out,
        "quality",
        quality.map_or(JsValue::NULL, JsValue::from),
    )?;
    set(&out, "options", to_js(&r.settings)?)?;
    let search = r.search.as_ref().map(to_js).transpose()?;
    set(&out, "search", search.unwrap_or(JsValue::NULL))?;
    set(&out, "notes", to_js(&r.notes)?)?;
    set(&out, "frames", r.frames)?;
    Ok(out)
}

/// `measure(original, result, width, height) → { mse, psnr, ssimulacra2 }` on two RGBA8 buffers of
/// the same dimensions (`ssimulacra2` is null below `SSIMULACRA2_MIN_SIDE` pixels a side).
#[wasm_bindgen]
pub fn measure(original: Vec<u8>, result: Vec<u8>, width: f64, height: f64) -> JsResult<Object> {
    crash::keep_messages();
    let width = dimension("width", width).map_err(js_error)?;
    let height = dimension("height", height).map_err(js_error)?;
    let original = Rgba8::new(width, height, original).map_err(js_error)?;
    let result = Rgba8::new(width, height, result).map_err(js_error)?;
    let m = crate::measure(&original, &result).map_err(js_error)?;
    metrics_object(&m)
}

/// `measureInput(width, height, original, result) → { mse, psnr, ssimulacra2 }`: `measure` of the
/// pixels pushed into two [`RgbaInput`]s (both emptied by the call), as a worker takes them in pieces
/// while the page copies the next ones out of the caller's buffers (js/pool.js): a whole copy of each
/// image on the page, then another into the wasm, made a worker's `measure` of a 12 MP pair about
/// 100 ms slower than the page thread's.
///
/// # Errors
/// `InvalidInput` when fewer bytes were pushed into either than its length; otherwise as `measure`.
#[wasm_bindgen(js_name = "measureInput")]
pub fn measure_input(
    width: f64,
    height: f64,
    original: &mut RgbaInput,
    result: &mut RgbaInput,
) -> JsResult<Object> {
    measure(
        original.take().map_err(js_error)?,
        result.take().map_err(js_error)?,
        width,
        height,
    )
}

/// `squaredErrorInput(width, height, original, result) → { squaredError }`: the sum of squared errors
/// `measure` takes its MSE from (`measureRegions`' `squaredError`), of the pixels pushed into two
/// [`RgbaInput`]s (both emptied by the call): a band of rows of a measure split over workers
/// (js/pool.js, `measureSplit`), whose pieces the page copies into buffers it reuses. Sliced whole
/// for each band, the page's copies took 20–45 ms of fresh memory each while both workers scored
/// tiles, on two cores.
///
/// # Errors
/// `InvalidInput` when fewer bytes were pushed into either than its length or the size does not
/// match them.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "squaredErrorInput")]
pub fn squared_error_input(
    width: f64,
    height: f64,
    original: &mut RgbaInput,
    result: &mut RgbaInput,
) -> JsResult<Object> {
    crash::keep_messages();
    let width = dimension("width", width).map_err(js_error)?;
    let height = dimension("height", height).map_err(js_error)?;
    let original =
        Rgba8::new(width, height, original.take().map_err(js_error)?).map_err(js_error)?;
    let result = Rgba8::new(width, height, result.take().map_err(js_error)?).map_err(js_error)?;
    let out = Object::new();
    // Exact in a double: see `measureRegions`.
    #[allow(clippy::cast_precision_loss)]
    set(
        &out,
        "squaredError",
        crate::metrics::squared_error(&original, &result) as f64,
    )?;
    Ok(out)
}

/// `ssimulacra2Regions(width, height) → Uint32Array`: the regions `measure` scores for SSIMULACRA2,
/// flat as `x0, x1, y0, y1` each (empty when it cannot judge the size): one, the whole image, up to a
/// megapixel; above, a few independent tiles, which js/pool.js's `measureSplit` spreads over workers.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "ssimulacra2Regions")]
pub fn ssimulacra2_regions(width: f64, height: f64) -> JsResult<js_sys::Uint32Array> {
    crash::keep_messages();
    let width = dimension("width", width).map_err(js_error)?;
    let height = dimension("height", height).map_err(js_error)?;
    let flat: Vec<u32> = crate::metrics::ssimulacra2_regions(width, height)
        .into_iter()
        // Bounds of a u32-sized image: they fit.
        .flat_map(|((x0, x1), (y0, y1))| [x0, x1, y0, y1].map(|v| v as u32))
        .collect();
    Ok(js_sys::Uint32Array::from(flat.as_slice()))
}

/// `measureRegions(original, result, width, height, regions) → { mse, psnr, scores }`: `measure`'s MSE
/// and PSNR of two RGBA8 buffers, and the SSIMULACRA2 score (a Float64Array) of each region (a
/// Uint32Array, `x0, x1, y0, y1` each, in bounds and at least 8 pixels a side), as `measure` scores its
/// tiles before it averages them by area.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "measureRegions")]
pub fn measure_regions(
    original: Vec<u8>,
    result: Vec<u8>,
    width: f64,
    height: f64,
    regions: Vec<u32>,
) -> JsResult<Object> {
    crash::keep_messages();
    let width = dimension("width", width).map_err(js_error)?;
    let height = dimension("height", height).map_err(js_error)?;
    let original = Rgba8::new(width, height, original).map_err(js_error)?;
    let result = Rgba8::new(width, height, result).map_err(js_error)?;
    let bad = || {
        js_error(Error::InvalidInput(format!(
            "regions must be x0, x1, y0, y1 in fours, each within the {width} x {height} image and \
             at least 8 pixels a side"
        )))
    };
    if !regions.len().is_multiple_of(4) {
        return Err(bad());
    }
    let list: Vec<_> = regions
        .chunks_exact(4)
        .map(|r| {
            (
                (r[0] as usize, r[1] as usize),
                (r[2] as usize, r[3] as usize),
            )
        })
        .collect();
    let scores = crate::metrics::region_scores(&original, &result, &list).ok_or_else(bad)?;
    let sum = crate::metrics::squared_error(&original, &result);
    let mse = crate::metrics::mse_from(sum, original.data().len() / 4);
    let out = Object::new();
    set(&out, "mse", mse)?;
    set(&out, "psnr", crate::psnr_from_mse(mse))?;
    // An integer under 2^53 for any image a wasm memory holds (2^32 bytes: 2^30 pixels of at most
    // 3 * 255² each), so exact in a double, and so is the sum of a few.
    #[allow(clippy::cast_precision_loss)]
    set(&out, "squaredError", sum as f64)?;
    set(
        &out,
        "scores",
        js_sys::Float64Array::from(scores.as_slice()),
    )?;
    Ok(out)
}

/// `measureTotal(width, height, scores, squaredError) → { mse, psnr, ssimulacra2 }`: `measure`'s
/// figures for a `width` x `height` image from parts measured apart (js/pool.js's `measureSplit`):
/// the `squaredError`s of `measureRegions` on bands of its rows added up, and the score (a
/// Float64Array) of each region `ssimulacra2Regions` lists, in its order.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "measureTotal")]
pub fn measure_total(
    width: f64,
    height: f64,
    scores: Vec<f64>,
    squared_error: f64,
) -> JsResult<Object> {
    crash::keep_messages();
    let width = dimension("width", width).map_err(js_error)?;
    let height = dimension("height", height).map_err(js_error)?;
    let bad = |what: String| js_error(Error::InvalidInput(what));
    // Whole numbers up to 2^53 convert exactly.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let sum = ((0.0..=9_007_199_254_740_992.0).contains(&squared_error)
        && squared_error.fract() == 0.0)
        .then_some(squared_error as u64)
        .ok_or_else(|| {
            bad(format!(
                "squaredError must be a whole number from 0 to 2^53, got {squared_error}"
            ))
        })?;
    let m = crate::metrics::from_parts(width, height, sum, &scores).ok_or_else(|| {
        bad(format!(
            "a {width} x {height} image needs one score for each of its \
             ssimulacra2Regions, got {}",
            scores.len()
        ))
    })?;
    metrics_object(&m)
}

/// What every step of a JPEG or PNG split takes from JS first: the whole image's size, the options
/// (checked as `encode` checks them) and the number of workers.
#[cfg(feature = "full")]
struct SplitArgs {
    width: u32,
    height: u32,
    settings: crate::Settings,
    workers: usize,
}

#[cfg(feature = "full")]
impl SplitArgs {
    fn parse(width: f64, height: f64, options: JsValue, workers: f64) -> crate::Result<Self> {
        Ok(SplitArgs {
            width: dimension("width", width)?,
            height: dimension("height", height)?,
            settings: parse_options(options)?.resolve()?,
            workers: small_count("workers", workers, 1.0)?,
        })
    }

    /// Checks the memory limit for encoding a band of `rows` rows of this image (`what`: "JPEG",
    /// "PNG"), as `encode` checks it for a whole image.
    fn check_band(&self, rows: usize, what: &str) -> crate::Result<()> {
        let (w, rows) = (self.width, u32::try_from(rows).unwrap_or(u32::MAX));
        self.settings.limits.check_memory(
            crate::memory::encode(w, rows.max(1), false, &self.settings),
            &format!("encoding a {w} x {rows} band of a {what}"),
        )
    }
}

/// The split plan of a JPEG (`gray`: Y alone), `None` when the options are not a plain JPEG encode
/// (see [`crate::JpegSplit::new`]).
#[cfg(feature = "full")]
fn jpeg_plan(args: &SplitArgs, gray: bool) -> crate::Result<Option<crate::JpegSplit>> {
    crate::JpegSplit::new(args.width, args.height, &args.settings, args.workers, gray)
}

/// `jpegSplit(width, height, options, workers) → [[firstRow, endRow], …] | null`: the bands of pixel
/// rows one JPEG is encoded in, one per worker, or null when the options are not a plain baseline JPEG
/// encode (progressive, a search, a resize) or the image is too small to split: encode those whole.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "jpegSplit")]
pub fn jpeg_split(width: f64, height: f64, options: JsValue, workers: f64) -> JsResult<JsValue> {
    crash::keep_messages();
    let args = SplitArgs::parse(width, height, options, workers).map_err(js_error)?;
    match jpeg_plan(&args, false).map_err(js_error)? {
        None => Ok(JsValue::NULL),
        Some(plan) => {
            let rows: Vec<[usize; 2]> = (0..plan.bands())
                .map(|k| {
                    let r = plan.rows(k);
                    [r.start, r.end]
                })
                .collect();
            to_js(&rows)
        }
    }
}

/// The most quantised bands one instance holds for [`jpeg_band_write`]: a band whose write never
/// comes (its split failed elsewhere) is dropped when this many newer ones are held.
#[cfg(feature = "full")]
const MAX_HELD_BANDS: usize = 8;

#[cfg(feature = "full")]
thread_local! {
    /// Bands quantised here and not yet written, by split token and band index: the coefficients
    /// (2 bytes a sample) stay in this instance between the two steps instead of crossing to JS
    /// and back.
    static HELD_BANDS: std::cell::RefCell<std::collections::VecDeque<(u32, usize, crate::JpegBand)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// `jpegBandQuantise(width, height, options, workers, gray, index, token, input) → { counts, gray }`:
/// step one of a split JPEG on the RGBA8 rows of band `index`, pushed into `input` (an [`RgbaInput`],
/// emptied by the call) a piece at a time as they came to the worker (`counts` a Uint32Array of 1024 symbol
/// counts to add up over the bands, `gray` whether the band is all gray: when every band is, quantise
/// again with `gray` true). The band's coefficients stay in this wasm instance, under `token` (a
/// number naming the split) and `index`, for [`jpeg_band_write`] on the same instance.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "jpegBandQuantise")]
#[allow(clippy::too_many_arguments)]
pub fn jpeg_band_quantise(
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
    gray: bool,
    index: f64,
    token: u32,
    input: &mut RgbaInput,
) -> JsResult<Object> {
    crash::keep_messages();
    let rgba = input.take().map_err(js_error)?;
    let (plan, args, index) =
        split_band(width, height, options, workers, gray, index).map_err(js_error)?;
    args.check_band(plan.rows(index.min(plan.bands())).len(), "JPEG")
        .map_err(js_error)?;
    // A band quantised again (gray after all) replaces the one held.
    HELD_BANDS.with_borrow_mut(|held| held.retain(|&(t, i, _)| (t, i) != (token, index)));
    let band = plan.quantise(index, rgba).map_err(js_error)?;
    let out = Object::new();
    set(
        &out,
        "counts",
        js_sys::Uint32Array::from(band.counts.to_vec().as_slice()),
    )?;
    set(&out, "gray", band.gray)?;
    HELD_BANDS.with_borrow_mut(|held| {
        if held.len() >= MAX_HELD_BANDS {
            held.pop_front();
        }
        held.push_back((token, index, band));
    });
    Ok(out)
}

/// `jpegBandWrite(width, height, options, workers, gray, index, token, counts) → Uint8Array`: step
/// two: band `index`'s part of the file, coded with the tables of `counts` (the sum of every band's),
/// from the band `jpegBandQuantise` left in this instance under `token` (given up here). The parts,
/// concatenated in order, are the JPEG.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "jpegBandWrite")]
#[allow(clippy::too_many_arguments)]
pub fn jpeg_band_write(
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
    gray: bool,
    index: f64,
    token: u32,
    counts: Vec<u32>,
) -> JsResult<Uint8Array> {
    crash::keep_messages();
    let (plan, _, index) =
        split_band(width, height, options, workers, gray, index).map_err(js_error)?;
    let total = crate::SymbolCounts::from_slice(&counts).map_err(js_error)?;
    let band = HELD_BANDS
        .with_borrow_mut(|held| {
            let at = held.iter().position(|&(t, i, _)| (t, i) == (token, index))?;
            held.remove(at)
        })
        .ok_or_else(|| {
            js_error(Error::InvalidInput(format!(
                "band {index} of JPEG split {token} is not held by this wasm instance (quantise it here first)"
            )))
        })?;
    let bytes = plan.write(index, &band.2, &total).map_err(js_error)?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

/// The plan of a split JPEG and band `index` of it, for a band step: a JPEG that is not split, or an
/// index that is not a whole number in range, is InvalidInput.
#[cfg(feature = "full")]
fn split_band(
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
    gray: bool,
    index: f64,
) -> crate::Result<(crate::JpegSplit, SplitArgs, usize)> {
    let args = SplitArgs::parse(width, height, options, workers)?;
    let plan = jpeg_plan(&args, gray)?
        .ok_or_else(|| Error::InvalidInput("this JPEG is not split".into()))?;
    let index = small_count("a band index", index, 0.0)?;
    Ok((plan, args, index))
}

#[cfg(feature = "full")]
/// A worker count or band index from JS: a whole number from `0` (or 1) to 256.
fn small_count(name: &str, value: f64, least: f64) -> crate::Result<usize> {
    if !(value.fract() == 0.0 && (least..=256.0).contains(&value)) {
        return Err(Error::InvalidInput(format!(
            "{name} must be a whole number from {least} to 256, got {value}"
        )));
    }
    // In range and whole: exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value as usize)
}

/// `pngSplit(rgba, width, height, options, workers) → { plan, bands: [[firstRow, endRow], …], sample:
/// [[firstRow, endRow], …], tieSample, nearTie, tieMinBytes } | null`: step one of a split lossless
/// PNG, on the whole image's RGBA8: the layout (the one a one-worker encode picks) and the filter
/// strategy, as the number `plan`, the bands of rows (up to three a worker), and the rows the
/// strategies are ranked on when they are not decided yet (see `pngRank`; else none), with the rows
/// that decide near ties (`tieSample`: ranked too when strategies come within 1/`nearTie` of the
/// least total and that is at least `tieMinBytes`; the least sum of both then wins); null when the options are not a plain lossless PNG
/// encode, the layout is a palette or below 8 bits, or the image is too small to split: encode those
/// whole.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "pngSplit")]
pub fn png_split(
    rgba: Vec<u8>,
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
) -> JsResult<JsValue> {
    crash::keep_messages();
    let args = SplitArgs::parse(width, height, options, workers).map_err(js_error)?;
    let (w, h) = (args.width, args.height);
    args.settings
        .limits
        .check_memory(
            crate::memory::encode(w, h, false, &args.settings),
            &format!("planning a {w} x {h} PNG"),
        )
        .map_err(js_error)?;
    let image = Rgba8::new(w, h, rgba).map_err(js_error)?.into();
    let Some(plan) = crate::PngSplit::plan(&image, &args.settings, args.workers) else {
        return Ok(JsValue::NULL);
    };
    let out = Object::new();
    set(&out, "plan", plan.code())?;
    let rows: Vec<[usize; 2]> = (0..plan.bands())
        .map(|k| {
            let r = plan.rows(k);
            [r.start, r.end]
        })
        .collect();
    set(&out, "bands", to_js(&rows)?)?;
    let sample: Vec<[usize; 2]> = plan.sample().iter().map(|r| [r.start, r.end]).collect();
    set(&out, "sample", to_js(&sample)?)?;
    let ties: Vec<[usize; 2]> = plan.tie_sample().iter().map(|r| [r.start, r.end]).collect();
    set(&out, "tieSample", to_js(&ties)?)?;
    set(&out, "nearTie", crate::PngSplit::NEAR_TIE as f64)?;
    set(&out, "tieMinBytes", crate::PngSplit::TIE_MIN_BYTES as f64)?;
    Ok(out.into())
}

/// The split's arguments and the PNG plan `code` (from `pngSplit`, its strategy decided or not)
/// describes, for a step after the plan.
#[cfg(feature = "full")]
fn png_plan(
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
    code: u32,
) -> crate::Result<(SplitArgs, crate::PngSplit)> {
    let args = SplitArgs::parse(width, height, options, workers)?;
    let plan =
        crate::PngSplit::from_code(args.width, args.height, &args.settings, args.workers, code)?;
    Ok((args, plan))
}

/// `pngRank(width, height, options, workers, plan, rgba, chunks) → [[strategy, bytes], …]`: a part
/// of step one and a half, when `pngSplit` gave a `sample`: `chunks` (`[firstRow, endRow, …]`, runs of
/// the sample) compressed at the ranking level with each filter strategy, from their RGBA8 rows in
/// order, each run led by the row above it (none for a run from row 0). The strategy with the least
/// bytes over all parts, as `plan & ~0xff | strategy`, is the plan every `pngBand` then takes.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "pngRank")]
pub fn png_rank(
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
    plan: u32,
    rgba: Vec<u8>,
    chunks: Vec<u32>,
) -> JsResult<JsValue> {
    crash::keep_messages();
    let (_, plan) = png_plan(width, height, options, workers, plan).map_err(js_error)?;
    if !chunks.len().is_multiple_of(2) {
        return Err(js_error(Error::InvalidInput(format!(
            "chunks are pairs of rows [firstRow, endRow, …], got {} numbers",
            chunks.len()
        ))));
    }
    let chunks: Vec<std::ops::Range<usize>> = chunks
        .chunks_exact(2)
        .map(|c| c[0] as usize..c[1] as usize)
        .collect();
    let ranked = plan.rank(&rgba, &chunks).map_err(js_error)?;
    let ranked: Vec<[f64; 2]> = ranked
        .into_iter()
        // Sizes of a sample's stream: far below 2^53.
        .map(|(code, bytes)| [f64::from(code), bytes as f64])
        .collect();
    to_js(&ranked)
}

/// `pngBand(width, height, options, workers, plan, index, rgba, prev) → { data, adler, length }`:
/// step two, band `index` of the `pngSplit` plan from its RGBA8 rows and the RGBA8 row before it
/// (`prev`, empty for band 0): its IDAT chunks (band 0's led by the signature and IHDR), the
/// Adler-32 of its filtered rows and their length. The parts, concatenated, then an IDAT with the
/// Adler-32s combined and IEND, are the PNG.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = "pngBand")]
#[allow(clippy::too_many_arguments)]
pub fn png_band(
    width: f64,
    height: f64,
    options: JsValue,
    workers: f64,
    plan: u32,
    index: f64,
    rgba: Vec<u8>,
    prev: Vec<u8>,
) -> JsResult<Object> {
    crash::keep_messages();
    let (args, plan) = png_plan(width, height, options, workers, plan).map_err(js_error)?;
    let index = small_count("a band index", index, 0.0).map_err(js_error)?;
    args.check_band(plan.rows(index.min(plan.bands())).len(), "PNG")
        .map_err(js_error)?;
    let prev = (!prev.is_empty()).then_some(prev.as_slice());
    let band = plan.band(index, &rgba, prev).map_err(js_error)?;
    let out = Object::new();
    set(&out, "data", Uint8Array::from(band.data.as_slice()))?;
    set(&out, "adler", band.adler)?;
    // Filtered bytes of at most 2^32 rows of 2^34 bytes: exact in a double.
    #[allow(clippy::cast_precision_loss)]
    set(&out, "length", band.length as f64)?;
    Ok(out)
}

/// The core build's steps of a split JPEG, PNG or SSIMULACRA2: the splits live in the full build (src/codecs/jpeg,
/// src/codecs/png), so these answer NeedsFullModule and the worker runs the same call there. They take
/// no parameters, so nothing the caller passes is copied into this instance first.
#[cfg(not(feature = "full"))]
macro_rules! in_the_full_build {
    ($($js:literal $name:ident: $what:literal;)*) => {$(
        #[doc = concat!("`", $js, "`: in the full build only (NeedsFullModule here).")]
        #[wasm_bindgen(js_name = $js)]
        pub fn $name() -> JsResult<JsValue> {
            Err(js_error(Error::needs_full($what)))
        }
    )*};
}

#[cfg(not(feature = "full"))]
in_the_full_build! {
    "jpegSplit" jpeg_split: "a JPEG split over workers";
    "jpegBandQuantise" jpeg_band_quantise: "a JPEG split over workers";
    "jpegBandWrite" jpeg_band_write: "a JPEG split over workers";
    "pngSplit" png_split: "a PNG split over workers";
    "pngBand" png_band: "a PNG split over workers";
    "pngRank" png_rank: "a PNG split over workers";
    "ssimulacra2Regions" ssimulacra2_regions: "SSIMULACRA2 split over workers";
    "measureRegions" measure_regions: "SSIMULACRA2 split over workers";
    "measureTotal" measure_total: "SSIMULACRA2 split over workers";
    "squaredErrorInput" squared_error_input: "SSIMULACRA2 split over workers";
}

/// `formats() → [{ id, label, mimeType, extension, lossy, defaultQuality, options }]`: the output
/// formats from the same meta the validator checks options against, so UIs and typings cannot drift
/// from it. `options` lists every option the format reads (its own, then the common ones) as
/// `{ name, label, description, type: "integer" | "number" | "choice" | "boolean" | "color", min?,
/// max?, choices?: [{ value, label }], default }` (a color is `#rrggbb`).
#[wasm_bindgen]
pub fn formats() -> JsResult<JsValue> {
    crash::keep_messages();
    let list: Vec<&FormatMeta> = Format::ALL.iter().map(|f| f.meta()).collect();
    to_js(&list)
}

/// `limitOptions() → [{ name, label, description, type: "integer", min, max, default }]`: the fields
/// of `options.limits`, from the meta the validator reads (for generated typings and docs).
#[wasm_bindgen(js_name = "limitOptions")]
pub fn limit_options() -> JsResult<JsValue> {
    crash::keep_messages();
    to_js(&LIMIT_OPTIONS)
}

/// What a panic said, kept where JS can read it after the trap: with `panic = "abort"` a panic ends in a
/// wasm `unreachable`, whose `RuntimeError` says only "unreachable". The hook (set on the first call
/// into the module) writes the message into a static buffer without allocating; reading it back
/// ([`panic_message_length`], [`panic_message_pointer`]) touches neither the stack nor the allocator, so
/// it works on the trapped instance. js/core.js puts it in the `RuntimeError`'s message.
mod crash {
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
    use std::sync::Once;

    const CAPACITY: usize = 2048;
    static TEXT: [AtomicU8; CAPACITY] = [const { AtomicU8::new(0) }; CAPACITY];
    static LEN: AtomicUsize = AtomicUsize::new(0);

    /// Writes into [`TEXT`] from the start, dropping what does not fit.
    struct Cursor(usize);

    impl std::fmt::Write for Cursor {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for &b in s.as_bytes() {
                let Some(slot) = TEXT.get(self.0) else { break };
                slot.store(b, Ordering::Relaxed);
                self.0 += 1;
            }
            Ok(())
        }
    }

    /// Sets the hook once per instance.
    pub(super) fn keep_messages() {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                let mut cursor = Cursor(0);
                // "panicked at src/x.rs:1:2:\n<message>"; a cut UTF-8 sequence is replaced in JS.
                let _ = write!(cursor, "{info}");
                LEN.store(cursor.0, Ordering::Release);
            }));
        });
    }

    pub(super) fn len() -> usize {
        LEN.load(Ordering::Acquire)
    }

    pub(super) fn ptr() -> usize {
        TEXT.as_ptr() as usize
    }
}

/// The length in bytes of the last panic's message (0: none); see [`crash`]. Not part of the public API.
#[wasm_bindgen(js_name = "__panicMessageLength")]
pub fn panic_message_length() -> usize {
    crash::len()
}

/// Where in memory the last panic's message is (UTF-8, [`panic_message_length`] bytes).
#[wasm_bindgen(js_name = "__panicMessagePointer")]
pub fn panic_message_pointer() -> usize {
    crash::ptr()
}

/// Executes a wasm `unreachable` on purpose, so tests can prove that a trapped instance's worker is
/// replaced and the next job succeeds. Only in the test build (`--features test-hooks`: `node
/// scripts/build.mjs --test-hooks`), never in what users download.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen(js_name = "__trapForTests")]
pub fn trap_for_tests() {
    core::arch::wasm32::unreachable()
}

/// Panics on purpose, so tests can prove the panic's message reaches the `RuntimeError`. Test build only.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen(js_name = "__panicForTests")]
pub fn panic_for_tests() {
    crash::keep_messages();
    let n = std::hint::black_box(2);
    panic!("a panic on purpose (test hook): {n} + {n} = {}", n + n);
}
