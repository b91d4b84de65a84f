//! Token requests (sign-in, refresh, client credentials) sent for the
//! `oauth2` crate with retries. A run that gets no token loses everything, so
//! a dropped connection or a "try later" from the identity server is retried
//! (exponential backoff with jitter, `Retry-After` honoured, as
//! [`crate::retry`] decides) rather than ending the run.
//!
//! What may be repeated depends on the request:
//! - client credentials hold no state: anything transient is retried;
//! - a refresh is retried too: if the tenant did use the refresh token before
//!   the answer was lost, the token is spent either way (the next use is a
//!   replay), so asking again can only help;
//! - an authorization code is burnt on first use, and a tenant that sees it
//!   twice revokes what it issued: only failures that prove the request was
//!   not handled are retried (no connection made, 429, 503).

use std::future::Future;
use std::pin::Pin;

use crate::retry::{RetryPolicy, retry_after, retryable_status};
use oauth2::{HttpClientError, HttpRequest, HttpResponse};

/// Whether a token request may be sent again after an answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Client credentials, refresh tokens.
    Safe,
    /// Authorization codes: only when the request provably was not handled.
    OnlyIfUnhandled,
}

/// An HTTP client for the `oauth2` crate's `request_async` that retries.
#[derive(Debug)]
pub(crate) struct TokenHttp {
    client: reqwest::Client,
    retry: RetryPolicy,
    repeat: Repeat,
}

type Failure = HttpClientError<reqwest::Error>;

impl TokenHttp {
    /// Eight attempts in all, at most 2 s apart (about 9 s of waiting at
    /// worst): a token request is one small POST, and without its answer
    /// nothing else can happen. Half of all connections reset still leaves
    /// one run in 256 without a token.
    pub(crate) fn new(client: reqwest::Client, repeat: Repeat) -> Self {
        Self {
            client,
            retry: RetryPolicy {
                attempts: 8,
                max_backoff: std::time::Duration::from_secs(2),
                ..RetryPolicy::default()
            },
            repeat,
        }
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Failure> {
        let (parts, body) = request.into_parts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= self.retry.attempts;
            let sent = self
                .client
                .request(parts.method.clone(), parts.uri.to_string())
                .headers(parts.headers.clone())
                .body(body.clone())
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    if last || !(self.repeat == Repeat::Safe || e.is_connect()) {
                        return Err(HttpClientError::Reqwest(Box::new(e)));
                    }
                    self.wait(attempt, None, &e.to_string()).await;
                    continue;
                }
            };
            let status = response.status();
            let retry_after = retry_after(response.headers());
            let mut answer = oauth2::http::Response::builder().status(status);
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let bytes = match response.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    // Cut off mid-answer: it was handled, the answer lost.
                    if last || self.repeat != Repeat::Safe {
                        return Err(HttpClientError::Reqwest(Box::new(e)));
                    }
                    self.wait(attempt, retry_after, &e.to_string()).await;
                    continue;
                }
            };
            let unhandled = matches!(status.as_u16(), 429 | 503);
            if !last
                && retryable_status(status.as_u16())
                && (self.repeat == Repeat::Safe || unhandled)
            {
                self.wait(attempt, retry_after, status.as_str()).await;
                continue;
            }
            return answer.body(bytes.to_vec()).map_err(HttpClientError::Http);
        }
    }

    async fn wait(&self, attempt: u32, retry_after: Option<u64>, why: &str) {
        let wait = self.retry.jittered(attempt, retry_after);
        tracing::debug!(attempt, ?wait, %why, "retrying a token request");
        tokio::time::sleep(wait).await;
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp {
    type Error = Failure;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Failure>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::AsyncHttpClient;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server on loopback answering every request with `status`; counts them.
    async fn always(status: u16) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/token", listener.local_addr().unwrap());
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        (url, seen)
    }

    fn quick(repeat: Repeat) -> TokenHttp {
        TokenHttp {
            client: reqwest::Client::new(),
            retry: RetryPolicy {
                attempts: 3,
                base: std::time::Duration::from_millis(1),
                ..RetryPolicy::default()
            },
            repeat,
        }
    }

    async fn asks(repeat: Repeat, status: u16) -> usize {
        let (url, seen) = always(status).await;
        let request = oauth2::http::Request::builder()
            .method("POST")
            .uri(url)
            .body(b"grant_type=x".to_vec())
            .unwrap();
        let answer = quick(repeat).call(request).await.unwrap();
        assert_eq!(answer.status().as_u16(), status);
        seen.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn what_is_asked_again_depends_on_whether_repeating_is_safe() {
        // Client credentials and refreshes: anything transient.
        assert_eq!(asks(Repeat::Safe, 500).await, 3);
        assert_eq!(asks(Repeat::Safe, 503).await, 3);
        // A code: only what proves the request was not handled.
        assert_eq!(asks(Repeat::OnlyIfUnhandled, 500).await, 1);
        assert_eq!(asks(Repeat::OnlyIfUnhandled, 503).await, 3);
        assert_eq!(asks(Repeat::OnlyIfUnhandled, 429).await, 3);
        // A refusal is an answer, never asked again.
        assert_eq!(asks(Repeat::Safe, 400).await, 1);
    }
}
