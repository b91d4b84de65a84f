//! Printing results for people (`text`) or programs (`json`).

use clap::ValueEnum;
use connassist_core::ApiError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Formats of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[allow(clippy::print_stdout)]
pub fn text(text: &str) {
    print!("{text}");
}

#[allow(clippy::print_stdout)]
pub fn line(text: &str) {
    println!("{text}");
}

#[allow(clippy::print_stdout)]
pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        // Only possible for a type with a failing custom Serialize: a bug here.
        Err(e) => eprintln!("connassist: cannot print JSON: {e}"),
    }
}

/// Errors go to stderr as a sentence; with `--format json` they also go to
/// stdout as `{code, message}` so a script can branch on `code`.
pub fn error(format: Format, err: &ApiError) {
    eprintln!("error: {}", err.message);
    if format == Format::Json {
        json(err);
    }
}
