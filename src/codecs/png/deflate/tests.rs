//! Round trips through independent inflaters (miniz_oxide, and Python's zlib where it exists) at
//! every level, on the inputs that stress a DEFLATE encoder's edges.

use super::*;

const LEVELS: [Level; 4] = [Level::Fast, Level::Rank, Level::Default, Level::Max];

fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut next = crate::test_rng::xorshift32(seed.max(1));
    (0..len).map(|_| next() as u8).collect()
}

/// Inflates with miniz_oxide, which shares no code with this encoder.
fn inflate(z: &[u8]) -> Vec<u8> {
    miniz_oxide::inflate::decompress_to_vec_zlib(z).expect("miniz_oxide inflates our stream")
}

/// Compresses `data` at every level, checks each stream inflates back to it, and returns the
/// stream sizes.
fn round_trip(data: &[u8]) -> [usize; 4] {
    LEVELS.map(|level| {
        let z = zlib(data, level);
        assert!(inflate(&z) == data, "{level:?}: round trip differs");
        z.len()
    })
}

#[test]
fn adler32_of_a_known_string() {
    let mut a = Adler32::new();
    a.update(b"Wikipedia");
    assert_eq!(a.value(), 0x11E6_0398);
}

#[test]
fn empty_and_tiny_inputs_round_trip() {
    for data in [&b""[..], b"a", b"ab", b"abc", b"abcabcabcabcabcabcabcabc"] {
        round_trip(data);
    }
}

#[test]
fn fixed_code_literals_of_every_length_round_trip() {
    // Short inputs take the fixed code, whose literals 144-255 have 9-bit codes.
    round_trip(&[0, 193]);
    round_trip(&(0..=255u8).collect::<Vec<_>>());
    round_trip(&[255, 254, 144, 143, 0, 255, 255, 255, 255]);
}

#[test]
fn a_megabyte_of_zeros_becomes_maximal_matches() {
    let sizes = round_trip(&vec![0u8; 1 << 20]);
    // 1 MiB / 258 ≈ 4,064 matches of a few bits each.
    assert!(sizes.iter().all(|&s| s < 4_000), "{sizes:?}");
}

#[test]
fn incompressible_data_costs_little_more_than_stored() {
    // 300 kB of noise: stored blocks, each at most 65,535 bytes, across several block boundaries.
    let data = noise(300_000, 7);
    let sizes = round_trip(&data);
    // Five bytes per stored block (one per 32 Ki symbols at most), plus the zlib header and checksum.
    assert!(
        sizes.iter().all(|&s| s <= data.len() + 5 * 10 + 6),
        "{sizes:?}"
    );
}

#[test]
fn matches_reach_back_to_the_edge_of_the_window() {
    for gap in [32_766usize, 32_767, 32_768, 32_769] {
        let mut data = noise(gap, 3);
        let head: Vec<u8> = data[..3000].to_vec();
        data.extend_from_slice(&head);
        let sizes = round_trip(&data);
        if gap <= 32_767 {
            // The repeat is found across the window instead of costing 3000 more bytes.
            assert!(sizes.iter().all(|&s| s < gap + 200), "gap {gap}: {sizes:?}");
        }
    }
}

#[test]
fn matches_cross_the_megabyte_chunks() {
    // Text-like input of 3.5 MB: short repeats everywhere, long ones across chunk boundaries.
    let words: Vec<&[u8]> = vec![
        b"pixel ",
        b"row ",
        b"filter ",
        b"deflate ",
        b"window ",
        b"\n",
    ];
    let picks = noise(700_000, 11);
    let mut data = Vec::new();
    for (i, &p) in picks.iter().enumerate() {
        data.extend_from_slice(words[usize::from(p) % words.len()]);
        if i % 50_000 == 0 {
            let back = data.len().saturating_sub(20_000);
            let copy = data[back..back + 500.min(data.len() - back)].to_vec();
            data.extend_from_slice(&copy);
        }
    }
    assert!(data.len() > 3 * CHUNK);
    let sizes = round_trip(&data);
    assert!(sizes.iter().all(|&s| s < data.len() / 3), "{sizes:?}");
}

#[test]
fn output_does_not_depend_on_how_input_is_split() {
    let mut data = noise(200_000, 5);
    data.extend(std::iter::repeat_n(9u8, 1_500_000));
    data.extend(noise(100_000, 5));
    for level in LEVELS {
        let whole = zlib(&data, level);
        let mut d = Deflater::new(level);
        for part in data.chunks(7_777) {
            d.write(part);
        }
        assert!(d.finish() == whole, "{level:?}");
    }
}

#[test]
fn levels_order_by_size_on_mixed_data() {
    let mut data = Vec::new();
    for row in 0..400u32 {
        data.extend((0..1200u32).map(|x| ((x * x + row * 7) / 97) as u8 ^ (row as u8 & 3)));
    }
    let [fast, _, default, max] = round_trip(&data);
    assert!(default <= fast && max <= default, "{fast} {default} {max}");
}

#[test]
fn a_block_unlike_the_one_before_finds_its_own_code() {
    // Later near-optimal blocks start from the previous block's prices, unless their bytes differ
    // a lot. Two 64 KiB blocks of four letters, then noise over other bytes (literals the letters'
    // code never used): priced from that code, the two cost 4.9 % more together than apart; now
    // 0.9 %, what the parse block that straddles the change costs.
    let mut letters = crate::test_rng::xorshift32(3);
    let text: Vec<u8> = (0..2 << 16)
        .map(|_| b"abcd"[(letters() % 4) as usize])
        .collect();
    let other: Vec<u8> = noise(150_000, 9).iter().map(|b| 192 | b & 31).collect();
    let both = [text.as_slice(), &other].concat();
    let [_, _, text_alone, _] = round_trip(&text);
    let [_, _, other_alone, _] = round_trip(&other);
    let [_, _, together, _] = round_trip(&both);
    assert!(
        together <= (text_alone + other_alone) * 51 / 50,
        "{together} against {text_alone} + {other_alone}"
    );
}

/// Python's zlib (the C library) as a second, unrelated inflater, where Python is installed.
#[test]
fn python_zlib_inflates_our_streams() {
    let data: Vec<u8> = noise(50_000, 9)
        .iter()
        .flat_map(|&b| [b, b / 2, b / 2, 0])
        .collect();
    for level in LEVELS {
        let z = zlib(&data, level);
        let dir =
            std::env::temp_dir().join(format!("pixsqueeze-zlib-{level:?}-{}", std::process::id()));
        if std::fs::write(&dir, &z).is_err() {
            println!("SKIP: temporary directory not writable");
            return;
        }
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg("import sys, zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1], 'rb').read()))")
            .arg(&dir)
            .output();
        let _ = std::fs::remove_file(&dir);
        match out {
            Ok(out) if out.status.success() => assert!(out.stdout == data, "{level:?}"),
            Ok(out) => panic!("{level:?}: {}", String::from_utf8_lossy(&out.stderr)),
            Err(_) => {
                println!("SKIP: python3 not found");
                return;
            }
        }
    }
}

/// Repeats inserted without comparing ([`matcher::BinaryTrees::replace_repeat`]) leave the trees
/// exactly as comparing would: the streams are byte for byte the same, on runs, short and long
/// periods (a 16-bit pixel repeated, a 12 kB row repeated), noise broken by runs, and rows that
/// repeat the row above for 149 bytes at a time (repeats longer than default's nice length, 96,
/// but shorter than a whole match, 258).
#[test]
fn the_repeat_shortcut_changes_no_output() {
    let row = noise(12_000, 3);
    let inputs: Vec<Vec<u8>> = vec![
        vec![0; 300_000],
        [1, 2, 3, 4, 5, 6].repeat(50_000),
        (0..40).flat_map(|_| row.iter().copied()).collect(),
        noise(200_000, 9)
            .chunks(5_000)
            .flat_map(|c| c.iter().copied().chain(std::iter::repeat_n(7, 3_000)))
            .collect(),
        (0..40u8)
            .flat_map(|r| {
                row.iter()
                    .enumerate()
                    .map(move |(i, &b)| if i % 150 == 0 { b ^ r } else { b })
            })
            .collect(),
    ];
    for data in &inputs {
        for level in [Level::Default, Level::Max] {
            let run = |shortcut: bool| {
                let mut d = Deflater::new(level);
                if let Engine::Optimal(e) = &mut d.engine {
                    e.set_shortcut(shortcut);
                }
                d.write(data);
                d.finish()
            };
            let (with, without) = (run(true), run(false));
            assert!(
                with == without,
                "{level:?}: {} vs {} bytes",
                with.len(),
                without.len()
            );
            assert!(inflate(&with) == *data);
        }
    }
}
