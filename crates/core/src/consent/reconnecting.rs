//! Reconnecting a connection in place, the whole of it, for every shell:
//! start the consent at the tenant, run it in the shell's browser
//! ([`super::run_consent`]: when to poll, when it is over, one cancel), and
//! settle a consent given by another account where the tenant waits for an
//! answer: the driver answers now (a terminal asks, a script's flag says)
//! or leaves it to the user, who answers later through
//! [`crate::reconnect::confirm`] (the app's window asks).

use std::time::Duration;

use super::{ConnectionRef, ConsentDriver, Offers, run_consent, start_reconnect};
use crate::error::ApiError;
use crate::reconnect::{self, ReconnectProgress, ReconnectStatus};
use crate::tenant_client::TenantClient;

/// The window's title where the shell has windows.
pub const TITLE: &str = "Reconnect · Connections Assistant";

/// Reconnects `target` in `driver`'s browser; `on_progress` hears the start
/// at once, and each later state.
pub async fn reconnect(
    client: &TenantClient,
    target: &ConnectionRef,
    offers: Offers,
    driver: &dyn ConsentDriver,
    timeout: Duration,
    mut on_progress: impl FnMut(&ReconnectProgress),
) -> Result<ReconnectProgress, ApiError> {
    let started = start_reconnect(client, target).await?;
    let options = offers.flow_options(timeout, TITLE);
    let now = run_consent(client, &started, driver, &options, &mut on_progress).await?;
    let session = &started.session;
    settle_other_account(
        client,
        &session.connection_id,
        &session.session_id,
        now,
        driver,
        on_progress,
    )
    .await
}

/// A consent waiting for another account to be confirmed is answered when
/// the driver answers now; anything else stands.
pub(super) async fn settle_other_account(
    client: &TenantClient,
    connection_id: &str,
    session_id: &str,
    now: ReconnectProgress,
    driver: &dyn ConsentDriver,
    mut on_progress: impl FnMut(&ReconnectProgress),
) -> Result<ReconnectProgress, ApiError> {
    if now.status != ReconnectStatus::NeedsConfirmation {
        return Ok(now);
    }
    let Some(accept) = driver.confirm_other_account(&now) else {
        return Ok(now);
    };
    let answered = reconnect::confirm(client, connection_id, session_id, accept).await?;
    on_progress(&answered);
    Ok(answered)
}
