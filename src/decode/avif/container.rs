//! A small, safe reader of the AVIF container (HEIF/MIAF over ISOBMFF): it finds the primary item's
//! AV1 data, its alpha auxiliary item, and the properties a still image needs (`ispe`, `av1C`, `colr`,
//! `auxC`, `irot`, `imir`, `pixi`). Every read is bounds-checked and every count is checked against
//! the bytes left, so a truncated or hostile file is a typed error before anything large is allocated.

use std::collections::HashMap;

use crate::error::{Error, Result};

fn truncated(what: &str) -> Error {
    Error::Decode(format!(
        "the AVIF is truncated or damaged: {what} ends before its data does"
    ))
}

fn damaged(what: &str) -> Error {
    Error::Decode(format!("the AVIF is damaged: {what}"))
}

/// A cursor over a box body.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], what: &'static str) -> Self {
        Reader { data, at: 0, what }
    }

    fn left(&self) -> usize {
        self.data.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| truncated(self.what))?;
        let s = &self.data[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// An unsigned integer of `size` bytes (0, 4 or 8, as `iloc` sizes are).
    fn sized(&mut self, size: u8) -> Result<u64> {
        Ok(match size {
            0 => 0,
            4 => u64::from(self.u32()?),
            8 => {
                let b = self.take(8)?;
                u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
            }
            _ => {
                return Err(damaged(
                    "an item location uses a field size other than 0, 4 or 8",
                ))
            }
        })
    }

    /// A full box's version and flags.
    fn version_flags(&mut self) -> Result<(u8, u32)> {
        let v = self.u32()?;
        Ok(((v >> 24) as u8, v & 0xff_ffff))
    }

    /// An item ID: 16 bits in version 0 of most boxes, 32 after.
    fn item_id(&mut self, wide: bool) -> Result<u32> {
        if wide {
            self.u32()
        } else {
            Ok(u32::from(self.u16()?))
        }
    }
}

/// The boxes in `data`, in order, as (type, body).
fn boxes<'a>(data: &'a [u8], what: &'static str) -> Result<Vec<([u8; 4], &'a [u8])>> {
    let mut r = Reader::new(data, what);
    let mut out = Vec::new();
    while r.left() > 0 {
        let size = r.u32()?;
        let kind: [u8; 4] = r.take(4)?.try_into().map_err(|_| truncated(what))?;
        let body_len = match size {
            0 => r.left(),
            1 => {
                let large = r.sized(8)?;
                usize::try_from(large)
                    .ok()
                    .and_then(|l| l.checked_sub(16))
                    .ok_or_else(|| damaged("a box declares a size smaller than its header"))?
            }
            s if s < 8 => return Err(damaged("a box declares a size smaller than its header")),
            s => s as usize - 8,
        };
        out.push((kind, r.take(body_len)?));
    }
    Ok(out)
}

/// The colour description of an `nclx` `colr` box (ITU-T H.273 code points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Nclx {
    pub matrix: u16,
    pub full_range: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Property {
    Ispe(u32, u32),
    Nclx(Nclx),
    Icc(Vec<u8>),
    AuxType(Vec<u8>),
    /// Anticlockwise rotation in quarter turns.
    Irot(u8),
    /// 0: mirror about the vertical axis (left–right), 1: about the horizontal axis.
    Imir(u8),
    /// `av1C`: whether the AV1 stream is coded at more than 8 bits a sample.
    Av1c {
        deep: bool,
    },
    /// Understood well enough to ignore (`pixi`, layer selection).
    Known,
    /// A crop (`clap`) or anything else: refused when essential.
    Other([u8; 4]),
}

/// A transformation a reader applies to show the image upright, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transform {
    Rotate(u8),
    Mirror(u8),
}

/// An image item: its AV1 data and what the container says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Image {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Coded at more than 8 bits a sample (from `av1C`; decoded to 16-bit RGBA).
    pub deep: bool,
}

/// What a still AVIF holds, located and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Avif {
    pub color: Image,
    pub alpha: Option<Image>,
    /// Alpha is premultiplied into the colour (`prem` reference).
    pub premultiplied: bool,
    pub nclx: Option<Nclx>,
    pub icc: Option<Vec<u8>>,
    pub transforms: Vec<Transform>,
}

const ALPHA_URNS: [&[u8]; 2] = [
    b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha",
    b"urn:mpeg:hevc:2015:auxid:1",
];

#[derive(Default)]
struct Item {
    kind: [u8; 4],
    construction: u8,
    base: u64,
    extents: Vec<(u64, u64)>,
    /// (property index from 1, essential)
    props: Vec<(usize, bool)>,
}

/// Whether `bytes` start like an AVIF: an `ftyp` naming an AVIF brand (HEIC and other HEIF files
/// name theirs).
pub(crate) fn is_avif(bytes: &[u8]) -> bool {
    let Some(len) = bytes
        .get(0..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    else {
        return false;
    };
    if bytes.get(4..8) != Some(b"ftyp") || len < 16 {
        return false;
    }
    let ftyp = &bytes[..bytes.len().min(len as usize)];
    let major = ftyp.get(8..12).unwrap_or(&[]);
    let compatible = ftyp.get(16..).unwrap_or(&[]).chunks_exact(4);
    std::iter::once(major)
        .chain(compatible)
        .any(|b| b == b"avif" || b == b"avis")
}

/// Locates the primary image (and its alpha) of a still AVIF, checking `check_size` on its declared
/// size before any item data is copied.
pub(super) fn parse(bytes: &[u8], check_size: impl Fn(u32, u32) -> Result<()>) -> Result<Avif> {
    let top = boxes(bytes, "the file")?;
    let meta = top
        .iter()
        .find(|(k, _)| k == b"meta")
        .map(|(_, b)| *b)
        .ok_or_else(|| truncated("the file (no meta box)"))?;
    let mut r = Reader::new(meta, "the meta box");
    r.version_flags()?;
    let children = boxes(&meta[4..], "the meta box")?;
    let child = |kind: &[u8; 4]| children.iter().find(|(k, _)| k == kind).map(|(_, b)| *b);

    let hdlr = child(b"hdlr").ok_or_else(|| damaged("it has no handler box"))?;
    if hdlr.get(8..12) != Some(b"pict") {
        return Err(Error::Unsupported(
            "this AVIF holds no still image (an image sequence?); pixsqueeze reads still AVIF"
                .into(),
        ));
    }
    let primary = {
        let mut r = Reader::new(
            child(b"pitm").ok_or_else(|| damaged("it names no primary item"))?,
            "pitm",
        );
        let (v, _) = r.version_flags()?;
        r.item_id(v > 0)?
    };

    let mut items: HashMap<u32, Item> = HashMap::new();
    if let Some(iinf) = child(b"iinf") {
        let mut r = Reader::new(iinf, "the item list");
        let (v, _) = r.version_flags()?;
        let count = r.item_id(v > 0)?;
        let infes = boxes(&iinf[r.at..], "the item list")?;
        if infes.len() < count as usize {
            return Err(truncated("the item list"));
        }
        for (kind, body) in infes.iter().filter(|(k, _)| k == b"infe") {
            let _ = kind;
            let mut r = Reader::new(body, "an item entry");
            let (v, _) = r.version_flags()?;
            if v < 2 {
                continue;
            }
            let id = r.item_id(v > 2)?;
            r.u16()?; // protection index
            let kind: [u8; 4] = r
                .take(4)?
                .try_into()
                .map_err(|_| truncated("an item entry"))?;
            items.entry(id).or_default().kind = kind;
        }
    }

    let iloc = child(b"iloc").ok_or_else(|| damaged("it has no item locations"))?;
    {
        let mut r = Reader::new(iloc, "the item locations");
        let (v, _) = r.version_flags()?;
        if v > 2 {
            return Err(Error::Unsupported(format!(
                "AVIF item locations version {v}"
            )));
        }
        let sizes = r.u16()?;
        let (offset_size, length_size) = ((sizes >> 12) as u8, ((sizes >> 8) & 15) as u8);
        let (base_size, index_size) = (((sizes >> 4) & 15) as u8, (sizes & 15) as u8);
        let count = if v < 2 { u32::from(r.u16()?) } else { r.u32()? };
        for _ in 0..count {
            let id = r.item_id(v == 2)?;
            let construction = if v > 0 { (r.u16()? & 15) as u8 } else { 0 };
            r.u16()?; // data reference index
            let base = r.sized(base_size)?;
            let extents = r.u16()?;
            let mut list = Vec::new();
            for _ in 0..extents {
                if v > 0 && index_size > 0 {
                    r.sized(index_size)?;
                }
                let off = r.sized(offset_size)?;
                let len = r.sized(length_size)?;
                list.push((off, len));
            }
            let item = items.entry(id).or_default();
            item.construction = construction;
            item.base = base;
            item.extents = list;
        }
    }

    // Properties, numbered from 1.
    let mut props: Vec<Property> = Vec::new();
    if let Some(iprp) = child(b"iprp") {
        let iprp = boxes(iprp, "the item properties")?;
        if let Some((_, ipco)) = iprp.iter().find(|(k, _)| k == b"ipco") {
            for (kind, body) in boxes(ipco, "the item properties")? {
                props.push(property(kind, body)?);
            }
        }
        for (_, ipma) in iprp.iter().filter(|(k, _)| k == b"ipma") {
            let mut r = Reader::new(ipma, "the property associations");
            let (v, flags) = r.version_flags()?;
            let count = r.u32()?;
            for _ in 0..count {
                let id = r.item_id(v > 0)?;
                let n = r.u8()?;
                for _ in 0..n {
                    let (essential, index) = if flags & 1 == 1 {
                        let v = r.u16()?;
                        (v & 0x8000 != 0, usize::from(v & 0x7fff))
                    } else {
                        let v = r.u8()?;
                        (v & 0x80 != 0, usize::from(v & 0x7f))
                    };
                    if index > 0 {
                        items.entry(id).or_default().props.push((index, essential));
                    }
                }
            }
        }
    }
    let prop = |i: usize| props.get(i.wrapping_sub(1));

    // References: the alpha item points at the primary with `auxl`; `prem` says it is premultiplied.
    let mut auxl: Vec<u32> = Vec::new();
    let mut premultiplied = false;
    if let Some(iref) = child(b"iref") {
        let mut r = Reader::new(iref, "the item references");
        let (v, _) = r.version_flags()?;
        for (kind, body) in boxes(&iref[4..], "the item references")? {
            let mut r = Reader::new(body, "an item reference");
            let from = r.item_id(v > 0)?;
            let n = r.u16()?;
            for _ in 0..n {
                let to = r.item_id(v > 0)?;
                if to == primary && &kind == b"auxl" {
                    auxl.push(from);
                }
                if from == primary && &kind == b"prem" {
                    premultiplied = true;
                }
            }
        }
        let _ = r.left();
    }

    let item = items
        .get(&primary)
        .ok_or_else(|| damaged("its primary item is not described"))?;
    match &item.kind {
        b"av01" => {}
        b"grid" => {
            return Err(Error::Unsupported(
                "AVIF grid images (tiles of AV1 frames) are not read by pixsqueeze yet".into(),
            ))
        }
        other => {
            return Err(Error::Unsupported(format!(
                "the AVIF's image is coded as {:?}, not AV1",
                String::from_utf8_lossy(other)
            )))
        }
    }
    let mut nclx = None;
    let mut icc = None;
    let mut transforms = Vec::new();
    let mut size = None;
    let mut deep = false;
    for &(i, essential) in &item.props {
        match prop(i) {
            Some(Property::Ispe(w, h)) => size = Some((*w, *h)),
            Some(Property::Av1c { deep: d }) => deep = *d,
            Some(Property::Nclx(n)) => nclx = nclx.or(Some(*n)),
            Some(Property::Icc(p)) => icc = icc.clone().or_else(|| Some(p.clone())),
            Some(Property::Irot(a)) => transforms.push(Transform::Rotate(*a)),
            Some(Property::Imir(a)) => transforms.push(Transform::Mirror(*a)),
            Some(Property::Known | Property::AuxType(_)) => {}
            Some(Property::Other(kind)) if essential => {
                return Err(Error::Unsupported(format!(
                    "the AVIF needs its {:?} property applied, which pixsqueeze does not do",
                    String::from_utf8_lossy(kind)
                )))
            }
            Some(Property::Other(_)) => {}
            None => return Err(damaged("an item names a property that does not exist")),
        }
    }
    let (width, height) = size.ok_or_else(|| damaged("its image has no size (ispe)"))?;
    check_size(width, height)?;
    let color = Image {
        data: item_data(bytes, item, child(b"idat"))?,
        width,
        height,
        deep,
    };

    let alpha_item = auxl.iter().filter_map(|id| items.get(id)).find(|it| {
        it.kind == *b"av01"
            && it.props.iter().any(|&(i, _)| {
                matches!(prop(i), Some(Property::AuxType(t)) if ALPHA_URNS.contains(&t.as_slice()))
            })
    });
    let alpha = match alpha_item {
        None => None,
        Some(it) => {
            let (w, h) = it
                .props
                .iter()
                .find_map(|&(i, _)| match prop(i) {
                    Some(Property::Ispe(w, h)) => Some((*w, *h)),
                    _ => None,
                })
                .unwrap_or((width, height));
            check_size(w, h)?;
            Some(Image {
                data: item_data(bytes, it, child(b"idat"))?,
                width: w,
                height: h,
                deep,
            })
        }
    };
    Ok(Avif {
        color,
        alpha,
        premultiplied,
        nclx,
        icc,
        transforms,
    })
}

fn property(kind: [u8; 4], body: &[u8]) -> Result<Property> {
    let mut r = Reader::new(body, "an item property");
    Ok(match &kind {
        b"ispe" => {
            r.version_flags()?;
            Property::Ispe(r.u32()?, r.u32()?)
        }
        b"colr" => match r.take(4)? {
            b"nclx" => {
                r.take(4)?; // primaries, transfer: the pixels are not colour-managed from them
                let matrix = r.u16()?;
                let full_range = r.u8()? & 0x80 != 0;
                Property::Nclx(Nclx { matrix, full_range })
            }
            b"prof" | b"rICC" => Property::Icc(body[4..].to_vec()),
            _ => Property::Known,
        },
        b"auxC" => {
            r.version_flags()?;
            let rest = &body[4..];
            let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            Property::AuxType(rest[..end].to_vec())
        }
        b"irot" => Property::Irot(r.u8()? & 3),
        b"imir" => Property::Imir(r.u8()? & 1),
        // The third byte: seq_tier_0, high_bitdepth, twelve_bit, monochrome, then chroma details.
        b"av1C" => Property::Av1c {
            deep: r.take(3)?[2] & 0x40 != 0,
        },
        b"pixi" | b"lsel" | b"a1op" | b"a1lx" | b"pasp" | b"clli" | b"mdcv" => Property::Known,
        _ => Property::Other(kind),
    })
}

/// The bytes of an item, its extents joined, after checking they all lie inside the file.
fn item_data(file: &[u8], item: &Item, idat: Option<&[u8]>) -> Result<Vec<u8>> {
    let source = match item.construction {
        0 => file,
        1 => idat.ok_or_else(|| damaged("an item lies in a data box that is missing"))?,
        m => {
            return Err(Error::Unsupported(format!(
                "AVIF items built by construction method {m}"
            )))
        }
    };
    if item.extents.is_empty() {
        return Err(damaged("an image item has no data"));
    }
    let mut total = 0usize;
    let mut ranges = Vec::with_capacity(item.extents.len());
    for &(off, len) in &item.extents {
        let start = item.base.checked_add(off);
        // A length of 0 means "to the end of the source".
        let end = match len {
            0 => Some(source.len() as u64),
            l => start.and_then(|s| s.checked_add(l)),
        };
        match (start, end) {
            (Some(s), Some(e)) if s <= e && e <= source.len() as u64 => {
                total = total.saturating_add((e - s) as usize);
                ranges.push(s as usize..e as usize);
            }
            _ => return Err(truncated("an image's data")),
        }
    }
    let mut data = Vec::with_capacity(total);
    for range in ranges {
        data.extend_from_slice(&source[range]);
    }
    Ok(data)
}
