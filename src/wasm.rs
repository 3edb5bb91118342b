//! The JavaScript face of pixsqueeze: the only file with `#[wasm_bindgen]`. It converts JS values to
//! core types, maps error categories to JS `Error` names, and hands back owned copies of bytes (never
//! views into wasm memory, which move when memory grows).

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{Error, Format, LimitOptions, OptionKind, OptionMeta, Options, Rgba8, COMMON_OPTIONS};

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
    reject_unknown(&value, Options::FIELDS, "")?;
    if let Ok(limits) = Reflect::get(&value, &JsValue::from_str("limits")) {
        if limits.is_object() {
            reject_unknown(&limits, LimitOptions::FIELDS, "limits.")?;
        }
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::InvalidInput(format!("invalid options: {e}")))
}

/// Fails on any own property of `object` not in `known`, so a typo such as `qualty` is not ignored.
fn reject_unknown(object: &JsValue, known: &[&str], prefix: &str) -> crate::Result<()> {
    let Some(object) = object.dyn_ref::<Object>() else {
        return Err(Error::InvalidInput("options must be an object".into()));
    };
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(Error::InvalidInput(format!(
                "unknown option {prefix}{key}; the options are: {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

fn set(target: &Object, key: &str, value: impl Into<JsValue>) -> JsResult<()> {
    Reflect::set(target, &JsValue::from_str(key), &value.into()).map(|_| ())
}

fn to_js(value: &impl Serialize) -> JsResult<JsValue> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// `encode(rgba, width, height, options) → Uint8Array`: encodes raw RGBA8 pixels.
#[wasm_bindgen]
pub fn encode(rgba: Vec<u8>, width: u32, height: u32, options: JsValue) -> JsResult<Uint8Array> {
    let options = parse_options(options).map_err(js_error)?;
    // Options first: a bad option should not wait on a pixel-buffer check.
    options.resolve().map_err(js_error)?;
    let image = Rgba8::new(width, height, rgba).map_err(js_error)?;
    let bytes = crate::encode(&image.into(), &options).map_err(js_error)?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

/// `decode(bytes) → { width, height, data }` with `data` an RGBA8 `Uint8Array`.
#[wasm_bindgen]
pub fn decode(bytes: &[u8]) -> JsResult<Object> {
    let image = crate::decode(bytes, &crate::Limits::default()).map_err(js_error)?;
    let out = Object::new();
    set(&out, "width", image.width())?;
    set(&out, "height", image.height())?;
    set(&out, "data", Uint8Array::from(image.data()))?;
    Ok(out)
}

/// `compress(bytes, options, onProgress?) → { data, mimeType, format, width, height, originalBytes,
/// compressedBytes, ratio, mse, psnr, ssimulacra2, quality, options, search }`: decodes a file, encodes
/// it as `options` say and measures the result. `options` in the result is every option actually used,
/// defaults filled in; `search` (smart modes only) lists every probe and the reason for the pick, and
/// `onProgress(probe)` is called after each probe.
#[wasm_bindgen]
pub fn compress(
    bytes: &[u8],
    options: JsValue,
    on_progress: Option<js_sys::Function>,
) -> JsResult<Object> {
    let options = parse_options(options).map_err(js_error)?;
    let mut progress = |probe: &crate::Probe| {
        if let (Some(f), Ok(p)) = (&on_progress, to_js(probe)) {
            // A throwing callback must not abort the search.
            let _ = f.call1(&JsValue::NULL, &p);
        }
    };
    let r = crate::compress_with_progress(bytes, &options, &mut progress).map_err(js_error)?;
    let meta = r.settings.format.meta();
    let out = Object::new();
    set(&out, "data", Uint8Array::from(r.data.as_slice()))?;
    set(&out, "mimeType", meta.mime_type)?;
    set(&out, "format", meta.id)?;
    set(&out, "width", r.width)?;
    set(&out, "height", r.height)?;
    set(&out, "originalBytes", r.original_bytes as f64)?;
    set(&out, "compressedBytes", r.compressed_bytes as f64)?;
    set(&out, "ratio", r.ratio)?;
    set(&out, "mse", r.mse)?;
    set(&out, "psnr", r.psnr)?;
    set(
        &out,
        "ssimulacra2",
        r.ssimulacra2.map_or(JsValue::NULL, JsValue::from),
    )?;
    let lossless_webp = r.settings.format == crate::Format::Webp && r.settings.lossless;
    let quality = meta
        .default_quality
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
    Ok(out)
}

/// `measure(original, result, width, height) → { mse, psnr, ssimulacra2 }` on two RGBA8 buffers of
/// the same dimensions (`ssimulacra2` is null below 8 pixels a side).
#[wasm_bindgen]
pub fn measure(original: Vec<u8>, result: Vec<u8>, width: u32, height: u32) -> JsResult<Object> {
    let original = Rgba8::new(width, height, original).map_err(js_error)?;
    let result = Rgba8::new(width, height, result).map_err(js_error)?;
    let m = crate::measure(&original, &result).map_err(js_error)?;
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

fn option_js(o: &OptionMeta) -> JsResult<Object> {
    let out = Object::new();
    set(&out, "name", o.name)?;
    set(&out, "label", o.label)?;
    set(&out, "description", o.description)?;
    match o.kind {
        OptionKind::Integer { min, max, default } => {
            set(&out, "type", "integer")?;
            set(&out, "min", min)?;
            set(&out, "max", max)?;
            set(&out, "default", default)?;
        }
        OptionKind::Choice { choices, default } => {
            set(&out, "type", "choice")?;
            set(
                &out,
                "choices",
                choices
                    .iter()
                    .map(|c| JsValue::from_str(c))
                    .collect::<Array>(),
            )?;
            set(&out, "default", default)?;
        }
        OptionKind::Boolean { default } => {
            set(&out, "type", "boolean")?;
            set(&out, "default", default)?;
        }
        OptionKind::Color { default } => {
            set(&out, "type", "color")?;
            set(&out, "default", default)?;
        }
        OptionKind::List { choices, default } => {
            let list = |items: &[&str]| {
                items
                    .iter()
                    .map(|c| JsValue::from_str(c))
                    .collect::<Array>()
            };
            set(&out, "type", "list")?;
            set(&out, "choices", list(choices))?;
            set(&out, "default", list(default))?;
        }
    }
    Ok(out)
}

/// `formats() → [{ id, label, mimeType, extension, lossy, defaultQuality, options }]`: the output
/// formats from the same meta the core encodes with, so UIs and typings cannot drift from it.
/// `options` lists every option the format reads (its own, then the common ones) as
/// `{ name, label, description, type: "integer" | "choice" | "boolean" | "color", min?, max?,
/// choices?, default }` (a color is `#rrggbb`).
#[wasm_bindgen]
pub fn formats() -> JsResult<Array> {
    let list = Array::new();
    for format in Format::ALL {
        let meta = format.meta();
        let out = Object::new();
        set(&out, "id", meta.id)?;
        set(&out, "label", meta.label)?;
        set(&out, "mimeType", meta.mime_type)?;
        set(&out, "extension", meta.extension)?;
        set(&out, "lossy", meta.lossy)?;
        set(
            &out,
            "defaultQuality",
            meta.default_quality.map_or(JsValue::NULL, JsValue::from),
        )?;
        let options = Array::new();
        for o in meta.options.iter().chain(COMMON_OPTIONS) {
            options.push(&option_js(o)?.into());
        }
        set(&out, "options", options)?;
        list.push(&out);
    }
    Ok(list)
}

/// Executes a wasm `unreachable` on purpose, so tests can prove that a trapped instance's worker is
/// replaced and the next job succeeds. Not part of the public API.
#[wasm_bindgen(js_name = "__trapForTests")]
pub fn trap_for_tests() {
    core::arch::wasm32::unreachable()
}
