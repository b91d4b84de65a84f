//! Exit codes, stable for scripts: 0 ok, 1 findings at or above `--fail-on`,
//! 2 usage or invalid input (clap uses 2 for its own usage errors too),
//! 3 sign-in failed, 4 tenant or network error. Only the codes a command can
//! return today are defined; the rest are reserved by the list above.

use std::process::ExitCode;

pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const USAGE: u8 = 2;
pub const AUTH: u8 = 3;
pub const TENANT: u8 = 4;

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
