//! The batch: every file through the core's `compress`, `--jobs` at a time within the memory budget,
//! each written safely; one bad file fails alone and the rest go on.

use std::collections::HashMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pixsqueeze::{Compressed, Format};

use crate::args::{Config, Target};
use crate::failure::Failure;
use crate::inputs::{self, output_name, Source};
use crate::memory::{self, Budget};
use crate::progress::Progress;
use crate::report::{Row, Status};
use crate::write::write_atomic;

/// Rows in input order (inputs that named no file first), and the wall time.
pub struct Outcome {
    pub rows: Vec<Row>,
    pub elapsed: Duration,
    pub jobs: usize,
}

/// A file and where its result goes (`None`: a dry run).
struct Job {
    source: Source,
    /// The output without its final extension decided (`auto` decides it per file).
    base: Option<PathBuf>,
    bytes_on_disk: u64,
}

/// # Errors
/// `IoError` when the output folder cannot be created; everything after that fails per file.
pub fn run(config: &Config) -> Result<Outcome, Failure> {
    let start = Instant::now();
    let skip = match &config.target {
        Target::Dir(dir) => {
            fs::create_dir_all(dir)
                .map_err(|e| Failure::io(&format!("could not create {}", dir.display()), &e))?;
            fs::canonicalize(dir).ok()
        }
        _ => None,
    };
    let (sources, missing) = inputs::expand(&config.inputs, skip.as_deref());
    let mut rows: Vec<Row> = missing
        .into_iter()
        .map(|m| Row::failed(PathBuf::from(m.input), m.failure, 0.0))
        .collect();
    let (jobs, clashes) = plan(sources, config);
    let total_bytes = jobs.iter().map(|j| j.bytes_on_disk).sum();
    let progress = Progress::new(
        rows.len() + clashes.len() + jobs.len(),
        total_bytes,
        config.quiet,
    );
    for row in rows.iter().chain(&clashes) {
        progress.file_done(row, 0);
    }
    rows.extend(clashes);

    let workers = config.jobs.clamp(1, jobs.len().max(1));
    let budget = Budget::new(config.memory);
    // Largest first: a big photo started last would leave the other cores idle at the end.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].bytes_on_disk));
    let next = AtomicUsize::new(0);
    let mut done: Vec<Option<Row>> = vec![None; jobs.len()];
    let (tx, rx) = mpsc::channel::<(usize, Row)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, next, jobs, budget, order) = (tx.clone(), &next, &jobs, &budget, &order);
            let spawned = std::thread::Builder::new()
                // A main thread's stack, for the decoders' deepest paths.
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || {
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let row = process(&jobs[i], config, budget);
                        if tx.send((i, row)).is_err() {
                            break;
                        }
                    }
                });
            if let Err(e) = spawned {
                eprintln!("pixsqueeze: warning: could not start a worker thread: {e}");
            }
        }
        drop(tx);
        loop {
            match rx.recv_timeout(Duration::from_millis(250)) {
                Ok((i, row)) => {
                    progress.file_done(&row, jobs[i].bytes_on_disk);
                    done[i] = Some(row);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => progress.tick(),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    progress.finish();
    // Every job sends its row; a missing one would mean no worker could be started at all.
    for (job, row) in jobs.iter().zip(done) {
        rows.push(row.unwrap_or_else(|| {
            Row::failed(
                job.source.path.clone(),
                Failure {
                    name: "RuntimeError",
                    message: "no worker thread could be started".into(),
                },
                0.0,
            )
        }));
    }
    Ok(Outcome {
        rows,
        elapsed: start.elapsed(),
        jobs: workers,
    })
}

/// Where each file goes, with files whose outputs would land on the same path failed (the first
/// keeps it) before anything is written.
fn plan(sources: Vec<Source>, config: &Config) -> (Vec<Job>, Vec<Row>) {
    let ext = match config.settings.format {
        Format::Auto => None,
        f => Some(f.meta().extension),
    };
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut jobs = Vec::new();
    let mut clashes = Vec::new();
    for source in sources {
        let base = match &config.target {
            Target::Dir(dir) => Some(dir.join(&source.rel)),
            Target::InPlace => Some(source.path.clone()),
            Target::DryRun => None,
        };
        if let Some(base) = &base {
            // With `auto` the extension is not known yet: any two files of one name but the
            // extension might meet.
            let key = match ext {
                Some(ext) => output_name(base, ext),
                None => base.with_extension(""),
            };
            if let Some(first) = claimed.get(&key) {
                let message = format!(
                    "its output {} would also be that of {}; rename one, or compress them apart",
                    key.display(),
                    first.display()
                );
                clashes.push(Row::failed(source.path, Failure::invalid(message), 0.0));
                continue;
            }
            claimed.insert(key, source.path.clone());
        }
        let bytes_on_disk = fs::metadata(&source.path).map_or(0, |m| m.len());
        jobs.push(Job {
            source,
            base,
            bytes_on_disk,
        });
    }
    (jobs, clashes)
}

std::thread_local! {
    /// The file this thread is compressing, for the panic hook.
    static CURRENT: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
}

/// Where panics abort (the release profile, which the wasm builds need), names the file a panic in
/// the core (a bug) happened on and removes the temporary files in flight before the process ends.
/// Where they unwind (the `cli` profile that `cargo install --path cli --profile cli` uses, and
/// debug builds), the file fails as a `RuntimeError` in its row and the batch goes on.
pub fn install_panic_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let file = CURRENT.with(|c| c.borrow().clone());
        match file {
            Some(_) if cfg!(panic = "unwind") => {}
            Some(file) => {
                eprintln!(
                    "pixsqueeze: RuntimeError: {}: pixsqueeze crashed on this file (a bug: please \
                     report it): {info}",
                    file.display()
                );
                crate::write::remove_temporaries();
            }
            None => default(info),
        }
    }));
}

fn process(job: &Job, config: &Config, budget: &Budget) -> Row {
    let start = Instant::now();
    let path = job.source.path.clone();
    CURRENT.with(|c| *c.borrow_mut() = Some(path.clone()));
    let row = match compress_file(job, config, budget) {
        Ok(mut row) => {
            row.time_ms = start.elapsed().as_secs_f64() * 1e3;
            row
        }
        Err(e) => Row::failed(path, e, start.elapsed().as_secs_f64() * 1e3),
    };
    CURRENT.with(|c| *c.borrow_mut() = None);
    row
}

fn compress_file(job: &Job, config: &Config, budget: &Budget) -> Result<Row, Failure> {
    let path = &job.source.path;
    // Over the input-size limit: refused without reading it.
    config
        .settings
        .limits
        .check_input_len(usize::try_from(job.bytes_on_disk).unwrap_or(usize::MAX))?;
    let bytes = fs::read(path).map_err(|e| Failure::io("could not read it", &e))?;
    let _permit = budget.acquire(memory::estimate(&bytes));
    let compressed = panic::catch_unwind(AssertUnwindSafe(|| {
        pixsqueeze::compress(&bytes, &config.options)
    }))
    .map_err(|panic| Failure {
        name: "RuntimeError",
        message: format!(
            "pixsqueeze crashed on this file (a bug: please report it): {}",
            panic_message(&panic)
        ),
    })??;
    let kept = config.skip_larger && compressed.compressed_bytes >= bytes.len();
    let output = if kept {
        keep_original(job, &bytes)?
    } else {
        write_result(job, &compressed)?
    };
    Ok(row(path.clone(), output, &bytes, &compressed, kept))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn row(input: PathBuf, output: Option<PathBuf>, bytes: &[u8], c: &Compressed, kept: bool) -> Row {
    let meta = c.settings.format.meta();
    Row {
        input,
        output,
        status: if kept {
            Status::Kept
        } else {
            Status::Compressed
        },
        format: Some(meta.id),
        width: Some(c.width),
        height: Some(c.height),
        quality: meta.option("quality").map(|_| c.settings.quality),
        original_bytes: Some(bytes.len() as u64),
        compressed_bytes: Some(c.compressed_bytes as u64),
        output_bytes: Some(if kept {
            bytes.len()
        } else {
            c.compressed_bytes
        } as u64),
        ratio: Some(c.ratio),
        mse: Some(c.mse),
        psnr: Some(c.psnr),
        ssimulacra2: c.ssimulacra2,
        time_ms: 0.0,
        error: None,
        notes: c.notes.clone(),
    }
}

fn refuse_overwriting_input(out: &Path, input: &Path) -> Result<(), Failure> {
    if same_file(out, input) {
        return Err(Failure::invalid(format!(
            "its output {} is the input itself; use --in-place to replace originals",
            out.display()
        )));
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn create_parent(out: &Path) -> Result<(), Failure> {
    match out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::create_dir_all(dir)
            .map_err(|e| Failure::io(&format!("could not create {}", dir.display()), &e)),
        _ => Ok(()),
    }
}

/// `--skip-larger`: the original stands for the file (copied under its own name with `--out`).
fn keep_original(job: &Job, bytes: &[u8]) -> Result<Option<PathBuf>, Failure> {
    let Some(base) = &job.base else {
        return Ok(None);
    };
    if is_in_place(job) {
        return Ok(Some(job.source.path.clone()));
    }
    refuse_overwriting_input(base, &job.source.path)?;
    create_parent(base)?;
    write_atomic(base, bytes, None)
        .map_err(|e| Failure::io(&format!("could not write {}", base.display()), &e))?;
    Ok(Some(base.clone()))
}

fn is_in_place(job: &Job) -> bool {
    job.base.as_deref() == Some(job.source.path.as_path())
}

fn write_result(job: &Job, c: &Compressed) -> Result<Option<PathBuf>, Failure> {
    let Some(base) = &job.base else {
        return Ok(None);
    };
    let out = output_name(base, c.settings.format.meta().extension);
    let fail = |e: std::io::Error| Failure::io(&format!("could not write {}", out.display()), &e);
    if is_in_place(job) {
        let original = &job.source.path;
        let renamed = out != *original;
        // A new extension must not replace some other file of that name.
        if renamed && out.exists() {
            return Err(Failure::invalid(format!(
                "its output {} already exists and is another file; nothing was changed",
                out.display()
            )));
        }
        write_atomic(&out, &c.data, Some(original)).map_err(fail)?;
        if renamed {
            // Only once the new file is whole: an interruption before this leaves both.
            fs::remove_file(original).map_err(|e| {
                Failure::io(
                    &format!("wrote {} but could not remove the original", out.display()),
                    &e,
                )
            })?;
        }
    } else {
        refuse_overwriting_input(&out, &job.source.path)?;
        create_parent(&out)?;
        write_atomic(&out, &c.data, None).map_err(fail)?;
    }
    Ok(Some(out))
}
