//! Where each element of the top-level `resources` array starts in the text.
//!
//! `serde_json::Value` keeps no positions, but an audit finding is only useful
//! in SARIF (and in an editor) with a line and column. Rather than a second
//! JSON parser, this is a small scanner run over text that serde_json has
//! already accepted: it only tracks strings (with escapes), nesting, and which
//! key of the top-level object it is in, which is enough to find the opening
//! character of every element of `resources`.

/// A 1-based line and column; the column counts characters, not bytes.
pub(super) type Position = (usize, usize);

#[derive(Debug)]
enum Frame {
    /// `expect_key`: the next string in this object is a key (after `{` or `,`).
    Object { expect_key: bool },
    /// `resources`: this is the top-level `resources` array.
    Array { resources: bool },
}

/// The start of each element of the top-level object's `resources` array, in
/// order. With duplicate `resources` keys the last one wins, as in serde_json.
/// Meant for valid JSON; on anything else it returns some positions without
/// panicking.
pub(super) fn resource_positions(text: &str) -> Vec<Position> {
    let mut stack: Vec<Frame> = Vec::new();
    let (mut line, mut column) = (1usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    // The raw text of a key of the top-level object, while it is being read.
    let mut top_key: Option<String> = None;
    let mut after_resources_key = false;
    let mut expect_element = false;
    let mut current: Vec<Position> = Vec::new();
    let mut found: Vec<Position> = Vec::new();

    for ch in text.chars() {
        if ch == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
                if let Some(raw) = top_key.take() {
                    after_resources_key = is_resources_key(&raw);
                }
                continue;
            }
            if let Some(raw) = top_key.as_mut() {
                raw.push(ch);
            }
            continue;
        }
        if expect_element
            && matches!(stack.last(), Some(Frame::Array { resources: true }))
            && !ch.is_whitespace()
            && ch != ']'
            && ch != ','
        {
            current.push((line, column));
            expect_element = false;
        }
        match ch {
            '"' => {
                in_string = true;
                if let [Frame::Object { expect_key: true }] = stack.as_slice() {
                    top_key = Some(String::new());
                }
            }
            '{' => stack.push(Frame::Object { expect_key: true }),
            '[' => {
                let resources =
                    matches!(stack.as_slice(), [Frame::Object { .. }]) && after_resources_key;
                if resources {
                    current.clear();
                    expect_element = true;
                }
                stack.push(Frame::Array { resources });
            }
            '}' | ']' => {
                if let Some(Frame::Array { resources: true }) = stack.pop() {
                    found = std::mem::take(&mut current);
                    expect_element = false;
                }
            }
            ':' => {
                if let Some(Frame::Object { expect_key }) = stack.last_mut() {
                    *expect_key = false;
                }
            }
            ',' => match stack.last_mut() {
                Some(Frame::Object { expect_key }) => *expect_key = true,
                Some(Frame::Array { resources: true }) => expect_element = true,
                _ => {}
            },
            _ => {}
        }
    }
    found
}

/// Whether the raw text of a key (between its quotes) is `resources`,
/// escapes included (`"resour\u0063es"` is the same key to serde_json).
fn is_resources_key(raw: &str) -> bool {
    if !raw.contains('\\') {
        return raw == "resources";
    }
    serde_json::from_str::<String>(&format!("\"{raw}\"")).is_ok_and(|key| key == "resources")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character at a 1-based (line, column).
    fn char_at(text: &str, (line, column): Position) -> Option<char> {
        text.split('\n').nth(line - 1)?.chars().nth(column - 1)
    }

    #[test]
    fn finds_each_resource_on_its_own_line() {
        let text = "{\n  \"version\": \"2.0\",\n  \"resources\": [\n    {\"a\": 1},\n    {\"b\": [1, {\"c\": 2}]}\n  ]\n}\n";
        let got = resource_positions(text);
        assert_eq!(got, vec![(4, 5), (5, 5)]);
        for p in got {
            assert_eq!(char_at(text, p), Some('{'));
        }
    }

    #[test]
    fn finds_resources_on_one_line() {
        let text = r#"{"version":"2.0","resources":[{"a":1},{"b":2}]}"#;
        assert_eq!(resource_positions(text), vec![(1, 31), (1, 39)]);
    }

    #[test]
    fn braces_quotes_and_escapes_in_strings_do_not_confuse_it() {
        let text = r#"{"x":"}]\"[{","resources":[{"k":"{\"}\\"},{"k":"]\\\"["} ],"y":"resources"}"#;
        let got = resource_positions(text);
        assert_eq!(got.len(), 2);
        for p in got {
            assert_eq!(char_at(text, p), Some('{'), "{p:?}");
        }
    }

    #[test]
    fn only_the_top_level_resources_key_counts() {
        let text = r#"{"meta":{"resources":[{"no":1}]},"resources":[{"yes":1}],"z":["resources",[{"no":2}]]}"#;
        let got = resource_positions(text);
        assert_eq!(got.len(), 1);
        let (line, column) = got[0];
        assert_eq!(&text[column - 1..column + 5], "{\"yes\"");
        assert_eq!(line, 1);
    }

    #[test]
    fn a_string_value_named_resources_is_not_a_key() {
        let text = r#"{"kind":"resources","list":[{"no":1}]}"#;
        assert!(resource_positions(text).is_empty());
    }

    #[test]
    fn non_object_elements_are_counted_so_indexes_line_up() {
        let text = "{\"resources\":[1, \"s\", null, [2], {\"a\":1}, true]}";
        let got = resource_positions(text);
        assert_eq!(got.len(), 6);
        let chars: Vec<Option<char>> = got.iter().map(|p| char_at(text, *p)).collect();
        assert_eq!(
            chars,
            vec![
                Some('1'),
                Some('"'),
                Some('n'),
                Some('['),
                Some('{'),
                Some('t')
            ]
        );
    }

    #[test]
    fn escaped_key_and_last_duplicate_win_like_serde_json() {
        let text = r#"{"resour\u0063es":[{"first":1}],"resources":[0,{"second":1}]}"#;
        let got = resource_positions(text);
        assert_eq!(got.len(), 2);
        assert_eq!(char_at(text, got[1]), Some('{'));
        assert!(text[got[1].1 - 1..].starts_with("{\"second\""));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "{\"é€\":\"😀\", \"resources\": [{}]}";
        let got = resource_positions(text);
        assert_eq!(got, vec![(1, 26)]);
        assert_eq!(char_at(text, got[0]), Some('{'));
    }

    #[test]
    fn crlf_line_endings_and_empty_arrays() {
        assert_eq!(
            resource_positions("{\r\n\"resources\": [\r\n  {}\r\n]\r\n}"),
            vec![(3, 3)]
        );
        assert!(resource_positions(r#"{"resources":[]}"#).is_empty());
        assert!(resource_positions(r#"{"resources":[ ]}"#).is_empty());
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in [
            "",
            "{",
            "}",
            "]]]]",
            "[{\"resources\":[",
            "{\"resources\":[{",
            "\"\\",
        ] {
            let _ = resource_positions(text);
        }
    }
}
