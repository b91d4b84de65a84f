//! Reading the sandbox's and the providers' HTML pages as a browser would
//! post them: the hidden fields, a form's action, the title. The pages are
//! plain server-rendered HTML, so a few string searches are enough.

/// Undoes the HTML escaping the pages apply to attribute values and text.
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in one tag's text, unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(unescape(tag[start..].split('"').next()?))
}

/// The hidden fields of the page's forms, in page order.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
        .collect()
}

/// The first form's `action` (empty when it posts to its own address).
/// Panics when the page has no form.
pub fn form_action(html: &str) -> String {
    let tag = html
        .split("<form")
        .nth(1)
        .unwrap_or_else(|| panic!("a form on the page: {html}"))
        .split('>')
        .next()
        .unwrap_or_default();
    attr(tag, "action").unwrap_or_default()
}

/// The page's `<title>`. Panics when it has none.
pub fn title(html: &str) -> String {
    let start = html
        .find("<title>")
        .unwrap_or_else(|| panic!("a title on the page: {html}"))
        + "<title>".len();
    html[start..]
        .split("</title>")
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_browser_would_post() {
        let html = r#"<title>Sign in</title><form method="post" action="/a?x=1&amp;y=2">
            <input type="hidden" name="state" value="s&quot;1">
            <input type="text" name="username" value="typed">
            <input type="hidden" name="empty"></form>"#;
        assert_eq!(title(html), "Sign in");
        assert_eq!(form_action(html), "/a?x=1&y=2");
        assert_eq!(
            hidden_fields(html),
            vec![
                ("state".to_owned(), "s\"1".to_owned()),
                ("empty".to_owned(), String::new())
            ]
        );
    }
}
