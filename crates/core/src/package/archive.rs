//! Finding and reading `bindings_v2.json` inside a `.nupkg` (a zip), within limits.
//!
//! A package is untrusted input: it may be truncated, not a zip at all, a zip
//! bomb, or built to attack extractors. This file is the only place that
//! touches the zip, and it reads exactly one entry. Every size the archive
//! declares is checked against [`Limits`] before reading, and the entry is read
//! through `take()` with the size and compression-ratio limits enforced on the
//! bytes actually produced, because declared sizes are whatever the author
//! wrote.

use std::io::{Read, Seek};

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::bindings_v2;
use super::entry_name::{bindings_rank, check_entry_name};
use super::{Limits, PackageBindings, PackageError, decode_text, no_bindings};

/// A `bindings_v2.json` entry found in the archive.
#[derive(Debug)]
struct Candidate {
    index: usize,
    name: String,
    rank: u8,
}

/// Reads the bindings of the package in `reader`; `package` names it in messages.
pub(super) fn read_archive<R: Read + Seek>(
    package: &str,
    reader: R,
    limits: &Limits,
) -> Result<PackageBindings, PackageError> {
    let mut archive = ZipArchive::new(reader).map_err(|e| open_error(package, e))?;
    if archive.len() > limits.max_entries {
        return Err(PackageError::TooManyEntries {
            package: package.to_owned(),
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    if archive.has_duplicate_names() {
        return Err(PackageError::DuplicateEntries {
            package: package.to_owned(),
        });
    }

    let mut declared_total: u64 = 0;
    let mut candidates = Vec::new();
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(|e| open_error(package, e))?;
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        check_entry_name(&name, entry.enclosed_name().is_some()).map_err(|reason| {
            PackageError::UnsafeEntryName {
                package: package.to_owned(),
                entry: name.clone(),
                reason,
            }
        })?;
        declared_total = declared_total.saturating_add(entry.size());
        if entry.is_dir() {
            continue;
        }
        if let Some(rank) = bindings_rank(&name) {
            candidates.push(Candidate { index, name, rank });
        }
    }
    if declared_total > limits.max_total_uncompressed {
        return Err(PackageError::ArchiveTooLarge {
            package: package.to_owned(),
            size: declared_total,
            limit: limits.max_total_uncompressed,
        });
    }

    candidates.sort_by(|a, b| {
        (a.rank, a.name.to_lowercase(), a.index).cmp(&(b.rank, b.name.to_lowercase(), b.index))
    });
    let Some(chosen) = candidates.first() else {
        return Ok(no_bindings(package));
    };
    let bytes = read_entry(&mut archive, package, chosen, limits)?;
    let display = format!("{} in {package}", chosen.name);
    let text = decode_text(bytes).map_err(|detail| PackageError::NotUtf8 {
        file: display.clone(),
        detail,
    })?;
    let parsed = bindings_v2::parse(&chosen.name, &text).map_err(|e| e.with_file(&display))?;
    let mut result = parsed.into_package(package, &chosen.name);
    if candidates.len() > 1 {
        let others: Vec<&str> = candidates[1..].iter().map(|c| c.name.as_str()).collect();
        result.warnings.insert(
            0,
            format!(
                "{package} holds {} bindings files; {} was read and {} ignored.",
                candidates.len(),
                chosen.name,
                others.join(", ")
            ),
        );
    }
    Ok(result)
}

/// Reads one entry whole, refusing it as soon as it is bigger or expands more
/// than the limits allow, whatever its header says.
fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    package: &str,
    candidate: &Candidate,
    limits: &Limits,
) -> Result<Vec<u8>, PackageError> {
    let entry_name = candidate.name.clone();
    let too_large = || PackageError::BindingsTooLarge {
        package: package.to_owned(),
        entry: entry_name.clone(),
        limit: limits.max_bindings_bytes,
    };
    let suspicious = || PackageError::SuspiciousCompression {
        package: package.to_owned(),
        entry: entry_name.clone(),
        max_ratio: limits.max_compression_ratio,
    };
    let damaged = |detail: String| PackageError::DamagedEntry {
        package: package.to_owned(),
        entry: entry_name.clone(),
        detail,
    };

    let (declared_size, compressed_size) = {
        let entry = archive
            .by_index_data(candidate.index)
            .map_err(|e| damaged(e.to_string()))?;
        if entry.encrypted() {
            return Err(PackageError::EncryptedEntry {
                package: package.to_owned(),
                entry: entry_name.clone(),
            });
        }
        match entry.compression() {
            CompressionMethod::Stored | CompressionMethod::Deflated => {}
            other => {
                return Err(PackageError::UnsupportedCompression {
                    package: package.to_owned(),
                    entry: entry_name.clone(),
                    method: method_name(other),
                });
            }
        }
        (entry.size(), entry.compressed_size())
    };
    if declared_size > limits.max_bindings_bytes {
        return Err(too_large());
    }
    if expands_too_much(declared_size, compressed_size, limits) {
        return Err(suspicious());
    }

    let file = archive
        .by_index(candidate.index)
        .map_err(|e| damaged(zip_detail(&e)))?;
    read_bounded(file, compressed_size, limits).map_err(|e| match e {
        BoundedReadError::TooLarge => too_large(),
        BoundedReadError::Ratio => suspicious(),
        BoundedReadError::Io(e) => damaged(e.to_string()),
    })
}

#[derive(Debug)]
pub(super) enum BoundedReadError {
    TooLarge,
    Ratio,
    Io(std::io::Error),
}

/// Reads `reader` to its end, failing as soon as more than
/// `limits.max_bindings_bytes` come out, or (past `ratio_check_above_bytes`)
/// more than `max_compression_ratio` times `compressed_size`. At most
/// `max_bindings_bytes + 1` bytes are ever read or held.
pub(super) fn read_bounded(
    reader: impl Read,
    compressed_size: u64,
    limits: &Limits,
) -> Result<Vec<u8>, BoundedReadError> {
    let mut reader = reader.take(limits.max_bindings_bytes.saturating_add(1));
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BoundedReadError::Io(e)),
        };
        let Some(read) = chunk.get(..n) else {
            return Err(BoundedReadError::Io(std::io::Error::other(
                "the reader claimed more bytes than it was given room for",
            )));
        };
        out.extend_from_slice(read);
        let total = u64::try_from(out.len()).unwrap_or(u64::MAX);
        if total > limits.max_bindings_bytes {
            return Err(BoundedReadError::TooLarge);
        }
        if expands_too_much(total, compressed_size, limits) {
            return Err(BoundedReadError::Ratio);
        }
    }
}

/// A compression method as people know it, for the message about it.
fn method_name(method: CompressionMethod) -> String {
    let known = [
        (CompressionMethod::BZIP2, "bzip2"),
        (CompressionMethod::LZMA, "LZMA"),
        (CompressionMethod::ZSTD, "Zstandard"),
        (CompressionMethod::XZ, "XZ"),
        (CompressionMethod::PPMD, "PPMd"),
        (CompressionMethod::DEFLATE64, "Deflate64"),
        (CompressionMethod::IMPLODE, "Implode"),
        (CompressionMethod::SHRINK, "Shrink"),
        (CompressionMethod::AES, "AES encryption"),
    ];
    known.iter().find(|(m, _)| *m == method).map_or_else(
        || format!("an unknown method ({method:?})"),
        |(_, name)| (*name).to_owned(),
    )
}

fn expands_too_much(uncompressed: u64, compressed: u64, limits: &Limits) -> bool {
    uncompressed > limits.ratio_check_above_bytes
        && uncompressed > compressed.saturating_mul(limits.max_compression_ratio)
}

/// Why `ZipArchive::new` failed, as the end of "X is not a NuGet package … : ".
fn open_error(package: &str, err: ZipError) -> PackageError {
    match err {
        ZipError::Io(e)
            if !matches!(
                e.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
            ) =>
        {
            PackageError::Io {
                path: package.to_owned(),
                source: e,
            }
        }
        other => PackageError::NotAZip {
            package: package.to_owned(),
            detail: zip_detail(&other),
        },
    }
}

fn zip_detail(err: &ZipError) -> String {
    match err {
        ZipError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "it ends too early (the file is truncated)".to_owned()
        }
        ZipError::InvalidArchive(detail) if detail.contains("EOCD") => {
            "it has no zip directory at its end (it is another kind of file, or a truncated one)"
                .to_owned()
        }
        ZipError::InvalidArchive(detail) => format!("it is damaged or truncated ({detail})"),
        ZipError::UnsupportedArchive(detail) => {
            format!("it uses an unsupported feature ({detail})")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    fn small_limits() -> Limits {
        Limits {
            max_package_bytes: 1 << 20,
            max_entries: 10,
            max_total_uncompressed: 64 * 1024,
            max_bindings_bytes: 4096,
            max_compression_ratio: 10,
            ratio_check_above_bytes: 1024,
        }
    }

    fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(method);
        for (name, data) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn read(bytes: &[u8], limits: &Limits) -> Result<PackageBindings, PackageError> {
        read_archive("p.nupkg", Cursor::new(bytes), limits)
    }

    const BINDINGS: &[u8] = br#"{"version":"2.0","resources":[{"resource":"Connection","key":"k","value":{"ConnectionId":{"defaultValue":"id"}}}]}"#;

    #[test]
    fn reads_stored_and_deflated_entries() {
        for method in [CompressionMethod::Stored, CompressionMethod::Deflated] {
            let zip = zip_of(&[("content/bindings_v2.json", BINDINGS)], method);
            let got = read(&zip, &Limits::default()).unwrap();
            assert_eq!(got.bindings_file, "content/bindings_v2.json");
            assert_eq!(got.source, "p.nupkg");
            assert_eq!(got.connections[0].key, "k");
        }
    }

    #[test]
    fn prefers_content_then_lib_then_root_and_warns_about_the_rest() {
        let zip = zip_of(
            &[
                ("bindings_v2.json", b"not json"),
                ("lib/net45/bindings_v2.json", b"not json"),
                ("content/bindings_v2.json", BINDINGS),
            ],
            CompressionMethod::Deflated,
        );
        let got = read(&zip, &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "content/bindings_v2.json");
        assert_eq!(
            got.warnings[0],
            "p.nupkg holds 3 bindings files; content/bindings_v2.json was read and lib/net45/bindings_v2.json, bindings_v2.json ignored."
        );
        let zip = zip_of(
            &[
                ("bindings_v2.json", b"not json"),
                ("lib/net6.0-windows7.0/Bindings_V2.json", BINDINGS),
            ],
            CompressionMethod::Stored,
        );
        let got = read(&zip, &Limits::default()).unwrap();
        assert_eq!(got.bindings_file, "lib/net6.0-windows7.0/Bindings_V2.json");
    }

    #[test]
    fn a_package_without_bindings_has_nothing_to_audit() {
        let zip = zip_of(
            &[("Foo.nuspec", b"<package/>")],
            CompressionMethod::Deflated,
        );
        let got = read(&zip, &Limits::default()).unwrap();
        assert!(got.connections.is_empty());
        assert_eq!(got.bindings_file, "");
        assert!(got.warnings[0].contains("declares no connection bindings"));
    }

    #[test]
    fn json_errors_name_the_entry_and_the_package() {
        let zip = zip_of(
            &[("content/bindings_v2.json", b"{\n\"resources\": [,]}")],
            CompressionMethod::Deflated,
        );
        let err = read(&zip, &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "invalid_json");
        assert!(
            err.to_string().starts_with(
                "content/bindings_v2.json in p.nupkg is not valid JSON at line 2, column 15"
            ),
            "{err}"
        );
        let zip = zip_of(
            &[("content/bindings_v2.json", b"\xFF\xFE{\0}\0")],
            CompressionMethod::Stored,
        );
        let err = read(&zip, &Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "not_utf8");
        assert!(err.to_string().contains("in p.nupkg is not UTF-8"), "{err}");
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..11).map(|i| format!("f{i}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let zip = zip_of(&entries, CompressionMethod::Stored);
        let err = read(&zip, &small_limits()).unwrap_err();
        assert_eq!(err.kind(), "too_many_entries");
        assert!(
            err.to_string()
                .contains("lists 11 entries, more than the 10"),
            "{err}"
        );
    }

    #[test]
    fn a_large_declared_total_is_refused() {
        let big = vec![b'a'; 40 * 1024];
        let zip = zip_of(
            &[("a.bin", &big), ("b.bin", &big)],
            CompressionMethod::Deflated,
        );
        let err = read(&zip, &small_limits()).unwrap_err();
        assert_eq!(err.kind(), "archive_too_large");
        assert!(err.to_string().contains("declares 80 KiB"), "{err}");
        assert!(err.to_string().contains("zip bomb"), "{err}");
    }

    #[test]
    fn a_large_bindings_file_is_refused_by_its_declared_size() {
        let mut text = BINDINGS.to_vec();
        text.extend(std::iter::repeat_n(b' ', 5000));
        let zip = zip_of(
            &[("content/bindings_v2.json", &text)],
            CompressionMethod::Stored,
        );
        let err = read(&zip, &small_limits()).unwrap_err();
        assert_eq!(err.kind(), "bindings_too_large");
        assert!(err.to_string().contains("larger than 4 KiB"), "{err}");
    }

    #[test]
    fn a_highly_compressed_bindings_file_is_refused() {
        let mut text = BINDINGS.to_vec();
        text.extend(std::iter::repeat_n(b' ', 3000));
        let zip = zip_of(
            &[("content/bindings_v2.json", &text)],
            CompressionMethod::Deflated,
        );
        let err = read(&zip, &small_limits()).unwrap_err();
        assert_eq!(err.kind(), "suspicious_compression");
        assert!(err.to_string().contains("more than 10 times"), "{err}");
    }

    #[test]
    fn the_size_limit_holds_while_reading_whatever_was_declared() {
        // An endless reader: only `take()` and the checks stop it.
        let limits = small_limits();
        let got = read_bounded(std::io::repeat(b'x'), u64::MAX, &limits);
        assert!(matches!(got, Err(BoundedReadError::TooLarge)), "{got:?}");
        let roomy = Limits {
            max_bindings_bytes: 1 << 20,
            ..limits
        };
        let got = read_bounded(std::io::repeat(0), 100, &roomy);
        assert!(matches!(got, Err(BoundedReadError::Ratio)), "{got:?}");
        let got = read_bounded(&b"hello"[..], 5, &limits).unwrap();
        assert_eq!(got, b"hello");
        // Exactly at the limit is fine.
        let exact = vec![b'x'; 4096];
        assert_eq!(read_bounded(&exact[..], 4096, &limits).unwrap().len(), 4096);
    }

    #[test]
    fn unsafe_names_are_refused_even_when_not_bindings() {
        for name in [
            "../evil.json",
            "/abs.json",
            "C:\\x.json",
            "\\\\server\\share\\x",
        ] {
            let zip = zip_of(
                &[("content/bindings_v2.json", BINDINGS), (name, b"x")],
                CompressionMethod::Stored,
            );
            let err = read(&zip, &Limits::default()).unwrap_err();
            assert_eq!(err.kind(), "unsafe_entry_name", "{name}");
            let msg = err.to_string();
            assert!(msg.contains(&format!("{name:?}")), "{msg}");
            assert!(msg.contains("hostile"), "{msg}");
        }
    }

    #[test]
    fn garbage_is_not_a_zip() {
        for bytes in [
            &b""[..],
            b"hello, I am a text file",
            b"PK\x03\x04 truncated",
        ] {
            let err = read(bytes, &Limits::default()).unwrap_err();
            assert_eq!(err.kind(), "not_a_zip", "{bytes:?}");
            assert!(
                err.to_string()
                    .starts_with("p.nupkg is not a NuGet package (.nupkg is a zip archive): "),
                "{err}"
            );
        }
    }
}
