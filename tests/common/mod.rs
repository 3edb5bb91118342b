//! Fixtures made in code, so the suite means something on any machine, and access to the shared corpus
//! where it exists (`../shared/corpus`, beside the checkout), skipped with a printed reason where not.
#![allow(dead_code)]

pub mod tiff;

use std::path::PathBuf;

use pixsqueeze::{Image, Rgba16, Rgba8};

/// A smooth colour gradient with mild deterministic noise: photo-like content.
pub fn photo_like(width: u32, height: u32) -> Image {
    let mut state = 0x2545_f491_u32;
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            // xorshift32: deterministic noise without a dependency.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state % 9) as i32 - 4;
            let r = (x * 255 / width.max(1)) as i32 + noise;
            let g = (y * 255 / height.max(1)) as i32 - noise;
            let b = ((x + y) * 127 / (width + height).max(1)) as i32 + 64 + noise;
            data.extend([r, g, b].map(|c| c.clamp(0, 255) as u8));
            data.push(255);
        }
    }
    Rgba8::new(width, height, data)
        .expect("fixture dimensions are consistent")
        .into()
}

/// Black strokes on white: text-like hard edges.
pub fn text_like(width: u32, height: u32) -> Image {
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let ink = (x % 7 < 2 && y % 11 < 8) || (y % 11 == 3 && x % 23 < 15);
            let v = if ink { 20 } else { 250 };
            data.extend([v, v, v, 255]);
        }
    }
    Rgba8::new(width, height, data)
        .expect("fixture dimensions are consistent")
        .into()
}

/// A colour ramp whose alpha runs from 0 at the left to 255 at the right.
pub fn alpha_ramp(width: u32, height: u32) -> Image {
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let a = (x * 255 / (width - 1).max(1)) as u8;
            data.extend([(y * 255 / height.max(1)) as u8, 90, 200, a]);
        }
    }
    Rgba8::new(width, height, data)
        .expect("fixture dimensions are consistent")
        .into()
}

/// A 16-bit RGB ramp using the full 16-bit range (not representable in 8 bits), with an alpha ramp.
pub fn deep_ramp(width: u32, height: u32) -> Image {
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let r = (x * 65_535 / width.max(1)) as u16 | 1;
            let g = (y * 65_535 / height.max(1)) as u16;
            data.extend([r, g, r ^ g, 65_535 - (x as u16 & 0xff)]);
        }
    }
    Rgba16::new(width, height, data)
        .expect("fixture dimensions are consistent")
        .into()
}

/// Whether this is CI (`CI=true`): there a missing corpus fails instead of printing SKIP.
pub fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Whether the reference decoders (djpeg, dwebp) must be there: in CI, and wherever `npm test` runs
/// (scripts/test.sh sets `PIXSQUEEZE_REQUIRE_TOOLS=1` after its set-up installed them). A missing one
/// then fails instead of printing SKIP.
pub fn tools_required() -> bool {
    ci() || std::env::var("PIXSQUEEZE_REQUIRE_TOOLS").as_deref() == Ok("1")
}

/// `../shared/corpus/<sub>` if it exists; otherwise prints why the caller skips and returns `None`
/// (and fails under CI=true: [`ci`]).
pub fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            !ci(),
            "{} not found: under CI=true the corpus tests must run, not skip (put the shared corpus \
             beside the checkout)",
            dir.display()
        );
        println!(
            "SKIP: {} not found; corpus tests need the shared corpus beside the checkout",
            dir.display()
        );
        None
    }
}

/// Every file in a corpus folder, sorted, or an empty list (with the skip printed) where there is none.
pub fn corpus_files(sub: &str) -> Vec<PathBuf> {
    let Some(dir) = corpus_dir(sub) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus folder is readable")
        .map(|e| e.expect("corpus entry is readable").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Decodes a PNG with the `png` crate directly (not through pixsqueeze's decode path) to RGBA at the
/// file's own precision: the independent check of lossless output.
pub fn png_reference(bytes: &[u8]) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("reference PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("reference PNG size")];
    let info = reader.next_frame(&mut buf).expect("reference PNG frame");
    let buf = &buf[..info.buffer_size()];
    let (w, h) = (info.width, info.height);
    let channels = info.color_type.samples();
    if info.bit_depth == png::BitDepth::Sixteen {
        let samples: Vec<u16> = buf
            .chunks_exact(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect();
        let data = samples
            .chunks_exact(channels)
            .flat_map(|p| expand(p, u16::MAX))
            .collect();
        Rgba16::new(w, h, data)
            .expect("reference PNG buffer")
            .into()
    } else {
        let data = buf
            .chunks_exact(channels)
            .flat_map(|p| expand(p, u8::MAX))
            .collect();
        Rgba8::new(w, h, data).expect("reference PNG buffer").into()
    }
}

/// One gray, gray+alpha, RGB or RGBA pixel as RGBA.
fn expand<T: Copy>(p: &[T], opaque: T) -> [T; 4] {
    match p.len() {
        1 => [p[0], p[0], p[0], opaque],
        2 => [p[0], p[0], p[0], p[1]],
        3 => [p[0], p[1], p[2], opaque],
        _ => [p[0], p[1], p[2], p[3]],
    }
}

/// Decodes a WebP with image-webp directly, to RGBA8.
pub fn webp_reference(bytes: &[u8]) -> Rgba8 {
    let mut decoder =
        image_webp::WebPDecoder::new(std::io::Cursor::new(bytes)).expect("reference WebP header");
    let (w, h) = decoder.dimensions();
    let mut buf = vec![0; decoder.output_buffer_size().expect("reference WebP size")];
    decoder.read_image(&mut buf).expect("reference WebP image");
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let data = buf
        .chunks_exact(channels)
        .flat_map(|p| expand(p, 255))
        .collect();
    Rgba8::new(w, h, data).expect("reference WebP buffer")
}

/// Decodes a JPEG with libjpeg-turbo's `djpeg` (Debian's libjpeg-turbo-progs, installed by
/// `scripts/setup.sh --test`), an implementation independent of pixsqueeze's (which decodes JPEG with
/// jpeg-decoder). `None`, with the reason printed, where djpeg is missing; a failure where
/// [`tools_required`].
pub fn jpeg_reference(bytes: &[u8]) -> Option<Rgba8> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let child = Command::new("djpeg")
        .args(["-pnm"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        assert!(
            !tools_required(),
            "djpeg (libjpeg-turbo-progs) is missing; scripts/setup.sh --test installs it"
        );
        println!(
            "SKIP: djpeg (libjpeg-turbo-progs) not found; the independent JPEG check is skipped"
        );
        return None;
    };
    // Feed stdin from another thread: djpeg streams rows of a single-scan JPEG out while still
    // reading, and would block on a full stdout pipe that nobody reads yet.
    let mut stdin = child.stdin.take().expect("djpeg stdin");
    let input = bytes.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("djpeg runs");
    feeder.join().expect("djpeg feeder").expect("djpeg input");
    assert!(out.status.success(), "djpeg rejected our JPEG");
    Some(parse_pnm(&out.stdout))
}

/// A binary PPM (P6) or PGM (P5) with maxval 255, as RGBA8.
fn parse_pnm(pnm: &[u8]) -> Rgba8 {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pnm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pnm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&pnm[start..at]).unwrap().to_string());
    }
    let body = &pnm[at + 1..];
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let channels = if fields[0] == "P6" { 3 } else { 1 };
    let data = body
        .chunks_exact(channels)
        .flat_map(|p| expand(p, 255))
        .collect();
    Rgba8::new(w, h, data).expect("PNM buffer")
}

/// Whether this build writes `format`: the core build (`--no-default-features`, the first wasm module)
/// leaves WebP, and `auto` which weighs it, to the full build, and AVIF to the `avif` build.
pub fn writes(format: pixsqueeze::Format) -> bool {
    use pixsqueeze::Format;
    let needs_avif = format == Format::Avif;
    let needs_full = matches!(
        format,
        Format::Webp | Format::PngPalette | Format::Apng | Format::Auto
    );
    (!needs_avif || cfg!(feature = "avif")) && (!needs_full || cfg!(feature = "full"))
}

/// Decodes an AVIF with libavif's `avifdec` (Debian's libavif-bin, installed by
/// `scripts/setup.sh --test`) through libaom's decoder: a container reader and an AV1 decoder
/// independent of pixsqueeze's. `None`, with the reason printed, where avifdec is missing; under
/// `CI=true` a missing avifdec fails.
pub fn avif_reference(bytes: &[u8]) -> Option<Image> {
    avif_reference_png(bytes).map(|png| png_reference(&png))
}

/// The PNG avifdec writes for an AVIF (its pixels and, if the AVIF had one, its ICC profile).
pub fn avif_reference_png(bytes: &[u8]) -> Option<Vec<u8>> {
    run_libavif(
        "avifdec",
        &[],
        bytes,
        ("avif", "png"),
        "the independent AVIF check",
    )
}

/// Encodes a PNG file with libavif's `avifenc` through libaom: an AVIF made by another encoder, for
/// our decoder. `None` where avifenc is missing (as [`avif_reference`]).
pub fn avif_from_elsewhere(png: &[u8], extra: &[&str]) -> Option<Vec<u8>> {
    avif_from_elsewhere_args(png, &[&["--speed", "9"][..], extra].concat())
}

/// avifenc through libaom with exactly `args` (besides the codec and one thread).
pub fn avif_from_elsewhere_args(png: &[u8], args: &[&str]) -> Option<Vec<u8>> {
    run_libavif(
        "avifenc",
        args,
        png,
        ("png", "avif"),
        "AVIF from another encoder",
    )
}

/// Runs libavif's `tool` (avifdec or avifenc, through libaom, one thread) with `args` on `input`
/// written to a temporary file with extension `ext.0`, and returns the file it writes (extension
/// `ext.1`). `None`, with `what` said skipped, where the tool is missing (a failure under CI=true).
fn run_libavif(
    tool: &str,
    args: &[&str],
    input: &[u8],
    ext: (&str, &str),
    what: &str,
) -> Option<Vec<u8>> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stem = std::env::temp_dir().join(format!("pixsqueeze-{tool}-{}-{n}", std::process::id()));
    let (from, to) = (stem.with_extension(ext.0), stem.with_extension(ext.1));
    std::fs::write(&from, input).expect("temp input");
    let run = std::process::Command::new(tool)
        .args(["--codec", "aom", "--jobs", "1"])
        .args(args)
        .arg(&from)
        .arg(&to)
        .output();
    let _ = std::fs::remove_file(&from);
    let Ok(out) = run else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} (libavif-bin) is missing under CI=true"
        );
        println!("SKIP: {tool} (libavif-bin) not found; {what} is skipped");
        return None;
    };
    assert!(
        out.status.success(),
        "{tool} failed on {}: {}",
        ext.0,
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&to).expect("the tool's output");
    let _ = std::fs::remove_file(&to);
    Some(bytes)
}

/// Decodes a WebP with libwebp's `dwebp` (Debian's `webp` package, installed by
/// `scripts/setup.sh --test`), the reference decoder, run as a separate program: RGBA8. `None`, with
/// the reason printed, where dwebp is missing (a failure where [`tools_required`]).
pub fn dwebp_reference(bytes: &[u8]) -> Option<Rgba8> {
    use std::process::Command;
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pixsqueeze-dwebp-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (input, output) = (dir.join("in.webp"), dir.join("out.pam"));
    std::fs::write(&input, bytes).expect("write the WebP");
    let run = Command::new("dwebp")
        .arg(&input)
        .args(["-pam", "-quiet", "-o"])
        .arg(&output)
        .status();
    let Ok(status) = run else {
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            !tools_required(),
            "dwebp (Debian's webp package) is missing; scripts/setup.sh --test installs it"
        );
        println!(
            "SKIP: dwebp (Debian's webp package) not found; the libwebp decoder check is skipped"
        );
        return None;
    };
    assert!(status.success(), "dwebp rejected our WebP");
    let pam = std::fs::read(&output).expect("dwebp wrote its output");
    let _ = std::fs::remove_dir_all(&dir);
    Some(parse_pam(&pam))
}

/// A PAM (P7) as dwebp writes it: RGB_ALPHA, maxval 255.
fn parse_pam(pam: &[u8]) -> Rgba8 {
    let end = pam
        .windows(7)
        .position(|w| w == b"ENDHDR\n")
        .expect("PAM header");
    let header = std::str::from_utf8(&pam[..end]).expect("PAM header text");
    let field = |name: &str| -> u32 {
        header
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("PAM {name}"))
    };
    let (w, h, depth) = (field("WIDTH"), field("HEIGHT"), field("DEPTH"));
    assert_eq!(depth, 4, "dwebp writes RGBA PAM");
    Rgba8::new(w, h, pam[end + 7..].to_vec()).expect("PAM buffer")
}
