//! The sandbox's listening socket under a burst: a thousand clients
//! connecting at once (a bench, a load test, many CLI runs) must all be
//! let in at once. A listen backlog smaller than the burst makes the kernel
//! drop the extra connection attempts, and each dropped client waits a full
//! second for its SYN to be retransmitted.

use std::time::{Duration, Instant};

use connassist_sandbox::{Config, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CLIENTS: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_let_in_without_waiting_a_second() {
    let sb = Sandbox::start(Config::default()).await.expect("sandbox");
    let addr = sb.addr;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let start = Instant::now();
                let mut stream = TcpStream::connect(addr).await.expect("connects");
                let connected = start.elapsed();
                stream
                    .write_all(
                        b"GET /identity_/.well-known/openid-configuration HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n",
                    )
                    .await
                    .expect("sends");
                let mut answer = Vec::new();
                stream.read_to_end(&mut answer).await.expect("reads");
                (connected, start.elapsed(), answer.starts_with(b"HTTP/1.1 200"))
            })
        })
        .collect();
    let mut slow_connects = 0;
    let mut slowest = Duration::ZERO;
    for task in tasks {
        let (connected, total, ok) = task.await.expect("the client task ends");
        assert!(ok, "every request is answered 200");
        // A dropped SYN is retransmitted after 1 s: a connect that slow was
        // turned away by a full backlog, not slowed by a busy machine.
        if connected >= Duration::from_millis(900) {
            slow_connects += 1;
        }
        slowest = slowest.max(total);
    }
    assert_eq!(
        slow_connects, 0,
        "{slow_connects} of {CLIENTS} connections waited a second to be let in (slowest request {slowest:?})"
    );
}
