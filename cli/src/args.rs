//! The command line. Every encoding flag is made from the core's option meta (`Format::ALL`, each
//! format's `meta().options` and `COMMON_OPTIONS`), the same meta that makes the package's typings and
//! the page's controls, so the three cannot drift. Flag values are parsed into the same `Options` the
//! package's JS object becomes (through serde), so ranges and messages are the core's own.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use pixsqueeze::{
    Format, OptionKind, OptionMeta, Options, Settings, COMMON_OPTIONS, LIMIT_OPTIONS,
};
use serde_json::{Map, Value};

use crate::failure::Failure;

/// What one run does, every flag checked.
pub struct Config {
    pub inputs: Vec<String>,
    pub target: Target,
    pub skip_larger: bool,
    pub jobs: usize,
    /// Bytes the files in flight may take together (estimated from their headers).
    pub memory: u64,
    pub report: Option<PathBuf>,
    pub quiet: bool,
    pub options: Options,
    pub settings: Settings,
}

/// Where results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A folder mirroring the input tree.
    Dir(PathBuf),
    /// Over the originals, through a temporary file and a rename.
    InPlace,
    /// Nowhere: compress, measure and report only.
    DryRun,
}

/// An encoding option as the command line offers it.
struct Flag {
    meta: &'static OptionMeta,
    /// The ids of the formats that read it; empty for the options every format reads.
    formats: Vec<&'static str>,
}

/// Every option of every format, once each: each format's own in format order (the JPEG quality
/// first), then the ones every format reads.
fn encoding_flags() -> Vec<Flag> {
    let mut flags: Vec<Flag> = Vec::new();
    for format in Format::ALL {
        let fmt = format.meta();
        for meta in fmt.options {
            if COMMON_OPTIONS.iter().any(|c| c.name == meta.name) {
                continue;
            }
            match flags.iter_mut().find(|f| f.meta.name == meta.name) {
                Some(flag) => flag.formats.push(fmt.id),
                None => flags.push(Flag {
                    meta,
                    formats: vec![fmt.id],
                }),
            }
        }
    }
    flags.extend(COMMON_OPTIONS.iter().map(|meta| Flag {
        meta,
        formats: Vec::new(),
    }));
    flags
}

/// `maxBytes` → `max-bytes`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Options counted in bytes take sizes such as `200KB`.
fn is_size(name: &str) -> bool {
    name.ends_with("Bytes")
}

fn option_help(flag: &Flag) -> String {
    let m = flag.meta;
    let values = match m.kind {
        OptionKind::Integer { min, max, default } if is_size(m.name) => format!(
            "{min} to {max} bytes ({}), or a size such as 200KB, 1.5MB, 2MiB [default: {default}]",
            human_bytes(max)
        ),
        OptionKind::Integer { min, max, default } => {
            format!("a whole number from {min} to {max} [default: {default}]")
        }
        OptionKind::Number { min, max, default } => {
            format!("a number from {min} to {max} [default: {default}]")
        }
        OptionKind::Choice { choices, default } => {
            let values: Vec<&str> = choices.iter().map(|c| c.value).collect();
            format!("one of {} [default: {default}]", values.join(", "))
        }
        OptionKind::Boolean { default: true } => {
            format!(
                "true or false [default: true; --no-{} turns it off]",
                kebab(m.name)
            )
        }
        OptionKind::Boolean { default: false } => "true or false [default: false]".into(),
        OptionKind::Color { default } => format!("a colour #rrggbb [default: {default}]"),
        OptionKind::List { choices, default } => {
            let values: Vec<&str> = choices.iter().map(|c| c.value).collect();
            format!(
                "a comma-separated list of {} [default: {}]",
                values.join(", "),
                default.join(",")
            )
        }
        // The core's kinds are non-exhaustive: one this build does not know takes any text.
        _ => "a value (see formats())".into(),
    };
    let formats = if flag.formats.is_empty() {
        String::new()
    } else {
        format!(" [{}]", flag.formats.join(", "))
    };
    format!("{}\n{values}{formats}", m.description)
}

fn value_name(meta: &OptionMeta) -> &'static str {
    match meta.kind {
        OptionKind::Integer { .. } if is_size(meta.name) => "SIZE",
        OptionKind::Integer { .. } | OptionKind::Number { .. } => "N",
        OptionKind::Choice { .. } => "CHOICE",
        OptionKind::Boolean { .. } => "BOOL",
        OptionKind::Color { .. } => "#RRGGBB",
        OptionKind::List { .. } => "LIST",
        _ => "VALUE",
    }
}

fn format_help() -> String {
    let list: Vec<String> = Format::ALL
        .iter()
        .map(|f| format!("{} ({})", f.meta().id, f.meta().label))
        .collect();
    format!(
        "The output format: {}. Output files are named with its extension",
        list.join(", ")
    )
}

const EXAMPLES: &str = "\
Examples:
  pixsqueeze photos/ --out small/ --format jpeg --quality 80
  pixsqueeze 'shop/**/*.png' --out web/ --format auto --max-bytes 200KB --report report.csv
  pixsqueeze site/img --in-place --format png --skip-larger --jobs 2

Exit status: 0 when every file succeeded, 1 when any failed (the batch goes on past a bad file),
2 for bad flags or options (nothing is read), 130 when interrupted.";

pub fn command() -> Command {
    let mut cmd = Command::new("pixsqueeze")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "Compress images with pixsqueeze's core: files, folders (recursive) and globs, on every \
             core. Options have the npm package's names and defaults.",
        )
        .after_help(EXAMPLES)
        .next_help_heading("Input and output")
        .arg(
            Arg::new("inputs")
                .value_name("INPUT")
                .num_args(1..)
                .required(true)
                .help(
                    "Files, folders (searched recursively for .jpg .jpeg .png .webp .gif .bmp .tif) and \
                     globs such as 'photos/**/*.png' (quoted, so the shell leaves them)",
                ),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .short('o')
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Write into DIR, mirroring the input tree"),
        )
        .arg(
            Arg::new("in-place")
                .long("in-place")
                .action(ArgAction::SetTrue)
                .conflicts_with("out")
                .help(
                    "Replace the originals (each written to a temporary file, then renamed over \
                     it: an interruption never leaves a truncated file)",
                ),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["out", "in-place"])
                .help("Compress and measure, write no image (with --report, a report only)"),
        )
        .arg(
            Arg::new("skip-larger")
                .long("skip-larger")
                .action(ArgAction::SetTrue)
                .help(
                    "Keep the original when compressing would not make it smaller (--out copies \
                     it, under its own name)",
                ),
        )
        .arg(
            Arg::new("report")
                .long("report")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help(
                    "Write a per-file report: FILE ending .json or .csv (sizes, ratio, MSE, PSNR, \
                     SSIMULACRA2, time, error)",
                ),
        )
        .arg(
            Arg::new("jobs")
                .long("jobs")
                .short('j')
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..=1024))
                .help("Files compressed at once [default: the number of cores]"),
        )
        .arg(
            Arg::new("memory")
                .long("memory")
                .value_name("SIZE")
                .help(
                    "Memory the files in flight may take together, estimated from their headers \
                     (a file over it runs alone) [default: half the available memory]",
                ),
        )
        .arg(
            Arg::new("quiet")
                .long("quiet")
                .short('q')
                .action(ArgAction::SetTrue)
                .help("No progress and no summary, only errors"),
        )
        .next_help_heading("Encoding (the package's options)")
        .arg(
            Arg::new("format")
                .long("format")
                .short('f')
                .value_name("FORMAT")
                .required(true)
                .help(format_help()),
        );
    for flag in encoding_flags() {
        let m = flag.meta;
        let long = kebab(m.name);
        let mut arg = Arg::new(m.name)
            .long(long.clone())
            .value_name(value_name(m))
            .help(option_help(&flag));
        if long != m.name {
            // The package's own spelling works too: `--maxBytes 200KB`.
            arg = arg.alias(m.name);
        }
        if let OptionKind::Boolean { .. } = m.kind {
            arg = arg
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("true");
            cmd = cmd.arg(
                Arg::new(format!("no-{}", m.name))
                    .long(format!("no-{long}"))
                    .action(ArgAction::SetTrue)
                    .overrides_with(m.name)
                    .hide(true),
            );
            arg = arg.overrides_with(format!("no-{}", m.name));
        }
        cmd = cmd.arg(arg);
    }
    cmd = cmd.next_help_heading("Limits for untrusted input (the package's `limits`)");
    for meta in LIMIT_OPTIONS {
        cmd = cmd.arg(
            Arg::new(format!("limits.{}", meta.name))
                .long(format!("limit-{}", kebab(meta.name)))
                .value_name(if is_size(meta.name) { "SIZE" } else { "N" })
                .help(limit_help(meta)),
        );
    }
    cmd
}

fn limit_help(meta: &OptionMeta) -> String {
    let default = match meta.kind {
        OptionKind::Integer { default, .. } if is_size(meta.name) => {
            format!("{default} ({})", human_bytes(default))
        }
        OptionKind::Integer { default, .. } => default.to_string(),
        _ => meta.kind.default_value().to_string(),
    };
    format!("{} [default: {default}]", meta.description)
}

/// Reads the checked configuration out of parsed arguments.
///
/// # Errors
/// An `InvalidInput` failure for a value that does not parse or that the core's options reject.
pub fn config(m: &ArgMatches) -> Result<Config, Failure> {
    let options = options(m)?;
    let settings = options.resolve().map_err(|e| {
        let hint = flag_hint(e.message());
        Failure::from(e).with_suffix(hint)
    })?;
    let target = if let Some(dir) = m.get_one::<PathBuf>("out") {
        Target::Dir(dir.clone())
    } else if m.get_flag("in-place") {
        Target::InPlace
    } else if m.get_flag("dry-run") {
        Target::DryRun
    } else {
        return Err(Failure::invalid(
            "say where results go: --out DIR, --in-place, or --dry-run to write none",
        ));
    };
    let report = m.get_one::<PathBuf>("report").cloned();
    if let Some(path) = &report {
        crate::report::Kind::of(path)?;
    }
    let memory = match m.get_one::<String>("memory") {
        Some(s) => parse_size(s)
            .filter(|&v| v >= 1.0)
            .map(|v| v as u64)
            .ok_or_else(|| {
                Failure::invalid(format!(
                    "--memory must be a size such as 4GB or 1500MB, got {s:?}"
                ))
            })?,
        None => crate::memory::default_budget(),
    };
    let jobs = m.get_one::<u32>("jobs").map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        |&j| j as usize,
    );
    Ok(Config {
        inputs: m
            .get_many::<String>("inputs")
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        target,
        skip_larger: m.get_flag("skip-larger"),
        jobs,
        memory,
        report,
        quiet: m.get_flag("quiet"),
        options,
        settings,
    })
}

/// The options object the flags spell, parsed as the package parses its own.
fn options(m: &ArgMatches) -> Result<Options, Failure> {
    let mut map = Map::new();
    if let Some(format) = m.get_one::<String>("format") {
        map.insert("format".into(), Value::String(format.clone()));
    }
    for flag in encoding_flags() {
        let meta = flag.meta;
        let is_bool = matches!(meta.kind, OptionKind::Boolean { .. });
        if is_bool && m.get_flag(&format!("no-{}", meta.name)) {
            map.insert(meta.name.into(), Value::Bool(false));
        }
        let Some(text) = m.get_one::<String>(meta.name) else {
            continue;
        };
        let value = match meta.kind {
            OptionKind::Integer { .. } | OptionKind::Number { .. } => number(meta.name, text)?,
            OptionKind::Boolean { .. } => boolean(meta.name, text)?,
            OptionKind::Choice { .. } | OptionKind::Color { .. } => Value::String(text.clone()),
            OptionKind::List { .. } => Value::Array(
                text.split(',')
                    .map(|v| Value::String(v.trim().to_owned()))
                    .collect(),
            ),
            // Choices, colours, and any kind the core adds later: the core validates the text.
            _ => Value::String(text.clone()),
        };
        map.insert(meta.name.into(), value);
    }
    let mut limits = Map::new();
    for meta in LIMIT_OPTIONS {
        let name = format!("limits.{}", meta.name);
        if let Some(text) = m.get_one::<String>(&name) {
            limits.insert(meta.name.into(), number(&name, text)?);
        }
    }
    if !limits.is_empty() {
        map.insert("limits".into(), Value::Object(limits));
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| Failure::invalid(format!("invalid options: {e}")))
}

/// The flag that spells an option the core's message names first (`maxBytes must be …`).
fn flag_hint(message: &str) -> String {
    let name: String = message
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    if let Some(field) = name.strip_prefix("limits.") {
        return format!(" (--limit-{})", kebab(field));
    }
    if encoding_flags().iter().any(|f| f.meta.name == name) {
        format!(" (--{})", kebab(&name))
    } else {
        String::new()
    }
}

fn number(name: &str, text: &str) -> Result<Value, Failure> {
    let parsed = if is_size(name) {
        parse_size(text)
    } else {
        text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
    };
    let v = parsed.ok_or_else(|| {
        let what = if is_size(name) {
            "a number of bytes or a size such as 200KB"
        } else {
            "a number"
        };
        Failure::invalid(format!("{name} must be {what}, got {text:?}"))
    })?;
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| Failure::invalid(format!("{name} must be a number, got {text:?}")))
}

fn boolean(name: &str, text: &str) -> Result<Value, Failure> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(Value::Bool(true)),
        "false" | "no" | "off" | "0" => Ok(Value::Bool(false)),
        _ => Err(Failure::invalid(format!(
            "{name} must be true or false, got {text:?}"
        ))),
    }
}

/// `200KB`, `1.5 MB`, `2MiB`, `300000`: decimal units (kB, MB, GB) and binary ones (KiB, MiB, GiB).
/// A size with a unit is rounded down to whole bytes; a plain number is left to the core to check.
pub fn parse_size(text: &str) -> Option<f64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num.parse().ok().filter(|v: &f64| v.is_finite())?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" => return Some(num),
        "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((num * scale).floor())
}

/// `1234567` → `1.2 MB`.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, Failure> {
        let mut argv = vec!["pixsqueeze", "in"];
        argv.extend_from_slice(args);
        config(
            &command()
                .try_get_matches_from(argv)
                .expect("arguments parse"),
        )
    }

    #[test]
    fn every_option_in_the_meta_has_a_flag() {
        let cmd = command();
        let mut names: Vec<&str> = COMMON_OPTIONS.iter().map(|o| o.name).collect();
        for f in Format::ALL {
            names.extend(f.meta().options.iter().map(|o| o.name));
        }
        for name in names {
            let arg = cmd
                .get_arguments()
                .find(|a| a.get_id() == name)
                .unwrap_or_else(|| panic!("no flag for {name}"));
            assert_eq!(arg.get_long(), Some(kebab(name).as_str()));
        }
    }

    #[test]
    fn flags_parse_into_the_packages_options() {
        let c = parse(&[
            "--dry-run",
            "--format",
            "jpeg",
            "--quality",
            "80",
            "--max-bytes",
            "200KB",
            "--progressive",
            "--no-linear-resize",
            "--subsampling",
            "4:4:4",
            "--limit-max-pixels",
            "1000",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let s = c.settings;
        assert_eq!(s.quality, 80);
        assert_eq!(s.max_bytes, Some(200_000));
        assert!(s.progressive);
        assert!(!s.linear_resize);
        assert_eq!(s.subsampling, pixsqueeze::Subsampling::S444);
        assert_eq!(s.limits.max_pixels, 1000);
        assert_eq!(c.target, Target::DryRun);
    }

    #[test]
    fn defaults_are_the_packages() {
        let c = parse(&["--dry-run", "--format", "png-palette"]).unwrap_or_else(|e| panic!("{e}"));
        let defaults = Options::new(Format::PngPalette)
            .resolve()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.settings, defaults);
    }

    #[test]
    fn the_packages_spelling_and_booleans_with_values() {
        let c = parse(&[
            "--dry-run",
            "-f",
            "png-palette",
            "--maxBytes",
            "1.5MiB",
            "--dither=false",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.settings.max_bytes, Some(1_572_864));
        assert!(!c.settings.dither);
    }

    #[test]
    fn the_cores_messages_name_the_flag() {
        let e = parse(&["--dry-run", "--format", "jpeg", "--quality", "150"])
            .err()
            .expect("quality 150 is refused");
        assert_eq!(e.name, "InvalidInput");
        assert!(e
            .message
            .starts_with("quality must be a whole number from 1 to 100"));
        assert!(e.message.ends_with("(--quality)"), "{}", e.message);
        let e = parse(&["--dry-run", "--format", "gif"])
            .err()
            .expect("gif is not an output format");
        assert!(e.message.contains("format must be one of"), "{}", e.message);
        let e = parse(&["--dry-run", "--format", "jpeg", "--quality", "high"])
            .err()
            .expect("not a number");
        assert_eq!(e.name, "InvalidInput");
        let e = parse(&["--format", "jpeg"])
            .err()
            .expect("somewhere to write");
        assert!(e.message.contains("--out DIR"), "{}", e.message);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("200KB"), Some(200_000.0));
        assert_eq!(parse_size("200 kb"), Some(200_000.0));
        assert_eq!(parse_size("1.5MB"), Some(1_500_000.0));
        assert_eq!(parse_size("2MiB"), Some(2_097_152.0));
        assert_eq!(parse_size("300000"), Some(300_000.0));
        assert_eq!(parse_size("12.5"), Some(12.5));
        assert_eq!(parse_size("1 parsec"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn help_lists_ranges_and_defaults() {
        let help = command().render_long_help().to_string();
        for needle in [
            "--quality <N>",
            "from 1 to 100 [default: 75]",
            "--max-bytes <SIZE>",
            "--colors <N>",
            "from 2 to 256",
            "one of fast, default, max",
            "--no-dither",
            "png-palette (PNG (palette, lossy))",
        ] {
            assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
        }
    }
}
