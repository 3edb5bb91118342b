//! WebP's RIFF container, in safe Rust: reading the chunks of a file (its ICC profile and EXIF block,
//! and where a header lies about its length) and re-wrapping libwebp's simple output into the extended
//! format (`VP8X`) when an ICC profile or EXIF block goes with it. libwebp's own muxer would add about
//! 20 KB of C to the wasm for what is a few dozen lines here.

use crate::error::{Error, Result};

/// One chunk: its four-character code and payload (without the padding byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk<'a> {
    pub fourcc: [u8; 4],
    pub data: &'a [u8],
}

/// The chunks of a WebP file, in order.
///
/// # Errors
/// [`Error::Decode`] when the RIFF header is not WebP's, or a chunk runs past the end of the file
/// (a truncated file).
pub(crate) fn chunks(file: &[u8]) -> Result<Vec<Chunk<'_>>> {
    chunks_of(file)
}

fn chunks_of(file: &[u8]) -> Result<Vec<Chunk<'_>>> {
    if file.len() < 12 || &file[..4] != b"RIFF" || &file[8..12] != b"WEBP" {
        return Err(Error::Decode(
            "this is not a WebP file (no RIFF/WEBP header)".into(),
        ));
    }
    let declared = u32::from_le_bytes([file[4], file[5], file[6], file[7]]) as usize;
    // The RIFF size counts from byte 8; a file may carry trailing bytes after it, which we ignore.
    let end = declared.saturating_add(8);
    if end < 12 {
        return Err(Error::Decode(format!(
            "the WebP header declares an impossible size ({declared} bytes)"
        )));
    }
    if end > file.len() {
        return Err(Error::Decode(format!(
            "the WebP file is truncated: its header says {end} bytes, the file has {}",
            file.len()
        )));
    }
    let body = &file[12..end];
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < body.len() {
        let Some(header) = body.get(at..at + 8) else {
            return Err(Error::Decode(
                "the WebP file ends inside a chunk header".into(),
            ));
        };
        let fourcc = [header[0], header[1], header[2], header[3]];
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let start = at + 8;
        let Some(data) = start.checked_add(size).and_then(|e| body.get(start..e)) else {
            return Err(Error::Decode(format!(
                "the WebP chunk {} runs past the end of the file (truncated)",
                String::from_utf8_lossy(&fourcc)
            )));
        };
        out.push(Chunk { fourcc, data });
        // Chunks are padded to an even length.
        at = start + size + (size & 1);
    }
    Ok(out)
}

/// The payload of the first chunk named `fourcc`.
pub(crate) fn find<'a>(chunks: &[Chunk<'a>], fourcc: &[u8; 4]) -> Option<&'a [u8]> {
    chunks.iter().find(|c| &c.fourcc == fourcc).map(|c| c.data)
}

// VP8X flags (WebP container specification).
const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;
const FLAG_ANIMATION: u8 = 0x02;

/// Adds an ICC profile and an EXIF block to a still WebP written by libwebp (`VP8 `, `VP8L`, or
/// `VP8X` + `ALPH` + `VP8 `), as the extended format orders them: `VP8X`, `ICCP`, image chunks,
/// `EXIF`. With neither, the file is returned as it is.
///
/// # Errors
/// [`Error::Encode`] if libwebp's output is not a still WebP (it always is), or the result would
/// exceed RIFF's 4 GiB.
pub(crate) fn add_metadata(
    file: Vec<u8>,
    width: u32,
    height: u32,
    icc: Option<&[u8]>,
    exif: Option<&[u8]>,
) -> Result<Vec<u8>> {
    if icc.is_none() && exif.is_none() {
        return Ok(file);
    }
    let parts = chunks(&file).map_err(|e| Error::Encode(format!("libwebp's output: {e}")))?;
    let mut alpha = false;
    let mut image: Vec<Chunk> = Vec::new();
    for c in parts {
        match &c.fourcc {
            b"VP8X" => {}
            b"ALPH" => {
                alpha = true;
                image.push(c);
            }
            // VP8L's header says whether its image uses alpha (bit 28 after the signature byte).
            b"VP8L" => {
                alpha |= c.data.get(4).is_some_and(|b| b & 0x10 != 0);
                image.push(c);
            }
            b"VP8 " => image.push(c),
            // Nothing else comes out of libwebp's encoder for a still image.
            _ => {}
        }
    }
    if image.is_empty() {
        return Err(Error::Encode("libwebp wrote no image chunk".into()));
    }
    let mut flags = 0u8;
    if icc.is_some() {
        flags |= FLAG_ICC;
    }
    if alpha {
        flags |= FLAG_ALPHA;
    }
    if exif.is_some() {
        flags |= FLAG_EXIF;
    }
    let mut vp8x = [0u8; 10];
    vp8x[0] = flags;
    let (w, h) = (width.saturating_sub(1), height.saturating_sub(1));
    vp8x[4..7].copy_from_slice(&w.to_le_bytes()[..3]);
    vp8x[7..10].copy_from_slice(&h.to_le_bytes()[..3]);

    let mut out = Vec::with_capacity(
        file.len() + 64 + icc.map_or(0, <[u8]>::len) + exif.map_or(0, <[u8]>::len),
    );
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    push_chunk(&mut out, b"VP8X", &vp8x)?;
    if let Some(icc) = icc {
        push_chunk(&mut out, b"ICCP", icc)?;
    }
    for c in &image {
        push_chunk(&mut out, &c.fourcc, c.data)?;
    }
    if let Some(exif) = exif {
        push_chunk(&mut out, b"EXIF", exif)?;
    }
    let riff = u32::try_from(out.len() - 8)
        .map_err(|_| Error::Encode("the WebP would exceed 4 GiB".into()))?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(out)
}

/// One frame of an animation, as a still WebP of its own, where it sits on the canvas, how long it
/// shows and how it is drawn.
pub(crate) struct Frame {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Milliseconds.
    pub duration: u32,
    /// Alpha-blended onto the canvas (else it replaces its rectangle).
    pub blend: bool,
    /// Its rectangle is cleared to transparent before the next frame is drawn.
    pub dispose: bool,
    pub file: Vec<u8>,
}

/// The first `ANMF` frame of an animated WebP, re-wrapped as a still file libwebp's simple decoder
/// reads (`VP8X` + `ALPH` + `VP8 `, or the lone `VP8 `/`VP8L`). `None` when the file has no frame.
///
/// # Errors
/// [`Error::Decode`] for a frame header or sub-chunks that run past their chunk.
pub(crate) fn first_frame(chunks: &[Chunk]) -> Result<Option<Frame>> {
    find(chunks, b"ANMF").map(frame).transpose()
}

/// Every `ANMF` frame of an animated WebP, in order (see [`first_frame`]).
///
/// # Errors
/// As [`first_frame`].
pub(crate) fn frames<'a>(chunks: &'a [Chunk<'a>]) -> impl Iterator<Item = Result<Frame>> + 'a {
    chunks
        .iter()
        .filter(|c| &c.fourcc == b"ANMF")
        .map(|c| frame(c.data))
}

/// The loop count of an animated WebP's `ANIM` chunk (0: forever); `None` without one.
pub(crate) fn loop_count(chunks: &[Chunk]) -> Option<u16> {
    let anim = find(chunks, b"ANIM")?;
    Some(u16::from_le_bytes([*anim.get(4)?, *anim.get(5)?]))
}

fn frame(anmf: &[u8]) -> Result<Frame> {
    let Some(header) = anmf.get(..16) else {
        return Err(Error::Decode(
            "the WebP animation frame header is truncated".into(),
        ));
    };
    let u24 = |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], 0]);
    let (x, y, width, height) = (u24(0) * 2, u24(3) * 2, u24(6) + 1, u24(9) + 1);
    let (duration, flags) = (u24(12), header[15]);
    // The frame's own chunks follow its header: parse them as a RIFF body.
    let mut body = b"RIFF\0\0\0\0WEBP".to_vec();
    body.extend_from_slice(&anmf[16..]);
    let n = u32::try_from(body.len() - 8).map_err(|_| Error::Decode("frame too large".into()))?;
    body[4..8].copy_from_slice(&n.to_le_bytes());
    let parts = chunks_of(&body)?;
    let image = parts
        .iter()
        .find(|c| &c.fourcc == b"VP8 " || &c.fourcc == b"VP8L")
        .ok_or_else(|| Error::Decode("the WebP animation frame has no image data".into()))?;
    let alpha = find(&parts, b"ALPH").filter(|_| &image.fourcc == b"VP8 ");
    let mut file = b"RIFF\0\0\0\0WEBP".to_vec();
    if let Some(alpha) = alpha {
        let mut vp8x = [0u8; 10];
        vp8x[0] = FLAG_ALPHA;
        vp8x[4..7].copy_from_slice(&(width - 1).to_le_bytes()[..3]);
        vp8x[7..10].copy_from_slice(&(height - 1).to_le_bytes()[..3]);
        push_chunk(&mut file, b"VP8X", &vp8x).map_err(|e| Error::Decode(e.to_string()))?;
        push_chunk(&mut file, b"ALPH", alpha).map_err(|e| Error::Decode(e.to_string()))?;
    }
    push_chunk(&mut file, &image.fourcc, image.data).map_err(|e| Error::Decode(e.to_string()))?;
    let n = u32::try_from(file.len() - 8).map_err(|_| Error::Decode("frame too large".into()))?;
    file[4..8].copy_from_slice(&n.to_le_bytes());
    Ok(Frame {
        x,
        y,
        width,
        height,
        duration,
        blend: flags & 0x02 == 0,
        dispose: flags & 0x01 != 0,
        file,
    })
}

/// A frame for [`animation`]: a still WebP from libwebp's encoder and how to place it.
pub(crate) struct FrameOut<'a> {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub duration: u32,
    pub blend: bool,
    pub still: &'a [u8],
}

/// One `ANMF` chunk's payload for a frame: its header, then the still file's image chunks (`ALPH`
/// and `VP8 `, or `VP8L`) without the RIFF header and `VP8X`. Offsets must be even.
///
/// # Errors
/// [`Error::Encode`] if the still file is not one libwebp writes, or a field overflows 24 bits.
pub(crate) fn anmf(frame: &FrameOut) -> Result<Vec<u8>> {
    let parts = chunks(frame.still).map_err(|e| Error::Encode(format!("libwebp's output: {e}")))?;
    let u24 = |v: u32, what: &str| -> Result<[u8; 3]> {
        if v >= 1 << 24 {
            return Err(Error::Encode(format!(
                "the frame's {what} ({v}) overflows 24 bits"
            )));
        }
        let b = v.to_le_bytes();
        Ok([b[0], b[1], b[2]])
    };
    if !frame.x.is_multiple_of(2)
        || !frame.y.is_multiple_of(2)
        || frame.width == 0
        || frame.height == 0
    {
        return Err(Error::Encode("a WebP frame's offsets must be even".into()));
    }
    let mut out = Vec::with_capacity(frame.still.len() + 16);
    out.extend_from_slice(&u24(frame.x / 2, "x offset")?);
    out.extend_from_slice(&u24(frame.y / 2, "y offset")?);
    out.extend_from_slice(&u24(frame.width - 1, "width")?);
    out.extend_from_slice(&u24(frame.height - 1, "height")?);
    out.extend_from_slice(&u24(frame.duration, "duration")?);
    out.push(if frame.blend { 0 } else { 0x02 });
    let mut image = false;
    for c in parts {
        match &c.fourcc {
            b"ALPH" => push_chunk(&mut out, &c.fourcc, c.data)?,
            b"VP8 " | b"VP8L" => {
                image = true;
                push_chunk(&mut out, &c.fourcc, c.data)?;
            }
            _ => {}
        }
    }
    if !image {
        return Err(Error::Encode("libwebp wrote no image chunk".into()));
    }
    Ok(out)
}

/// An animated WebP: `VP8X` (animation, alpha, ICC and EXIF flags), `ICCP`, `ANIM` (transparent
/// background, `loops`: 0 = forever), the `ANMF` payloads from [`anmf`], then `EXIF`, in the
/// extended format's order.
///
/// # Errors
/// [`Error::Encode`] when the file would exceed RIFF's 4 GiB.
pub(crate) fn animation(
    width: u32,
    height: u32,
    loops: u16,
    alpha: bool,
    icc: Option<&[u8]>,
    exif: Option<&[u8]>,
    frames: &[Vec<u8>],
) -> Result<Vec<u8>> {
    let mut flags = FLAG_ANIMATION;
    if alpha {
        flags |= FLAG_ALPHA;
    }
    if icc.is_some() {
        flags |= FLAG_ICC;
    }
    if exif.is_some() {
        flags |= FLAG_EXIF;
    }
    let mut vp8x = [0u8; 10];
    vp8x[0] = flags;
    vp8x[4..7].copy_from_slice(&(width.saturating_sub(1)).to_le_bytes()[..3]);
    vp8x[7..10].copy_from_slice(&(height.saturating_sub(1)).to_le_bytes()[..3]);
    let total: usize = frames.iter().map(|f| f.len() + 9).sum();
    let mut out =
        Vec::with_capacity(total + 64 + icc.map_or(0, <[u8]>::len) + exif.map_or(0, <[u8]>::len));
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    push_chunk(&mut out, b"VP8X", &vp8x)?;
    if let Some(icc) = icc {
        push_chunk(&mut out, b"ICCP", icc)?;
    }
    let mut anim = [0u8; 6];
    anim[4..6].copy_from_slice(&loops.to_le_bytes());
    push_chunk(&mut out, b"ANIM", &anim)?;
    for f in frames {
        push_chunk(&mut out, b"ANMF", f)?;
    }
    if let Some(exif) = exif {
        push_chunk(&mut out, b"EXIF", exif)?;
    }
    let riff = u32::try_from(out.len() - 8)
        .map_err(|_| Error::Encode("the WebP would exceed 4 GiB".into()))?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(out)
}

fn push_chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) -> Result<()> {
    let size = u32::try_from(data.len())
        .ok()
        .filter(|&s| s < u32::MAX - 1)
        .ok_or_else(|| Error::Encode("a WebP chunk cannot hold 4 GiB".into()))?;
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riff(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
        for (fourcc, data) in chunks {
            push_chunk(&mut out, fourcc, data).unwrap();
        }
        let n = (out.len() - 8) as u32;
        out[4..8].copy_from_slice(&n.to_le_bytes());
        out
    }

    #[test]
    fn metadata_goes_in_the_extended_order_with_flags_and_padding() {
        let simple = riff(&[(b"VP8 ", b"abc")]);
        let out = add_metadata(simple, 300, 200, Some(b"icc"), Some(b"exif!")).unwrap();
        let c = chunks(&out).unwrap();
        let names: Vec<_> = c.iter().map(|c| c.fourcc).collect();
        assert_eq!(names, [*b"VP8X", *b"ICCP", *b"VP8 ", *b"EXIF"]);
        let vp8x = c[0].data;
        assert_eq!(vp8x[0], FLAG_ICC | FLAG_EXIF);
        assert_eq!(&vp8x[4..7], &299u32.to_le_bytes()[..3]);
        assert_eq!(&vp8x[7..10], &199u32.to_le_bytes()[..3]);
        assert_eq!(find(&c, b"ICCP"), Some(&b"icc"[..]));
        assert_eq!(find(&c, b"EXIF"), Some(&b"exif!"[..]));
        assert_eq!(out.len() % 2, 0);
    }

    #[test]
    fn alpha_is_flagged_from_alph_or_the_lossless_header() {
        let lossy = riff(&[
            (b"VP8X", &[0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (b"ALPH", b"a"),
            (b"VP8 ", b"v"),
        ]);
        let out = add_metadata(lossy, 1, 1, Some(b"p"), None).unwrap();
        let c = chunks(&out).unwrap();
        assert_eq!(c[0].data[0], FLAG_ICC | FLAG_ALPHA);
        assert_eq!(
            c.iter().map(|c| c.fourcc).collect::<Vec<_>>(),
            [*b"VP8X", *b"ICCP", *b"ALPH", *b"VP8 "]
        );
        let lossless = riff(&[(b"VP8L", &[0x2f, 0, 0, 0, 0x10])]);
        let out = add_metadata(lossless, 1, 1, None, Some(b"e")).unwrap();
        assert_eq!(chunks(&out).unwrap()[0].data[0], FLAG_ALPHA | FLAG_EXIF);
    }

    #[test]
    fn truncated_and_foreign_files_are_decode_errors() {
        let file = riff(&[(b"VP8 ", b"abcdef")]);
        for n in 0..file.len() {
            assert!(
                matches!(chunks(&file[..n]), Err(Error::Decode(_))),
                "prefix {n}"
            );
        }
        let mut lying = file.clone();
        lying[16] = 0xff; // the chunk claims 255 bytes
        assert!(matches!(chunks(&lying), Err(Error::Decode(_))));
        assert!(chunks(b"RIFF\x04\0\0\0WAVE").is_err());
    }
}
