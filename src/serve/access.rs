//! Who may ask the page, and what every answer carries (docs/网页版.md,
//! 安全). In order, each request passes:
//! 1. the `Host` check: it must name the listening address (for a wildcard
//!    bind, any of the machine's interface addresses or its host name),
//!    else 421 — so a page bound to 127.0.0.1 can't be reached through DNS
//!    rebinding;
//! 2. the same-origin check of a request that changes something (a POST):
//!    an `Origin` or `Sec-Fetch-Site` naming another site gets 403;
//! 3. the token, when one is required: from the cookie, or from the token
//!    link (`?token=…`), which is answered with the page itself and the
//!    cookie; compared in constant time; without it 401.
//!
//! Every answer then gets `Content-Security-Policy: default-src 'self'`,
//! `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.
//! The page's language (`?lang=`, kept in a cookie) is resolved here too.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::Server;
use super::pages::Message;
use crate::diagnostic::Lang;

/// The cookie holding the token.
const TOKEN_COOKIE: &str = "kaohe_token";
/// The cookie holding the page's language.
const LANG_COOKIE: &str = "kaohe_lang";

/// The addresses a request may name and the token it must bring.
#[derive(Debug, Clone)]
pub struct Access {
    /// `host:port` as a `Host` header spells them, lowercase.
    hosts: Vec<String>,
    /// The addresses printed at start, one per interface.
    shown: Vec<String>,
    port: u16,
    token: Option<String>,
}

impl Access {
    /// For a server listening on `address`: `token` when given; on a
    /// non-loopback address without one, a new random 128-bit token.
    pub fn for_address(address: SocketAddr, token: Option<String>) -> Access {
        let ip = address.ip();
        let token = token.or_else(|| (!ip.is_loopback()).then(new_token));
        let mut shown: Vec<IpAddr> = if ip.is_unspecified() { interface_addresses() } else { vec![ip] };
        shown.sort_by_key(|ip| (!ip.is_loopback(), ip.is_ipv6(), *ip));
        let mut names: Vec<String> = shown.iter().map(|ip| host_name_of(*ip)).collect();
        if shown.iter().any(IpAddr::is_loopback) {
            names.push("localhost".to_owned());
        }
        if ip.is_unspecified() {
            names.extend(machine_name());
        }
        let port = address.port();
        let hosts = names.iter().map(|name| format!("{name}:{port}").to_lowercase()).collect();
        let query = token.as_ref().map(|token| format!("?token={token}")).unwrap_or_default();
        let shown =
            shown.into_iter().map(|ip| format!("http://{}:{port}/{query}", host_name_of(ip))).collect();
        Access { hosts, shown, port, token }
    }

    /// The addresses to open, one per interface, with the token link when a
    /// token is required.
    pub fn urls(&self) -> Vec<String> {
        self.shown.clone()
    }

    /// Whether `host` (a `Host` header) names this server.
    fn admits_host(&self, host: &str) -> bool {
        let host = host.to_lowercase();
        let has_port = if host.starts_with('[') { host.contains("]:") } else { host.contains(':') };
        // A browser leaves out port 80.
        let host = if has_port || self.port != 80 { host } else { format!("{host}:80") };
        self.hosts.contains(&host)
    }

    /// Whether `given` is the token, compared in constant time.
    fn is_token(&self, given: &str) -> bool {
        self.token.as_ref().is_some_and(|token| bool::from(token.as_bytes().ct_eq(given.as_bytes())))
    }
}

/// Whether `token` can stand in a URL and a cookie as it is: letters,
/// digits and `- _ . ~`, at least one.
pub(super) fn is_token_text(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte))
}

/// An IP address as a URL's host: IPv6 in brackets.
fn host_name_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

/// 128 random bits in hex.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    hex(&bytes)
}

/// Lowercase hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Every address of the machine's network interfaces (loopback included).
#[cfg(unix)]
fn interface_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list that stays valid
    // until freeifaddrs; every entry's address is read by its family.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return vec![IpAddr::from([127, 0, 0, 1])];
        }
        let mut entry = list;
        while !entry.is_null() {
            let address = (*entry).ifa_addr;
            if !address.is_null() {
                match i32::from((*address).sa_family) {
                    libc::AF_INET => {
                        let v4 = &*(address as *const libc::sockaddr_in);
                        found.push(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()));
                    }
                    libc::AF_INET6 => {
                        let v6 = &*(address as *const libc::sockaddr_in6);
                        // Link-local addresses need a zone a Host header can't carry.
                        let ip = std::net::Ipv6Addr::from(v6.sin6_addr.s6_addr);
                        if !ip.is_unicast_link_local() {
                            found.push(IpAddr::V6(ip));
                        }
                    }
                    _ => {}
                }
            }
            entry = (*entry).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found.dedup();
    found
}

#[cfg(not(unix))]
fn interface_addresses() -> Vec<IpAddr> {
    vec![IpAddr::from([127, 0, 0, 1])]
}

/// The machine's host name, as colleagues may type it.
#[cfg(unix)]
fn machine_name() -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: gethostname writes at most `buffer.len()` bytes into it.
    let status = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    let end = buffer.iter().position(|&byte| byte == 0)?;
    (status == 0 && end > 0).then(|| String::from_utf8_lossy(&buffer[..end]).into_owned())
}

#[cfg(not(unix))]
fn machine_name() -> Option<String> {
    None
}

/// The value of cookie `name` in `headers`.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A cookie only this site's own pages send, out of scripts' reach.
fn set_cookie(name: &str, value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict"))
        .expect("cookie values are tokens (is_token_text) or a language code")
}

/// Whether a request that changes something comes from this site's own
/// pages: its `Origin`, else its `Sec-Fetch-Site`, must not name another.
fn same_origin(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(origin) = value("origin") {
        let host = value("host").unwrap_or_default();
        return origin.eq_ignore_ascii_case(&format!("http://{host}"));
    }
    value("sec-fetch-site").is_none_or(|site| matches!(site, "same-origin" | "none"))
}

/// The page's language: `?lang=`, else the cookie, else `--lang`.
fn chosen_lang(query: Option<&str>, headers: &HeaderMap, default: Lang) -> Lang {
    let parse = |value: &str| match value {
        "zh" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    };
    query.and_then(parse).or_else(|| cookie(headers, LANG_COOKIE).and_then(parse)).unwrap_or(default)
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The middleware in front of every route: the checks in this module's
/// order, then the headers every answer carries.
pub(super) async fn guard(State(server): State<Arc<Server>>, mut request: Request, next: Next) -> Response {
    let query: HashMap<String, String> =
        Query::try_from_uri(request.uri()).map(|Query(query)| query).unwrap_or_default();
    let lang_asked = query.get("lang").map(String::as_str);
    let lang = chosen_lang(lang_asked, request.headers(), server.lang);
    let pages = &server.pages;
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let mut response = if !server.access.admits_host(host) {
        pages.message(StatusCode::MISDIRECTED_REQUEST, Message::ForeignHost, lang)
    } else if request.method() != Method::GET && request.method() != Method::HEAD && !same_origin(headers) {
        pages.message(StatusCode::FORBIDDEN, Message::CrossOrigin, lang)
    } else if server.access.token.is_none()
        || request.uri().path().starts_with("/assets/")
        || cookie(headers, TOKEN_COOKIE).is_some_and(|token| server.access.is_token(token))
    {
        request.extensions_mut().insert(lang);
        next.run(request).await
    } else if let Some(token) = query.get("token").filter(|token| server.access.is_token(token)) {
        let cookie = set_cookie(TOKEN_COOKIE, token);
        request.extensions_mut().insert(lang);
        let mut response = next.run(request).await;
        response.headers_mut().append(header::SET_COOKIE, cookie);
        response
    } else {
        pages.message(StatusCode::UNAUTHORIZED, Message::TokenNeeded, lang)
    };
    // The body limit's own 413, answered before any handler ran.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_html(&response) {
        response = too_large(&server, lang);
    }
    let headers = response.headers_mut();
    if lang_asked.is_some() {
        headers.append(header::SET_COOKIE, set_cookie(LANG_COOKIE, lang_code(lang)));
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

fn is_html(response: &Response) -> bool {
    let content_type = response.headers().get(header::CONTENT_TYPE);
    content_type.and_then(|value| value.to_str().ok()).is_some_and(|value| value.starts_with("text/html"))
}

/// Answers with the 413 page: an upload over the limit, found while reading.
pub(super) fn too_large(server: &Server, lang: Lang) -> Response {
    let limit = server.options.max_upload_bytes >> 20;
    server.pages.message(StatusCode::PAYLOAD_TOO_LARGE, Message::TooLarge { limit }, lang).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_needs_no_token_unless_given_and_names_itself_and_localhost() {
        let access = Access::for_address("127.0.0.1:7878".parse().unwrap(), None);
        assert_eq!(access.token, None);
        assert_eq!(access.urls(), ["http://127.0.0.1:7878/"]);
        assert!(access.admits_host("127.0.0.1:7878") && access.admits_host("LOCALHOST:7878"));
        assert!(!access.admits_host("evil.example:7878") && !access.admits_host("127.0.0.1:7879"));
        let given = Access::for_address("127.0.0.1:7878".parse().unwrap(), Some("abc".into()));
        assert_eq!(given.urls(), ["http://127.0.0.1:7878/?token=abc"]);
        assert!(given.is_token("abc") && !given.is_token("abd") && !given.is_token("ab"));
    }

    #[test]
    fn a_network_address_gets_a_random_128_bit_token() {
        let access = Access::for_address("192.0.2.7:80".parse().unwrap(), None);
        let token = access.token.clone().unwrap();
        assert_eq!(token.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(Access::for_address("192.0.2.7:80".parse().unwrap(), None).token, Some(token.clone()));
        assert_eq!(access.urls(), [format!("http://192.0.2.7:80/?token={token}")]);
        assert!(access.admits_host("192.0.2.7") && access.admits_host("192.0.2.7:80"));
        assert!(!access.admits_host("localhost:80"));
    }

    #[test]
    fn a_wildcard_bind_admits_loopback_and_the_host_name() {
        let access = Access::for_address("0.0.0.0:7878".parse().unwrap(), None);
        assert!(access.admits_host("127.0.0.1:7878"));
        if let Some(name) = machine_name() {
            assert!(access.admits_host(&format!("{name}:7878")));
        }
        assert!(access.urls().iter().all(|url| url.contains("?token=")));
        assert!(!access.admits_host("rebound.example:7878"));
    }

    #[test]
    fn a_token_must_fit_a_url_and_a_cookie_as_it_is() {
        assert!(is_token_text("0123abcdXYZ-_.~") && is_token_text(&new_token()));
        for bad in ["", "a b", "a;b", "令牌", "a=b", "a\r\nSet-Cookie: x"] {
            assert!(!is_token_text(bad), "{bad:?}");
        }
    }

    #[test]
    fn cross_site_posts_are_told_apart() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(same_origin(&headers(&[("host", "127.0.0.1:7878"), ("origin", "http://127.0.0.1:7878")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:7878"), ("origin", "http://evil.example")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
    }
}
