//! `pixsqueeze`: the command-line face of the pixsqueeze core. Files, folders and globs in; a mirrored
//! folder (or the originals, safely) out; a summary and an optional JSON or CSV report. See `--help`.

mod args;
mod batch;
mod failure;
mod inputs;
mod memory;
mod progress;
mod report;
mod write;

use std::process::ExitCode;

use args::Target;
use report::{Kind, Status};

fn main() -> ExitCode {
    let matches = args::command().get_matches();
    let config = match args::config(&matches) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pixsqueeze: {e}");
            return ExitCode::from(2);
        }
    };
    write::install_interrupt_handler();
    batch::install_panic_hook();
    let outcome = match batch::run(&config) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("pixsqueeze: {e}");
            return ExitCode::from(1);
        }
    };
    let mut ok = outcome.rows.iter().all(|r| r.status != Status::Failed);
    if let Some(path) = &config.report {
        let text = match Kind::of(path) {
            Ok(Kind::Json) => report::json(
                &outcome.rows,
                &config.settings,
                outcome.elapsed,
                outcome.jobs,
            ),
            _ => report::csv(&outcome.rows),
        };
        if let Err(e) = write::write_atomic(path, text.as_bytes(), None) {
            eprintln!(
                "pixsqueeze: IoError: {}: could not write the report: {e}",
                path.display()
            );
            ok = false;
        }
    }
    if !config.quiet {
        print!(
            "{}",
            report::summary(&outcome.rows, outcome.elapsed, outcome.jobs)
        );
        if config.target == Target::DryRun {
            println!("dry run: nothing was written");
        }
    }
    let failed: Vec<_> = outcome
        .rows
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    if !failed.is_empty() && !config.quiet {
        eprintln!("failed:");
        for r in failed {
            if let Some(e) = &r.error {
                eprintln!("  {}: {}: {}", e.name, r.input.display(), e.message);
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
