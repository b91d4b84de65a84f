//! Property tests of `connassist_core::package`: hostile bytes never panic it,
//! and every well-formed bindings document is read back exactly, with each
//! connection's line and column on its opening brace.
//!
//! Failing cases are kept in `data/packages/proptest-regressions/`, which is
//! committed, so a failure found once is replayed on every run after.

// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Write};
use std::sync::OnceLock;

use connassist_core::package::{PackageBindings, parse_bindings, read_package_bytes};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/packages/proptest-regressions/package_fuzz.txt"
        )))),
        ..ProptestConfig::default()
    }
}

/// Errors must be whole sentences, and a success must be self-consistent.
fn assert_sane(result: &Result<PackageBindings, connassist_core::package::PackageError>) {
    match result {
        Ok(got) => {
            for c in &got.connections {
                assert!(c.line >= 1 && c.column >= 1, "{c:?}");
            }
        }
        Err(err) => {
            let msg = err.to_string();
            assert!(msg.ends_with('.'), "{msg}");
            assert!(!err.kind().is_empty());
        }
    }
}

// ------------------------------------------------------------ a valid package

const BINDINGS: &str = include_str!("data/packages/studio-outlook/bindings_v2.json");

fn package(method: CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, data) in [
        ("Invoice.Mailroom.nuspec", &b"<package/>"[..]),
        ("lib/net6.0-windows7.0/Main.xaml", b"<Activity/>"),
        (
            "lib/net6.0-windows7.0/bindings_v2.json",
            BINDINGS.as_bytes(),
        ),
    ] {
        writer.start_file(name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn packages() -> &'static [Vec<u8>; 2] {
    static PACKAGES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    PACKAGES.get_or_init(|| {
        [
            package(CompressionMethod::Deflated),
            package(CompressionMethod::Stored),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Set { at: usize, byte: u8 },
    Truncate { at: usize },
    Cut { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), 1..64usize).prop_map(|(at, len)| Mutation::Cut { at, len }),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let len = bytes.len();
        match *m {
            Mutation::Flip { at, mask } => bytes[at % len] ^= mask,
            Mutation::Set { at, byte } => bytes[at % len] = byte,
            Mutation::Truncate { at } => bytes.truncate(at % len),
            Mutation::Cut { at, len: n } => {
                let start = at % len;
                let end = (start + n).min(len);
                bytes.drain(start..end);
            }
        }
    }
    bytes
}

// ------------------------------------------------------ generated documents

/// Text that JSON must escape or that looks like structure: braces, brackets,
/// quotes, backslashes, a non-ASCII letter and an emoji (a surrogate pair in
/// `\u` escapes). No leading or trailing spaces: the reader trims names.
fn tricky_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9{}\\[\\]\"\\\\:,é😀][a-zA-Z0-9 {}\\[\\]\"\\\\:,.é😀\t\n]{0,14}[a-zA-Z0-9{}\"\\\\]"
}

#[derive(Debug, Clone)]
struct GenConnection {
    key_suffix: String,
    kind_spelling: &'static str,
    connector: Option<String>,
    default_id: Option<String>,
    is_expression: bool,
    own_activity: Option<String>,
    /// (activity, placed before the connection in the file?)
    children: Vec<(String, bool)>,
    noise_before: bool,
}

fn gen_connection() -> impl Strategy<Value = GenConnection> {
    (
        tricky_text(),
        prop::sample::select(vec!["Connection", "connection", "CONNECTION"]),
        prop::option::of(tricky_text()),
        prop::option::of(tricky_text()),
        any::<bool>(),
        prop::option::of(tricky_text()),
        prop::collection::vec((tricky_text(), any::<bool>()), 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(
                key_suffix,
                kind_spelling,
                connector,
                default_id,
                is_expression,
                own_activity,
                children,
                noise_before,
            )| GenConnection {
                key_suffix,
                kind_spelling,
                connector,
                default_id,
                is_expression,
                own_activity,
                children,
                noise_before,
            },
        )
}

/// A bindings document, and what reading it must give for each connection:
/// (key, connector, default connection, activities).
type Want = (String, Option<String>, Option<String>, Vec<String>);

fn document(connections: &[GenConnection]) -> (Value, Vec<Want>) {
    let mut resources = Vec::new();
    let mut wants = Vec::new();
    for (i, c) in connections.iter().enumerate() {
        // Distinct by their numeric prefix, even ignoring case.
        let key = format!("{i}-{}", c.key_suffix);
        if c.noise_before {
            resources.push(json!({
                "resource": "Asset", "key": format!("{{{}}}", c.key_suffix),
                "value": {"name": {"defaultValue": "}]\"{", "isExpression": false}},
                "metadata": {"ActivityName": "Get Asset", "ParentResourceKey": format!("Connection.{key}x")}
            }));
        }
        let child = |activity: &str| {
            json!({
                "resource": "Property",
                "key": format!("{key}.{activity}"),
                "value": {"field": {"defaultValue": activity, "isExpression": false}},
                "metadata": {"BindingsVersion": "2.1", "ActivityName": activity, "ParentResourceKey": format!("Connection.{key}")}
            })
        };
        let mut activities: Vec<String> = Vec::new();
        let mut add = |a: &str| {
            if !activities.iter().any(|x| x == a) {
                activities.push(a.to_owned());
            }
        };
        for (activity, _) in c.children.iter().filter(|(_, before)| *before) {
            resources.push(child(activity));
            add(activity);
        }
        let mut metadata = json!({"BindingsVersion": "2.2", "UseConnectionService": "True"});
        if let Some(connector) = &c.connector {
            metadata["Connector"] = json!(connector);
        }
        if let Some(own) = &c.own_activity {
            metadata["ActivityName"] = json!(own);
            add(own);
        }
        let mut connection_id =
            json!({"isExpression": c.is_expression, "displayName": "Connection"});
        if let Some(id) = &c.default_id {
            connection_id["defaultValue"] = json!(id);
        }
        resources.push(json!({
            "resource": c.kind_spelling,
            "key": key,
            "value": {"ConnectionId": connection_id},
            "metadata": metadata,
        }));
        for (activity, _) in c.children.iter().filter(|(_, before)| !*before) {
            resources.push(child(activity));
            add(activity);
        }
        let default = if c.is_expression {
            None
        } else {
            c.default_id.clone()
        };
        wants.push((key, c.connector.clone(), default, activities));
    }
    (json!({"version": "2.0", "resources": resources}), wants)
}

fn render(doc: &Value, style: u8) -> String {
    match style % 3 {
        0 => serde_json::to_string(doc).unwrap(),
        1 => serde_json::to_string_pretty(doc).unwrap(),
        _ => {
            let mut out = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
            let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
            serde::Serialize::serialize(doc, &mut ser).unwrap();
            String::from_utf8(out).unwrap().replace('\n', "\r\n")
        }
    }
}

/// The JSON object that starts (with its `{`) at a 1-based (line, column), columns in characters.
fn value_at(text: &str, line: usize, column: usize) -> Option<Value> {
    let line_start: usize = text.split('\n').take(line - 1).map(|l| l.len() + 1).sum();
    let rest = &text[line_start..];
    let offset: usize = rest.chars().take(column - 1).map(char::len_utf8).sum();
    if !rest[offset..].starts_with('{') {
        return None;
    }
    let mut values = serde_json::Deserializer::from_str(&rest[offset..]).into_iter::<Value>();
    values.next()?.ok()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        assert_sane(&read_package_bytes("fuzz.nupkg", &bytes));
        let text = String::from_utf8_lossy(&bytes);
        assert_sane(&parse_bindings("fuzz.json", &text));
    }

    #[test]
    fn zip_looking_bytes_never_panic(
        tail in prop::collection::vec(any::<u8>(), 0..512),
        eocd_at in any::<usize>(),
    ) {
        // Start like a zip and carry an end-of-central-directory signature, so
        // the zip reader gets past its first checks.
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(&tail);
        let at = eocd_at % bytes.len();
        bytes.splice(at..at, b"PK\x05\x06".iter().copied());
        assert_sane(&read_package_bytes("fuzz.nupkg", &bytes));
    }

    #[test]
    fn json_looking_text_never_panics(text in "[{}\\[\\]\":,\\\\ a-z0-9\\n]{0,200}") {
        assert_sane(&parse_bindings("fuzz.json", &text));
        let wrapped = format!(r#"{{"version":"2.0","resources":[{text}]}}"#);
        assert_sane(&parse_bindings("fuzz.json", &wrapped));
    }

    #[test]
    fn mutated_packages_never_panic(
        which in 0..2usize,
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let bytes = mutate(packages()[which].clone(), &mutations);
        let result = read_package_bytes("mutant.nupkg", &bytes);
        assert_sane(&result);
        if let Ok(got) = result {
            // Whatever survived the mutation is at most what was there.
            prop_assert!(got.connections.len() <= 2, "{:?}", got.connections);
        }
    }

    #[test]
    fn generated_documents_round_trip(
        connections in prop::collection::vec(gen_connection(), 0..6),
        style in any::<u8>(),
        bom in any::<bool>(),
    ) {
        let (doc, wants) = document(&connections);
        let text = render(&doc, style);
        let input = if bom { format!("\u{feff}{text}") } else { text.clone() };
        let got = parse_bindings("gen.json", &input).unwrap();
        prop_assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        prop_assert_eq!(got.connections.len(), wants.len());
        for (c, (key, connector, default, activities)) in got.connections.iter().zip(&wants) {
            prop_assert_eq!(&c.key, key);
            prop_assert_eq!(&c.connector, connector);
            prop_assert_eq!(&c.default_connection_id, default);
            prop_assert_eq!(&c.activities, activities);
            let at = value_at(&text, c.line, c.column);
            prop_assert!(at.is_some(), "nothing at {}:{}", c.line, c.column);
            let at = at.unwrap_or_default();
            prop_assert_eq!(at.get("key").and_then(Value::as_str), Some(key.as_str()));
        }
    }
}
