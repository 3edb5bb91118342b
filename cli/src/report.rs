//! What happened to each file: the rows of `--report` (JSON or CSV) and of the summary table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pixsqueeze::Settings;
use serde_json::{json, Value};

use crate::args::human_bytes;
use crate::failure::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Compressed (and written, unless a dry run).
    Compressed,
    /// `--skip-larger` kept the original: compressing did not make it smaller.
    Kept,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Compressed => "compressed",
            Status::Kept => "kept",
            Status::Failed => "failed",
        }
    }
}

/// One file's outcome. The figures are the package's (`ratio` is original / compressed bytes; `psnr`
/// is infinite for a pixel-identical result); they are absent when the file failed before them.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub input: PathBuf,
    /// What was written (or kept) for it; none for a dry run or a failure.
    pub output: Option<PathBuf>,
    pub status: Status,
    pub format: Option<&'static str>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// JPEG quality used (after a search: the one it chose).
    pub quality: Option<u8>,
    pub original_bytes: Option<u64>,
    /// What compression gave, written or not.
    pub compressed_bytes: Option<u64>,
    /// What now stands for the file: the compressed bytes, or the original's when kept.
    pub output_bytes: Option<u64>,
    pub ratio: Option<f64>,
    pub mse: Option<f64>,
    pub psnr: Option<f64>,
    pub ssimulacra2: Option<f64>,
    /// Reading, compressing, measuring and writing this file.
    pub time_ms: f64,
    pub error: Option<Failure>,
    /// The package's notes: what was dropped or changed, and how a huge image was made (in bands).
    pub notes: Vec<String>,
}

impl Row {
    pub fn failed(input: PathBuf, error: Failure, time_ms: f64) -> Self {
        Row {
            input,
            output: None,
            status: Status::Failed,
            format: None,
            width: None,
            height: None,
            quality: None,
            original_bytes: None,
            compressed_bytes: None,
            output_bytes: None,
            ratio: None,
            mse: None,
            psnr: None,
            ssimulacra2: None,
            time_ms,
            error: Some(error),
            notes: Vec::new(),
        }
    }
}

/// A report's file type, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Csv,
}

impl Kind {
    /// # Errors
    /// `InvalidInput` for a name that ends neither `.json` nor `.csv`.
    pub fn of(path: &Path) -> Result<Kind, Failure> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "json" => Ok(Kind::Json),
            Some(e) if e == "csv" => Ok(Kind::Csv),
            _ => Err(Failure::invalid(format!(
                "--report must name a .json or .csv file, got {}",
                path.display()
            ))),
        }
    }
}

/// Totals over a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub files: usize,
    pub compressed: usize,
    pub kept: usize,
    pub failed: usize,
    /// Over the files that did not fail.
    pub original_bytes: u64,
    pub output_bytes: u64,
}

impl Totals {
    pub fn of(rows: &[Row]) -> Self {
        let mut t = Totals {
            files: rows.len(),
            ..Totals::default()
        };
        for r in rows {
            match r.status {
                Status::Compressed => t.compressed += 1,
                Status::Kept => t.kept += 1,
                Status::Failed => t.failed += 1,
            }
            if r.status != Status::Failed {
                t.original_bytes += r.original_bytes.unwrap_or(0);
                t.output_bytes += r.output_bytes.unwrap_or(0);
            }
        }
        t
    }
}

/// A finite number as JSON; infinity (a pixel-identical PSNR) is `null`, as `JSON.stringify` writes it.
fn num(v: Option<f64>) -> Value {
    v.and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn path(p: &Option<PathBuf>) -> Value {
    p.as_ref()
        .map_or(Value::Null, |p| Value::String(p.display().to_string()))
}

pub fn json(rows: &[Row], settings: &Settings, elapsed: Duration, jobs: usize) -> String {
    let t = Totals::of(rows);
    let files: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "input": r.input.display().to_string(),
                "output": path(&r.output),
                "status": r.status.as_str(),
                "format": r.format,
                "width": r.width,
                "height": r.height,
                "quality": r.quality,
                "originalBytes": r.original_bytes,
                "compressedBytes": r.compressed_bytes,
                "outputBytes": r.output_bytes,
                "ratio": num(r.ratio),
                "mse": num(r.mse),
                "psnr": num(r.psnr),
                "ssimulacra2": num(r.ssimulacra2),
                "timeMs": num(Some((r.time_ms * 1e3).round() / 1e3)),
                "error": r.error.as_ref().map(|e| json!({ "name": e.name, "message": e.message })),
                "notes": r.notes,
            })
        })
        .collect();
    let report = json!({
        "pixsqueeze": env!("CARGO_PKG_VERSION"),
        "options": settings,
        "summary": {
            "files": t.files,
            "compressed": t.compressed,
            "kept": t.kept,
            "failed": t.failed,
            "originalBytes": t.original_bytes,
            "outputBytes": t.output_bytes,
            "seconds": elapsed.as_secs_f64(),
            "jobs": jobs,
        },
        "files": files,
    });
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

/// The CSV columns, in order: the JSON report's per-file fields, `error` split in two.
pub const CSV_COLUMNS: &[&str] = &[
    "input",
    "output",
    "status",
    "format",
    "width",
    "height",
    "quality",
    "originalBytes",
    "compressedBytes",
    "outputBytes",
    "ratio",
    "mse",
    "psnr",
    "ssimulacra2",
    "timeMs",
    "error",
    "errorMessage",
    "notes",
];

pub fn csv(rows: &[Row]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        let fields = [
            r.input.display().to_string(),
            opt(r.output.as_ref().map(|p| p.display().to_string())),
            r.status.as_str().to_string(),
            opt(r.format.map(String::from)),
            opt(r.width.map(|v| v.to_string())),
            opt(r.height.map(|v| v.to_string())),
            opt(r.quality.map(|v| v.to_string())),
            opt(r.original_bytes.map(|v| v.to_string())),
            opt(r.compressed_bytes.map(|v| v.to_string())),
            opt(r.output_bytes.map(|v| v.to_string())),
            opt(r.ratio.map(|v| format!("{v:.4}"))),
            opt(r.mse.map(|v| format!("{v:.4}"))),
            opt(r.psnr.map(|v| {
                if v.is_finite() {
                    format!("{v:.4}")
                } else {
                    "inf".into()
                }
            })),
            opt(r.ssimulacra2.map(|v| format!("{v:.4}"))),
            format!("{:.1}", r.time_ms),
            opt(r.error.as_ref().map(|e| e.name.to_string())),
            opt(r.error.as_ref().map(|e| e.message.clone())),
            r.notes.join("; "),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

fn saved(original: u64, output: u64) -> String {
    if original == 0 {
        return "-".into();
    }
    format!(
        "{:.1}%",
        100.0 * (original as f64 - output as f64) / original as f64
    )
}

/// The table printed at the end of a run.
pub fn summary(rows: &[Row], elapsed: Duration, jobs: usize) -> String {
    let t = Totals::of(rows);
    let group = |status: Status| {
        rows.iter()
            .filter(|r| r.status == status)
            .fold((0usize, 0u64, 0u64), |(n, o, w), r| {
                (
                    n + 1,
                    o + r.original_bytes.unwrap_or(0),
                    w + r.output_bytes.unwrap_or(0),
                )
            })
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:>6} {:>11} {:>11} {:>7}",
        "", "files", "original", "output", "saved"
    );
    for (label, status) in [
        ("compressed", Status::Compressed),
        ("kept (larger)", Status::Kept),
    ] {
        let (n, o, w) = group(status);
        if n > 0 {
            let _ = writeln!(
                out,
                "{label:<14} {n:>6} {:>11} {:>11} {:>7}",
                human_bytes(o),
                human_bytes(w),
                saved(o, w)
            );
        }
    }
    if t.failed > 0 {
        let _ = writeln!(out, "{:<14} {:>6}", "failed", t.failed);
    }
    let _ = writeln!(
        out,
        "{:<14} {:>6} {:>11} {:>11} {:>7}",
        "total",
        t.files,
        human_bytes(t.original_bytes),
        human_bytes(t.output_bytes),
        saved(t.original_bytes, t.output_bytes)
    );
    let secs = elapsed.as_secs_f64();
    let _ = writeln!(
        out,
        "{} files in {secs:.1} s ({:.2} files/s) with {jobs} job{}",
        t.files,
        if secs > 0.0 {
            t.files as f64 / secs
        } else {
            0.0
        },
        if jobs == 1 { "" } else { "s" }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn report_kinds() {
        assert_eq!(Kind::of(Path::new("r.JSON")), Ok(Kind::Json));
        assert_eq!(Kind::of(Path::new("r.csv")), Ok(Kind::Csv));
        assert!(Kind::of(Path::new("r.txt")).is_err());
    }
}
