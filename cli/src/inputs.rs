//! From the command line's inputs (files, folders, globs) to the list of files, each with the path its
//! output takes under `--out` (the input tree mirrored), and the names outputs get.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::failure::Failure;

/// Extensions of the files a folder or a glob contributes: every format the core reads. A file named
/// on the command line is tried whatever its name.
pub const INPUT_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "bmp", "tif", "tiff", "avif",
];

/// One file to compress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    /// Where it sits relative to the folder (or glob base) it was found in; its own name for a file
    /// named directly. `--out` mirrors this.
    pub rel: PathBuf,
}

/// An input that gave no file: a path that does not exist, a glob that matches nothing, an unreadable
/// folder. It fails in the batch like a bad file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub input: String,
    pub failure: Failure,
}

/// Every file the inputs name, once each, in a stable order (each input's files sorted by path). Files
/// inside `skip` (the output folder, when it lies inside an input folder) are left out.
pub fn expand(inputs: &[String], skip: Option<&Path>) -> (Vec<Source>, Vec<Missing>) {
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    let mut seen = HashSet::new();
    for input in inputs {
        let before = sources.len();
        let path = Path::new(input);
        let (is_dir, globbed) = (path.is_dir(), !path.exists() && is_glob(input));
        let result = if is_dir {
            walk(path, path, skip, &mut sources)
        } else if globbed {
            glob_files(input, skip, &mut sources)
        } else if path.exists() {
            sources.push(Source {
                path: path.to_path_buf(),
                rel: PathBuf::from(path.file_name().unwrap_or(path.as_os_str())),
            });
            Ok(())
        } else {
            Err(Failure {
                name: "IoError",
                message: "no such file or folder".into(),
            })
        };
        let result = match result {
            Ok(()) if sources.len() == before && (is_dir || globbed) => {
                Err(Failure::invalid(format!(
                    "no image here (files ending {})",
                    INPUT_EXTENSIONS.join(", ")
                )))
            }
            other => other,
        };
        if let Err(failure) = result {
            missing.push(Missing {
                input: input.clone(),
                failure,
            });
        }
        // The same file through two inputs is compressed once, under the first.
        let mut i = before;
        while i < sources.len() {
            let key =
                fs::canonicalize(&sources[i].path).unwrap_or_else(|_| sources[i].path.clone());
            if seen.insert(key) {
                i += 1;
            } else {
                sources.remove(i);
            }
        }
    }
    (sources, missing)
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

pub fn is_image_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| INPUT_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn walk(
    dir: &Path,
    base: &Path,
    skip: Option<&Path>,
    out: &mut Vec<Source>,
) -> Result<(), Failure> {
    // The output folder inside an input folder is not read back (it is, when it is that folder).
    if dir != base && skip.is_some_and(|s| same_file(dir, s)) {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|e| Failure::io("could not list the folder", &e))?;
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        // Symbolic links to folders are not followed (no cycles); links to files are.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, base, skip, out)?;
        } else if is_image_name(&path) && path.is_file() {
            let rel = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
            out.push(Source { path, rel });
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A glob's matches, mirrored relative to its literal leading folders (`photos/**/*.png` → relative
/// to `photos`). A folder it matches contributes its images as a folder does.
fn glob_files(pattern: &str, skip: Option<&Path>, out: &mut Vec<Source>) -> Result<(), Failure> {
    let base: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !is_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    let matches =
        glob::glob(pattern).map_err(|e| Failure::invalid(format!("not a valid glob: {e}")))?;
    let mut found: Vec<PathBuf> = matches.filter_map(|m| m.ok()).collect();
    found.sort();
    for path in found {
        if path.is_dir() {
            walk(&path, &base, skip, out)?;
        } else if is_image_name(&path) && !skip.is_some_and(|s| path.starts_with(s)) {
            let rel = path.strip_prefix(&base).unwrap_or(&path);
            out.push(Source {
                rel: without_parents(rel),
                path,
            });
        }
    }
    Ok(())
}

/// A relative path with no `..` or root, so that a mirror never writes outside its folder.
fn without_parents(p: &Path) -> PathBuf {
    p.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

/// The name of `rel` written as a format whose extension is `ext`: the same name when its extension
/// already says that format (`.JPG`, `.jpeg` stay for JPEG), otherwise the extension replaced.
pub fn output_name(rel: &Path, ext: &str) -> PathBuf {
    let current = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    let same = current.eq_ignore_ascii_case(ext)
        || (ext == "jpg"
            && ["jpeg", "jpe", "jfif"]
                .iter()
                .any(|x| current.eq_ignore_ascii_case(x)));
    if same || ext.is_empty() {
        rel.to_path_buf()
    } else {
        rel.with_extension(ext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_output_format() {
        assert_eq!(
            output_name(Path::new("a/b.png"), "jpg"),
            Path::new("a/b.jpg")
        );
        assert_eq!(
            output_name(Path::new("a/b.JPEG"), "jpg"),
            Path::new("a/b.JPEG")
        );
        assert_eq!(output_name(Path::new("b.PNG"), "png"), Path::new("b.PNG"));
        assert_eq!(output_name(Path::new("b.gif"), "webp"), Path::new("b.webp"));
        assert_eq!(
            output_name(Path::new("b.tar.png"), "jpg"),
            Path::new("b.tar.jpg")
        );
    }

    #[test]
    fn parents_never_leave_the_mirror() {
        assert_eq!(
            without_parents(Path::new("../x/./y.png")),
            Path::new("x/y.png")
        );
    }
}
