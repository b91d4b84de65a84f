//! Reading bindings from a project folder, or from a bindings file given directly.
//!
//! Before a package exists there is the project: Studio keeps `project.json`
//! and `bindings_v2.json` at the folder's root, and a Python project
//! (`pyproject.toml`) keeps `bindings.json`, which `uipath pack` later copies
//! into the package as `content/bindings_v2.json`. Auditing the folder lets a
//! developer check a process before publishing it. Only the root is looked at,
//! and the bindings file is read with the same size limit as inside a package.

use std::fs;
use std::path::Path;

use super::archive::{BoundedReadError, read_bounded};
use super::{BINDINGS_FILE_NAME, Limits, PackageBindings, PackageError, bindings_v2};
use super::{decode_text, no_bindings};

/// What a Python project calls its bindings before `uipath pack` renames them.
const PYTHON_BINDINGS_FILE_NAME: &str = "bindings.json";

/// Reads a Studio or Python project folder.
pub(super) fn read_project_dir(
    dir: &Path,
    limits: &Limits,
) -> Result<PackageBindings, PackageError> {
    let source = dir.display().to_string();
    let mut has_project_json = false;
    let mut has_pyproject = false;
    let mut bindings: Vec<String> = Vec::new();
    let mut python_bindings: Vec<String> = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| PackageError::from_io(&source, e))? {
        let entry = entry.map_err(|e| PackageError::from_io(&source, e))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue; // not one of the names we look for
        };
        if name.eq_ignore_ascii_case("project.json") {
            has_project_json = true;
        } else if name.eq_ignore_ascii_case("pyproject.toml") {
            has_pyproject = true;
        } else if name.eq_ignore_ascii_case(BINDINGS_FILE_NAME) {
            bindings.push(name);
        } else if name.eq_ignore_ascii_case(PYTHON_BINDINGS_FILE_NAME) {
            python_bindings.push(name);
        }
    }
    if !has_project_json && !has_pyproject && bindings.is_empty() {
        return Err(PackageError::NotAProject { path: source });
    }
    if bindings.is_empty() && has_pyproject {
        bindings = python_bindings;
    }
    // Exact spelling first, then a stable order, for folders on case-sensitive disks.
    bindings.sort_by_key(|name| {
        let exact = name == BINDINGS_FILE_NAME || name == PYTHON_BINDINGS_FILE_NAME;
        (!exact, name.clone())
    });
    let Some(chosen) = bindings.first() else {
        return Ok(no_bindings(&source));
    };
    let mut result = read_file(&source, chosen, &dir.join(chosen), limits)?;
    if bindings.len() > 1 {
        result.warnings.insert(
            0,
            format!(
                "{source} holds {} bindings files; {chosen} was read and {} ignored.",
                bindings.len(),
                bindings[1..].join(", ")
            ),
        );
    }
    Ok(result)
}

/// Reads a bindings file the user gave directly (a path ending in `.json`).
pub(super) fn read_bindings_file(
    path: &Path,
    limits: &Limits,
) -> Result<PackageBindings, PackageError> {
    let source = path.display().to_string();
    let name = path
        .file_name()
        .map_or_else(|| source.clone(), |n| n.to_string_lossy().into_owned());
    read_file(&source, &name, path, limits)
}

/// Reads and parses one bindings file on disk. `relative` is how the result and
/// the warnings name it; errors name the full `path`.
fn read_file(
    source: &str,
    relative: &str,
    path: &Path,
    limits: &Limits,
) -> Result<PackageBindings, PackageError> {
    let display = path.display().to_string();
    // Opening a FIFO blocks until something writes to it, and a device may
    // never end: only regular files are opened (symbolic links followed).
    let meta = fs::metadata(path).map_err(|e| PackageError::from_io(&display, e))?;
    if !meta.is_file() {
        return Err(PackageError::NotARegularFile { path: display });
    }
    let file = fs::File::open(path).map_err(|e| PackageError::from_io(&display, e))?;
    // A file on disk is not compressed: the ratio check cannot trigger.
    let bytes = read_bounded(file, u64::MAX, limits).map_err(|e| match e {
        BoundedReadError::TooLarge | BoundedReadError::Ratio => PackageError::BindingsTooLarge {
            package: source.to_owned(),
            entry: relative.to_owned(),
            limit: limits.max_bindings_bytes,
        },
        BoundedReadError::Io(e) => PackageError::from_io(&display, e),
    })?;
    let text = decode_text(bytes).map_err(|detail| PackageError::NotUtf8 {
        file: display.clone(),
        detail,
    })?;
    let parsed = bindings_v2::parse(relative, &text).map_err(|e| e.with_file(&display))?;
    Ok(parsed.into_package(source, relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINDINGS: &str = r#"{"version":"2.0","resources":[{"resource":"Connection","key":"k","value":{"ConnectionId":{"defaultValue":"id"}}}]}"#;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_studio_project_with_bindings() {
        let dir = folder(&[("project.json", "{}"), ("bindings_v2.json", BINDINGS)]);
        let got = read_project_dir(dir.path(), &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "bindings_v2.json");
        assert_eq!(got.source, dir.path().display().to_string());
        assert_eq!(got.connections[0].key, "k");
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    }

    #[test]
    fn a_studio_project_without_bindings_has_nothing_to_audit() {
        let dir = folder(&[("project.json", "{}"), ("Main.xaml", "<Activity/>")]);
        let got = read_project_dir(dir.path(), &Limits::default()).unwrap();
        assert!(got.connections.is_empty());
        assert!(got.warnings[0].contains("declares no connection bindings"));
    }

    #[test]
    fn a_python_project_uses_bindings_json_when_there_is_no_bindings_v2() {
        let dir = folder(&[("pyproject.toml", "[project]"), ("bindings.json", BINDINGS)]);
        let got = read_project_dir(dir.path(), &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "bindings.json");
        assert_eq!(got.connections.len(), 1);

        let dir = folder(&[
            ("pyproject.toml", "[project]"),
            ("bindings.json", "not json"),
            ("bindings_v2.json", BINDINGS),
        ]);
        let got = read_project_dir(dir.path(), &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "bindings_v2.json");
    }

    #[test]
    fn several_spellings_of_the_file_prefer_the_exact_one_and_warn() {
        let dir = folder(&[
            ("project.json", "{}"),
            ("Bindings_V2.json", "not json"),
            ("bindings_v2.json", BINDINGS),
        ]);
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        if names.len() < 3 {
            return; // a case-insensitive disk kept one file: nothing to choose
        }
        let got = read_project_dir(dir.path(), &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "bindings_v2.json");
        assert!(
            got.warnings[0].ends_with(
                "holds 2 bindings files; bindings_v2.json was read and Bindings_V2.json ignored."
            ),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn bindings_json_alone_does_not_make_a_studio_project() {
        let dir = folder(&[("bindings.json", BINDINGS)]);
        let err = read_project_dir(dir.path(), &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "not_a_project");
    }

    #[test]
    fn a_folder_that_is_not_a_project_is_refused() {
        let dir = folder(&[("notes.txt", "hello")]);
        let err = read_project_dir(dir.path(), &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "not_a_project");
        let msg = err.to_string();
        assert!(msg.contains("is not a UiPath project folder"), "{msg}");
        assert!(msg.contains("project.json"), "{msg}");
    }

    #[test]
    fn errors_in_the_file_name_its_full_path() {
        let dir = folder(&[
            ("project.json", "{}"),
            ("bindings_v2.json", "{\"resources\": 1}"),
        ]);
        let err = read_project_dir(dir.path(), &Limits::default()).unwrap_err();
        let full = dir.path().join("bindings_v2.json").display().to_string();
        assert!(err.to_string().starts_with(&full), "{err}");
    }

    #[test]
    fn a_big_bindings_file_is_refused_while_reading() {
        let dir = folder(&[("project.json", "{}")]);
        fs::write(dir.path().join("bindings_v2.json"), vec![b' '; 5000]).unwrap();
        let limits = Limits {
            max_bindings_bytes: 4096,
            ..Limits::default()
        };
        let err = read_project_dir(dir.path(), &limits).unwrap_err();
        assert_eq!(err.kind(), "bindings_too_large");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_in_place_of_the_bindings_file_is_not_opened() {
        let dir = folder(&[("project.json", "{}")]);
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("bindings_v2.json")).unwrap();
        let err = read_project_dir(dir.path(), &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "not_a_regular_file");
        assert!(err.to_string().contains("is not a regular file"), "{err}");
    }

    #[test]
    fn a_bindings_file_given_directly() {
        let dir = folder(&[("my.json", BINDINGS)]);
        let path = dir.path().join("my.json");
        let got = read_bindings_file(&path, &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "my.json");
        assert_eq!(got.source, path.display().to_string());
        assert_eq!(got.connections.len(), 1);
    }
}
