//! Writing results so that no interruption leaves a truncated file or loses an original: every file
//! is written whole to a temporary file in the same folder, synced, then renamed over its name (a
//! rename within a folder is atomic). Until then the old file, if any, is untouched.
//!
//! Temporary files are hidden and end `.pixsqueeze-tmp`, never an image extension, so even one left by
//! a `kill -9` is not mistaken for an image (nor picked up by the next run). Ctrl-C, SIGTERM and SIGHUP
//! remove those in flight before the process ends.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Temporary files being written now.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The suffix of temporary files.
pub const TEMP_SUFFIX: &str = ".pixsqueeze-tmp";

/// On Ctrl-C (or SIGTERM, SIGHUP): remove the temporary files in flight and exit with status 130.
pub fn install_interrupt_handler() {
    let installed = ctrlc::set_handler(|| {
        // Held to the end: no temporary file is registered after this.
        let live = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
        remove_all(&live);
        eprintln!(
            "\npixsqueeze: interrupted; files finished so far are written, none half-written"
        );
        std::process::exit(130);
    });
    if let Err(e) = installed {
        eprintln!("pixsqueeze: warning: Ctrl-C will not clean up temporary files: {e}");
    }
}

/// Removes the temporary files in flight, if no other thread is registering one right now: for a
/// panic in a build that aborts on panic (the release profile), where nothing else would.
pub fn remove_temporaries() {
    if let Ok(live) = LIVE.try_lock() {
        remove_all(&live);
    }
}

fn remove_all(live: &[PathBuf]) {
    for tmp in live {
        let _ = fs::remove_file(tmp);
    }
}

/// Writes `data` as `path`, whole or not at all. With `like`, the new file takes that file's
/// permissions (an in-place write keeps the original's).
///
/// # Errors
/// Any error creating, writing, syncing or renaming; the temporary file is removed then.
pub fn write_atomic(path: &Path, data: &[u8], like: Option<&Path>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the output path has no file name",
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.{}-{}{TEMP_SUFFIX}",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    live().push(tmp.clone());
    let result = write_then_rename(&tmp, path, data, like);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    live().retain(|p| p != &tmp);
    if result.is_ok() {
        // Make the rename itself durable; not every platform can open a folder, hence no error.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    result
}

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

fn write_then_rename(tmp: &Path, path: &Path, data: &[u8], like: Option<&Path>) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    file.write_all(data)?;
    file.sync_all()?;
    if let Some(like) = like {
        fs::set_permissions(tmp, fs::metadata(like)?.permissions())?;
    }
    drop(file);
    fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("pixsqueeze-write-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("a.png");
        fs::write(&path, b"old").unwrap_or_else(|e| panic!("{e}"));
        write_atomic(&path, b"new bytes", Some(&path)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs::read(&path).unwrap_or_default(), b"new bytes");
        let names: Vec<_> = fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names, vec![std::ffi::OsString::from("a.png")]);
        let missing = dir.join("no-such-folder").join("b.png");
        assert!(write_atomic(&missing, b"x", None).is_err());
        assert!(live().is_empty());
        let _ = fs::remove_dir_all(&dir);
    }
}
