//! The typed TypeScript client of the command table: `cargo test` writes
//! `ui/src/bindings/Commands.ts` (each command as a method with its argument
//! and answer types, from the ts-rs bindings, and its name over IPC), beside
//! the other generated bindings, so CI's stale-bindings check covers it. The
//! UI's `Backend` extends the generated `Commands`: the fake must implement
//! every method and the Tauri backend is built from `COMMANDS`, so a command
//! added to the table without its TypeScript side fails `tsc`.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;

    use connassist_core::TenantUrl;
    use connassist_core::audit::AuditReport;
    use connassist_core::capabilities::Capabilities;
    use connassist_core::connections::ListEvent;
    use connassist_core::consent::handoff::Handoff;
    use connassist_core::create::{ConnectorInfo, CreateOutcome, FolderChoice, NewConnection};
    use connassist_core::health::export::ExportFormat;
    use connassist_core::health::watch::OpenRequest;
    use connassist_core::health::{HealthEvent, HealthSummary};
    use connassist_core::reconnect::ReconnectProgress;
    use connassist_core::selections::Selections;
    use connassist_core::session_info::SessionInfo;
    use connassist_core::settings::Settings;
    use connassist_core::updates::UpdateCheck;
    use ts_rs::{Config, Dependency, TS, TypeVisitor};

    /// One argument of a command, as TypeScript sees it.
    struct Param {
        /// The key Tauri matches the Rust parameter by.
        name: String,
        ts: String,
        /// An `Option` value: may be left out when nothing required follows.
        option: bool,
    }

    struct Command {
        name: &'static str,
        docs: Vec<&'static str>,
        params: Vec<Param>,
        answer: String,
    }

    /// The exported binding types `T` names (itself, its type arguments), for imports.
    fn collect<T: TS + 'static + ?Sized>(cfg: &Config, into: &mut BTreeSet<String>) {
        struct Visit<'a>(&'a Config, &'a mut BTreeSet<String>);
        impl TypeVisitor for Visit<'_> {
            fn visit<U: TS + 'static + ?Sized>(&mut self) {
                collect::<U>(self.0, self.1);
            }
        }
        if let Some(dep) = Dependency::from_ty::<T>(cfg) {
            into.insert(dep.ts_name);
        }
        T::visit_generics(&mut Visit(cfg, into));
    }

    fn arg<T: TS + 'static>(name: &str, cfg: &Config, imports: &mut BTreeSet<String>) -> Param {
        collect::<T>(cfg, imports);
        Param {
            name: camel(name),
            ts: T::name(cfg),
            option: T::IS_OPTION,
        }
    }

    fn channel<T: TS + 'static>(name: &str, cfg: &Config, imports: &mut BTreeSet<String>) -> Param {
        collect::<T>(cfg, imports);
        Param {
            name: camel(name),
            ts: format!("(message: {}) => void", T::name(cfg)),
            option: false,
        }
    }

    fn answer<T: TS + 'static>(cfg: &Config, imports: &mut BTreeSet<String>) -> String {
        collect::<T>(cfg, imports);
        match T::name(cfg).as_str() {
            "null" => "void".to_owned(),
            other => other.to_owned(),
        }
    }

    macro_rules! param {
        (Arg, $arg:ident, $t:ty, $cfg:expr, $imports:expr) => {
            arg::<$t>(stringify!($arg), $cfg, $imports)
        };
        (Channel, $arg:ident, $t:ty, $cfg:expr, $imports:expr) => {
            channel::<$t>(stringify!($arg), $cfg, $imports)
        };
    }

    macro_rules! described {
        ($( $(#[doc = $doc:literal])* $module:ident :: $name:ident ( $($arg:ident : $kind:ident < $t:ty >),* ) -> $answer:ty; )*) => {
            |cfg: &Config, imports: &mut BTreeSet<String>| -> Vec<Command> {
                vec![$(Command {
                    name: stringify!($name),
                    docs: vec![$($doc),*],
                    params: vec![$(param!($kind, $arg, $t, cfg, imports)),*],
                    answer: answer::<$answer>(cfg, imports),
                }),*]
            }
        };
    }

    macro_rules! command_names {
        ($( $(#[doc = $doc:literal])* $module:ident :: $name:ident ( $($arg:ident : $kind:ident < $t:ty >),* ) -> $answer:ty; )*) => {
            vec![$(stringify!($name)),*]
        };
    }

    fn camel(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in snake.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// A TypeScript parameter name for argument `key` (a reserved word gets `Arg` added).
    fn parameter(key: &str) -> String {
        const RESERVED: &[&str] = &[
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "debugger",
            "default",
            "delete",
            "do",
            "else",
            "enum",
            "export",
            "extends",
            "false",
            "finally",
            "for",
            "function",
            "if",
            "import",
            "in",
            "instanceof",
            "new",
            "null",
            "return",
            "super",
            "switch",
            "this",
            "throw",
            "true",
            "try",
            "typeof",
            "var",
            "void",
            "while",
            "with",
            "yield",
            "let",
            "static",
        ];
        if RESERVED.contains(&key) {
            format!("{key}Arg")
        } else {
            key.to_owned()
        }
    }

    fn jsdoc(docs: &[&str], indent: &str) -> String {
        let text: Vec<&str> = docs.iter().map(|d| d.trim()).collect();
        match text.as_slice() {
            [] => String::new(),
            lines => format!("{indent}/** {} */\n", lines.join(" ")),
        }
    }

    /// The text of `Commands.ts`.
    fn typescript() -> String {
        let cfg = Config::from_env();
        let mut imports = BTreeSet::new();
        let commands = with_commands!(described)(&cfg, &mut imports);
        let mut out = String::from(
            "// Generated from src-tauri/src/command_table.rs by `cargo test -p connassist-app --lib`: do not edit.\n",
        );
        for name in &imports {
            out.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
        }
        out.push_str(
            "\n/** Every command the app's main window may call, with its arguments and answer; each rejects with an `ApiError`. */\nexport interface Commands {\n",
        );
        for c in &commands {
            // An `Option` may be left out only where nothing required follows it.
            let required = c
                .params
                .iter()
                .rposition(|p| !p.option)
                .map_or(0, |i| i + 1);
            let params: Vec<String> = c
                .params
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let mark = if i >= required { "?" } else { "" };
                    format!("{}{mark}: {}", parameter(&p.name), p.ts)
                })
                .collect();
            out.push_str(&jsdoc(&c.docs, "  "));
            out.push_str(&format!(
                "  {}({}): Promise<{}>;\n",
                camel(c.name),
                params.join(", "),
                c.answer
            ));
        }
        out.push_str("}\n\n/** Each command's name over IPC and its arguments' names, in the order its method takes them. */\nexport const COMMANDS: { readonly [K in keyof Commands]: { readonly command: string; readonly args: readonly string[] } } = {\n");
        for c in &commands {
            let args: Vec<String> = c.params.iter().map(|p| format!("\"{}\"", p.name)).collect();
            out.push_str(&format!(
                "  {}: {{ command: \"{}\", args: [{}] }},\n",
                camel(c.name),
                c.name,
                args.join(", ")
            ));
        }
        out.push_str("};\n");
        out
    }

    fn bindings_dir() -> PathBuf {
        std::env::var_os("TS_RS_EXPORT_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings"),
            PathBuf::from,
        )
    }

    #[test]
    fn writes_the_typescript_client() {
        let text = typescript();
        let file = bindings_dir().join("Commands.ts");
        if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&file, &text).expect("write Commands.ts");
        }
        // Each command is a method of the interface and an entry of COMMANDS.
        for name in with_commands!(command_names) {
            let method = camel(name);
            assert!(text.contains(&format!("\n  {method}(")), "{method} missing");
            assert!(
                text.contains(&format!("{method}: {{ command: \"{name}\"")),
                "{name} missing"
            );
        }
        // Spot checks of the types a user's call depends on.
        assert!(text.contains("  checkTenantUrl(url: string): Promise<TenantUrl>;\n"));
        assert!(text.contains(
            "  listConnections(onEvent: (message: ListEvent) => void, folder?: string | null): Promise<void>;\n"
        ));
        assert!(text.contains(
            "  reconnectConnection(id: string, folderKey: string | null, systemBrowser: boolean, onProgress: (message: ReconnectProgress) => void): Promise<ReconnectProgress>;\n"
        ));
        assert!(text.contains("import type { ReconnectProgress } from \"./ReconnectProgress\";\n"));
    }

    #[test]
    fn the_main_window_is_granted_exactly_the_table() {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).expect("read main.json"))
                .expect("main.json is JSON");
        let granted: BTreeSet<String> = json["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(str::to_owned)
            .collect();
        let table: BTreeSet<String> = with_commands!(command_names)
            .into_iter()
            .map(|n| n.replace('_', "-"))
            .collect();
        assert_eq!(granted, table);
        assert!(table.contains("reset-sandbox"));
    }
}
