//! The OData `$filter` subset the real clients send: clauses joined by `and`,
//! each `contains(Field, 'text')`, `Field eq 'text'` / `Field eq 123`, or
//! `Field in ('a', 'b')` (OData 4.01; uipath-platform reads jobs by key so), with
//! `''` escaping a quote and `a/b` paths (`connector/key eq 'k'`). Anything
//! else is refused with a message naming what is supported, rather than being
//! ignored (a silently ignored filter returns wrong data).

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Eq,
    Contains,
    /// One of several values, held in `Clause::value` joined by `\n`.
    In,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub op: Op,
    /// Lower-cased field path, e.g. `name` or `connector/key`.
    pub field: String,
    pub value: String,
}

pub fn parse_filter(filter: &str) -> Result<Vec<Clause>, String> {
    split_and(filter)?
        .iter()
        .map(|c| parse_clause(c.trim()))
        .collect()
}

/// Splits on ` and ` outside quoted strings.
fn split_and(filter: &str) -> Result<Vec<String>, String> {
    let mut parts = vec![];
    let mut current = String::new();
    let mut in_quotes = false;
    let chars: Vec<char> = filter.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            in_quotes = !in_quotes;
        }
        if !in_quotes && c == ' ' {
            let rest: String = chars[i..].iter().take(5).collect();
            if rest.eq_ignore_ascii_case(" and ") {
                parts.push(std::mem::take(&mut current));
                i += 5;
                continue;
            }
        }
        current.push(c);
        i += 1;
    }
    if in_quotes {
        return Err(format!("$filter has an unterminated string: {filter:?}"));
    }
    parts.push(current);
    Ok(parts)
}

fn unquote(value: &str) -> Result<String, String> {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Ok(inner.replace("''", "'"))
    } else if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        Ok(v.to_owned())
    } else {
        Err(format!("expected a quoted string or a number, found {v:?}"))
    }
}

fn parse_clause(clause: &str) -> Result<Clause, String> {
    let unsupported = || {
        format!(
            "Unsupported $filter clause {clause:?}: use contains(Field, 'text') or Field eq 'value', joined with and."
        )
    };
    if let Some(args) = clause
        .strip_prefix("contains(")
        .and_then(|s| s.strip_suffix(')'))
    {
        let (field, value) = args.split_once(',').ok_or_else(unsupported)?;
        return Ok(Clause {
            op: Op::Contains,
            field: field.trim().to_ascii_lowercase(),
            value: unquote(value).map_err(|e| format!("{}: {e}", unsupported()))?,
        });
    }
    let mut words = clause.splitn(3, ' ');
    if let [field, op, list] = clause.splitn(3, ' ').collect::<Vec<_>>()[..]
        && op.eq_ignore_ascii_case("in")
    {
        let inner = list
            .trim()
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .ok_or_else(unsupported)?;
        let values = split_list(inner)?
            .iter()
            .map(|v| unquote(v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: {e}", unsupported()))?;
        return Ok(Clause {
            op: Op::In,
            field: field.trim().to_ascii_lowercase(),
            value: values.join("\n"),
        });
    }
    match (words.next(), words.next(), words.next()) {
        (Some(field), Some(op), Some(value)) if op.eq_ignore_ascii_case("eq") => Ok(Clause {
            op: Op::Eq,
            field: field.trim().to_ascii_lowercase(),
            value: unquote(value).map_err(|e| format!("{}: {e}", unsupported()))?,
        }),
        _ => Err(unsupported()),
    }
}

impl Clause {
    /// Whether `actual` (the field's value) satisfies the clause; text compares
    /// case-insensitively, as OData services here do.
    pub fn matches(&self, actual: &str) -> bool {
        match self.op {
            Op::Eq => actual.eq_ignore_ascii_case(&self.value),
            Op::Contains => actual.to_lowercase().contains(&self.value.to_lowercase()),
            Op::In => self
                .value
                .split('\n')
                .any(|v| actual.eq_ignore_ascii_case(v)),
        }
    }
}

/// Splits `'a', 'b'` on commas outside quoted strings.
fn split_list(list: &str) -> Result<Vec<String>, String> {
    let mut parts = vec![];
    let mut current = String::new();
    let mut in_quotes = false;
    for c in list.chars() {
        match c {
            '\'' => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            ',' if !in_quotes => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if in_quotes {
        return Err(format!("an unterminated string in ({list})"));
    }
    parts.push(current);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_uipath_platform_sends() {
        let clauses =
            parse_filter("contains(Name, 'O''Slack') and connector/key eq 'uipath-slack'").unwrap();
        assert_eq!(
            clauses,
            vec![
                Clause {
                    op: Op::Contains,
                    field: "name".into(),
                    value: "O'Slack".into()
                },
                Clause {
                    op: Op::Eq,
                    field: "connector/key".into(),
                    value: "uipath-slack".into()
                },
            ]
        );
    }

    #[test]
    fn and_inside_a_string_is_not_a_separator() {
        let c = parse_filter("Name eq 'Sales and Marketing'").unwrap();
        assert_eq!(c[0].value, "Sales and Marketing");
    }

    #[test]
    fn numbers_and_case() {
        let c = parse_filter("Id EQ 42").unwrap();
        assert_eq!(
            c[0],
            Clause {
                op: Op::Eq,
                field: "id".into(),
                value: "42".into()
            }
        );
        assert!(c[0].matches("42"));
    }

    #[test]
    fn in_lists_match_any_of_their_values() {
        let c = parse_filter("Key in ('a-1', 'b,2','O''Brien')").unwrap();
        assert_eq!(c[0].op, Op::In);
        assert!(c[0].matches("A-1"));
        assert!(c[0].matches("b,2"));
        assert!(c[0].matches("O'Brien"));
        assert!(!c[0].matches("c"));
        assert!(parse_filter("Key in 'a'").is_err());
    }

    #[test]
    fn anything_else_is_refused_with_guidance() {
        for bad in [
            "Name ne 'x'",
            "startswith(Name,'x')",
            "Name eq 'x",
            "Name eq x y",
        ] {
            let err = parse_filter(bad).unwrap_err();
            assert!(err.contains("$filter"), "{bad}: {err}");
        }
    }
}
