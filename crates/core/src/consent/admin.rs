//! The link an administrator opens to take down an admin-consent wall,
//! built from the provider's authorize request the consent window saw: for
//! Microsoft Entra (`/{tenant}/oauth2/v2.0/authorize`) its documented
//! `/{tenant}/v2.0/adminconsent`, with the same client, scopes and redirect;
//! for the sandbox's identity server, which plays the organisation's
//! provider (`/identity_/connect/authorize`), its Entra-shaped
//! `/identity_/adminconsent`. Other providers have no such link.

use url::Url;

use crate::auth::sign_in::query_param as param;
use crate::failure::admin_consent_url;

pub fn link(authorize: &Url) -> Option<Url> {
    let client_id = param(authorize, "client_id")?;
    let redirect = param(authorize, "redirect_uri")?;
    let scope = param(authorize, "scope").unwrap_or_default();
    let scopes: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
    if authorize.host_str() == Some("login.microsoftonline.com") {
        let tenant = authorize
            .path()
            .strip_suffix("/oauth2/v2.0/authorize")?
            .trim_start_matches('/');
        return admin_consent_url(tenant, &client_id, &redirect, &scopes, "").ok();
    }
    let prefix = authorize.path().strip_suffix("/connect/authorize")?;
    if !prefix.ends_with("/identity_") {
        return None;
    }
    let mut url = authorize.clone();
    url.set_path(&format!("{prefix}/adminconsent"));
    url.set_query(None);
    url.query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("scope", &scope)
        .append_pair("redirect_uri", &redirect);
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entra_and_the_sandbox_provider_have_a_link_others_do_not() {
        let entra = Url::parse("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=abc&redirect_uri=https%3A%2F%2Ft%2Fprovisioning_%2Fcallback&scope=Mail.Read+offline_access&state=s").unwrap();
        let link = link(&entra).unwrap();
        assert!(
            link.as_str().starts_with(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?"
            ),
            "{link}"
        );
        let sandbox = Url::parse("http://127.0.0.1:4000/identity_/connect/authorize?client_id=sandbox-connectors&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fprovisioning_%2Fcallback&scope=Mail.Read").unwrap();
        let link = super::link(&sandbox).unwrap();
        assert_eq!(link.path(), "/identity_/adminconsent");
        assert_eq!(
            param(&link, "client_id").as_deref(),
            Some("sandbox-connectors")
        );
        let google =
            Url::parse("https://accounts.google.com/o/oauth2/v2/auth?client_id=x&redirect_uri=y")
                .unwrap();
        assert!(super::link(&google).is_none());
    }
}
