//! Why this exists: reconnecting a connection makes the sandbox an OAuth
//! client of the connector's authorization server, as Integration Service is.
//! Each server differs only in data (endpoints, how scopes are sent, extra
//! parameters, where the tokens sit in the answer), so providers are
//! templates here, not branches in the flow (`provisioning.rs`).
//!
//! **Default: the built-in provider.** Every sandbox connector signs in at the
//! sandbox's own identity server (`/identity_`), standing in for the
//! organisation's identity provider (as Entra is for contoso): the flow uses
//! its discovery document, the confidential client `sandbox-connectors` (its
//! secret is drawn at each start, kept in memory, hashed in the database) and
//! `{origin}/provisioning_/callback`. The sandbox has no internet, so this is
//! what runs everywhere.
//!
//! **Pointing the connectors at a real provider.** Start the sandbox with
//! [`crate::Sandbox::start_with`] and a [`crate::Provisioning`] whose
//! `provider` is a [`ProviderOverride`]: a generic OpenID provider found from
//! its issuer's `/.well-known/openid-configuration` at start
//! ([`ProviderSource::Oidc`]), or one of the templates below (Entra with a
//! tenant, Google, Salesforce, Slack), with the client id and secret of an app
//! registered there whose redirect URI is `{origin}/provisioning_/callback`.
//! Every connector then uses it, asking for the scopes in [`CONNECTOR_SCOPES`].

use serde_json::Value;

/// The sandbox's own confidential client at its identity server.
/// Scopes only an administrator may grant (Microsoft Graph marks these
/// "admin consent required" in many tenants).
pub const ADMIN_ONLY_SCOPES: &[&str] = &[
    "Mail.Read.Shared",
    "Mail.ReadWrite.Shared",
    "Mail.Send.Shared",
    "Sites.Read.All",
    "Sites.ReadWrite.All",
    "Directory.Read.All",
];

pub const CONNECTORS_CLIENT_ID: &str = "sandbox-connectors";
pub const CONNECTORS_CLIENT_NAME: &str = "Connections Assistant sandbox connector";

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAuth {
    /// `client_secret_basic`.
    Basic,
    /// `client_secret_post`.
    Post,
}

/// An authorization server, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    /// When set, the `iss` of authorization responses is checked (RFC 9207).
    pub issuer: Option<String>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    /// The query parameter scopes go in: `scope`, or Slack's `user_scope`.
    pub scope_param: String,
    pub scope_separator: String,
    /// Added to every authorization request, e.g. Google's `access_type=offline`.
    pub extra_params: Vec<(String, String)>,
    /// OpenID Connect: a `nonce` is sent.
    pub openid: bool,
    /// The provider's metadata says `authorization_response_iss_parameter_supported`:
    /// `iss` is then required on the callback.
    pub iss_parameter_supported: bool,
    pub token_auth: TokenAuth,
    /// Where the tokens sit in the token response (Slack: `authed_user`).
    pub token_response_path: Option<String>,
    /// Where an administrator grants consent for the whole organisation
    /// (Entra's `/v2.0/adminconsent`), when the provider has such a page.
    pub admin_consent_endpoint: Option<String>,
}

fn strings(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Microsoft Entra ID, v2 endpoints of `tenant` (`organizations`, a domain or a GUID).
pub fn entra(tenant: &str) -> Template {
    let base = format!("https://login.microsoftonline.com/{tenant}");
    Template {
        name: "Microsoft Entra ID".into(),
        issuer: Some(format!("{base}/v2.0")),
        authorization_endpoint: format!("{base}/oauth2/v2.0/authorize"),
        token_endpoint: format!("{base}/oauth2/v2.0/token"),
        revocation_endpoint: None,
        userinfo_endpoint: Some("https://graph.microsoft.com/oidc/userinfo".into()),
        scope_param: "scope".into(),
        scope_separator: " ".into(),
        // No prompt=select_account by default: the user's session picks.
        extra_params: vec![],
        openid: true,
        iss_parameter_supported: false,
        token_auth: TokenAuth::Post,
        token_response_path: None,
        admin_consent_endpoint: Some(format!("{base}/v2.0/adminconsent")),
    }
}

pub fn google() -> Template {
    Template {
        name: "Google".into(),
        issuer: Some("https://accounts.google.com".into()),
        authorization_endpoint: "https://accounts.google.com/o/oauth2/v2/auth".into(),
        token_endpoint: "https://oauth2.googleapis.com/token".into(),
        revocation_endpoint: Some("https://oauth2.googleapis.com/revoke".into()),
        userinfo_endpoint: Some("https://openidconnect.googleapis.com/v1/userinfo".into()),
        scope_param: "scope".into(),
        scope_separator: " ".into(),
        // A refresh token only with offline access, and again only with consent.
        extra_params: strings(&[("access_type", "offline"), ("prompt", "consent")]),
        openid: true,
        iss_parameter_supported: false,
        token_auth: TokenAuth::Post,
        token_response_path: None,
        admin_consent_endpoint: None,
    }
}

pub fn salesforce() -> Template {
    let base = "https://login.salesforce.com/services/oauth2";
    Template {
        name: "Salesforce".into(),
        issuer: Some("https://login.salesforce.com".into()),
        authorization_endpoint: format!("{base}/authorize"),
        token_endpoint: format!("{base}/token"),
        revocation_endpoint: Some(format!("{base}/revoke")),
        userinfo_endpoint: Some(format!("{base}/userinfo")),
        scope_param: "scope".into(),
        scope_separator: " ".into(),
        extra_params: vec![],
        openid: true,
        iss_parameter_supported: false,
        token_auth: TokenAuth::Post,
        token_response_path: None,
        admin_consent_endpoint: None,
    }
}

pub fn slack() -> Template {
    Template {
        name: "Slack".into(),
        issuer: None,
        authorization_endpoint: "https://slack.com/oauth/v2/authorize".into(),
        token_endpoint: "https://slack.com/api/oauth.v2.access".into(),
        revocation_endpoint: Some("https://slack.com/api/auth.revoke".into()),
        userinfo_endpoint: Some("https://slack.com/api/openid.connect.userInfo".into()),
        // A user token (acting as the person), not a bot token.
        scope_param: "user_scope".into(),
        scope_separator: ",".into(),
        extra_params: vec![],
        openid: false,
        iss_parameter_supported: false,
        token_auth: TokenAuth::Post,
        token_response_path: Some("authed_user".into()),
        admin_consent_endpoint: None,
    }
}

/// A generic OpenID provider from its discovery document (OpenID Connect
/// Discovery 1.0 §3; `authorization_response_iss_parameter_supported` from
/// RFC 9207). `expected_issuer`, when given, must equal the document's (§4.3).
pub fn from_discovery(doc: &Value, expected_issuer: Option<&str>) -> Result<Template, String> {
    let text = |field: &str| doc[field].as_str().map(str::to_owned);
    let required =
        |field: &str| text(field).ok_or_else(|| format!("the discovery document has no {field}"));
    let issuer = required("issuer")?;
    if let Some(expected) = expected_issuer
        && expected.trim_end_matches('/') != issuer.trim_end_matches('/')
    {
        return Err(format!(
            "the discovery document names the issuer {issuer:?}, not {expected:?}"
        ));
    }
    if let Some(methods) = doc["code_challenge_methods_supported"].as_array()
        && !methods.iter().any(|m| m == "S256")
    {
        return Err("the provider does not support PKCE with S256".into());
    }
    let auth_methods: Vec<&str> = doc["token_endpoint_auth_methods_supported"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // The default when the list is absent is client_secret_basic (§3).
    let token_auth = if auth_methods.is_empty() || auth_methods.contains(&"client_secret_basic") {
        TokenAuth::Basic
    } else {
        TokenAuth::Post
    };
    Ok(Template {
        name: issuer.clone(),
        authorization_endpoint: required("authorization_endpoint")?,
        token_endpoint: required("token_endpoint")?,
        revocation_endpoint: text("revocation_endpoint"),
        userinfo_endpoint: text("userinfo_endpoint"),
        scope_param: "scope".into(),
        scope_separator: " ".into(),
        extra_params: vec![],
        openid: true,
        iss_parameter_supported: doc["authorization_response_iss_parameter_supported"]
            .as_bool()
            .unwrap_or(false),
        token_auth,
        token_response_path: None,
        admin_consent_endpoint: None,
        issuer: Some(issuer),
    })
}

/// Which authorization server every connector uses instead of the built-in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderSource {
    /// Discovered at start from `{issuer}/.well-known/openid-configuration`.
    Oidc {
        issuer: String,
    },
    Entra {
        tenant: String,
    },
    Google,
    Salesforce,
    Slack,
}

/// An external provider for every connector, with the sandbox's app there.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderOverride {
    pub source: ProviderSource,
    pub client_id: String,
    pub client_secret: String,
}

impl ProviderOverride {
    /// A generic OpenID provider discovered from `issuer`.
    pub fn oidc(issuer: &str, client_id: &str, client_secret: &str) -> Self {
        Self {
            source: ProviderSource::Oidc {
                issuer: issuer.to_owned(),
            },
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
        }
    }
}

impl std::fmt::Debug for ProviderOverride {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderOverride")
            .field("source", &self.source)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// A template with the credentials the sandbox uses there.
#[derive(Clone)]
pub struct Provider {
    pub template: Template,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("template", &self.template.name)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What each sandbox connector asks for when it is (re)connected: the scopes
/// its real provider would be asked for, with `offline_access` where that
/// provider uses it. Unknown connectors ask for [`DEFAULT_SCOPES`].
pub const CONNECTOR_SCOPES: &[(&str, &[&str])] = &[
    (
        "uipath-microsoft-outlook365",
        &[
            "openid",
            "profile",
            "email",
            "offline_access",
            "User.Read",
            "Mail.ReadWrite",
            "Mail.Send",
        ],
    ),
    (
        "uipath-microsoft-onedrive",
        &[
            "openid",
            "profile",
            "email",
            "offline_access",
            "User.Read",
            "Files.ReadWrite.All",
            "Sites.Read.All",
        ],
    ),
    (
        "uipath-microsoft-teams",
        &[
            "openid",
            "profile",
            "email",
            "offline_access",
            "User.Read",
            "ChannelMessage.Send",
        ],
    ),
    (
        "uipath-microsoft-azureactivedirectory",
        &[
            "openid",
            "profile",
            "email",
            "offline_access",
            "User.Read",
            "Directory.Read.All",
        ],
    ),
    (
        "uipath-google-gmail",
        &["openid", "email", "profile", "https://mail.google.com/"],
    ),
    (
        "uipath-salesforce-sfdc",
        &["api", "refresh_token", "openid"],
    ),
    (
        "uipath-salesforce-slack",
        &["openid", "email", "profile", "chat:write", "channels:read"],
    ),
];

pub const DEFAULT_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

pub fn connector_scopes(connector: &str) -> Vec<String> {
    CONNECTOR_SCOPES
        .iter()
        .find(|(key, _)| *key == connector)
        .map_or(DEFAULT_SCOPES, |(_, scopes)| scopes)
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

/// What a new connection asks for: the connector's scopes, plus the
/// `.Shared` variant of each mail scope when it reads a shared mailbox
/// (Microsoft Graph: `Mail.Read.Shared`, `Mail.Send.Shared`, …).
pub fn create_scopes(connector: &str, shared_mailbox: bool) -> Vec<String> {
    let mut scopes = connector_scopes(connector);
    if shared_mailbox {
        let shared: Vec<String> = scopes
            .iter()
            .filter(|s| s.starts_with("Mail.") && !s.ends_with(".Shared"))
            .map(|s| format!("{s}.Shared"))
            .filter(|s| ADMIN_ONLY_SCOPES.iter().any(|k| k.eq_ignore_ascii_case(s)))
            .collect();
        for s in shared {
            if !scopes.contains(&s) {
                scopes.push(s);
            }
        }
    }
    scopes
}

/// What an app-only (client credentials) connection asks for: the
/// resource's `.default` scope, as Entra requires for that grant.
pub fn app_scopes(connector: &str) -> Vec<String> {
    if connector.starts_with("uipath-microsoft-") {
        vec!["https://graph.microsoft.com/.default".to_owned()]
    } else {
        vec![]
    }
}

/// The template a named source stands for; `Oidc` needs its discovery document.
pub fn fixed_template(source: &ProviderSource) -> Option<Template> {
    match source {
        ProviderSource::Oidc { .. } => None,
        ProviderSource::Entra { tenant } => Some(entra(tenant)),
        ProviderSource::Google => Some(google()),
        ProviderSource::Salesforce => Some(salesforce()),
        ProviderSource::Slack => Some(slack()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn discovery_gives_endpoints_issuer_and_the_iss_requirement() {
        let doc = json!({
            "issuer": "http://127.0.0.1:9/identity_",
            "authorization_endpoint": "http://127.0.0.1:9/identity_/connect/authorize",
            "token_endpoint": "http://127.0.0.1:9/identity_/connect/token",
            "userinfo_endpoint": "http://127.0.0.1:9/identity_/connect/userinfo",
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "authorization_response_iss_parameter_supported": true,
        });
        let t = from_discovery(&doc, Some("http://127.0.0.1:9/identity_/")).unwrap();
        assert_eq!(t.issuer.as_deref(), Some("http://127.0.0.1:9/identity_"));
        assert!(t.iss_parameter_supported);
        assert_eq!(t.token_auth, TokenAuth::Post);
        assert!(t.revocation_endpoint.is_none());
        assert!(from_discovery(&doc, Some("https://evil.example")).is_err());
        let mut plain = doc.clone();
        plain["code_challenge_methods_supported"] = json!(["plain"]);
        assert!(from_discovery(&plain, None).is_err());
    }

    #[test]
    fn templates_differ_only_in_data() {
        let slack = slack();
        assert_eq!(
            (slack.scope_param.as_str(), slack.scope_separator.as_str()),
            ("user_scope", ",")
        );
        assert_eq!(slack.token_response_path.as_deref(), Some("authed_user"));
        let google = google();
        assert!(
            google
                .extra_params
                .contains(&("access_type".into(), "offline".into()))
        );
        let entra = entra("contoso.example");
        assert!(
            entra.extra_params.is_empty(),
            "no prompt=select_account by default"
        );
        assert_eq!(
            entra.token_endpoint,
            "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token"
        );
        assert!(
            connector_scopes("uipath-microsoft-outlook365").contains(&"offline_access".to_owned())
        );
        assert_eq!(connector_scopes("unknown"), DEFAULT_SCOPES);
    }

    #[test]
    fn a_shared_mailbox_adds_the_shared_mail_scopes() {
        let outlook = "uipath-microsoft-outlook365";
        let own = create_scopes(outlook, false);
        assert_eq!(own, connector_scopes(outlook));
        let shared = create_scopes(outlook, true);
        assert!(
            shared.contains(&"Mail.ReadWrite.Shared".to_owned()),
            "{shared:?}"
        );
        assert!(
            shared.contains(&"Mail.Send.Shared".to_owned()),
            "{shared:?}"
        );
        assert!(shared.starts_with(&own));
        assert_eq!(
            app_scopes(outlook),
            ["https://graph.microsoft.com/.default"]
        );
    }

    #[test]
    fn the_client_secret_is_never_printed() {
        let o = ProviderOverride::oidc("https://idp.example", "app", "s3cret");
        assert!(!format!("{o:?}").contains("s3cret"));
    }
}
