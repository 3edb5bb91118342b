//! Replays every saved fuzz input (`fuzz/regressions/<target>/*`: crashes the fuzzers found, minimised,
//! and hand-made hostile files) through the fuzz targets' own bodies, natively on stable Rust, so a
//! fixed crash stays fixed without nightly or libFuzzer.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for path in &files {
        let bytes = std::fs::read(path).expect("readable regression input");
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // Run each on its own so one failure names its input instead of ending the loop unexplained.
        if std::panic::catch_unwind(|| run(&bytes)).is_err() {
            panic!("{target}: regression input {name} fails again");
        }
    }
    println!("{target}: {} regression inputs pass", files.len());
}

#[test]
fn decode_regressions() {
    replay("decode", harness::decode);
}

#[test]
fn compress_regressions() {
    replay("compress", harness::compress);
}

#[test]
fn roundtrip_regressions() {
    replay("roundtrip", harness::roundtrip);
}

#[test]
fn options_regressions() {
    replay("options", harness::options);
}

#[test]
fn deflate_regressions() {
    replay("deflate", harness::deflate);
}

#[test]
fn search_regressions() {
    replay("search", harness::search);
}

use harness::hostile;

/// The hostile classes made in code (`fuzz/src/hostile.rs`) through the targets they seed: each is
/// refused or handled, with no panic. `PIXSQUEEZE_WRITE_SEEDS=dir` writes them to `dir/<target>/`,
/// which `scripts/fuzz.sh` passes to the fuzzers as seeds.
#[test]
fn hostile_seeds_pass_their_targets() {
    let progressive = pixsqueeze::encode(
        &pixsqueeze::Rgba8::new(
            64,
            48,
            (0..64 * 48 * 4).map(|i| (i * 7 % 251) as u8).collect(),
        )
        .expect("sized")
        .into(),
        &serde_json::from_str(r#"{"format":"jpeg","progressive":true}"#).expect("options"),
    )
    .expect("encodes");
    let seeds = hostile::seeds(&progressive);
    let out = std::env::var_os("PIXSQUEEZE_WRITE_SEEDS").map(std::path::PathBuf::from);
    for (target, name, input) in &seeds {
        assert!(input.len() <= 65_536, "{name}: {} bytes", input.len());
        let run: fn(&[u8]) = match *target {
            "decode" => harness::decode,
            "compress" => harness::compress,
            _ => harness::search,
        };
        if std::panic::catch_unwind(|| run(input)).is_err() {
            panic!("{target}: hostile seed {name} fails");
        }
        if let Some(dir) = &out {
            let dir = dir.join(target);
            std::fs::create_dir_all(&dir).expect("seed directory");
            std::fs::write(dir.join(name), input).expect("seed written");
        }
    }
    println!("{} hostile seeds pass", seeds.len());
}
