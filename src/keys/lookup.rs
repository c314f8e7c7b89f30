//! Finding a correspondent's key on the network: WKD (advanced method, then direct), then the
//! VKS API of keys.openpgp.org (or the configured server), then an optional HKPS keyserver.
//! Only user IDs with the address asked for are kept; a key that is expired, revoked, or not
//! for that address is refused with a clear reason and never stored.

use std::path::PathBuf;
use std::time::Duration;

use openpgp::parse::Parse;
use openpgp::Cert;
use sequoia_net::reqwest;
use sequoia_openpgp as openpgp;

use super::normalize_email;
use super::select::check_encryptable;
use crate::Context;

/// Where and how to look.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// No lookups at all.
    pub offline: bool,
    /// The VKS server, e.g. `https://keys.openpgp.org`.
    pub keyserver: String,
    /// An HKPS keyserver asked last.
    pub hkps: Option<String>,
    /// An extra trusted root (PEM).
    pub ca_file: Option<PathBuf>,
    /// How long one request may take.
    pub timeout: Duration,
    /// Host names connected to a fixed address instead of DNS (`[network] resolve`, tests).
    pub resolve: Vec<(String, std::net::SocketAddr)>,
}

/// Why a lookup found nothing usable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// `[network] offline = true`.
    #[error("network lookups are turned off ([network] offline = true)")]
    Offline,
    /// No source had a usable key; each source's answer is listed.
    #[error("no usable key for {email}: {}", .tried.join("; "))]
    NotFound {
        /// The address.
        email: String,
        /// What each source said.
        tried: Vec<String>,
    },
    /// The HTTPS client could not be set up.
    #[error("cannot set up HTTPS: {what}")]
    Setup {
        /// What was being set up.
        what: String,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl LookupError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            LookupError::Offline => "import the key from a file: sealmail key import FILE".into(),
            LookupError::NotFound { email, .. } => format!(
                "ask {email} for their public key (gpg --export -a {email}) and import it: sealmail key import FILE"
            ),
            LookupError::Setup { .. } => "check [network] ca_file and hkps in config.toml".into(),
        })
    }
}

/// A certificate found on the network.
#[derive(Debug, Clone)]
pub struct Found {
    /// The certificate, reduced to the user IDs with the address.
    pub cert: Cert,
    /// Where: `wkd:DOMAIN`, `vks:HOST`, `hkps:HOST`.
    pub origin: String,
}

fn setup(what: String, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> LookupError {
    LookupError::Setup {
        what,
        source: e.into(),
    }
}

fn client(net: &NetConfig) -> Result<reqwest::Client, LookupError> {
    let mut b = reqwest::Client::builder()
        .timeout(net.timeout)
        .connect_timeout(net.timeout)
        .user_agent(concat!("sealmail/", env!("CARGO_PKG_VERSION")));
    if let Some(ca) = &net.ca_file {
        let pem =
            std::fs::read(ca).map_err(|e| setup(format!("cannot read {}", ca.display()), e))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .map_err(|e| setup(format!("{} is not a PEM certificate", ca.display()), e))?;
        b = b.add_root_certificate(cert);
    }
    for (host, addr) in &net.resolve {
        b = b.resolve(host, *addr);
    }
    b.build()
        .map_err(|e| setup("cannot build the HTTPS client".into(), e))
}

fn runtime() -> Result<tokio::runtime::Runtime, LookupError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| setup("cannot start the network runtime".into(), e))
}

/// Keeps only the user IDs of `cert` that carry `email`; `None` when there is none.
pub fn only_address(cert: Cert, email: &str) -> Option<Cert> {
    let want = normalize_email(email);
    let cert = cert.retain_userids(|u| {
        super::userid_email(u.userid()).is_some_and(|e| normalize_email(&e) == want)
    });
    (cert.userids().count() > 0).then_some(cert)
}

/// Every certificate in an HTTP answer (a parse failure becomes one failed candidate).
fn parse_body(body: &[u8]) -> Vec<openpgp::Result<Cert>> {
    match openpgp::cert::CertParser::from_bytes(body) {
        Ok(p) => p.collect(),
        Err(e) => vec![Err(e)],
    }
}

/// Judges candidates from one source: the first usable one, or why none is.
fn judge(
    certs: Vec<openpgp::Result<Cert>>,
    email: &str,
    ctx: &Context,
    for_refresh: bool,
) -> Result<Cert, String> {
    let mut why = String::from("the answer holds no key");
    for c in certs {
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                why = format!("the answer is not an OpenPGP key ({e})");
                continue;
            }
        };
        let Some(c) = only_address(c, email) else {
            why = format!("the key it returned is not for {email}");
            continue;
        };
        if for_refresh {
            return Ok(c);
        }
        match check_encryptable(&c, ctx) {
            Ok(()) => return Ok(c),
            Err(p) => why = format!("the key it returned cannot be used: {p}"),
        }
    }
    Err(why)
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_string()
}

/// Looks `email` up: WKD, then VKS, then HKPS. With `for_refresh`, keys that are revoked or
/// expired are returned too (a refresh must learn about a revocation).
pub fn fetch(
    email: &str,
    net: &NetConfig,
    ctx: &Context,
    for_refresh: bool,
) -> Result<Found, LookupError> {
    if net.offline {
        return Err(LookupError::Offline);
    }
    let email = normalize_email(email);
    let client = client(net)?;
    let rt = runtime()?;
    let mut tried = Vec::new();
    let domain = email.rsplit('@').next().unwrap_or("").to_string();

    // 1. WKD: the advanced method; the direct one when the advanced host cannot be reached.
    match rt.block_on(wkd_get(&client, &email)) {
        Ok(body) => match judge(parse_body(&body), &email, ctx, for_refresh) {
            Ok(cert) => {
                return Ok(Found {
                    cert,
                    origin: format!("wkd:{domain}"),
                })
            }
            Err(why) => tried.push(format!("WKD of {domain}: {why}")),
        },
        Err(why) => tried.push(format!("WKD of {domain}: {why}")),
    }

    // 2. VKS.
    let base = net.keyserver.trim_end_matches('/');
    let url = format!("{base}/vks/v1/by-email/{}", url_escape(&email));
    let vks_host = host_of(base);
    let vks = rt.block_on(async {
        let res = client.get(&url).send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        Ok::<_, reqwest::Error>((status, body))
    });
    match vks {
        Ok((status, body)) if status.is_success() => {
            match judge(parse_body(&body), &email, ctx, for_refresh) {
                Ok(cert) => {
                    return Ok(Found {
                        cert,
                        origin: format!("vks:{vks_host}"),
                    })
                }
                Err(why) => tried.push(format!("{vks_host}: {why}")),
            }
        }
        Ok((status, _)) if status == reqwest::StatusCode::NOT_FOUND => {
            tried.push(format!("{vks_host}: no key for this address"))
        }
        Ok((status, _)) => tried.push(format!("{vks_host}: HTTP {status}")),
        Err(e) => tried.push(format!("{vks_host}: {}", describe_reqwest(&e))),
    }

    // 3. HKPS.
    if let Some(hkps) = &net.hkps {
        let ks = sequoia_net::KeyServer::with_client(hkps, client.clone()).map_err(|e| {
            setup(
                format!("[network] hkps = {hkps:?}"),
                Box::<dyn std::error::Error + Send + Sync>::from(e),
            )
        })?;
        let uid = openpgp::packet::UserID::from(format!("<{email}>"));
        match rt.block_on(ks.search(uid)) {
            Ok(certs) => match judge(certs, &email, ctx, for_refresh) {
                Ok(cert) => {
                    return Ok(Found {
                        cert,
                        origin: format!("hkps:{}", host_of(hkps)),
                    })
                }
                Err(why) => tried.push(format!("{}: {why}", host_of(hkps))),
            },
            Err(e) => tried.push(format!("{}: {}", host_of(hkps), describe(&e))),
        }
    }
    Err(LookupError::NotFound { email, tried })
}

/// Fetches the WKD body for `email` (sequoia-net builds the URLs).
async fn wkd_get(client: &reqwest::Client, email: &str) -> Result<Vec<u8>, String> {
    use sequoia_net::wkd::{Url, Variant};
    // The reasons go into the list of what each source said (LookupError::NotFound).
    let url = Url::from(email).map_err(|e| format!("{e:#}"))?;
    let advanced = url
        .to_url(Variant::Advanced)
        .map_err(|e| format!("{e:#}"))?;
    let direct = url.to_url(Variant::Direct).map_err(|e| format!("{e:#}"))?;
    let res = match client.get(advanced).send().await {
        Ok(r) => r,
        // No such host (or nothing listening): the direct method.
        Err(e) if e.is_connect() => client
            .get(direct)
            .send()
            .await
            .map_err(|e| describe_reqwest(&e))?,
        Err(e) => return Err(describe_reqwest(&e)),
    };
    match res.status() {
        s if s.is_success() => Ok(res
            .bytes()
            .await
            .map_err(|e| describe_reqwest(&e))?
            .to_vec()),
        reqwest::StatusCode::NOT_FOUND => Err("no key for this address".into()),
        s => Err(format!("HTTP {s}")),
    }
}

fn describe(e: &anyhow::Error) -> String {
    for c in e.chain() {
        if let Some(r) = c.downcast_ref::<reqwest::Error>() {
            return describe_reqwest(r);
        }
        if let Some(n) = c.downcast_ref::<sequoia_net::Error>() {
            return match n {
                sequoia_net::Error::NotFound => "no key for this address".into(),
                sequoia_net::Error::EmailNotInUserids(a) => {
                    format!("the key it returned is not for {a}")
                }
                other => other.to_string(),
            };
        }
        if c.downcast_ref::<openpgp::Error>().is_some()
            || c.downcast_ref::<std::io::Error>().is_some()
        {
            return format!("the answer is not an OpenPGP key ({e:#})");
        }
    }
    format!("{e:#}")
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        format!("cannot connect ({})", root_cause(e))
    } else if let Some(s) = e.status() {
        format!("HTTP {s}")
    } else {
        root_cause(e)
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Writes the WKD tree for `cert` below `dir`: advanced (`.well-known/openpgpkey/DOMAIN/...`)
/// and direct (`.well-known/openpgpkey/...`) layouts with their policy files.
pub fn publish_wkd(
    dir: &std::path::Path,
    domain: &str,
    cert: &Cert,
) -> Result<Vec<PathBuf>, String> {
    use sequoia_net::wkd::Variant;
    let public = cert.clone().strip_secret_key_material();
    let mut written = Vec::new();
    for v in [Variant::Advanced, Variant::Direct] {
        sequoia_net::wkd::insert(dir, domain, v, &public).map_err(|e| format!("{e:#}"))?;
    }
    for email in super::cert_emails(&public) {
        if !email
            .to_lowercase()
            .ends_with(&format!("@{}", domain.to_lowercase()))
        {
            continue;
        }
        let url = sequoia_net::wkd::Url::from(&email).map_err(|e| format!("{e:#}"))?;
        for v in [Variant::Advanced, Variant::Direct] {
            written.push(dir.join(url.to_file_path(v).map_err(|e| format!("{e:#}"))?));
        }
    }
    // Policy files (empty: the defaults), which clients probe for.
    for p in [
        dir.join(".well-known/openpgpkey")
            .join(domain)
            .join("policy"),
        dir.join(".well-known/openpgpkey/policy"),
    ] {
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if !p.exists() {
            std::fs::write(&p, b"").map_err(|e| format!("{}: {e}", p.display()))?;
        }
        written.push(p);
    }
    Ok(written)
}
