//! Why a package could not be read, as sentences a person can act on.
//!
//! Packages come from users and from tenants, so most failures are about the
//! input, not about us: each variant's message says what happened and what to
//! do, and [`PackageError::kind`] gives tests and the CLI a stable name for it.

use crate::error::{ApiError, ErrorCode};

/// Why the bindings of a package, project folder or bindings file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(
        "{path} does not exist. Check the path of the package (.nupkg) or of the project folder."
    )]
    NotFound { path: String },
    #[error(
        "Could not read {path}: {source}. Check that you may read it and that no other program is writing it, then try again."
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is neither a file nor a folder. Give the path of a package (.nupkg) or of a project folder."
    )]
    NotAFileOrFolder { path: String },
    #[error(
        "{path} is not a regular file (it is a pipe, a device or a socket), so it was not read. Put the bindings file itself there, or give a package (.nupkg)."
    )]
    NotARegularFile { path: String },
    #[error(
        "{path} is not a UiPath project folder: it has no project.json, pyproject.toml or bindings_v2.json at its root. Give the folder that holds project.json, or a package (.nupkg)."
    )]
    NotAProject { path: String },
    #[error(
        "{package} is not a NuGet package (.nupkg is a zip archive): {detail}. Give a package built by Studio, Orchestrator or `uipath pack`, or the project folder."
    )]
    NotAZip { package: String, detail: String },
    #[error(
        "{package} is {}, more than the {} a package may have here, so it was not read. Check that this is the package you meant.",
        human_bytes(*.size), human_bytes(*.limit)
    )]
    PackageTooLarge {
        package: String,
        size: u64,
        limit: u64,
    },
    #[error(
        "{package} lists {count} entries, more than the {limit} a package may have here, so it was not read: it is damaged or built to exhaust memory. Rebuild it or ask where it came from."
    )]
    TooManyEntries {
        package: String,
        count: usize,
        limit: usize,
    },
    #[error(
        "{package} lists several entries with the same name, so different tools would read different files from it; it was not read. Rebuild the package."
    )]
    DuplicateEntries { package: String },
    #[error(
        "{package} declares {} of uncompressed content, more than the {} a package may have here, so it was not read: it is damaged or a zip bomb. Rebuild it or ask where it came from.",
        human_bytes(*.size), human_bytes(*.limit)
    )]
    ArchiveTooLarge {
        package: String,
        size: u64,
        limit: u64,
    },
    #[error(
        "{entry} in {package} is larger than {} uncompressed, far more than any bindings file, so it was not read: the package is damaged or a zip bomb. Rebuild it or ask where it came from.",
        human_bytes(*.limit)
    )]
    BindingsTooLarge {
        package: String,
        entry: String,
        limit: u64,
    },
    #[error(
        "{entry} in {package} expands more than {max_ratio} times its compressed size, as zip bombs do, so it was not read. Rebuild the package or ask where it came from."
    )]
    SuspiciousCompression {
        package: String,
        entry: String,
        max_ratio: u64,
    },
    #[error(
        "{package} contains an entry named {entry:?}, which {reason}. A real package never does: it is damaged or hostile, so it was not read. Rebuild it or ask where it came from."
    )]
    UnsafeEntryName {
        package: String,
        entry: String,
        reason: &'static str,
    },
    #[error(
        "{entry} in {package} is encrypted, and packages are never encrypted, so it cannot be read. Rebuild the package without a password."
    )]
    EncryptedEntry { package: String, entry: String },
    #[error(
        "{entry} in {package} is compressed with {method}, which Connections Assistant does not read (only stored and deflated entries). Rebuild the package with Studio or `uipath pack`."
    )]
    UnsupportedCompression {
        package: String,
        entry: String,
        method: String,
    },
    #[error(
        "{entry} in {package} could not be read: {detail}. The package is damaged; download or build it again."
    )]
    DamagedEntry {
        package: String,
        entry: String,
        detail: String,
    },
    #[error("{file} is not UTF-8 text: {detail}. Save it as UTF-8 or rebuild the package.")]
    NotUtf8 { file: String, detail: String },
    #[error(
        "{file} is not valid JSON at line {line}, column {column}: {detail}. Fix the file or rebuild the package."
    )]
    InvalidJson {
        file: String,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("{file} is not a bindings file: {detail}. Fix the file or rebuild the package.")]
    WrongShape { file: String, detail: String },
}

impl PackageError {
    /// A stable name for the variant, for test tables and machine-readable output.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "not_found",
            Self::Io { .. } => "io",
            Self::NotAFileOrFolder { .. } => "not_a_file_or_folder",
            Self::NotARegularFile { .. } => "not_a_regular_file",
            Self::NotAProject { .. } => "not_a_project",
            Self::NotAZip { .. } => "not_a_zip",
            Self::PackageTooLarge { .. } => "package_too_large",
            Self::TooManyEntries { .. } => "too_many_entries",
            Self::DuplicateEntries { .. } => "duplicate_entries",
            Self::ArchiveTooLarge { .. } => "archive_too_large",
            Self::BindingsTooLarge { .. } => "bindings_too_large",
            Self::SuspiciousCompression { .. } => "suspicious_compression",
            Self::UnsafeEntryName { .. } => "unsafe_entry_name",
            Self::EncryptedEntry { .. } => "encrypted_entry",
            Self::UnsupportedCompression { .. } => "unsupported_compression",
            Self::DamagedEntry { .. } => "damaged_entry",
            Self::NotUtf8 { .. } => "not_utf8",
            Self::InvalidJson { .. } => "invalid_json",
            Self::WrongShape { .. } => "wrong_shape",
        }
    }

    /// An I/O failure on a path the user gave: a missing path is [`Self::NotFound`].
    pub(super) fn from_io(path: &str, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            Self::NotFound {
                path: path.to_owned(),
            }
        } else {
            Self::Io {
                path: path.to_owned(),
                source,
            }
        }
    }

    /// Names the bindings file in errors about its content by a fuller name
    /// (`content/bindings_v2.json in Foo.1.0.0.nupkg`, or the full path in a
    /// folder) than the short one the parser was given.
    pub(super) fn with_file(self, display: &str) -> Self {
        match self {
            Self::NotUtf8 { detail, .. } => Self::NotUtf8 {
                file: display.to_owned(),
                detail,
            },
            Self::InvalidJson {
                line,
                column,
                detail,
                ..
            } => Self::InvalidJson {
                file: display.to_owned(),
                line,
                column,
                detail,
            },
            Self::WrongShape { detail, .. } => Self::WrongShape {
                file: display.to_owned(),
                detail,
            },
            other => other,
        }
    }
}

impl From<PackageError> for ApiError {
    fn from(err: PackageError) -> Self {
        let code = match &err {
            PackageError::NotFound { .. } => ErrorCode::NotFound,
            // Not being allowed to read a file is the user's to fix; a failing
            // disk or a file vanishing mid-read is not.
            PackageError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                ErrorCode::InvalidInput
            }
            PackageError::Io { .. } => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        };
        ApiError::new(code, err.to_string())
    }
}

/// `16 MiB`, `1 GiB`, `1.5 KiB`, `12 bytes`: sizes as people read them.
pub(super) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_reads_naturally() {
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(1023), "1023 bytes");
        assert_eq!(human_bytes(1024), "1 KiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(16 * 1024 * 1024), "16 MiB");
        assert_eq!(human_bytes(1024 * 1024 * 1024), "1 GiB");
        assert_eq!(human_bytes(u64::MAX), "16 EiB");
    }

    #[test]
    fn messages_are_sentences_saying_what_to_do() {
        let err = PackageError::InvalidJson {
            file: "content/bindings_v2.json".into(),
            line: 3,
            column: 14,
            detail: "expected `,` or `}`".into(),
        };
        assert_eq!(
            err.to_string(),
            "content/bindings_v2.json is not valid JSON at line 3, column 14: expected `,` or `}`. Fix the file or rebuild the package."
        );
        let err = PackageError::BindingsTooLarge {
            package: "a.nupkg".into(),
            entry: "content/bindings_v2.json".into(),
            limit: 16 * 1024 * 1024,
        };
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
    }

    #[test]
    fn api_error_codes_follow_whose_fault_it_is() {
        let missing = PackageError::from_io(
            "x.nupkg",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(missing.kind(), "not_found");
        assert_eq!(ApiError::from(missing).code, ErrorCode::NotFound);

        let denied = PackageError::from_io(
            "x.nupkg",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(ApiError::from(denied).code, ErrorCode::InvalidInput);

        let broken = PackageError::from_io("x.nupkg", std::io::Error::other("disk on fire"));
        let api = ApiError::from(broken);
        assert_eq!(api.code, ErrorCode::Internal);
        assert!(api.message.contains("disk on fire"), "{}", api.message);

        let bad = PackageError::NotAZip {
            package: "x.nupkg".into(),
            detail: "no".into(),
        };
        assert_eq!(ApiError::from(bad).code, ErrorCode::InvalidInput);
    }

    #[test]
    fn with_file_renames_only_content_errors() {
        let err = PackageError::WrongShape {
            file: "bindings_v2.json".into(),
            detail: "d".into(),
        }
        .with_file("/p/bindings_v2.json");
        assert!(err.to_string().starts_with("/p/bindings_v2.json "), "{err}");
        let err = PackageError::NotAProject { path: "/p".into() }.with_file("zzz");
        assert!(!err.to_string().contains("zzz"));
    }
}
