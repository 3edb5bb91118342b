//! The JS-facing API (`src/wasm.rs`) run in headless Chromium by wasm-bindgen-test, called with JS
//! values as a page would call it.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, Uint8Array};
use pixsqueeze::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn options(format: &str, quality: Option<f64>) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"format".into(), &format.into()).unwrap();
    if let Some(q) = quality {
        Reflect::set(&o, &"quality".into(), &q.into()).unwrap();
    }
    o.into()
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap()
}

fn error_name(e: JsValue) -> String {
    e.dyn_into::<js_sys::Error>().unwrap().name().into()
}

/// A 48 x 32 gradient, as RGBA bytes.
fn gradient() -> Vec<u8> {
    (0..32u32)
        .flat_map(|y| (0..48u32).flat_map(move |x| [(x * 5) as u8, (y * 7) as u8, 99, 255]))
        .collect()
}

#[wasm_bindgen_test]
fn encode_decode_and_compress_round_trip() {
    let png = wasm::encode(gradient(), 48.0, 32.0, options("png", None)).unwrap();
    let decoded = wasm::decode(&png.to_vec(), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&decoded, "width").as_f64(), Some(48.0));
    assert_eq!(get(&decoded, "height").as_f64(), Some(32.0));
    let data: Uint8Array = get(&decoded, "data").dyn_into().unwrap();
    assert_eq!(data.to_vec(), gradient());

    let r: JsValue = wasm::compress(&png.to_vec(), options("jpeg", Some(80.0)), None, None)
        .unwrap()
        .into();
    assert_eq!(
        get(&r, "mimeType").as_string().as_deref(),
        Some("image/jpeg")
    );
    let size = get(&r, "compressedBytes").as_f64().unwrap();
    let data: Uint8Array = get(&r, "data").dyn_into().unwrap();
    assert_eq!(f64::from(data.length()), size);
    let ratio = get(&r, "ratio").as_f64().unwrap();
    assert!((ratio - png.length() as f64 / size).abs() < 1e-9);
    let psnr = get(&r, "psnr").as_f64().unwrap();
    assert!(psnr > 30.0 && psnr.is_finite(), "psnr {psnr}");

    // 48 x 32 is under the side SSIMULACRA2 can judge: no score, and a note that says why.
    assert!(get(&r, "ssimulacra2").is_null());
    let notes: js_sys::Array = get(&r, "notes").dyn_into().unwrap();
    assert!(notes
        .iter()
        .any(|n| n.as_string().unwrap().contains("SSIMULACRA2")));
    let original = get(&decoded, "data")
        .dyn_into::<Uint8Array>()
        .unwrap()
        .to_vec();
    let m = wasm::measure(original.clone(), original, 48.0, 32.0).unwrap();
    assert_eq!(get(&m, "psnr").as_f64(), Some(f64::INFINITY));
    assert!(get(&m, "ssimulacra2").is_null());

    let lossless: JsValue = wasm::compress(&png.to_vec(), options("png", None), None, None)
        .unwrap()
        .into();
    assert_eq!(get(&lossless, "psnr").as_f64(), Some(f64::INFINITY));
    assert_eq!(get(&lossless, "mse").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn errors_carry_stable_names() {
    let e = wasm::decode(b"not an image", JsValue::UNDEFINED).unwrap_err();
    assert_eq!(error_name(e), "DecodeError");
    // decode takes limits, checked against the same meta as compress's.
    let png = wasm::encode(gradient(), 48.0, 32.0, options("png", None)).unwrap();
    let limits = Object::new();
    Reflect::set(&limits, &"maxPixels".into(), &100.into()).unwrap();
    let with_limits = Object::new();
    Reflect::set(&with_limits, &"limits".into(), &limits).unwrap();
    let e = wasm::decode(&png.to_vec(), with_limits.into()).unwrap_err();
    assert_eq!(error_name(e), "LimitExceeded");
    let typo = Object::new();
    Reflect::set(&typo, &"limit".into(), &limits).unwrap();
    let e = wasm::decode(&png.to_vec(), typo.into()).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let e = wasm::decode(&png.to_vec(), 5.into()).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let e = wasm::encode(vec![0; 10], 4.0, 4.0, options("png", None)).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let e = wasm::encode(gradient(), 48.0, 32.0, options("jpeg", Some(0.0))).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let e = wasm::encode(gradient(), 48.0, 32.0, options("gif", None)).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let typo = options("jpeg", Some(80.0));
    Reflect::set(&typo, &"qualty".into(), &80.into()).unwrap();
    let e = wasm::encode(gradient(), 48.0, 32.0, typo).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let nested = options("jpeg", None);
    let limits = Object::new();
    Reflect::set(&limits, &"maxPixel".into(), &5.into()).unwrap();
    Reflect::set(&nested, &"limits".into(), &limits).unwrap();
    let e = wasm::encode(gradient(), 48.0, 32.0, nested).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    // Dimensions are never wrapped (2^32 + 1 would be 1 as a u32) nor truncated (1.9 would be 1).
    for (width, height) in [
        (4_294_967_297.0, 1.0),
        (1.9, 1.0),
        (1.0, 0.0),
        (1.0, f64::NAN),
    ] {
        let e = wasm::encode(vec![0; 4], width, height, options("png", None)).unwrap_err();
        assert_eq!(error_name(e), "InvalidInput", "{width} x {height}");
        let e = wasm::measure(vec![0; 4], vec![0; 4], width, height).unwrap_err();
        assert_eq!(error_name(e), "InvalidInput", "{width} x {height}");
    }
    let e = wasm::compress(b"\x89PNG\r\n\x1a\n", JsValue::UNDEFINED, None, None).unwrap_err();
    assert_eq!(error_name(e), "InvalidInput");
    let e = wasm::compress(b"\x89PNG\r\n\x1a\n", options("png", None), None, None).unwrap_err();
    assert_eq!(error_name(e), "DecodeError");
}

#[wasm_bindgen_test]
fn formats_lists_every_output_format() {
    let list: js_sys::Array = wasm::formats().unwrap().dyn_into().unwrap();
    let ids: Vec<String> = list
        .iter()
        .map(|f| get(&f, "id").as_string().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["jpeg", "png", "png-palette", "webp", "avif", "apng", "auto"]
    );
}

#[wasm_bindgen_test]
fn a_budget_search_reports_progress_and_fits() {
    let png = wasm::encode(gradient(), 48.0, 32.0, options("png", None)).unwrap();
    let opts = options("jpeg", None);
    Reflect::set(&opts, &"maxBytes".into(), &900.into()).unwrap();
    let calls = js_sys::Array::new();
    let record = js_sys::Function::new_with_args("probe", "this.push(probe)").bind0(&calls);
    let r: JsValue = wasm::compress(&png.to_vec(), opts, Some(record), None)
        .unwrap()
        .into();
    assert!(get(&r, "compressedBytes").as_f64().unwrap() <= 900.0);
    let search = get(&r, "search");
    let probes: js_sys::Array = get(&search, "probes").dyn_into().unwrap();
    assert!(probes.length() > 0);
    assert_eq!(calls.length(), probes.length());
    assert!(get(&search, "reason").as_string().unwrap().contains("jpeg"));
}

#[path = "../fuzz/src/hostile.rs"]
#[allow(dead_code)]
mod hostile;

/// Options with raised limits: `format` and `limits.maxPixels`.
fn raised(format: &str, max_pixels: f64) -> JsValue {
    let o = options(format, None);
    let limits = Object::new();
    Reflect::set(&limits, &"maxPixels".into(), &max_pixels.into()).unwrap();
    Reflect::set(&o, &"limits".into(), &limits).unwrap();
    o
}

/// Jobs a 4 GiB instance cannot hold are refused from the header, in wasm32 itself; hostile
/// metadata and frames cost their bounds. Each of these trapped the instance before, so the last
/// call checks it still works.
#[wasm_bindgen_test]
fn hostile_and_oversized_jobs_fail_typed_and_the_instance_lives_on() {
    // Lossless PNG and baseline JPEG of such a PNG go in bands, within the bound (tests/memory.rs):
    // palette PNG and progressive JPEG need the whole image.
    for (side, format, progressive) in [(24_000, "png-palette", false), (18_000, "jpeg", true)] {
        let file = hostile::png_black(side, side, false, &[]);
        let o = raised(format, 1e12);
        if progressive {
            Reflect::set(&o, &"progressive".into(), &true.into()).unwrap();
        }
        let e = wasm::compress(&file, o, None, None).unwrap_err();
        let e: js_sys::Error = e.dyn_into().unwrap();
        assert_eq!(String::from(e.name()), "LimitExceeded");
        assert!(String::from(e.message()).contains("MB of memory"));
    }
    let gif = hostile::gif_big_frame(24_000, 24_000);
    let e = wasm::compress(&gif, raised("png", 1e12), None, None).unwrap_err();
    assert_eq!(error_name(e), "LimitExceeded");
    let bomb = hostile::png_black(4, 4, false, &[hostile::iccp_bomb(1_600_000_000)]);
    let r: JsValue = wasm::compress(&bomb, options("png", None), None, None)
        .unwrap()
        .into();
    let notes: js_sys::Array = get(&r, "notes").dyn_into().unwrap();
    assert!(notes
        .iter()
        .any(|n| n.as_string().unwrap().contains("ICC profile")));
    let png = wasm::encode(gradient(), 48.0, 32.0, options("png", None)).unwrap();
    assert!(wasm::compress(&png.to_vec(), options("jpeg", None), None, None).is_ok());
}
