//! Turning the text of a `bindings_v2.json` into [`ConnectionBinding`]s.
//!
//! The format is UiPath's and undocumented: Studio, Studio Web, Maestro and
//! `uipath pack` each write it a little differently (`Connection` or
//! `connection`, `"True"` or `true`, extra `id` and `DisplayLabel` fields), and
//! new versions will come. So the parser is lenient where it can be and says
//! so in a warning, and strict only where nothing useful can be read:
//!
//! - the whole file is refused (an error) when it is not JSON, not an object, or
//!   has no `resources` array: there is nothing to audit and the user must know;
//! - one resource is skipped with a warning when it is not an object, or is a
//!   connection without a key: the others are still worth auditing;
//! - a connection whose `ConnectionId` is missing or not an object is kept,
//!   with no default connection, and a warning: it still names a connector and
//!   activities, and dropping it would hide it from the audit;
//! - unknown versions are read best effort with a warning; unknown fields are ignored;
//! - resource kinds that are not connections are ignored: known ones (assets,
//!   queues, processes, buckets, triggers, …) silently, unknown ones with one
//!   summarising warning.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::json_positions::{Position, resource_positions};
use super::{ConnectionBinding, PackageBindings, PackageError};

/// Bindings versions (top-level `version` and `metadata.BindingsVersion`) this
/// parser was written against: 2.0 to 2.2.
const KNOWN_MINOR_VERSIONS: std::ops::RangeInclusive<u32> = 0..=2;

/// Resource kinds that exist in real packages and are not connections; they are
/// ignored without a warning.
const OTHER_KNOWN_KINDS: &[&str] = &[
    "asset",
    "queue",
    "process",
    "bucket",
    "storagebucket",
    "eventtrigger",
    "trigger",
    "index",
    "app",
    "apps",
    "actioncenter",
    "taskcatalog",
    "mcpserver",
    "agent",
    "folder",
];

/// What one bindings file says, before it is tied to a package.
#[derive(Debug)]
pub(super) struct Parsed {
    pub version: String,
    pub warnings: Vec<String>,
    pub connections: Vec<ConnectionBinding>,
}

impl Parsed {
    pub(super) fn into_package(self, source: &str, bindings_file: &str) -> PackageBindings {
        PackageBindings {
            source: source.to_owned(),
            bindings_file: bindings_file.to_owned(),
            version: self.version,
            warnings: self.warnings,
            connections: self.connections,
        }
    }
}

/// Parses a bindings file's text; `file` names it in errors and warnings.
pub(super) fn parse(file: &str, text: &str) -> Result<Parsed, PackageError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| invalid_json(file, &e))?;
    let Value::Object(top) = &doc else {
        return Err(wrong_shape(
            file,
            format!(
                "its top level is {}, not an object with \"version\" and \"resources\"",
                describe(&doc)
            ),
        ));
    };
    let resources = match top.get("resources") {
        Some(Value::Array(resources)) => resources,
        Some(other) => {
            return Err(wrong_shape(
                file,
                format!("its \"resources\" is {}, not an array", describe(other)),
            ));
        }
        None => {
            return Err(wrong_shape(
                file,
                "it has no \"resources\" array".to_owned(),
            ));
        }
    };

    let mut warnings = Vec::new();
    let version = scalar_text(top.get("version")).unwrap_or_default();
    if version.is_empty() {
        warnings.push(format!(
            "{file} declares no version; it was read as bindings version 2 (best effort)."
        ));
    } else if !is_known_version(&version) {
        warnings.push(format!(
            "{file} is bindings version {version}, which this version of Connections Assistant does not know (it knows 2.0 to 2.2); it was read best effort, so check the result."
        ));
    }

    let positions = resource_positions(text);
    let mut reader = Reader {
        file,
        warnings,
        connections: Vec::new(),
        first_with_key: HashMap::new(),
        duplicates: BTreeSet::new(),
        connection_of_resource: vec![None; resources.len()],
        unknown_kinds: BTreeSet::new(),
        unknown_bindings_versions: BTreeSet::new(),
        orphan_properties: Vec::new(),
    };
    for (index, resource) in resources.iter().enumerate() {
        // Positions come from the same text serde_json accepted, so they line up;
        // (1, 1) only guards against a scanner bug turning into a panic.
        let position = positions.get(index).copied().unwrap_or((1, 1));
        reader.first_pass(index, resource, position);
    }
    for (index, resource) in resources.iter().enumerate() {
        reader.second_pass(index, resource);
    }
    Ok(reader.finish(version))
}

/// State shared by the two passes over `resources`: connections first (a child
/// property may come before its connection in the file), then what belongs to them.
struct Reader<'a> {
    file: &'a str,
    warnings: Vec<String>,
    connections: Vec<ConnectionBinding>,
    /// The first connection with each key, by the key in lowercase (keys
    /// compare case-insensitively): one lookup per property instead of a
    /// scan of every connection, which made large packages quadratic.
    first_with_key: HashMap<String, usize>,
    /// Keys declared more than once, as first spelled again.
    duplicates: BTreeSet<String>,
    /// For each resource index, the connection it declares, if any.
    connection_of_resource: Vec<Option<usize>>,
    unknown_kinds: BTreeSet<String>,
    unknown_bindings_versions: BTreeSet<String>,
    orphan_properties: Vec<String>,
}

impl Reader<'_> {
    fn first_pass(&mut self, index: usize, resource: &Value, (line, column): Position) {
        let file = self.file;
        let Value::Object(obj) = resource else {
            self.warnings.push(format!(
                "Resource {} of {file} (line {line}, column {column}) is {}, not an object; it was skipped.",
                index + 1,
                describe(resource)
            ));
            return;
        };
        let kind = obj.get("resource").and_then(Value::as_str).unwrap_or("");
        if kind.eq_ignore_ascii_case("connection") {
            if let Some(connection) = self.read_connection(index, obj, (line, column)) {
                let at = self.connections.len();
                match self
                    .first_with_key
                    .entry(connection.key.to_ascii_lowercase())
                {
                    std::collections::hash_map::Entry::Occupied(_) => {
                        self.duplicates.insert(connection.key.clone());
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(at);
                    }
                }
                self.connection_of_resource[index] = Some(at);
                self.connections.push(connection);
            }
        } else if kind.eq_ignore_ascii_case("property")
            || OTHER_KNOWN_KINDS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(kind))
        {
            // Properties are read in the second pass; the rest are not connections.
        } else if kind.is_empty() {
            self.unknown_kinds.insert("(no kind)".to_owned());
        } else {
            self.unknown_kinds.insert(kind.to_owned());
        }
    }

    fn read_connection(
        &mut self,
        index: usize,
        obj: &Map<String, Value>,
        (line, column): Position,
    ) -> Option<ConnectionBinding> {
        let file = self.file;
        let Some(key) = connection_key(obj) else {
            self.warnings.push(format!(
                "Resource {} of {file} (line {line}, column {column}) is a connection without a \"key\"; it was skipped.",
                index + 1
            ));
            return None;
        };
        let empty = Map::new();
        let metadata = get_ci(obj, "metadata")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let connection_id = get_ci(obj, "value")
            .and_then(Value::as_object)
            .and_then(|value| get_ci(value, "ConnectionId"));
        let connection_id = match connection_id {
            Some(Value::Object(id)) => id,
            other => {
                let what = other.map_or("none".to_owned(), describe);
                self.warnings.push(format!(
                    "Connection {key} in {file} (line {line}) has no \"ConnectionId\" object (it has {what}), so its default connection is unknown."
                ));
                &empty
            }
        };
        let is_expression = get_ci(connection_id, "isExpression").is_some_and(truthy);
        let default_connection_id = if is_expression {
            None
        } else {
            non_empty_text(get_ci(connection_id, "defaultValue"))
        };
        let display_name = non_empty_text(get_ci(connection_id, "displayName"))
            .or_else(|| non_empty_text(get_ci(metadata, "DisplayLabel")));
        let bindings_version = non_empty_text(get_ci(metadata, "BindingsVersion"));
        if let Some(v) = &bindings_version
            && !is_known_version(v)
        {
            self.unknown_bindings_versions.insert(v.clone());
        }
        Some(ConnectionBinding {
            key,
            connector: non_empty_text(get_ci(metadata, "Connector")),
            default_connection_id,
            is_expression,
            display_name,
            bindings_version,
            use_connection_service: get_ci(metadata, "UseConnectionService").is_some_and(truthy),
            configurable_by_users: configurable_by_users(metadata),
            activities: Vec::new(),
            properties: Vec::new(),
            line,
            column,
        })
    }

    fn second_pass(&mut self, index: usize, resource: &Value) {
        let Value::Object(obj) = resource else {
            return;
        };
        let empty = Map::new();
        let metadata = get_ci(obj, "metadata")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let activity = non_empty_text(get_ci(metadata, "ActivityName"));

        if let Some(Some(own)) = self.connection_of_resource.get(index).copied() {
            if let (Some(activity), Some(connection)) = (activity, self.connections.get_mut(own)) {
                push_unique(&mut connection.activities, activity);
            }
            return;
        }
        let is_property = obj
            .get("resource")
            .and_then(Value::as_str)
            .is_some_and(|k| k.eq_ignore_ascii_case("property"));
        if !is_property {
            return;
        }
        let Some(parent) = non_empty_text(get_ci(metadata, "ParentResourceKey")) else {
            return;
        };
        let Some(parent_key) = strip_prefix_ci(&parent, "connection.") else {
            return; // a property of another kind of resource
        };
        let Some(connection) = self
            .first_with_key
            .get(&parent_key.to_ascii_lowercase())
            .and_then(|&at| self.connections.get_mut(at))
        else {
            self.orphan_properties.push(parent_key.to_owned());
            return;
        };
        // Studio keys a property `<connection key>.<activity name>`: a fallback
        // when the metadata does not name the activity.
        let activity = activity.or_else(|| {
            let key = obj.get("key").and_then(Value::as_str)?;
            let rest = strip_prefix_ci(key, &connection.key)?.strip_prefix('.')?;
            (!rest.trim().is_empty()).then(|| rest.to_owned())
        });
        if let Some(activity) = activity {
            push_unique(&mut connection.activities, activity);
        }
        if let Some(Value::Object(values)) = get_ci(obj, "value") {
            for (name, spec) in values {
                if let Some(value) = property_value(spec) {
                    let pair = (name.clone(), value);
                    if !connection.properties.contains(&pair) {
                        connection.properties.push(pair);
                    }
                }
            }
        }
    }

    fn finish(mut self, version: String) -> Parsed {
        let file = self.file;
        if !self.duplicates.is_empty() {
            self.warnings.push(format!(
                "{file} declares the same connection key more than once ({}); each is listed, and their properties are attached to the first.",
                join(self.duplicates.iter())
            ));
        }
        if !self.unknown_bindings_versions.is_empty() {
            self.warnings.push(format!(
                "{file} has connections with BindingsVersion {}, which this version of Connections Assistant does not know (it knows 2.0 to 2.2); they were read best effort, so check the result.",
                join(self.unknown_bindings_versions.iter())
            ));
        }
        if !self.orphan_properties.is_empty() {
            let parents: BTreeSet<&String> = self.orphan_properties.iter().collect();
            self.warnings.push(format!(
                "{file} has {} property resource(s) of connections it does not declare ({}); they were ignored.",
                self.orphan_properties.len(),
                join(parents.iter())
            ));
        }
        if !self.unknown_kinds.is_empty() {
            self.warnings.push(format!(
                "{file} also binds resources of kinds Connections Assistant does not know ({}); they are not connections as far as it can tell, and were ignored.",
                join(self.unknown_kinds.iter())
            ));
        }
        Parsed {
            version,
            warnings: self.warnings,
            connections: self.connections,
        }
    }
}

/// The connection's `key`, or for a Maestro-style resource without one, its
/// `id` minus the `Connection` prefix.
fn connection_key(obj: &Map<String, Value>) -> Option<String> {
    if let Some(key) = non_empty_text(obj.get("key")) {
        return Some(key);
    }
    let id = non_empty_text(obj.get("id"))?;
    let key = strip_prefix_ci(&id, "connection")?;
    (!key.trim().is_empty()).then(|| key.to_owned())
}

/// A property's `defaultValue` as text; a bare scalar is taken as the value.
fn property_value(spec: &Value) -> Option<String> {
    let value = match spec {
        Value::Object(spec) => get_ci(spec, "defaultValue")?,
        other => other,
    };
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
            Some(value.to_string())
        }
    }
}

/// See [`ConnectionBinding::configurable_by_users`]: an assumption, not a documented field.
fn configurable_by_users(metadata: &Map<String, Value>) -> bool {
    metadata.iter().any(|(key, value)| {
        key.to_ascii_lowercase().contains("configurable")
            && (truthy(value)
                || value
                    .as_str()
                    .is_some_and(|s| s.trim().eq_ignore_ascii_case("ByUser")))
    })
}

/// `true`, `"true"`, `"True"` (and any casing, around spaces).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// `2`, `2.0`, `2.1`, `2.2`, `2.2.0`: the versions the parser was written for.
fn is_known_version(version: &str) -> bool {
    let mut parts = version.trim().split('.');
    let major = parts.next();
    let minor = parts.next().unwrap_or("0");
    major == Some("2")
        && minor
            .parse::<u32>()
            .is_ok_and(|m| KNOWN_MINOR_VERSIONS.contains(&m))
        && parts.all(|p| p.chars().all(|c| c == '0') && !p.is_empty())
}

/// A field by its exact name, else by the same name in another casing.
fn get_ci<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A string (or a number, written as JSON writes it), trimmed, if not empty.
fn non_empty_text(value: Option<&Value>) -> Option<String> {
    scalar_text(value).filter(|s| !s.is_empty())
}

fn scalar_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn join<T: AsRef<str>>(items: impl Iterator<Item = T>) -> String {
    items
        .map(|s| s.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Number(_) => "a number".to_owned(),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn wrong_shape(file: &str, detail: String) -> PackageError {
    PackageError::WrongShape {
        file: file.to_owned(),
        detail,
    }
}

/// serde_json's message without its own " at line L column C" suffix, which the
/// error's sentence already gives.
fn invalid_json(file: &str, err: &serde_json::Error) -> PackageError {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let detail = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    PackageError::InvalidJson {
        file: file.to_owned(),
        line: err.line(),
        column: err.column(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTLOOK: &str = r#"{"version":"2.0","resources":[
 {"resource":"Connection","key":"667c3059-aaaa",
  "value":{"ConnectionId":{"defaultValue":"667c3059-aaaa","isExpression":false,"displayName":"Connection"}},
  "metadata":{"BindingsVersion":"2.2","Connector":"uipath-microsoft-outlook365","UseConnectionService":"True"}},
 {"resource":"Property","key":"667c3059-aaaa.For Each Email","value":{"parentFolderName":{"defaultValue":"Inbox","isExpression":false}},
  "metadata":{"BindingsVersion":"2.1","ActivityName":"For Each Email","ParentResourceKey":"Connection.667c3059-aaaa"}},
 {"resource":"Property","key":"667c3059-aaaa.Send Email","value":{"SharedMailbox":{"defaultValue":"finance@contoso.example","isExpression":false}},
  "metadata":{"BindingsVersion":"2.1","ActivityName":"Send Email","ParentResourceKey":"Connection.667c3059-aaaa"}},
 {"resource":"Asset","key":"ApiKey.Shared","value":{"name":{"defaultValue":"ApiKey"}},"metadata":{}}]}"#;

    fn parse_ok(text: &str) -> Parsed {
        parse("bindings_v2.json", text).unwrap()
    }

    fn one(resource: &str) -> Parsed {
        parse_ok(&format!(r#"{{"version":"2.0","resources":[{resource}]}}"#))
    }

    #[test]
    fn reads_a_studio_outlook_connection_with_its_properties() {
        let got = parse_ok(OUTLOOK);
        assert_eq!(got.version, "2.0");
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        assert_eq!(got.connections.len(), 1);
        let c = &got.connections[0];
        assert_eq!(c.key, "667c3059-aaaa");
        assert_eq!(c.connector.as_deref(), Some("uipath-microsoft-outlook365"));
        assert_eq!(c.default_connection_id.as_deref(), Some("667c3059-aaaa"));
        assert!(!c.is_expression);
        assert_eq!(c.display_name.as_deref(), Some("Connection"));
        assert_eq!(c.bindings_version.as_deref(), Some("2.2"));
        assert!(c.use_connection_service);
        assert!(!c.configurable_by_users);
        assert_eq!(c.activities, vec!["For Each Email", "Send Email"]);
        assert_eq!(
            c.properties,
            vec![
                ("parentFolderName".to_owned(), "Inbox".to_owned()),
                (
                    "SharedMailbox".to_owned(),
                    "finance@contoso.example".to_owned()
                )
            ]
        );
        assert_eq!((c.line, c.column), (2, 2));
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let got = parse_ok(&format!("\u{feff}{OUTLOOK}"));
        assert_eq!(got.connections.len(), 1);
        assert_eq!((got.connections[0].line, got.connections[0].column), (2, 2));
    }

    #[test]
    fn resource_kind_casing_python_style() {
        let got = one(
            r#"{"resource":"connection","key":"jira-coded-eval","value":{"ConnectionId":{"defaultValue":"jira-coded-eval"}},"metadata":{"UseConnectionService":"True","Connector":"","BindingsVersion":"2.2"}}"#,
        );
        let c = &got.connections[0];
        assert_eq!(c.key, "jira-coded-eval");
        assert_eq!(c.connector, None, "an empty Connector is no connector");
        assert_eq!(c.default_connection_id.as_deref(), Some("jira-coded-eval"));
        assert!(!c.is_expression);
        assert!(c.use_connection_service);
    }

    #[test]
    fn true_in_every_spelling() {
        for (value, want) in [
            (r#""True""#, true),
            (r#""true""#, true),
            ("true", true),
            (r#"" TRUE ""#, true),
            (r#""False""#, false),
            ("false", false),
            ("1", false),
            ("null", false),
        ] {
            let got = one(&format!(
                r#"{{"resource":"Connection","key":"k","value":{{"ConnectionId":{{"defaultValue":"id","isExpression":{value}}}}},"metadata":{{"UseConnectionService":{value}}}}}"#
            ));
            let c = &got.connections[0];
            assert_eq!(c.use_connection_service, want, "{value}");
            assert_eq!(c.is_expression, want, "{value}");
            assert_eq!(c.default_connection_id.is_none(), want, "{value}");
        }
    }

    #[test]
    fn an_expression_or_empty_default_is_no_default_connection() {
        let got = one(
            r#"{"resource":"Connection","key":"k","value":{"ConnectionId":{"defaultValue":"in_ConnId","isExpression":true}}}"#,
        );
        assert_eq!(got.connections[0].default_connection_id, None);
        assert!(got.connections[0].is_expression);
        let got = one(
            r#"{"resource":"Connection","key":"k","value":{"ConnectionId":{"defaultValue":"  ","isExpression":false}}}"#,
        );
        assert_eq!(got.connections[0].default_connection_id, None);
    }

    #[test]
    fn maestro_id_display_label_and_own_activity() {
        let got = one(
            r#"{"resource":"Connection","key":"abc","id":"Connectionabc","value":{"ConnectionId":{"defaultValue":"abc","isExpression":false}},"metadata":{"ActivityName":"Upsert Record","BindingsVersion":"2.2","DisplayLabel":"Data Fabric","UseConnectionService":"true","Connector":"uipath-uipath-dataservice"}}"#,
        );
        let c = &got.connections[0];
        assert_eq!(c.display_name.as_deref(), Some("Data Fabric"));
        assert_eq!(c.activities, vec!["Upsert Record"]);
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    }

    #[test]
    fn display_name_wins_over_display_label() {
        let got = one(
            r#"{"resource":"Connection","key":"abc","value":{"ConnectionId":{"defaultValue":"abc","displayName":"Mine"}},"metadata":{"DisplayLabel":"Theirs"}}"#,
        );
        assert_eq!(got.connections[0].display_name.as_deref(), Some("Mine"));
    }

    #[test]
    fn a_connection_without_key_falls_back_to_its_maestro_id() {
        let got = one(r#"{"resource":"Connection","id":"Connectionabc-1","value":{}}"#);
        assert_eq!(got.connections[0].key, "abc-1");
    }

    #[test]
    fn a_connection_without_key_or_id_is_skipped_with_a_warning() {
        let got = one(r#"{"resource":"Connection","value":{"ConnectionId":{}}}"#);
        assert!(got.connections.is_empty());
        assert_eq!(got.warnings.len(), 1);
        assert!(
            got.warnings[0].contains("without a \"key\""),
            "{:?}",
            got.warnings
        );
        assert!(got.warnings[0].contains("line 1"), "{:?}", got.warnings);
    }

    #[test]
    fn a_connection_id_that_is_not_an_object_is_kept_with_a_warning() {
        let got = one(r#"{"resource":"Connection","key":"k","value":{"ConnectionId":"abc"}}"#);
        assert_eq!(got.connections.len(), 1);
        assert_eq!(got.connections[0].default_connection_id, None);
        assert!(
            got.warnings[0].contains("no \"ConnectionId\" object (it has a string)"),
            "{:?}",
            got.warnings
        );
        let got = one(r#"{"resource":"Connection","key":"k"}"#);
        assert!(
            got.warnings[0].contains("(it has none)"),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn a_resource_that_is_not_an_object_is_skipped_with_its_position() {
        let got = parse_ok(
            "{\"version\":\"2.0\",\"resources\":[\n  42,\n  {\"resource\":\"Connection\",\"key\":\"k\",\"value\":{\"ConnectionId\":{}}}]}",
        );
        assert_eq!(got.connections.len(), 1);
        assert_eq!((got.connections[0].line, got.connections[0].column), (3, 3));
        assert!(
            got.warnings[0]
                .contains("Resource 1 of bindings_v2.json (line 2, column 3) is a number"),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn versions_known_and_unknown() {
        for v in ["2", "2.0", "2.1", "2.2", "2.2.0", " 2.1 "] {
            assert!(is_known_version(v), "{v}");
        }
        for v in ["", "1.0", "2.3", "3.0", "2.x", "2.2.1", "2..", "two"] {
            assert!(!is_known_version(v), "{v}");
        }
        let got = parse_ok(r#"{"version":"3.0","resources":[]}"#);
        assert_eq!(got.version, "3.0");
        assert!(
            got.warnings[0].contains("version 3.0"),
            "{:?}",
            got.warnings
        );
        assert!(
            got.warnings[0].contains("best effort"),
            "{:?}",
            got.warnings
        );
        let got = parse_ok(r#"{"version":2.0,"resources":[]}"#);
        assert_eq!(got.version, "2.0");
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        let got = parse_ok(r#"{"resources":[]}"#);
        assert!(
            got.warnings[0].contains("declares no version"),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn unknown_bindings_versions_are_summarised_once() {
        let got = parse_ok(
            r#"{"version":"2.0","resources":[
            {"resource":"Connection","key":"a","metadata":{"BindingsVersion":"3.1"},"value":{"ConnectionId":{}}},
            {"resource":"Connection","key":"b","metadata":{"BindingsVersion":"3.1"},"value":{"ConnectionId":{}}},
            {"resource":"Connection","key":"c","metadata":{"BindingsVersion":"2.2"},"value":{"ConnectionId":{}}}]}"#,
        );
        assert_eq!(got.connections.len(), 3);
        assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
        assert!(
            got.warnings[0].contains("BindingsVersion 3.1,"),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn other_kinds_are_ignored_known_silently_unknown_in_one_warning() {
        let got = parse_ok(
            r#"{"version":"2.0","resources":[
            {"resource":"Asset","key":"a"},{"resource":"Queue","key":"q"},{"resource":"Process","key":"p"},
            {"resource":"Bucket","key":"b"},{"resource":"EventTrigger","key":"e","value":{"ConnectionId":{"defaultValue":"x"}}},
            {"resource":"Hologram","key":"h"},{"resource":"Hologram","key":"h2"},{"resource":"Teleporter"},{"key":"none"}]}"#,
        );
        assert!(got.connections.is_empty());
        assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
        assert!(
            got.warnings[0].contains("(no kind), Hologram, Teleporter"),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn properties_before_their_connection_and_case_insensitive_parent() {
        let got = parse_ok(
            r#"{"version":"2.0","resources":[
            {"resource":"Property","key":"K1.Second","value":{"b":{"defaultValue":2}},"metadata":{"ActivityName":"Second","ParentResourceKey":"connection.k1"}},
            {"resource":"Connection","key":"K1","value":{"ConnectionId":{"defaultValue":"K1"}},"metadata":{"ActivityName":"Own"}},
            {"resource":"Property","key":"K1.Third","value":{"c":{"defaultValue":true},"d":{"defaultValue":null},"e":"bare","f":{"isExpression":false}},"metadata":{"ParentResourceKey":"CONNECTION.K1"}},
            {"resource":"Property","key":"K1.Second","value":{"b":{"defaultValue":2}},"metadata":{"ActivityName":"Second","ParentResourceKey":"Connection.K1"}},
            {"resource":"Property","key":"Q.x","value":{"z":{"defaultValue":"no"}},"metadata":{"ActivityName":"Queue thing","ParentResourceKey":"Queue.Q"}}]}"#,
        );
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        let c = &got.connections[0];
        assert_eq!(c.activities, vec!["Second", "Own", "Third"]);
        assert_eq!(
            c.properties,
            vec![
                ("b".to_owned(), "2".to_owned()),
                ("c".to_owned(), "true".to_owned()),
                ("e".to_owned(), "bare".to_owned()),
            ]
        );
    }

    #[test]
    fn properties_of_undeclared_connections_are_summarised() {
        let got = parse_ok(
            r#"{"version":"2.0","resources":[
            {"resource":"Property","key":"x.A","value":{},"metadata":{"ActivityName":"A","ParentResourceKey":"Connection.missing"}},
            {"resource":"Property","key":"x.B","value":{},"metadata":{"ActivityName":"B","ParentResourceKey":"Connection.missing"}}]}"#,
        );
        assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
        assert!(
            got.warnings[0].contains("2 property resource(s)"),
            "{:?}",
            got.warnings
        );
        assert!(got.warnings[0].contains("(missing)"), "{:?}", got.warnings);
    }

    #[test]
    fn duplicate_connection_keys_are_listed_and_warned() {
        let got = parse_ok(
            r#"{"version":"2.0","resources":[
            {"resource":"Connection","key":"k","value":{"ConnectionId":{}}},
            {"resource":"Connection","key":"K","value":{"ConnectionId":{}}},
            {"resource":"Property","key":"k.A","value":{},"metadata":{"ActivityName":"A","ParentResourceKey":"Connection.k"}}]}"#,
        );
        assert_eq!(got.connections.len(), 2);
        assert_eq!(got.connections[0].activities, vec!["A"]);
        assert!(got.connections[1].activities.is_empty());
        assert!(
            got.warnings[0].contains("more than once (K)"),
            "{:?}",
            got.warnings
        );
    }

    #[test]
    fn configurable_by_users_is_an_assumption_on_several_spellings() {
        for (metadata, want) in [
            (r#"{"IsConfigurable":"True"}"#, true),
            (r#"{"isConfigurable":true}"#, true),
            (r#"{"Configurable":"ByUser"}"#, true),
            (r#"{"ConfigurableBy":"byuser"}"#, true),
            (r#"{"Configurable":"false"}"#, false),
            (r#"{"Configurable":"ByAdmin"}"#, false),
            (r#"{}"#, false),
        ] {
            let got = one(&format!(
                r#"{{"resource":"Connection","key":"k","value":{{"ConnectionId":{{}}}},"metadata":{metadata}}}"#
            ));
            assert_eq!(got.connections[0].configurable_by_users, want, "{metadata}");
        }
    }

    #[test]
    fn unknown_fields_and_odd_casing_of_known_ones_are_tolerated() {
        let got = one(
            r#"{"resource":"Connection","key":"k","extra":[1,2],"Value":{"connectionId":{"DefaultValue":"id","x":1}},"Metadata":{"connector":"c","new":{}}}"#,
        );
        let c = &got.connections[0];
        assert_eq!(c.default_connection_id.as_deref(), Some("id"));
        assert_eq!(c.connector.as_deref(), Some("c"));
    }

    #[test]
    fn invalid_json_names_file_line_and_column() {
        let err = parse(
            "content/bindings_v2.json",
            "{\n  \"version\": \"2.0\",\n  \"resources\": [ {} {} ]\n}",
        )
        .unwrap_err();
        assert_eq!(err.kind(), "invalid_json");
        assert_eq!(
            err.to_string(),
            "content/bindings_v2.json is not valid JSON at line 3, column 21: expected `,` or `]`. Fix the file or rebuild the package."
        );
        let err = parse("f.json", "").unwrap_err();
        assert!(err.to_string().contains("EOF while parsing"), "{err}");
    }

    #[test]
    fn wrong_shapes_are_refused_with_what_was_found() {
        for (text, words) in [
            ("[]", "its top level is an array"),
            ("\"x\"", "its top level is a string"),
            (r#"{"version":"2.0"}"#, "no \"resources\" array"),
            (
                r#"{"resources":{}}"#,
                "its \"resources\" is an object, not an array",
            ),
            (r#"{"resources":null}"#, "its \"resources\" is null"),
        ] {
            let err = parse("b.json", text).unwrap_err();
            assert_eq!(err.kind(), "wrong_shape", "{text}");
            let msg = err.to_string();
            assert!(msg.starts_with("b.json is not a bindings file: "), "{msg}");
            assert!(msg.contains(words), "{text}: {msg}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!(
            r#"{{"resources":[{}1{}]}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let err = parse("deep.json", &text).unwrap_err();
        assert_eq!(err.kind(), "invalid_json");
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }
}
