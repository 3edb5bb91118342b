//! The JavaScript face of pixsqueeze: the only file with `#[wasm_bindgen]`. It converts JS values to
//! core types, maps error categories to JS `Error` names, and hands back owned copies of bytes (never
//! views into wasm memory, which move when memory grows).

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::{Error, Format, Limits, Options, Rgba8};

type JsResult<T> = std::result::Result<T, JsValue>;

/// Turns a core error into a JS `Error` whose `name` is the stable category name.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name(e.name());
    err.into()
}

fn parse_options(value: JsValue) -> crate::Result<Options> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::InvalidInput(
            "options are required, e.g. { format: \"jpeg\", quality: 75 }".into(),
        ));
    }
    let options: Options = serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::InvalidInput(format!("invalid options: {e}")))?;
    options.validate()?;
    Ok(options)
}

fn set(target: &Object, key: &str, value: JsValue) -> JsResult<()> {
    Reflect::set(target, &JsValue::from_str(key), &value).map(|_| ())
}

/// `encode(rgba, width, height, options) → Uint8Array`: encodes raw RGBA8 pixels.
#[wasm_bindgen]
pub fn encode(rgba: Vec<u8>, width: u32, height: u32, options: JsValue) -> JsResult<Uint8Array> {
    let options = parse_options(options).map_err(js_error)?;
    let image = Rgba8::new(width, height, rgba).map_err(js_error)?;
    let bytes = crate::encode(&image, &options).map_err(js_error)?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

/// `decode(bytes) → { width, height, data }` with `data` an RGBA8 `Uint8Array`.
#[wasm_bindgen]
pub fn decode(bytes: &[u8]) -> JsResult<Object> {
    let image = crate::decode(bytes, &Limits::default()).map_err(js_error)?;
    let out = Object::new();
    set(&out, "width", image.width().into())?;
    set(&out, "height", image.height().into())?;
    set(&out, "data", Uint8Array::from(image.data()).into())?;
    Ok(out)
}

/// `compress(bytes, options) → { data, mimeType, width, height, originalBytes, compressedBytes, ratio,
/// mse, psnr }`: decodes a file, encodes it as `options` say and measures the result.
#[wasm_bindgen]
pub fn compress(bytes: &[u8], options: JsValue) -> JsResult<Object> {
    let options = parse_options(options).map_err(js_error)?;
    let r = crate::compress(bytes, &options, &Limits::default()).map_err(js_error)?;
    let out = Object::new();
    set(&out, "data", Uint8Array::from(r.data.as_slice()).into())?;
    set(&out, "mimeType", r.mime_type.into())?;
    set(&out, "width", r.width.into())?;
    set(&out, "height", r.height.into())?;
    set(&out, "originalBytes", (r.original_bytes as f64).into())?;
    set(&out, "compressedBytes", (r.compressed_bytes as f64).into())?;
    set(&out, "ratio", r.ratio.into())?;
    set(&out, "mse", r.mse.into())?;
    set(&out, "psnr", r.psnr.into())?;
    Ok(out)
}

/// `formats() → [{ id, label, mimeType, extension, lossy, defaultQuality }]`: the output formats, from
/// the same meta the core encodes with, so UIs and types cannot drift from it.
#[wasm_bindgen]
pub fn formats() -> JsResult<js_sys::Array> {
    let list = js_sys::Array::new();
    for format in Format::ALL {
        let meta = format.meta();
        let out = Object::new();
        set(&out, "id", meta.id.into())?;
        set(&out, "label", meta.label.into())?;
        set(&out, "mimeType", meta.mime_type.into())?;
        set(&out, "extension", meta.extension.into())?;
        set(&out, "lossy", meta.lossy.into())?;
        set(
            &out,
            "defaultQuality",
            meta.default_quality
                .map_or(JsValue::UNDEFINED, JsValue::from),
        )?;
        list.push(&out);
    }
    Ok(list)
}
