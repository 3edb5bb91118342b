//! Peak heap use of `compress` on a 12-megapixel photo, per output format, counted natively with a
//! tracking allocator: the same allocations the wasm build makes, without the allocator's slack (the wasm
//! figures, measured from `WebAssembly.Memory`, are in `tests/node/memory.test.mjs`). The aim is about
//! three times the photo's RGBA size; the budgets below are what each format needs today, so that any
//! growth fails here. JPEG's encoder converts the RGBA strip by strip and keeps only its quantised
//! coefficients (0.75x at 4:2:0), so its peak is measuring the result beside the reference image.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use pixsqueeze::{compress, decode_full, encode, Format, Limits, Options};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests in one binary share the counters: one measurement at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak bytes allocated while `f` runs, above what was live when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed) - base)
}

const MB: f64 = 1e6;

#[test]
fn compress_peaks_within_budget_for_a_12_megapixel_photo() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (w, h) = (4_032, 3_024);
    let rgba = f64::from(w) * f64::from(h) * 4.0;
    let photo = encode(
        &common::photo_like(w, h),
        &serde_json::from_str::<Options>(r#"{"format":"jpeg","quality":92}"#).unwrap(),
    )
    .expect("the fixture encodes");
    let (_, decode_peak) = peak_of(|| decode_full(&photo, &Limits::default()).expect("decodes"));
    println!(
        "12 MP ({w} x {h}, RGBA {:.1} MB): decode alone peaks at {:.1} MB ({:.2}x)",
        rgba / MB,
        decode_peak as f64 / MB,
        decode_peak as f64 / rgba
    );
    // The palette quantiser's colour histogram grows with the photo's distinct colours: 3.1x before the
    // JPEG quantisation tables changed (the fixture is one of our JPEGs), 3.5x after.
    // Lossless PNG streams its filtered rows through the compressor a megabyte at a time (4.1x when
    // the whole filtered image and miniz_oxide's output sat beside it); its peak is now the final
    // measurement's, and the encoder alone peaks at 1.4x above the image.
    let budget = |f: Format| match f {
        Format::Jpeg => 2.9,
        Format::PngPalette => 3.7,
        Format::Png => 3.1,
        _ => 3.4,
    };
    let mut over = Vec::new();
    // The four encoders; `auto` runs several of them and is not a format of its own.
    let formats = [Format::Jpeg, Format::Png, Format::PngPalette, Format::Webp];
    for format in formats.into_iter().filter(|&f| common::writes(f)) {
        let (result, peak) = peak_of(|| compress(&photo, &Options::new(format)));
        result.expect("compresses");
        let times = peak as f64 / rgba;
        println!(
            "compress to {:<11}: peak {:6.1} MB = {times:.2}x RGBA",
            format.meta().id,
            peak as f64 / MB
        );
        if times > budget(format) {
            over.push(format.meta().id);
        }
    }
    assert!(over.is_empty(), "over budget: {over:?}");
}
