//! Shared by the CLI's consent tests: running `connassist`, and a person at
//! a consent address played with plain HTTP through the sandbox's own sign-in
//! and consent pages (cookies kept, every redirect followed by hand).
// A panic here is the calling test failing.
#![allow(clippy::unwrap_used, dead_code)]

pub mod keychain;

use std::process::{Command, Stdio};

use url::Url;

/// Answers, as `user`, the consent whose address `child` prints on its first
/// line, then waits for it to exit: the consent's last page, the exit code,
/// the rest of stdout and stderr.
pub async fn answer_consent(
    child: &mut std::process::Child,
    user: &str,
    accept: bool,
) -> (Url, i32, String, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let done = consent(first.trim(), user, accept).await;
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    (done, status.code().unwrap_or(-1), rest, stderr)
}

/// Sends `signal` (`INT`, `TERM`) to `child`, as a person or a service manager.
pub fn send_signal(child: &std::process::Child, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill(1) runs");
    assert!(status.success());
}

pub fn connassist(args: &[&str]) -> std::process::Child {
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
/// cancels the consent page, until the page the consent ends on (the
/// extended profile's "done" page, or the tenant's callback page).
pub async fn consent(start: &str, user: &str, accept: bool) -> Url {
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
        if here.path().ends_with("/provisioning_/callback") && html.contains("id=\"message\"") {
            return here;
        }
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

/// Plays a person on the tenant's own "Add connection" page (the hand-off
/// address `start`): picks `connector` in the folder already chosen, signs in
/// as `user` and consents, until the page the consent ends on.
pub async fn add_on_tenant_page(start: &str, user: &str, connector: &str) -> Url {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page_url = Url::parse(start).unwrap();
    let html = http
        .get(page_url.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Add connection"), "{html}");
    let selected = html
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.split('>').next().unwrap().contains(" selected"))
        .expect("the folder is preselected from fid")
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let answer = http
        .post(page_url.clone())
        .form(&[
            ("folder", selected.as_str()),
            ("connector", connector),
            ("name", ""),
            ("username", user),
            ("password", "sandbox"),
            ("action", "add"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_redirection(),
        "{}",
        answer.text().await.unwrap()
    );
    let next = page_url
        .join(answer.headers()["location"].to_str().unwrap())
        .unwrap();
    consent(next.as_str(), user, true).await
}
