//! The AVIF container (HEIF/MIAF over ISOBMFF) around one or two AV1 still frames: the colour image
//! and, for transparent images, an alpha image as its auxiliary item. Only the boxes a still image
//! needs, in the order libavif writes them, so every AVIF reader we know accepts the file.

/// What the container says about the colour item beside its AV1 data.
pub(super) struct Item<'a> {
    /// The AV1 bitstream (OBUs) of one key frame.
    pub data: &'a [u8],
    /// The `av1C` record (`AV1CodecConfigurationRecord`, the encoder's sequence header inside).
    pub av1c: &'a [u8],
    /// Bits per channel.
    pub depth: u8,
}

/// The colour description written as an `nclx` `colr` box (ITU-T H.273 code points).
pub(super) struct Nclx {
    pub primaries: u16,
    pub transfer: u16,
    pub matrix: u16,
    pub full_range: bool,
}

/// The alpha auxiliary image's type, as MIAF names it.
const ALPHA_URN: &[u8] = b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha\0";

/// A box: 32-bit size, type, then the body.
fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    // AVIF headers and still frames stay far below 4 GiB: the encoder's input is at most 100 MP.
    out.extend_from_slice(&(body.len() as u32 + 8).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A full box: a box whose body starts with a version byte and 24 bits of flags.
fn full_box(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(body.len() + 4);
    b.push(version);
    b.extend_from_slice(&flags.to_be_bytes()[1..]);
    b.extend_from_slice(body);
    boxed(kind, &b)
}

fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Writes the file: `ftyp`, `meta` (with every item's properties and locations), `mdat`.
pub(super) fn write(
    width: u32,
    height: u32,
    color: &Item,
    alpha: Option<&Item>,
    nclx: &Nclx,
    icc: Option<&[u8]>,
) -> Vec<u8> {
    let ftyp = boxed(b"ftyp", &concat(&[b"avif", &[0; 4], b"avifmif1miafMA1B"]));
    let hdlr = full_box(b"hdlr", 0, 0, &concat(&[&[0; 4], b"pict", &[0; 12], b"\0"]));
    let pitm = full_box(b"pitm", 0, 0, &1u16.to_be_bytes());

    let infe = |id: u16, name: &[u8]| {
        full_box(
            b"infe",
            2,
            // An auxiliary item is hidden: a reader shows the colour item only.
            u32::from(id != 1),
            &concat(&[&id.to_be_bytes(), &[0, 0], b"av01", name]),
        )
    };
    let mut iinf_body = (if alpha.is_some() { 2u16 } else { 1 })
        .to_be_bytes()
        .to_vec();
    iinf_body.extend(infe(1, b"Color\0"));
    if alpha.is_some() {
        iinf_body.extend(infe(2, b"Alpha\0"));
    }
    let iinf = full_box(b"iinf", 0, 0, &iinf_body);

    // Item 2 (alpha) is an auxiliary image of item 1.
    let iref = alpha.map(|_| {
        full_box(
            b"iref",
            0,
            0,
            &boxed(
                b"auxl",
                &concat(&[
                    &2u16.to_be_bytes(),
                    &1u16.to_be_bytes(),
                    &1u16.to_be_bytes(),
                ]),
            ),
        )
    });

    // Properties, numbered from 1 in the order they sit in `ipco`.
    let mut ipco: Vec<Vec<u8>> = Vec::new();
    let mut add = |b: Vec<u8>| {
        ipco.push(b);
        ipco.len() as u8
    };
    let ispe = add(full_box(
        b"ispe",
        0,
        0,
        &concat(&[&width.to_be_bytes(), &height.to_be_bytes()]),
    ));
    let pixi = add(full_box(
        b"pixi",
        0,
        0,
        &[3, color.depth, color.depth, color.depth],
    ));
    let av1c = add(boxed(b"av1C", color.av1c));
    let mut nclx_body = b"nclx".to_vec();
    nclx_body.extend_from_slice(&nclx.primaries.to_be_bytes());
    nclx_body.extend_from_slice(&nclx.transfer.to_be_bytes());
    nclx_body.extend_from_slice(&nclx.matrix.to_be_bytes());
    nclx_body.push(if nclx.full_range { 0x80 } else { 0 });
    let colr = add(boxed(b"colr", &nclx_body));
    let prof = icc.map(|icc| add(boxed(b"colr", &concat(&[b"prof", icc]))));
    // (property index, essential): av1C must be understood to decode the item.
    let mut color_props = vec![(ispe, false), (pixi, false), (av1c, true), (colr, false)];
    color_props.extend(prof.map(|p| (p, false)));
    let alpha_props = alpha.map(|a| {
        let pixi = add(full_box(b"pixi", 0, 0, &[1, a.depth]));
        let av1c = add(boxed(b"av1C", a.av1c));
        let auxc = add(full_box(b"auxC", 0, 0, ALPHA_URN));
        vec![(ispe, false), (pixi, false), (av1c, true), (auxc, true)]
    });
    let mut ipma_body = (if alpha.is_some() { 2u32 } else { 1 })
        .to_be_bytes()
        .to_vec();
    for (id, props) in [(1u16, Some(&color_props)), (2, alpha_props.as_ref())] {
        let Some(props) = props else { continue };
        ipma_body.extend_from_slice(&id.to_be_bytes());
        ipma_body.push(props.len() as u8);
        ipma_body.extend(
            props
                .iter()
                .map(|&(i, essential)| i | if essential { 0x80 } else { 0 }),
        );
    }
    let iprp = boxed(
        b"iprp",
        &concat(&[
            &boxed(b"ipco", &ipco.concat()),
            &full_box(b"ipma", 0, 0, &ipma_body),
        ]),
    );

    // iloc with 4-byte offsets and lengths; its size does not depend on the offsets it holds, so the
    // offsets are known once the meta box is laid out with placeholders.
    let iloc = |mdat_start: u32| {
        let mut body = vec![0x44, 0x00];
        let items: Vec<&Item> = std::iter::once(color).chain(alpha).collect();
        body.extend_from_slice(&(items.len() as u16).to_be_bytes());
        let mut at = mdat_start + 8;
        for (i, item) in items.iter().enumerate() {
            body.extend_from_slice(&(i as u16 + 1).to_be_bytes());
            body.extend_from_slice(&[0, 0, 0, 1]); // data reference 0 (this file), one extent
            body.extend_from_slice(&at.to_be_bytes());
            body.extend_from_slice(&(item.data.len() as u32).to_be_bytes());
            at += item.data.len() as u32;
        }
        full_box(b"iloc", 0, 0, &body)
    };
    let meta = |iloc: &[u8]| {
        full_box(
            b"meta",
            0,
            0,
            &concat(&[
                &hdlr,
                &pitm,
                iloc,
                &iinf,
                iref.as_deref().unwrap_or(&[]),
                &iprp,
            ]),
        )
    };
    let meta_len = meta(&iloc(0)).len();
    let mdat_start = (ftyp.len() + meta_len) as u32;
    let meta = meta(&iloc(mdat_start));

    let mdat_len = color.data.len() + alpha.map_or(0, |a| a.data.len());
    let mut out = Vec::with_capacity(mdat_start as usize + 8 + mdat_len);
    out.extend(ftyp);
    out.extend(meta);
    out.extend_from_slice(&(mdat_len as u32 + 8).to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.extend_from_slice(color.data);
    out.extend(alpha.map_or(&[][..], |a| a.data));
    out
}
