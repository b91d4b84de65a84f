//! Reads hand-made Studio-style and Python-style packages, project folders and
//! hostile archives through the public API of `connassist_core::package`.
//!
//! The packages are built here, from the JSON fixtures in `data/packages/`, with
//! the `zip` crate's writer: no binary blob is committed that could not be
//! regenerated, and each hostile archive says in code what makes it hostile.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use connassist_core::package::{
    Limits, PackageBindings, PackageError, parse_bindings, read_package, read_package_bytes,
    read_package_bytes_with_limits,
};
use connassist_core::{ApiError, ErrorCode};
use serde::Deserialize;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

// ---------------------------------------------------------------- fixtures

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/packages")
}

fn fixture(relative: &str) -> Vec<u8> {
    std::fs::read(corpus().join(relative)).unwrap()
}

#[derive(Debug, Deserialize)]
struct Expected {
    version: String,
    /// Each warning must contain the string at the same index.
    warnings: Vec<String>,
    /// The exact serialized `connections`.
    connections: serde_json::Value,
}

fn check(case: &str, got: &PackageBindings, want: &Expected) {
    assert_eq!(got.version, want.version, "{case}");
    assert_eq!(
        got.warnings.len(),
        want.warnings.len(),
        "{case}: {:#?}",
        got.warnings
    );
    for (warning, words) in got.warnings.iter().zip(&want.warnings) {
        assert!(
            warning.contains(words.as_str()),
            "{case}: {warning:?} lacks {words:?}"
        );
    }
    assert_eq!(
        serde_json::to_value(&got.connections).unwrap(),
        want.connections,
        "{case}"
    );
}

/// The folders of the corpus that hold a good bindings file and its expected reading.
fn good_cases() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").is_file() && p.join("bindings_v2.json").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    cases.sort();
    cases
}

// ---------------------------------------------------------------- packages

fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn nuspec(id: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{id}</id>
    <version>1.0.2</version>
    <authors>Finance Automation</authors>
    <description>Hand-made test package.</description>
  </metadata>
</package>"#
    )
    .into_bytes()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="json" ContentType="application/octet" /></Types>"#;

/// What Studio publishes: a NuGet package with the project under `lib/<tfm>/`.
fn studio_package(bindings: &[u8]) -> Vec<u8> {
    let nuspec = nuspec("Invoice.Mailroom");
    let project = fixture("studio-outlook/project.json");
    zip_of(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("Invoice.Mailroom.nuspec", &nuspec),
            ("lib/net6.0-windows7.0/Main.xaml", b"<Activity/>"),
            ("lib/net6.0-windows7.0/project.json", &project),
            ("lib/net6.0-windows7.0/bindings_v2.json", bindings),
            (
                "package/services/metadata/core-properties/1a2b.psmdcp",
                b"<coreProperties/>",
            ),
        ],
        CompressionMethod::Deflated,
    )
}

/// What `uipath pack` builds: the project files under `content/`.
fn python_package(bindings: &[u8]) -> Vec<u8> {
    let nuspec = nuspec("ticket-triage-agent");
    let entry_points = fixture("python-agent/entry-points.json");
    zip_of(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("ticket-triage-agent.nuspec", &nuspec),
            ("content/bindings_v2.json", bindings),
            ("content/entry-points.json", &entry_points),
            ("content/operate.json", br#"{"contentType":"agent"}"#),
            ("content/main.py", b"print('hello')\n"),
        ],
        CompressionMethod::Deflated,
    )
}

// ------------------------------------------------- raw zip patching (hostile)

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// For each entry whose name satisfies `pick`: the offsets of its central
/// directory header and of its local header.
fn headers(zip: &[u8], pick: impl Fn(&[u8]) -> bool) -> Vec<(usize, usize)> {
    let eocd = zip
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .expect("end of central directory");
    let count = u16_at(zip, eocd + 10);
    let mut at = u32_at(zip, eocd + 16);
    let mut found = Vec::new();
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02");
        let (name_len, extra_len, comment_len) = (
            u16_at(zip, at + 28),
            u16_at(zip, at + 30),
            u16_at(zip, at + 32),
        );
        if pick(&zip[at + 46..at + 46 + name_len]) {
            found.push((at, u32_at(zip, at + 42)));
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    assert!(!found.is_empty(), "no entry picked");
    found
}

fn put_u16(zip: &mut [u8], at: usize, value: u16) {
    zip[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u32(zip: &mut [u8], at: usize, value: u32) {
    zip[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn is_bindings(name: &[u8]) -> bool {
    name.ends_with(b"bindings_v2.json")
}

/// Makes the bindings entry claim an uncompressed size it does not have.
fn lie_about_size(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    for (central, local) in headers(&zip, is_bindings) {
        put_u32(&mut zip, central + 24, size);
        put_u32(&mut zip, local + 22, size);
    }
    zip
}

/// A highly compressible entry of `size` zero bytes, written 1 MiB at a time
/// so that neither the test nor the writer ever holds all of it.
fn zero_bomb(name: &str, size: usize) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    writer.start_file(name, options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..size >> 20 {
        writer.write_all(&chunk).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The peak resident memory of this process so far, where the OS tells it.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

// ---------------------------------------------------------------- the corpus

#[test]
fn every_good_fixture_reads_the_same_as_text_studio_and_python_package_and_folder() {
    let cases = good_cases();
    assert!(cases.len() >= 4, "{cases:?}");
    for (name, dir) in cases {
        let want: Expected =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        let bytes = std::fs::read(dir.join("bindings_v2.json")).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();

        let got = parse_bindings("bindings_v2.json", &text).unwrap();
        check(&format!("{name} as text"), &got, &want);

        let got = read_package_bytes("studio.nupkg", &studio_package(&bytes)).unwrap();
        assert_eq!(got.bindings_file, "lib/net6.0-windows7.0/bindings_v2.json");
        check(&format!("{name} in a Studio package"), &got, &want);

        let got = read_package_bytes("python.nupkg", &python_package(&bytes)).unwrap();
        assert_eq!(got.bindings_file, "content/bindings_v2.json");
        assert_eq!(got.source, "python.nupkg");
        check(&format!("{name} in a Python package"), &got, &want);

        let copy = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n != "expected.json") {
                std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
            }
        }
        let got = read_package(copy.path()).unwrap();
        assert_eq!(got.bindings_file, "bindings_v2.json");
        check(&format!("{name} as a folder"), &got, &want);

        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&bytes);
        let got = read_package_bytes("bom.nupkg", &python_package(&with_bom)).unwrap();
        check(&format!("{name} with a byte order mark"), &got, &want);
    }
}

#[derive(Debug, Deserialize)]
struct ExpectedError {
    kind: String,
    contains: String,
}

#[test]
fn every_bad_fixture_is_refused_with_its_message_as_text_and_in_a_package() {
    let table: std::collections::BTreeMap<String, ExpectedError> =
        serde_json::from_slice(&fixture("bad/expected.json")).unwrap();
    let files: Vec<String> = std::fs::read_dir(corpus().join("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json")
        .collect();
    assert_eq!(
        files.len(),
        table.len(),
        "every bad fixture has a row: {files:?}"
    );
    for (file, want) in &table {
        let bytes = fixture(&format!("bad/{file}"));
        let err = parse_bindings(file, &String::from_utf8(bytes.clone()).unwrap()).unwrap_err();
        assert_eq!(err.kind(), want.kind, "{file}: {err}");
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("{file} ")), "{msg}");
        assert!(msg.contains(&want.contains), "{file}: {msg}");
        assert!(
            msg.ends_with("Fix the file or rebuild the package."),
            "{msg}"
        );

        let err = read_package_bytes("Bad.1.0.0.nupkg", &python_package(&bytes)).unwrap_err();
        assert_eq!(err.kind(), want.kind, "{file}: {err}");
        let msg = err.to_string();
        assert!(
            msg.starts_with("content/bindings_v2.json in Bad.1.0.0.nupkg "),
            "{msg}"
        );
        assert!(msg.contains(&want.contains), "{file}: {msg}");
    }
}

// ---------------------------------------------------------------- packages

#[test]
fn a_studio_package_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Invoice.Mailroom.1.0.2.nupkg");
    std::fs::write(
        &path,
        studio_package(&fixture("studio-outlook/bindings_v2.json")),
    )
    .unwrap();
    let got = read_package(&path).unwrap();
    assert_eq!(got.source, path.display().to_string());
    assert_eq!(got.bindings_file, "lib/net6.0-windows7.0/bindings_v2.json");
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    let keys: Vec<&str> = got.connections.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "667c3059-6b5c-4b0f-9a4e-0d2f0b6a1e11",
            "33083c47-1f0e-4c55-8a1b-5e2f3c4d5e6f"
        ]
    );
    let outlook = &got.connections[0];
    assert_eq!(outlook.activities, ["For Each Email", "Send Email"]);
    assert!(
        outlook
            .properties
            .contains(&("SharedMailbox".into(), "finance@contoso.example".into()))
    );
    // The reported position is the resource's opening brace in the file.
    let text = String::from_utf8(fixture("studio-outlook/bindings_v2.json")).unwrap();
    for c in &got.connections {
        let line = text.lines().nth(c.line - 1).unwrap();
        assert_eq!(line.chars().nth(c.column - 1), Some('{'), "{c:?}");
    }
}

#[test]
fn a_package_with_several_bindings_files_says_which_one_was_read() {
    let good = fixture("python-agent/bindings_v2.json");
    let zip = zip_of(
        &[
            ("lib/net45/bindings_v2.json", b"{ this one is never read"),
            ("content/bindings_v2.json", &good),
            ("bindings_v2.json", b"nor this one"),
        ],
        CompressionMethod::Deflated,
    );
    let got = read_package_bytes("two.nupkg", &zip).unwrap();
    assert_eq!(got.bindings_file, "content/bindings_v2.json");
    assert_eq!(got.connections.len(), 2);
    assert_eq!(
        got.warnings,
        [
            "two.nupkg holds 3 bindings files; content/bindings_v2.json was read and lib/net45/bindings_v2.json, bindings_v2.json ignored."
        ]
    );
}

#[test]
fn a_package_without_bindings_has_nothing_to_audit() {
    let zip = zip_of(
        &[
            ("Plain.nuspec", &nuspec("Plain")),
            ("lib/net45/Main.xaml", b"<Activity/>"),
        ],
        CompressionMethod::Deflated,
    );
    let got = read_package_bytes("Plain.1.0.0.nupkg", &zip).unwrap();
    assert!(got.connections.is_empty());
    assert_eq!(
        got.warnings,
        [
            "Plain.1.0.0.nupkg declares no connection bindings (it has no bindings_v2.json), so there is nothing to audit."
        ]
    );
}

// ---------------------------------------------------------------- bad input

#[test]
fn a_zip_bomb_is_refused_fast_and_without_inflating_it() {
    let bomb = zero_bomb("bindings_v2.json", 64 << 20);
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let before = peak_rss_bytes();

    // As written, its header says 64 MiB: refused before a byte is inflated.
    let start = Instant::now();
    let err = read_package_bytes("bomb.nupkg", &bomb).unwrap_err();
    assert_eq!(err.kind(), "bindings_too_large", "{err}");
    assert!(err.to_string().contains("zip bomb"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );

    // A header lying small: the declared checks pass, and reading stops early.
    for lie in [1_000, 10 << 20, 15 << 20] {
        let liar = lie_about_size(bomb.clone(), lie);
        let start = Instant::now();
        let err = read_package_bytes("liar.nupkg", &liar).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                "suspicious_compression" | "bindings_too_large" | "damaged_entry"
            ),
            "{lie}: {err}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
    // With the ratio check off, only the size limits stop it.
    let limits = Limits {
        max_compression_ratio: u64::MAX,
        max_bindings_bytes: 4 << 20,
        ..Limits::default()
    };
    let err = read_package_bytes_with_limits("liar.nupkg", &lie_about_size(bomb, 4 << 20), &limits)
        .unwrap_err();
    assert!(
        matches!(err.kind(), "bindings_too_large" | "damaged_entry"),
        "{err}"
    );

    if let (Some(before), Some(after)) = (before, peak_rss_bytes()) {
        assert!(
            after.saturating_sub(before) < 40 << 20,
            "reading the bomb raised peak memory by {} MiB",
            (after - before) >> 20
        );
    }
}

#[test]
fn a_bomb_among_other_entries_is_refused_by_the_total() {
    let limits = Limits {
        max_total_uncompressed: 32 << 20,
        ..Limits::default()
    };
    let bomb = zero_bomb("lib/net45/big.bin", 40 << 20);
    let err = read_package_bytes_with_limits("big.nupkg", &bomb, &limits).unwrap_err();
    assert_eq!(err.kind(), "archive_too_large", "{err}");
    assert!(err.to_string().contains("declares 40 MiB"), "{err}");
}

#[test]
fn traversal_and_absolute_entry_names_are_refused_naming_the_entry() {
    let good = fixture("python-agent/bindings_v2.json");
    for (name, reason) in [
        ("../evil.json", "climbs out of the package"),
        ("content/../../evil.json", "climbs out of the package"),
        ("/abs.json", "absolute path"),
        ("C:\\x.json", "drive letter"),
        ("..\\..\\Windows\\evil.dll", "climbs out of the package"),
        ("\\\\server\\share\\x.json", "network path"),
    ] {
        let zip = zip_of(
            &[("content/bindings_v2.json", &good), (name, b"{}")],
            CompressionMethod::Deflated,
        );
        let err = read_package_bytes("evil.nupkg", &zip).unwrap_err();
        assert_eq!(err.kind(), "unsafe_entry_name", "{name}: {err}");
        let msg = err.to_string();
        let start = format!("evil.nupkg contains an entry named {name:?}, which ");
        assert!(msg.starts_with(&start), "{msg}");
        assert!(msg.contains(reason), "{msg}");
        assert!(msg.contains("hostile"), "{msg}");
    }
}

#[test]
fn a_renamed_text_file_is_not_a_package() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Report.nupkg");
    std::fs::write(&path, "Quarterly report\nnot a zip at all\n").unwrap();
    let err = read_package(&path).unwrap_err();
    assert_eq!(err.kind(), "not_a_zip");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "{} is not a NuGet package (.nupkg is a zip archive): ",
            path.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("no zip directory"), "{msg}");
    assert_eq!(ApiError::from(err).code, ErrorCode::InvalidInput);
}

#[test]
fn a_truncated_package_is_not_a_package() {
    let whole = studio_package(&fixture("studio-outlook/bindings_v2.json"));
    for keep in [0, 4, 30, whole.len() / 2, whole.len() - 10, whole.len() - 1] {
        let err = read_package_bytes("cut.nupkg", &whole[..keep]).unwrap_err();
        assert_eq!(err.kind(), "not_a_zip", "{keep}: {err}");
        assert!(
            err.to_string().contains("cut.nupkg is not a NuGet package"),
            "{err}"
        );
    }
}

#[test]
fn damaged_content_is_reported_as_damage() {
    let mut zip = python_package(&fixture("python-agent/bindings_v2.json"));
    let (_, local) = headers(&zip, is_bindings)[0];
    let data = local + 30 + u16_at(&zip, local + 26) + u16_at(&zip, local + 28);
    zip[data + 5] ^= 0xFF;
    let err = read_package_bytes("hurt.nupkg", &zip).unwrap_err();
    assert_eq!(err.kind(), "damaged_entry", "{err}");
    assert!(
        err.to_string().contains("download or build it again"),
        "{err}"
    );
}

#[test]
fn an_encrypted_bindings_entry_is_refused() {
    let mut zip = python_package(&fixture("python-agent/bindings_v2.json"));
    for (central, local) in headers(&zip, is_bindings) {
        let flags = u16_at(&zip, central + 8) as u16 | 1;
        put_u16(&mut zip, central + 8, flags);
        put_u16(&mut zip, local + 6, flags);
    }
    let err = read_package_bytes("secret.nupkg", &zip).unwrap_err();
    assert_eq!(err.kind(), "encrypted_entry", "{err}");
    assert!(
        err.to_string()
            .starts_with("content/bindings_v2.json in secret.nupkg is encrypted"),
        "{err}"
    );
}

#[test]
fn an_unsupported_compression_method_is_refused() {
    let mut zip = python_package(&fixture("python-agent/bindings_v2.json"));
    for (central, local) in headers(&zip, is_bindings) {
        put_u16(&mut zip, central + 10, 12); // bzip2
        put_u16(&mut zip, local + 8, 12);
    }
    let err = read_package_bytes("bz.nupkg", &zip).unwrap_err();
    assert_eq!(err.kind(), "unsupported_compression", "{err}");
    assert!(
        err.to_string()
            .contains("is compressed with bzip2, which Connections Assistant does not read"),
        "{err}"
    );
}

#[test]
fn duplicate_entry_names_are_refused() {
    let good = fixture("python-agent/bindings_v2.json");
    let mut zip = zip_of(
        &[
            ("content/bindings_v2.json", &good),
            ("content/bindings_v2.jsoX", b"{\"resources\":[]}"),
        ],
        CompressionMethod::Stored,
    );
    for (central, local) in headers(&zip, |n| n.ends_with(b".jsoX")) {
        let name_len = u16_at(&zip, central + 28);
        zip[central + 46 + name_len - 1] = b'n';
        zip[local + 30 + name_len - 1] = b'n';
    }
    let err = read_package_bytes("twins.nupkg", &zip).unwrap_err();
    assert_eq!(err.kind(), "duplicate_entries", "{err}");
}

#[test]
fn a_package_over_the_size_limit_is_not_opened() {
    let zip = python_package(&fixture("python-agent/bindings_v2.json"));
    let limits = Limits {
        max_package_bytes: 100,
        ..Limits::default()
    };
    let err = read_package_bytes_with_limits("big.nupkg", &zip, &limits).unwrap_err();
    assert_eq!(err.kind(), "package_too_large", "{err}");
    assert!(err.to_string().contains("more than the 100 bytes"), "{err}");
}

// ---------------------------------------------------------------- paths and folders

#[test]
fn a_studio_project_folder_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("project.json"),
        fixture("studio-outlook/project.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("Main.xaml"), "<Activity/>").unwrap();
    let got = read_package(dir.path()).unwrap();
    assert!(got.connections.is_empty());
    assert!(
        got.warnings[0].contains("declares no connection bindings"),
        "{:?}",
        got.warnings
    );

    std::fs::write(
        dir.path().join("bindings_v2.json"),
        fixture("studio-outlook/bindings_v2.json"),
    )
    .unwrap();
    let got = read_package(dir.path()).unwrap();
    assert_eq!(got.source, dir.path().display().to_string());
    assert_eq!(got.connections.len(), 2);

    // A bindings file given directly is read as such.
    let got = read_package(&dir.path().join("bindings_v2.json")).unwrap();
    assert_eq!(got.bindings_file, "bindings_v2.json");
    assert_eq!(got.connections.len(), 2);
}

#[test]
fn a_python_project_folder_with_bindings_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        fixture("python-agent/pyproject.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bindings.json"),
        fixture("python-agent/bindings_v2.json"),
    )
    .unwrap();
    let got = read_package(dir.path()).unwrap();
    assert_eq!(got.bindings_file, "bindings.json");
    assert_eq!(got.connections.len(), 2);
}

#[test]
fn a_folder_that_is_not_a_project_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let err = read_package(dir.path()).unwrap_err();
    assert_eq!(err.kind(), "not_a_project");
    assert!(
        err.to_string().contains("is not a UiPath project folder"),
        "{err}"
    );
    assert_eq!(ApiError::from(err).code, ErrorCode::InvalidInput);
}

#[test]
fn a_missing_path_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Nope.1.0.0.nupkg");
    let err = read_package(&path).unwrap_err();
    assert!(matches!(err, PackageError::NotFound { .. }), "{err:?}");
    let api = ApiError::from(err);
    assert_eq!(api.code, ErrorCode::NotFound);
    assert_eq!(
        api.message,
        format!(
            "{} does not exist. Check the path of the package (.nupkg) or of the project folder.",
            path.display()
        )
    );
}
