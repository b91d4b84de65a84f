//! The commands that talk to a tenant run on a tokio runtime built here, with
//! the one way of failing when it cannot be built.

use std::future::Future;
use std::process::ExitCode;

use crate::exit;

pub fn block_on(work: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(work),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            exit::code(exit::TENANT)
        }
    }
}
