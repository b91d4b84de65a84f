//! Consenting to a connection: the flow every front end drives, written once.
//! The tenant starts a consent (`POST Connections/{id}/auth`, with the
//! folder's key: the only step the platform documents), the user consents at
//! the provider in a browser the shell provides (the app's embedded window,
//! the system browser, or an address printed for the terminal), and this
//! module decides when it is over:
//!
//! - **Documented tenant**: the connection itself tells. The UiPath CLI's own
//!   docs say to "open the URL and poll until the connection's State is
//!   Enabled"; here the connection must also show a new `updateTime`, so an
//!   already-Enabled connection is not mistaken for a fresh consent. The
//!   account it acts as is compared afterwards: a consent by another account
//!   is reported as such (the platform is not known to ask first).
//! - **A tenant that reports session progress** (the sandbox's extended
//!   profile, seen by the capability probe): its status is polled instead,
//!   with its failure details and its confirmation of another account.
//!
//! An embedded window also shows what the provider answered: an OAuth error
//! redirected to the tenant's callback (a declined consent, an admin-consent
//! wall) ends the flow with its explanation at once. Cancel is local: the
//! window closes and the waiting stops (the session is cancelled at the
//! tenant only where it offers that).
//!
//! [`ConsentDriver`] is the small seam the shells implement. Reconnecting
//! ([`reconnecting`]) and creating ([`creating`]) are whole flows here: the
//! shells build the request, implement the driver and render progress.
//! Cancelling is one thing everywhere: the view reports
//! [`Observed::Closed`] (a window closed, Ctrl-C in a terminal) or the time
//! runs out, and the flow stops waiting, cancels the session at the tenant
//! where it offers that, and answers `cancelled` with what became of it.

mod admin;
pub mod creating;
pub mod flow;
pub mod handoff;
mod offers;
pub mod reconnecting;

use tokio::sync::mpsc;
use url::Url;

use crate::error::ApiError;

pub use flow::{ConnectionRef, FlowOptions, run as run_consent, start_reconnect};
pub use offers::{Offers, POLL_EVERY};

/// What a browser the consent runs in lets the flow see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// The page went to this address (an embedded window sees every one).
    Navigated(Url),
    /// The user closed the window.
    Closed,
}

/// A consent page being shown: what it reports, and how to take it away.
pub struct ConsentView {
    /// Observations, for as long as the view lasts. A system browser or a
    /// printed address reports nothing: the channel simply stays quiet.
    pub events: mpsc::Receiver<Observed>,
    close: Option<Box<dyn FnOnce() + Send>>,
}

impl std::fmt::Debug for ConsentView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentView").finish_non_exhaustive()
    }
}

impl ConsentView {
    pub fn new(events: mpsc::Receiver<Observed>, close: impl FnOnce() + Send + 'static) -> Self {
        Self {
            events,
            close: Some(Box::new(close)),
        }
    }

    /// A view that reports nothing and has nothing to close (a system
    /// browser, an address printed for the user); `_keep` holds the
    /// channel's sender so it stays quiet rather than closed.
    pub fn silent() -> Self {
        let (keep, events) = mpsc::channel(1);
        Self::new(events, move || drop(keep))
    }

    /// Closes the window (once).
    pub fn close(&mut self) {
        if let Some(close) = self.close.take() {
            close();
        }
    }
}

impl Drop for ConsentView {
    fn drop(&mut self) {
        self.close();
    }
}

/// Where the consent page is shown, as the shell provides it.
pub trait ConsentDriver: Send + Sync {
    /// Shows `url` to the user; `title` names the window where there is one.
    fn open(&self, url: &Url, title: &str) -> Result<ConsentView, ApiError>;

    /// The consent was given by another account than the connection's and
    /// the tenant waits for an answer: `Some(accept)` answers now (a
    /// terminal asks; a script's flag says); `None` leaves the progress
    /// waiting for the user to answer later through
    /// [`crate::reconnect::confirm`] (the app's window asks).
    fn confirm_other_account(
        &self,
        progress: &crate::reconnect::ReconnectProgress,
    ) -> Option<bool> {
        let _ = progress;
        None
    }
}
