//! Reading the Integration Service connection bindings that a UiPath package declares.
//!
//! Auditing which connections an automation will use starts from what the user
//! has in hand: a `.nupkg` built by Studio or `uipath pack`, a package downloaded
//! from a tenant, or the project folder itself. Those files come from anywhere
//! (a colleague, a feed, an e-mail), so this module treats them as hostile: it
//! reads only the one small JSON file that matters (`bindings_v2.json`), never
//! extracts anything to disk, bounds every size it reads (see [`Limits`]), and
//! turns every failure into a [`PackageError`] whose message says what to do.
//!
//! - `archive` finds and reads `bindings_v2.json` inside a zip, with the limits;
//! - `entry_name` decides which zip entry names are hostile and which entry to prefer;
//! - `bindings_v2` turns the JSON text into [`ConnectionBinding`]s, best effort;
//! - `json_positions` finds where each resource starts, for SARIF locations;
//! - `project_dir` reads a Studio or Python project folder instead of a package.

mod archive;
mod bindings_v2;
mod entry_name;
mod error;
mod json_positions;
mod project_dir;

use std::path::Path;

use serde::Serialize;

pub use error::PackageError;

/// The file that declares a package's resource bindings.
pub const BINDINGS_FILE_NAME: &str = "bindings_v2.json";

/// The connections one package (or project folder) declares, with what was odd about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageBindings {
    /// What the user gave: the package file, the project folder, or the name given
    /// to [`read_package_bytes`] / [`parse_bindings`].
    pub source: String,
    /// Where the bindings were read: the entry inside the zip (`content/bindings_v2.json`)
    /// or the path relative to the folder (`bindings_v2.json`). Empty when the
    /// package has no bindings file.
    pub bindings_file: String,
    /// The top-level `version` of the bindings file (`"2.0"`), empty when absent.
    pub version: String,
    /// Full sentences about what was unusual but not fatal (unknown version,
    /// skipped resources, several bindings files, no bindings at all).
    pub warnings: Vec<String>,
    /// The `Connection` resources, in file order.
    pub connections: Vec<ConnectionBinding>,
}

/// One `Connection` resource of a bindings file, with the activities that use it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionBinding {
    /// The resource's `key` (a connection id in Studio packages, a name in Python ones).
    pub key: String,
    /// `metadata.Connector`, e.g. `uipath-microsoft-outlook365`; `None` when absent or empty.
    pub connector: Option<String>,
    /// `value.ConnectionId.defaultValue` when it is a non-empty literal (not an expression).
    pub default_connection_id: Option<String>,
    /// `value.ConnectionId.isExpression`: the connection is computed at run time.
    pub is_expression: bool,
    /// `value.ConnectionId.displayName`, else `metadata.DisplayLabel`.
    pub display_name: Option<String>,
    /// `metadata.BindingsVersion`, e.g. `"2.2"`.
    pub bindings_version: Option<String>,
    /// `metadata.UseConnectionService` is `true`/`"True"`/`"true"`.
    pub use_connection_service: bool,
    /// Whether people running the process may pick another connection.
    ///
    /// ASSUMPTION: no public documentation names this field. It is true when a
    /// metadata key containing `configurable` (`IsConfigurable`, `isConfigurable`,
    /// `Configurable`, `ConfigurableBy`, any casing) is true-ish or says `ByUser`.
    pub configurable_by_users: bool,
    /// The activities using this connection, deduplicated, in file order: the
    /// `ActivityName` of child `Property` resources and of the connection itself.
    pub activities: Vec<String>,
    /// Child `Property` values as `(name, defaultValue)`, e.g. `("parentFolderName", "Inbox")`.
    pub properties: Vec<(String, String)>,
    /// 1-based line of this resource's opening `{` in `bindings_file`.
    pub line: usize,
    /// 1-based column (in characters) of this resource's opening `{`.
    pub column: usize,
}

/// How much of a package this module is willing to look at. A real package is far
/// below every limit; the limits exist so that a hostile or broken file is refused
/// quickly instead of exhausting memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest package file (or byte buffer) accepted at all.
    pub max_package_bytes: u64,
    /// Most entries a zip may list in its central directory.
    pub max_entries: usize,
    /// Largest sum of the uncompressed sizes the zip declares for its entries.
    pub max_total_uncompressed: u64,
    /// Largest bindings file read, enforced while reading (declared sizes are not trusted).
    pub max_bindings_bytes: u64,
    /// Highest uncompressed:compressed ratio accepted for the entry read...
    pub max_compression_ratio: u64,
    /// ...once it has expanded past this many bytes (small files may compress well).
    pub ratio_check_above_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_package_bytes: 2 * 1024 * MIB,
            max_entries: 100_000,
            max_total_uncompressed: 1024 * MIB,
            max_bindings_bytes: 16 * MIB,
            max_compression_ratio: 100,
            ratio_check_above_bytes: MIB,
        }
    }
}

/// Reads the connection bindings of a `.nupkg` file or of a project folder
/// (Studio's `project.json` or Python's `pyproject.toml` at its root), with the
/// default [`Limits`]. A file whose name ends in `.json` is read as a bindings
/// file itself.
pub fn read_package(path: &Path) -> Result<PackageBindings, PackageError> {
    read_package_with_limits(path, &Limits::default())
}

/// [`read_package`] with explicit limits.
pub fn read_package_with_limits(
    path: &Path,
    limits: &Limits,
) -> Result<PackageBindings, PackageError> {
    let display = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| PackageError::from_io(&display, e))?;
    if meta.is_dir() {
        return project_dir::read_project_dir(path, limits);
    }
    if !meta.is_file() {
        return Err(PackageError::NotAFileOrFolder { path: display });
    }
    if is_json_file_name(path) {
        return project_dir::read_bindings_file(path, limits);
    }
    if meta.len() > limits.max_package_bytes {
        return Err(PackageError::PackageTooLarge {
            package: display,
            size: meta.len(),
            limit: limits.max_package_bytes,
        });
    }
    let file = std::fs::File::open(path).map_err(|e| PackageError::from_io(&display, e))?;
    archive::read_archive(&display, std::io::BufReader::new(file), limits)
}

/// Reads the connection bindings of a `.nupkg` held in memory (a tenant's
/// package download, a fuzzing input), with the default [`Limits`]. `name` is
/// only used in messages and as [`PackageBindings::source`].
pub fn read_package_bytes(name: &str, bytes: &[u8]) -> Result<PackageBindings, PackageError> {
    read_package_bytes_with_limits(name, bytes, &Limits::default())
}

/// [`read_package_bytes`] with explicit limits.
pub fn read_package_bytes_with_limits(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<PackageBindings, PackageError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits.max_package_bytes {
        return Err(PackageError::PackageTooLarge {
            package: name.to_owned(),
            size,
            limit: limits.max_package_bytes,
        });
    }
    archive::read_archive(name, std::io::Cursor::new(bytes), limits)
}

/// Parses the text of one `bindings_v2.json`; `file` names it in messages and
/// becomes both [`PackageBindings::source`] and [`PackageBindings::bindings_file`].
/// A leading UTF-8 byte order mark is accepted.
pub fn parse_bindings(file: &str, text: &str) -> Result<PackageBindings, PackageError> {
    let parsed = bindings_v2::parse(file, text)?;
    Ok(parsed.into_package(file, file))
}

/// The result for a package or folder that has no bindings file: not an error,
/// there is simply nothing to audit.
fn no_bindings(source: &str) -> PackageBindings {
    PackageBindings {
        source: source.to_owned(),
        bindings_file: String::new(),
        version: String::new(),
        warnings: vec![format!(
            "{source} declares no connection bindings (it has no {BINDINGS_FILE_NAME}), so there is nothing to audit."
        )],
        connections: Vec::new(),
    }
}

fn is_json_file_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Turns the raw bytes of a bindings file into text: UTF-8, with or without a
/// byte order mark. The error is a short detail for [`PackageError::NotUtf8`].
fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("it is UTF-16 text (it starts with a UTF-16 byte order mark)".to_owned());
    }
    let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "byte {} is not part of a valid UTF-8 character",
            e.utf8_error().valid_up_to() + 1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_limits_are_the_documented_ones() {
        let l = Limits::default();
        assert_eq!(l.max_entries, 100_000);
        assert_eq!(l.max_bindings_bytes, 16 * 1024 * 1024);
        assert_eq!(l.max_total_uncompressed, 1024 * 1024 * 1024);
        assert_eq!(l.max_compression_ratio, 100);
        assert_eq!(l.ratio_check_above_bytes, 1024 * 1024);
        assert_eq!(l.max_package_bytes, 2 * 1024 * 1024 * 1024);
    }

    #[test]
    fn decode_text_accepts_utf8_with_and_without_bom() {
        assert_eq!(decode_text(b"{}".to_vec()).unwrap(), "{}");
        assert_eq!(decode_text(b"\xEF\xBB\xBF{}".to_vec()).unwrap(), "{}");
    }

    #[test]
    fn decode_text_refuses_utf16_and_invalid_utf8() {
        let err = decode_text(b"\xFF\xFE{\0}\0".to_vec()).unwrap_err();
        assert!(err.contains("UTF-16"), "{err}");
        let err = decode_text(b"{\"a\":\"\xC3\x28\"}".to_vec()).unwrap_err();
        assert!(err.contains("byte 7"), "{err}");
    }

    #[test]
    fn parse_bindings_names_the_file_as_source_and_bindings_file() {
        let got =
            parse_bindings("x/bindings_v2.json", r#"{"version":"2.0","resources":[]}"#).unwrap();
        assert_eq!(got.source, "x/bindings_v2.json");
        assert_eq!(got.bindings_file, "x/bindings_v2.json");
        assert_eq!(got.version, "2.0");
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        assert!(got.connections.is_empty());
    }

    #[test]
    fn no_bindings_says_there_is_nothing_to_audit() {
        let got = no_bindings("a.nupkg");
        assert!(got.connections.is_empty());
        assert_eq!(got.warnings.len(), 1);
        assert!(got.warnings[0].contains("declares no connection bindings"));
        assert!(got.warnings[0].contains("nothing to audit"));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_neither_file_nor_folder() {
        let err = read_package(Path::new("/dev/null")).unwrap_err();
        assert_eq!(err.kind(), "not_a_file_or_folder");
        assert!(
            err.to_string().contains("is neither a file nor a folder"),
            "{err}"
        );
    }

    #[test]
    fn a_json_path_is_read_as_a_bindings_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Bindings.JSON");
        std::fs::write(&path, r#"{"version":"2.0","resources":[]}"#).unwrap();
        let got = read_package(&path).unwrap();
        assert_eq!(got.bindings_file, "Bindings.JSON");
        assert_eq!(got.source, path.display().to_string());
    }

    #[test]
    fn serializes_in_camel_case() {
        let got = no_bindings("a.nupkg");
        let json = serde_json::to_value(&got).unwrap();
        assert!(json.get("bindingsFile").is_some(), "{json}");
    }
}
