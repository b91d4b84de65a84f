//! What every page the sandbox serves in a browser shares: the style sheet,
//! escaping, hidden form fields and the error page. Below the identity
//! server, consent, the admin-consent page, the portal and provisioning, so
//! none of them needs another for its looks.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) const PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f6f8fa;color:#1f2328;display:flex;justify-content:center;padding:48px 16px;margin:0}
main{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:28px 32px;max-width:380px;width:100%}
h1{font-size:1.3rem;margin:0 0 4px}p{color:#59636e}label{display:block;font-weight:600;margin:14px 0 6px}
input{width:100%;box-sizing:border-box;padding:8px 10px;font:inherit;border:1px solid #d0d7de;border-radius:6px}
button{width:100%;margin-top:18px;padding:9px;font:inherit;font-weight:600;border-radius:6px;border:1px solid #d0d7de;cursor:pointer}
.primary{background:#1f6feb;color:#fff;border-color:transparent}.error{color:#cf222e}.hint{font-size:.85rem}
@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}main{background:#161b22;border-color:#30363d}input{background:#0d1117;color:#e6edf3;border-color:#30363d}p{color:#9198a1}}";

/// Hidden form fields carrying `fields` through a POST, escaped.
pub(crate) fn hidden_fields(fields: &[(&str, &String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(v)
            )
        })
        .collect()
}

/// The sign-in form's error line, when there is one.
pub(crate) fn error_paragraph(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"sign-in-error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default()
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in stopped</title><style>{PAGE_STYLE}</style></head>
<body><main><h1>Sign-in stopped</h1><p class=\"error\" role=\"alert\">{}</p></main></body></html>",
            escape(message)
        )),
    )
        .into_response()
}
