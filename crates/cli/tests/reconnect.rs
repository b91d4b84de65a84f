//! `connassist reconnect` end to end: the command starts a consent session on
//! an in-process sandbox and prints the consent address (`--browser none`);
//! this test plays the browser through the sandbox's own sign-in and consent
//! pages (cookies kept, every redirect followed by hand), and the command
//! reports the tenant's outcome with its exit code.
// Helpers below unwrap: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use connassist_sandbox::scenario::key;
use url::Url;

fn connassist(args: &[&str]) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("connassist"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("connassist runs")
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The form's action and its hidden fields.
fn form(html: &str) -> (String, Vec<(String, String)>) {
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(unescape(tag[start..].split('"').next()?))
    };
    let form_tag = html
        .split("<form")
        .nth(1)
        .expect("a form")
        .split('>')
        .next()
        .unwrap();
    let action = attr(form_tag, "action").unwrap_or_default();
    let hidden = html
        .split("<input")
        .skip(1)
        .filter_map(|rest| {
            let tag = rest.split('>').next()?;
            tag.contains("type=\"hidden\"")
                .then(|| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
                .flatten()
        })
        .collect();
    (action, hidden)
}

/// Plays a person at the consent address: signs in as `user`, then accepts or
/// cancels the consent page, until the tenant's "done" page.
async fn consent(start: &str, user: &str, accept: bool) -> Url {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies: Vec<String> = vec![];
    let mut here = Url::parse(start).unwrap();
    let mut post: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        if here.path().ends_with("/provisioning_/done") {
            return here;
        }
        let request = match post.take() {
            Some(fields) => http.post(here.clone()).form(&fields),
            None => http.get(here.clone()),
        };
        let response = request
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .unwrap();
        for c in response.headers().get_all("set-cookie") {
            let pair = c.to_str().unwrap().split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            cookies.retain(|p| !p.starts_with(&format!("{name}=")));
            cookies.push(pair);
        }
        if response.status().is_redirection() {
            here = here
                .join(response.headers()["location"].to_str().unwrap())
                .unwrap();
            continue;
        }
        let html = response.text().await.unwrap();
        let (action, mut fields) = form(&html);
        if html.contains("id=\"username\"") {
            fields.push(("username".into(), user.into()));
            fields.push(("password".into(), "sandbox".into()));
            fields.push(("action".into(), "sign-in".into()));
        } else if html.contains("id=\"accept\"") {
            let action = if accept {
                "consent-accept"
            } else {
                "consent-cancel"
            };
            fields.push(("action".into(), action.into()));
        } else {
            panic!("an unexpected page at {here}: {html}");
        }
        here = here.join(&action).unwrap();
        post = Some(fields);
    }
    panic!("never reached the done page");
}

/// Runs `connassist reconnect` for `connection` as `user`, answering its consent.
async fn reconnect(
    user: &str,
    connection: &str,
    extra: &[&str],
    accept: bool,
) -> (i32, String, String) {
    let id = key(&format!("connection/{connection}")).to_string();
    let mut args = vec![
        "--sandbox",
        "--sandbox-user",
        user,
        "reconnect",
        &id,
        "--browser",
        "none",
        "--format",
        "json",
        "--timeout-secs",
        "60",
    ];
    args.extend_from_slice(extra);
    let mut child = connassist(&args);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let done = consent(first.trim(), user, accept).await;
    assert!(
        done.query().unwrap_or_default().contains("session="),
        "{done}"
    );
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let status = tokio::time::timeout(Duration::from_secs(30), async { child.wait() })
        .await
        .unwrap()
        .unwrap();
    (status.code().unwrap_or(-1), rest, stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_connection_is_reconnected_and_reported() {
    let (code, json, stderr) = reconnect("hana", "Finance SharePoint", &[], true).await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["status"], "completed");
    assert_eq!(p["identity"], "hana@contoso.example");
    assert!(
        p["scopes"]["granted"]
            .as_array()
            .is_some_and(|g| !g.is_empty()),
        "{p}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_consent_exits_3_with_the_cause_and_fix() {
    // dana has not yet consented to Outlook's mail permissions: she is asked.
    let (code, json, stderr) = reconnect("dana", "robot-prod-02@contoso.example", &[], false).await;
    assert_eq!(code, 3, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["status"], "failed");
    assert_eq!(p["failure"]["code"], "AADSTS65004");
    assert!(stderr.contains("declined"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_is_rejected_unless_accepted_explicitly() {
    let (code, json, stderr) = reconnect("hana", "robot-prod-02@contoso.example", &[], true).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--accept-other-account"), "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["failure"]["code"], "identity_rejected");

    let (code, json, stderr) = reconnect(
        "hana",
        "robot-prod-02@contoso.example",
        &["--accept-other-account"],
        true,
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let p: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(p["identity"], "hana@contoso.example");
    assert_eq!(p["previousIdentity"], "robot-prod-02@contoso.example");
}
