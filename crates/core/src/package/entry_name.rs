//! Which zip entry names are hostile, and which `bindings_v2.json` to prefer.
//!
//! We never extract a package, but an entry named `../x`, `/etc/x`, `C:\x` or
//! `\\server\x` only exists to attack tools that do: a package holding one is
//! hostile or broken, and is refused rather than half-read. NuGet writes `/`
//! separators; some Windows zip tools write `\`, so both are separators here.
//! Kept apart from the zip reading so the rules can be tested as a table.

use super::BINDINGS_FILE_NAME;

/// Why an entry name is refused, completing "an entry named X, which …".
pub(super) fn check_entry_name(name: &str, zip_says_enclosed: bool) -> Result<(), &'static str> {
    if name.contains('\0') {
        return Err("contains a NUL character");
    }
    if name.starts_with("\\\\") || name.starts_with("//") {
        return Err("is a Windows network path (\\\\server\\share)");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("is an absolute path");
    }
    for component in name.split(['/', '\\']) {
        if has_drive_prefix(component) {
            return Err("starts with a Windows drive letter (C:)");
        }
        if is_parent_dir(component) {
            return Err("climbs out of the package with `..`");
        }
    }
    if !zip_says_enclosed {
        return Err("is not a safe relative path");
    }
    Ok(())
}

/// `C:` or `c:x`: Windows resolves such a component against a drive.
fn has_drive_prefix(component: &str) -> bool {
    matches!(component.as_bytes(), [letter, b':', ..] if letter.is_ascii_alphabetic())
}

/// `..`, and what Windows reads as `..` because it trims trailing dots and
/// spaces (`...`, `.. `).
fn is_parent_dir(component: &str) -> bool {
    component.len() >= 2
        && component.starts_with("..")
        && component.trim_end_matches(['.', ' ']).is_empty()
}

/// How much an entry looks like the package's bindings file, lower is better:
/// `content/` (Python packages), then `lib/<tfm>/` (Studio), then the root,
/// then anywhere else. `None` when the file name is not `bindings_v2.json`.
pub(super) fn bindings_rank(name: &str) -> Option<u8> {
    let parts: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let (file, dirs) = parts.split_last()?;
    if !file.eq_ignore_ascii_case(BINDINGS_FILE_NAME) {
        return None;
    }
    Some(match dirs {
        [dir] if dir.eq_ignore_ascii_case("content") => 0,
        [lib, _tfm] if lib.eq_ignore_ascii_case("lib") => 1,
        [] => 2,
        _ => 3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_accepted() {
        for name in [
            "content/bindings_v2.json",
            "lib/net6.0-windows7.0/bindings_v2.json",
            "lib\\net45\\Main.xaml",
            "Foo.nuspec",
            "[Content_Types].xml",
            "_rels/.rels",
            "package/services/metadata/core-properties/abc.psmdcp",
            "a/./b.json",
            "..foo/bar",
            "foo../bar",
            "dir/",
        ] {
            assert_eq!(check_entry_name(name, true), Ok(()), "{name}");
        }
    }

    #[test]
    fn hostile_names_are_refused_with_the_reason() {
        for (name, reason) in [
            ("../evil.json", "`..`"),
            ("content/../../evil.json", "`..`"),
            ("content\\..\\..\\evil.json", "`..`"),
            ("a/../b.json", "`..`"),
            ("...\\x.json", "`..`"),
            (".. /x.json", "`..`"),
            ("/abs.json", "absolute"),
            ("\\abs.json", "absolute"),
            ("C:\\x.json", "drive"),
            ("c:x.json", "drive"),
            ("content/C:/x.json", "drive"),
            ("\\\\server\\share\\x.json", "network"),
            ("//server/share/x.json", "network"),
            ("a\0b.json", "NUL"),
        ] {
            let got = check_entry_name(name, true);
            assert!(
                got.is_err_and(|r| r.contains(reason)),
                "{name:?}: {got:?}, want {reason}"
            );
        }
    }

    #[test]
    fn a_name_the_zip_crate_finds_unsafe_is_refused_too() {
        assert_eq!(
            check_entry_name("harmless.json", false),
            Err("is not a safe relative path")
        );
    }

    #[test]
    fn bindings_files_are_ranked_content_then_lib_then_root() {
        for (name, rank) in [
            ("content/bindings_v2.json", Some(0)),
            ("Content/Bindings_V2.JSON", Some(0)),
            ("lib/net45/bindings_v2.json", Some(1)),
            ("lib\\net6.0-windows7.0\\bindings_v2.json", Some(1)),
            ("bindings_v2.json", Some(2)),
            ("./bindings_v2.json", Some(2)),
            ("other/place/bindings_v2.json", Some(3)),
            ("lib/bindings_v2.json", Some(3)),
            ("content/bindings.json", None),
            ("content/bindings_v2.json.bak", None),
            ("content/", None),
            ("", None),
        ] {
            assert_eq!(bindings_rank(name), rank, "{name}");
        }
    }
}
