//! libwebp, through libwebp-sys: the only file in the crate with `unsafe`. It holds the calls into
//! libwebp's C encoder and decoder behind safe functions that check every size first, and the C library
//! functions libwebp links to in the wasm build (malloc, calloc, free, realloc, qsort), written over the
//! Rust allocator. Every block here says why its `unsafe` is sound; the tests below exercise each shim.
//!
//! libwebp's maintainers do not support wasm32-unknown-unknown; we compile it with clang-14 against
//! wasi-libc's headers only (`.cargo/config.toml`), and provide here the little of a C library it needs.
#![allow(unsafe_code)]

use std::ffi::c_int;
use std::ptr;

use libwebp_sys as sys;

use crate::error::{Error, Result};

use super::MAX_SIDE;

/// What the encoder is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EncodeParams {
    /// VP8L (lossless) rather than VP8 (lossy).
    pub lossless: bool,
    /// 0–100: the quality of a lossy file; for a lossless one, how hard to look for a smaller file.
    pub quality: f32,
    /// libwebp's `method`, 0 (fastest) to 6 (slowest, smallest).
    pub method: i32,
    /// Lossy files' alpha plane: 100 stores it losslessly, lower quantises it.
    pub alpha_quality: i32,
    /// Keep the colour under fully transparent pixels (lossless output must, to be exact).
    pub exact: bool,
}

/// Encodes RGBA8 pixels (`width * height * 4` bytes) to a simple WebP file (`VP8 `, `VP8L`, or
/// `VP8X` + `ALPH` + `VP8 ` when a lossy image has alpha).
///
/// # Errors
/// [`Error::InvalidInput`] for a side over [`MAX_SIDE`] or a buffer of the wrong size;
/// [`Error::Encode`] when libwebp fails (out of memory included).
pub(crate) fn encode_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    params: &EncodeParams,
) -> Result<Vec<u8>> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::InvalidInput(format!(
            "WebP holds images from 1 to {MAX_SIDE} pixels a side; this one is {width} x {height}"
        )));
    }
    // Both sides are at most 14 bits, so these cannot overflow a c_int; checked all the same.
    let stride = width
        .checked_mul(4)
        .and_then(|s| c_int::try_from(s).ok())
        .ok_or_else(|| Error::InvalidInput("the image is too wide".into()))?;
    let needed = (stride as usize).checked_mul(height as usize);
    if needed != Some(rgba.len()) {
        return Err(Error::InvalidInput(format!(
            "{width} x {height} RGBA needs {} bytes, got {}",
            needed.unwrap_or(usize::MAX),
            rgba.len()
        )));
    }
    let mut config = sys::WebPConfig::new()
        .map_err(|()| Error::Encode("libwebp refused its own default configuration".into()))?;
    config.lossless = c_int::from(params.lossless);
    config.quality = params.quality;
    config.method = params.method;
    config.alpha_quality = params.alpha_quality;
    config.exact = c_int::from(params.exact);
    // SAFETY: `config` is an initialised WebPConfig; libwebp only reads it.
    if unsafe { sys::WebPValidateConfig(&config) } == 0 {
        return Err(Error::InvalidInput(format!(
            "libwebp rejects these settings: {params:?}"
        )));
    }
    let mut out: Vec<u8> = Vec::new();
    let mut picture = Picture(
        sys::WebPPicture::new()
            .map_err(|()| Error::Encode("libwebp could not set up a picture".into()))?,
    );
    let pic = &mut picture.0;
    // ARGB in, as cwebp and Squoosh give it: lossy output converts it to YUV inside WebPEncode.
    pic.use_argb = 1;
    pic.width = width as c_int;
    pic.height = height as c_int;
    pic.writer = Some(write_to_vec);
    pic.custom_ptr = ptr::addr_of_mut!(out).cast();
    // SAFETY: `rgba` holds `height` rows of `stride` bytes (checked above); libwebp copies them into
    // the picture's own ARGB buffer, which `Picture`'s drop frees.
    if unsafe { sys::WebPPictureImportRGBA(pic, rgba.as_ptr(), stride) } == 0 {
        return Err(encode_error(pic.error_code, width, height));
    }
    // SAFETY: `config` is valid (checked) and `pic` initialised and filled; the writer appends to `out`,
    // which outlives the call, through `custom_ptr`, and nothing else touches `out` meanwhile.
    let ok = unsafe { sys::WebPEncode(&config, pic) } != 0;
    let code = pic.error_code;
    drop(picture);
    if !ok {
        return Err(encode_error(code, width, height));
    }
    Ok(out)
}

/// A WebPPicture that frees its buffers when dropped, on every path out of `encode_rgba`.
struct Picture(sys::WebPPicture);

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: initialised by WebPPictureInit; freeing an empty picture is a no-op.
        unsafe { sys::WebPPictureFree(&mut self.0) }
    }
}

/// libwebp's writer callback: appends each piece of the file to the `Vec<u8>` in `custom_ptr`.
/// Returns 0 (libwebp then stops with VP8_ENC_ERROR_BAD_WRITE) if the vector cannot grow.
unsafe extern "C" fn write_to_vec(
    data: *const u8,
    size: usize,
    picture: *const sys::WebPPicture,
) -> c_int {
    if size == 0 {
        return 1;
    }
    // SAFETY: libwebp passes the picture `encode_rgba` set up, whose `custom_ptr` points to its `out`
    // vector, alive and otherwise untouched for the whole WebPEncode call; `data` holds `size` bytes.
    let (out, bytes) = unsafe {
        (
            &mut *(*picture).custom_ptr.cast::<Vec<u8>>(),
            std::slice::from_raw_parts(data, size),
        )
    };
    if out.try_reserve(size).is_err() {
        return 0;
    }
    out.extend_from_slice(bytes);
    1
}

fn encode_error(code: sys::WebPEncodingError, width: u32, height: u32) -> Error {
    use sys::WebPEncodingError as E;
    match code {
        E::VP8_ENC_ERROR_OUT_OF_MEMORY
        | E::VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY
        | E::VP8_ENC_ERROR_BAD_WRITE => {
            Error::Encode(format!("out of memory encoding a {width} x {height} WebP"))
        }
        E::VP8_ENC_ERROR_BAD_DIMENSION => {
            Error::InvalidInput(format!("WebP cannot hold a {width} x {height} image"))
        }
        E::VP8_ENC_ERROR_PARTITION0_OVERFLOW | E::VP8_ENC_ERROR_PARTITION_OVERFLOW => {
            Error::Encode(
                "the lossy WebP's first partition overflowed 512 KB: lower the quality or the size"
                    .into(),
            )
        }
        E::VP8_ENC_ERROR_FILE_TOO_BIG => Error::Encode("the WebP would exceed 4 GiB".into()),
        other => Error::Encode(format!("libwebp failed: {other:?}")),
    }
}

/// What a WebP file's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features {
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    pub has_animation: bool,
}

/// Reads the header of a still or animated WebP (no pixel is decoded).
///
/// # Errors
/// [`Error::Decode`] for a damaged or truncated header.
pub(crate) fn features(data: &[u8]) -> Result<Features> {
    // SAFETY: plain-old-data, fully written by WebPGetFeatures before it is read (on success).
    let mut f: sys::WebPBitstreamFeatures = unsafe { std::mem::zeroed() };
    // SAFETY: `data` is a live slice of `data.len()` bytes; `f` is writable.
    let status = unsafe { sys::WebPGetFeatures(data.as_ptr(), data.len(), &mut f) };
    status_ok(status)?;
    let side = |v: c_int| u32::try_from(v).ok().filter(|&v| v > 0);
    match (side(f.width), side(f.height)) {
        (Some(width), Some(height)) => Ok(Features {
            width,
            height,
            has_alpha: f.has_alpha != 0,
            has_animation: f.has_animation != 0,
        }),
        _ => Err(Error::Decode("the WebP header declares no size".into())),
    }
}

/// Decodes a still WebP into `out`, RGBA8, exactly `width * height * 4` bytes for the size
/// [`features`] read (the caller allocates it, after checking its limits).
///
/// # Errors
/// [`Error::Decode`] for damaged or truncated data, [`Error::Unsupported`] for an animation,
/// [`Error::InvalidInput`] if `out` does not fit the image.
pub(crate) fn decode_rgba_into(data: &[u8], out: &mut [u8]) -> Result<()> {
    let mut config = sys::WebPDecoderConfig::new()
        .map_err(|()| Error::Decode("libwebp's decoder version does not match".into()))?;
    // SAFETY: as in `features`; `config.input` is writable.
    let status = unsafe { sys::WebPGetFeatures(data.as_ptr(), data.len(), &mut config.input) };
    status_ok(status)?;
    let (w, h) = (config.input.width, config.input.height);
    let stride = w.checked_mul(4).filter(|&s| s > 0);
    let size = stride.and_then(|s| {
        usize::try_from(s)
            .ok()?
            .checked_mul(usize::try_from(h).ok()?)
    });
    let (Some(stride), Some(size)) = (stride, size) else {
        return Err(Error::Decode(
            "the WebP header declares an impossible size".into(),
        ));
    };
    if size != out.len() {
        return Err(Error::InvalidInput(format!(
            "a {w} x {h} WebP needs {size} bytes of RGBA, the buffer has {}",
            out.len()
        )));
    }
    config.output.colorspace = sys::WEBP_CSP_MODE::MODE_RGBA;
    config.output.is_external_memory = 1;
    config.output.u.RGBA = sys::WebPRGBABuffer {
        rgba: out.as_mut_ptr(),
        stride,
        size,
    };
    // SAFETY: `data` is a live slice; the output buffer is `out`, exactly `size` bytes of `h` rows of
    // `stride` bytes, which libwebp checks against the image before writing, and which nothing else
    // touches during the call. External memory is never freed by libwebp.
    let status = unsafe { sys::WebPDecode(data.as_ptr(), data.len(), &mut config) };
    // SAFETY: frees only what libwebp allocated itself (nothing for external memory).
    unsafe { sys::WebPFreeDecBuffer(&mut config.output) };
    status_ok(status)
}

fn status_ok(status: sys::VP8StatusCode) -> Result<()> {
    use sys::VP8StatusCode as S;
    match status {
        S::VP8_STATUS_OK => Ok(()),
        S::VP8_STATUS_NOT_ENOUGH_DATA | S::VP8_STATUS_SUSPENDED => Err(Error::Decode(
            "the WebP file is truncated (it ends before its data does)".into(),
        )),
        S::VP8_STATUS_BITSTREAM_ERROR | S::VP8_STATUS_INVALID_PARAM => {
            Err(Error::Decode("the WebP is damaged or not valid".into()))
        }
        S::VP8_STATUS_UNSUPPORTED_FEATURE => Err(Error::Unsupported(
            "this WebP uses a feature libwebp's still-image decoder does not read".into(),
        )),
        S::VP8_STATUS_OUT_OF_MEMORY => Err(Error::Decode("out of memory decoding the WebP".into())),
        S::VP8_STATUS_USER_ABORT => Err(Error::Decode("WebP decoding was aborted".into())),
    }
}

// ---- The C library libwebp needs, over the Rust allocator (wasm32 only links these) ----------------
//
// wasm32-unknown-unknown has no libc. libwebp's C code, compiled against wasi-libc's headers only, links
// to four functions beyond what Rust provides (memcpy and friends come from compiler-builtins): malloc,
// calloc, free and qsort (realloc too, should a later libwebp use it). They are defined here over the
// Rust allocator. Each block carries its size in a header so that `free` can rebuild its `Layout`; the
// header is a whole alignment unit, so the pointer handed to C keeps C's `max_align_t` alignment (16 on
// wasm32: `long double`), which every libwebp type (uint64_t, double, SIMD-free structs) fits.
// Natively these functions are not exported (libc's are used); they are compiled for the unit tests.

mod shims {
    // Natively libc's functions serve libwebp; these are compiled for their unit tests.
    #![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

    use std::alloc::{self, Layout};
    use std::ffi::{c_int, c_void};
    use std::ptr;

    /// C's `max_align_t` alignment: every block is aligned to it, and the size header takes one unit.
    pub(super) const ALIGN: usize = 16;

    /// The layout of a block holding `size` bytes for C after the header, or `None` when it overflows.
    fn block_layout(size: usize) -> Option<Layout> {
        Layout::from_size_align(size.checked_add(ALIGN)?, ALIGN).ok()
    }

    /// `malloc` (and `calloc` when `zeroed`): null when the size overflows or memory is exhausted, as C
    /// expects; libwebp reports that as VP8_ENC_ERROR_OUT_OF_MEMORY and the like.
    fn allocate(size: usize, zeroed: bool) -> *mut c_void {
        let Some(layout) = block_layout(size) else {
            return ptr::null_mut();
        };
        // SAFETY: the layout's size is at least ALIGN, never zero.
        let base = unsafe {
            if zeroed {
                alloc::alloc_zeroed(layout)
            } else {
                alloc::alloc(layout)
            }
        };
        if base.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: the block is ALIGN-aligned and at least ALIGN bytes long: the header fits, and the
        // pointer after it stays inside the block (one past its end when `size` is 0).
        unsafe {
            base.cast::<usize>().write(size);
            base.add(ALIGN).cast()
        }
    }

    /// The header and layout of a block `allocate` returned.
    ///
    /// # Safety
    /// `ptr` must come from [`allocate`] or [`c_realloc`] and not have been freed.
    unsafe fn block_of(ptr: *mut c_void) -> (*mut u8, Layout) {
        // SAFETY: per the contract, the header sits ALIGN bytes before `ptr`, in the same block.
        let base = unsafe { ptr.cast::<u8>().sub(ALIGN) };
        // SAFETY: `allocate` wrote the size there.
        let size = unsafe { base.cast::<usize>().read() };
        // SAFETY: this size and alignment made a valid layout when the block was allocated.
        let layout = unsafe { Layout::from_size_align_unchecked(size + ALIGN, ALIGN) };
        (base, layout)
    }

    /// C's `malloc`.
    pub(crate) fn c_malloc(size: usize) -> *mut c_void {
        allocate(size, false)
    }

    /// C's `calloc`: `count * size` zeroed bytes, null when the product overflows.
    pub(crate) fn c_calloc(count: usize, size: usize) -> *mut c_void {
        match count.checked_mul(size) {
            Some(total) => allocate(total, true),
            None => ptr::null_mut(),
        }
    }

    /// C's `free`.
    ///
    /// # Safety
    /// `ptr` is null or a live block from [`c_malloc`], [`c_calloc`] or [`c_realloc`].
    pub(crate) unsafe fn c_free(ptr: *mut c_void) {
        if ptr.is_null() {
            return;
        }
        // SAFETY: per the contract.
        let (base, layout) = unsafe { block_of(ptr) };
        // SAFETY: the block was allocated with this layout.
        unsafe { alloc::dealloc(base, layout) };
    }

    /// C's `realloc`: on failure null, with the old block left as it was.
    ///
    /// # Safety
    /// As [`c_free`].
    pub(crate) unsafe fn c_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
        if ptr.is_null() {
            return c_malloc(size);
        }
        let Some(new_layout) = block_layout(size) else {
            return ptr::null_mut();
        };
        // SAFETY: per the contract.
        let (base, layout) = unsafe { block_of(ptr) };
        // SAFETY: the block was allocated with `layout`; the new size is non-zero and fits a Layout of the
        // same alignment (checked above).
        let moved = unsafe { alloc::realloc(base, layout, new_layout.size()) };
        if moved.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: as in `allocate`.
        unsafe {
            moved.cast::<usize>().write(size);
            moved.add(ALIGN).cast()
        }
    }

    /// A C comparison function, as `qsort` takes it.
    pub(crate) type Compare = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;

    /// C's `qsort`, as a heapsort: in place, no allocation, O(n log n) whatever the comparator answers
    /// (Rust's own sorts may panic on a comparator that is not a total order; a trap would kill the
    /// instance). Like C's, it is not stable.
    ///
    /// # Safety
    /// `base` points to `count` initialised elements of `size` bytes each, and `compare` is safe to call on
    /// any two of them.
    pub(crate) unsafe fn c_qsort(
        base: *mut c_void,
        count: usize,
        size: usize,
        compare: Option<Compare>,
    ) {
        let Some(compare) = compare else { return };
        if count < 2 || size == 0 || count.checked_mul(size).is_none() {
            return;
        }
        let base = base.cast::<u8>();
        // SAFETY (these three): indices stay below `count`, so every element lies inside the array.
        let at = |i: usize| unsafe { base.add(i * size) };
        let less = |i: usize, j: usize| unsafe { compare(at(i).cast(), at(j).cast()) < 0 };
        let swap = |i: usize, j: usize| {
            if i != j {
                unsafe { ptr::swap_nonoverlapping(at(i), at(j), size) }
            }
        };
        let sift_down = |mut root: usize, end: usize| loop {
            let mut child = 2 * root + 1;
            if child >= end {
                break;
            }
            if child + 1 < end && less(child, child + 1) {
                child += 1;
            }
            if !less(root, child) {
                break;
            }
            swap(root, child);
            root = child;
        };
        for start in (0..count / 2).rev() {
            sift_down(start, count);
        }
        for end in (1..count).rev() {
            swap(0, end);
            sift_down(0, end);
        }
    }

    /// The symbols libwebp's C code links to in the wasm build.
    #[cfg(target_arch = "wasm32")]
    mod libc {
        use super::{c_calloc, c_free, c_malloc, c_qsort, c_realloc, c_void, Compare};

        #[no_mangle]
        extern "C" fn malloc(size: usize) -> *mut c_void {
            c_malloc(size)
        }

        #[no_mangle]
        extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
            c_calloc(count, size)
        }

        #[no_mangle]
        unsafe extern "C" fn free(ptr: *mut c_void) {
            // SAFETY: C hands back only what malloc, calloc or realloc gave it.
            unsafe { c_free(ptr) }
        }

        #[no_mangle]
        unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
            // SAFETY: as for free.
            unsafe { c_realloc(ptr, size) }
        }

        #[no_mangle]
        unsafe extern "C" fn qsort(
            base: *mut c_void,
            count: usize,
            size: usize,
            compare: Option<Compare>,
        ) {
            // SAFETY: C's qsort contract is this function's.
            unsafe { c_qsort(base, count, size, compare) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shims::*;
    use super::*;
    use std::ffi::c_void;

    #[test]
    fn malloc_aligns_every_block_and_keeps_its_bytes() {
        let mut blocks = Vec::new();
        for size in [0usize, 1, 3, 15, 16, 17, 1000, 65_537] {
            let p = c_malloc(size);
            assert!(!p.is_null(), "malloc({size})");
            assert_eq!(p as usize % ALIGN, 0, "malloc({size}) alignment");
            // SAFETY: the block holds `size` bytes.
            unsafe { ptr::write_bytes(p.cast::<u8>(), size as u8, size) };
            blocks.push((p, size));
        }
        for (p, size) in blocks {
            // SAFETY: each block is live and `size` bytes long.
            let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), size) };
            assert!(
                bytes.iter().all(|&b| b == size as u8),
                "block of {size} kept its bytes"
            );
            // SAFETY: from c_malloc, freed once.
            unsafe { c_free(p) };
        }
        // SAFETY: free(NULL) does nothing, as in C.
        unsafe { c_free(ptr::null_mut()) };
    }

    #[test]
    fn sizes_that_overflow_give_null_not_a_panic() {
        assert!(c_malloc(usize::MAX).is_null());
        assert!(c_malloc(usize::MAX - ALIGN + 1).is_null());
        // Over isize::MAX once the header is added: Layout refuses it.
        assert!(c_malloc(isize::MAX as usize).is_null());
        assert!(c_calloc(usize::MAX / 2 + 1, 2).is_null());
        assert!(c_calloc(2, usize::MAX).is_null());
        let p = c_malloc(8);
        // SAFETY: a live block; a failed realloc leaves it as it was.
        unsafe {
            p.cast::<u64>().write(0x0123_4567_89ab_cdef);
            assert!(c_realloc(p, usize::MAX).is_null());
            assert_eq!(p.cast::<u64>().read(), 0x0123_4567_89ab_cdef);
            c_free(p);
        }
    }

    #[test]
    fn calloc_zeroes_and_realloc_moves_the_contents() {
        let p = c_calloc(1000, 3).cast::<u8>();
        assert!(!p.is_null());
        assert_eq!(p as usize % ALIGN, 0);
        // SAFETY: 3000 live bytes.
        let zeroed = unsafe { std::slice::from_raw_parts(p, 3000) }
            .iter()
            .all(|&b| b == 0);
        assert!(zeroed);
        // SAFETY: live block; grown, then shrunk, each time from the pointer the last call returned.
        unsafe {
            for i in 0..3000 {
                p.add(i).write(i as u8);
            }
            let grown = c_realloc(p.cast(), 100_000).cast::<u8>();
            assert!(!grown.is_null());
            assert_eq!(grown as usize % ALIGN, 0);
            assert!((0..3000).all(|i| grown.add(i).read() == i as u8));
            let shrunk = c_realloc(grown.cast(), 10).cast::<u8>();
            assert!((0..10).all(|i| shrunk.add(i).read() == i as u8));
            c_free(shrunk.cast());
            let fresh = c_realloc(ptr::null_mut(), 24);
            assert!(!fresh.is_null());
            c_free(fresh);
        }
    }

    unsafe extern "C" fn by_i32(a: *const c_void, b: *const c_void) -> c_int {
        // SAFETY: the test sorts arrays of i32.
        let (a, b) = unsafe {
            (
                a.cast::<i32>().read_unaligned(),
                b.cast::<i32>().read_unaligned(),
            )
        };
        a.cmp(&b) as c_int
    }

    unsafe extern "C" fn by_first_byte(a: *const c_void, b: *const c_void) -> c_int {
        // SAFETY: elements are at least one byte.
        let (a, b) = unsafe { (a.cast::<u8>().read(), b.cast::<u8>().read()) };
        c_int::from(a) - c_int::from(b)
    }

    unsafe extern "C" fn inconsistent(a: *const c_void, b: *const c_void) -> c_int {
        // Not an order at all: depends on the addresses, says "less" both ways round.
        if (a as usize ^ b as usize) & 4 == 0 {
            -1
        } else {
            1
        }
    }

    fn lcg(seed: &mut u32) -> u32 {
        *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *seed >> 8
    }

    #[test]
    fn qsort_sorts_like_the_standard_sort() {
        let mut seed = 7;
        for n in [0usize, 1, 2, 3, 10, 257, 4096] {
            let mut v: Vec<i32> = (0..n).map(|_| (lcg(&mut seed) % 100) as i32 - 50).collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            // SAFETY: `v` holds n i32s, and the comparator reads i32s.
            unsafe { c_qsort(v.as_mut_ptr().cast(), n, 4, Some(by_i32)) };
            assert_eq!(v, expected, "{n} elements");
        }
    }

    #[test]
    fn qsort_moves_whole_elements_of_any_size() {
        // 3-byte elements: the key first, then two bytes that must travel with it.
        let mut seed = 3;
        let keys: Vec<u8> = (0..200).map(|_| lcg(&mut seed) as u8).collect();
        let mut v: Vec<u8> = keys
            .iter()
            .flat_map(|&k| [k, k ^ 0x55, k.wrapping_add(1)])
            .collect();
        // SAFETY: 200 elements of 3 bytes.
        unsafe { c_qsort(v.as_mut_ptr().cast(), 200, 3, Some(by_first_byte)) };
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        for (i, e) in v.chunks_exact(3).enumerate() {
            assert_eq!(e, [sorted[i], sorted[i] ^ 0x55, sorted[i].wrapping_add(1)]);
        }
    }

    #[test]
    fn qsort_survives_a_comparator_that_is_no_order() {
        let mut v: Vec<i32> = (0..500).collect();
        // SAFETY: 500 i32s; the comparator reads nothing.
        unsafe { c_qsort(v.as_mut_ptr().cast(), 500, 4, Some(inconsistent)) };
        v.sort_unstable();
        assert_eq!(
            v,
            (0..500).collect::<Vec<_>>(),
            "still a permutation of the input"
        );
        // No comparator, or zero-sized elements: nothing happens.
        // SAFETY: as above.
        unsafe {
            c_qsort(v.as_mut_ptr().cast(), 500, 4, None);
            c_qsort(v.as_mut_ptr().cast(), 500, 0, Some(by_i32));
        }
    }
}
