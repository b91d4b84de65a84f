//! A browser played with reqwest: no automatic redirects, so every hop is
//! seen and can be checked, and cookies kept by name where a site needs them
//! (`oidc-provider`'s interactions, the sandbox's consent pages).

use url::Url;

/// An HTTP client that follows no redirect.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Where a redirect points. Panics on a response that is not a redirect.
pub fn location(response: &reqwest::Response) -> Url {
    Url::parse(location_header(response)).unwrap()
}

/// Where a redirect points, resolved against `base` (the `Location` may be
/// relative). Panics on a response that is not a redirect.
pub fn location_from(base: &Url, response: &reqwest::Response) -> Url {
    base.join(location_header(response)).unwrap()
}

fn location_header(response: &reqwest::Response) -> &str {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()["location"].to_str().unwrap()
}

/// The query parameter `name` of `url`.
pub fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A browser that keeps the cookies it is given, by name, and sends them back.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: client(),
            cookies: vec![],
        }
    }

    /// `GET url` with the cookies kept so far.
    pub async fn get(&mut self, url: &Url) -> reqwest::Response {
        let request = self.http.get(url.clone());
        self.send(request).await
    }

    /// `POST url` with `form`, as the page's form would.
    pub async fn post<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        url: &Url,
        form: &[(K, V)],
    ) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        let request = self.http.post(url.clone()).form(&pairs);
        self.send(request).await
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let response = request
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        for header in response.headers().get_all("set-cookie") {
            let pair = header
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != name.trim());
                self.cookies
                    .push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        response
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}
