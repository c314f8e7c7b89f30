//! IMAP: where received and sent mail lives.
//!
//! A blocking facade over `async-imap` (the client Delta Chat ships) on a one-thread tokio
//! runtime, over rustls with the system's roots plus `ca_file`. Nothing else in the crate
//! speaks the protocol: `source` turns a folder into messages, the CLI asks this module to
//! append, move and delete. Every wait has a deadline, so a server that stops answering
//! becomes an error, not a hang.

use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::config::{Imap, Security};

mod error;
pub use error::ImapError;

trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}
type Conn = Box<dyn Io>;

/// A folder on the server.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Folder {
    /// Its name, as the server spells it.
    pub name: String,
    /// Its special use (`\Sent`, `\Archive`, `\Trash`, `\Junk`, `\Drafts`), if the server says.
    pub special_use: Option<String>,
    /// Whether it can hold messages.
    pub selectable: bool,
}

/// A message fetched from a folder.
#[derive(Debug)]
pub struct Fetched {
    /// Its UID in the folder.
    pub uid: u32,
    /// Whether it has been read (`\Seen`).
    pub seen: bool,
    /// The whole message.
    pub raw: Vec<u8>,
}

/// A logged-in IMAP session.
pub struct Session {
    rt: tokio::runtime::Runtime,
    s: Option<async_imap::Session<Conn>>,
    timeout: Duration,
    selected: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("selected", &self.selected)
            .finish()
    }
}

fn tls_config(cfg: &Imap) -> Result<Arc<tokio_rustls::rustls::ClientConfig>, ImapError> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(c);
    }
    if let Some(path) = &cfg.ca_file {
        let err = |reason: String| ImapError::CaFile {
            path: path.clone(),
            reason,
        };
        let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| err(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| err(e.to_string()))?;
        if certs.is_empty() {
            return Err(err("no certificate in it".into()));
        }
        for c in certs {
            roots.add(c).map_err(|e| err(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls {
            host: cfg.host.clone(),
            source: std::io::Error::other(e),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn refused(command: &str, e: async_imap::error::Error) -> ImapError {
    use async_imap::error::Error;
    match e {
        Error::Io(source) => ImapError::Dropped {
            command: command.to_string(),
            source,
        },
        Error::ConnectionLost => ImapError::Dropped {
            command: command.to_string(),
            source: std::io::Error::from(std::io::ErrorKind::UnexpectedEof),
        },
        Error::No(reason) | Error::Bad(reason) => ImapError::Refused {
            command: command.to_string(),
            reason,
        },
        other => ImapError::Refused {
            command: command.to_string(),
            reason: other.to_string(),
        },
    }
}

/// Reads the server's greeting, which must come before anything else.
async fn greeting<T>(c: &mut async_imap::Client<T>) -> Result<(), ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    let dropped = |source| ImapError::Dropped {
        command: "the greeting".into(),
        source,
    };
    c.read_response()
        .await
        .map_err(dropped)?
        .ok_or_else(|| dropped(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)))?;
    Ok(())
}

fn timed_out(command: &str) -> ImapError {
    ImapError::Dropped {
        command: command.to_string(),
        source: std::io::Error::from(std::io::ErrorKind::TimedOut),
    }
}

impl Session {
    /// Connects, secures the connection as `cfg` says, and logs in.
    pub fn connect(cfg: &Imap, password: &str) -> Result<Session, ImapError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|source| ImapError::Connect {
                host: cfg.host.clone(),
                port: cfg.port(),
                source,
            })?;
        let timeout = Duration::from_secs(cfg.timeout_secs.unwrap_or(60));
        let s = rt.block_on(async {
            tokio::time::timeout(timeout, Self::open(cfg, password))
                .await
                .unwrap_or_else(|_| {
                    Err(ImapError::Connect {
                        host: cfg.host.clone(),
                        port: cfg.port(),
                        source: std::io::Error::from(std::io::ErrorKind::TimedOut),
                    })
                })
        })?;
        Ok(Session {
            rt,
            s: Some(s),
            timeout,
            selected: None,
        })
    }

    async fn open(cfg: &Imap, password: &str) -> Result<async_imap::Session<Conn>, ImapError> {
        let host = cfg.host.trim_matches(['[', ']']).to_string();
        let tcp = TcpStream::connect((host.as_str(), cfg.port()))
            .await
            .map_err(|source| ImapError::Connect {
                host: cfg.host.clone(),
                port: cfg.port(),
                source,
            })?;
        let tls_err = |source: std::io::Error| ImapError::Tls {
            host: cfg.host.clone(),
            source,
        };
        let server_name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| tls_err(std::io::Error::other(e)))?;
        let conn: Conn = match cfg.security() {
            Security::Tls => {
                let tls = tokio_rustls::TlsConnector::from(tls_config(cfg)?)
                    .connect(server_name, tcp)
                    .await
                    .map_err(tls_err)?;
                let mut c = async_imap::Client::new(Box::new(tls) as Conn);
                greeting(&mut c).await?;
                c.into_inner()
            }
            Security::Starttls => {
                let mut c = async_imap::Client::new(tcp);
                greeting(&mut c).await?;
                c.run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| match e {
                        async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => {
                            ImapError::Unsupported("STARTTLS".into())
                        }
                        e => refused("STARTTLS", e),
                    })?;
                let tcp = c.into_inner();
                let tls = tokio_rustls::TlsConnector::from(tls_config(cfg)?)
                    .connect(server_name, tcp)
                    .await
                    .map_err(tls_err)?;
                Box::new(tls)
            }
            Security::None => {
                let mut c = async_imap::Client::new(Box::new(tcp) as Conn);
                greeting(&mut c).await?;
                c.into_inner()
            }
        };
        let client = async_imap::Client::new(conn);
        client
            .login(&cfg.username, password)
            .await
            .map_err(|(e, _)| match e {
                async_imap::error::Error::No(reason) | async_imap::error::Error::Bad(reason) => {
                    ImapError::Login {
                        user: cfg.username.clone(),
                        reason,
                    }
                }
                e => refused("LOGIN", e),
            })
    }

    /// Runs `f` on the session with the deadline.
    fn run<T>(
        &mut self,
        command: &str,
        f: impl for<'a> FnOnce(
            &'a mut async_imap::Session<Conn>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, async_imap::error::Error>> + 'a>,
        >,
    ) -> Result<T, ImapError> {
        let timeout = self.timeout;
        let s = self.s.as_mut().expect("session is open until logout");
        let r = self
            .rt
            .block_on(async { tokio::time::timeout(timeout, f(s)).await });
        match r {
            Ok(r) => r.map_err(|e| refused(command, e)),
            Err(_) => Err(timed_out(command)),
        }
    }

    /// Every folder, with its special use.
    pub fn folders(&mut self) -> Result<Vec<Folder>, ImapError> {
        let names = self.run("LIST", |s| {
            Box::pin(async move {
                let names: Vec<_> = s.list(Some(""), Some("*")).await?.try_collect().await?;
                Ok(names)
            })
        })?;
        use async_imap::types::NameAttribute as A;
        Ok(names
            .iter()
            .map(|n| {
                let special_use = n.attributes().iter().find_map(|a| match a {
                    A::Sent => Some("\\Sent".to_string()),
                    A::Archive => Some("\\Archive".to_string()),
                    A::Trash => Some("\\Trash".to_string()),
                    A::Junk => Some("\\Junk".to_string()),
                    A::Drafts => Some("\\Drafts".to_string()),
                    A::All => Some("\\All".to_string()),
                    A::Flagged => Some("\\Flagged".to_string()),
                    _ => None,
                });
                Folder {
                    name: n.name().to_string(),
                    special_use,
                    selectable: !n.attributes().iter().any(|a| matches!(a, A::NoSelect)),
                }
            })
            .collect())
    }

    /// The folder with special use `use_` (e.g. `\Sent`), else one named `fallback`.
    pub fn special_folder(&mut self, use_: &str, fallback: &str) -> Result<String, ImapError> {
        let folders = self.folders()?;
        folders
            .iter()
            .find(|f| f.special_use.as_deref() == Some(use_))
            .or_else(|| {
                folders
                    .iter()
                    .find(|f| f.name.eq_ignore_ascii_case(fallback))
            })
            .map(|f| f.name.clone())
            .ok_or_else(|| ImapError::NoFolder(fallback.to_string()))
    }

    /// Opens `folder` read-only (EXAMINE: nothing changes, no `\Seen` is set); returns how many
    /// messages it holds.
    pub fn examine(&mut self, folder: &str) -> Result<u32, ImapError> {
        self.open_folder(folder, false)
    }

    /// Opens `folder` for changes (SELECT); returns how many messages it holds.
    pub fn select(&mut self, folder: &str) -> Result<u32, ImapError> {
        self.open_folder(folder, true)
    }

    fn open_folder(&mut self, folder: &str, write: bool) -> Result<u32, ImapError> {
        let name = folder.to_string();
        let r = self.run(if write { "SELECT" } else { "EXAMINE" }, move |s| {
            Box::pin(async move {
                if write {
                    s.select(&name).await
                } else {
                    s.examine(&name).await
                }
            })
        });
        match r {
            Ok(m) => {
                self.selected = Some(folder.to_string());
                Ok(m.exists)
            }
            Err(ImapError::Refused { .. }) => Err(ImapError::NoFolder(folder.to_string())),
            Err(e) => Err(e),
        }
    }

    /// The UIDs of the open folder's messages that match `query` (IMAP SEARCH syntax), in
    /// ascending order.
    pub fn search(&mut self, query: &str) -> Result<Vec<u32>, ImapError> {
        let q = query.to_string();
        let mut uids: Vec<u32> = self
            .run("UID SEARCH", move |s| {
                Box::pin(async move { s.uid_search(&q).await })
            })?
            .into_iter()
            .collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// Fetches the messages `uids` of the open folder, `chunk` at a time, without setting
    /// `\Seen` (BODY.PEEK); `each` gets them in order of UID and may stop by returning false.
    pub fn fetch(
        &mut self,
        uids: &[u32],
        each: &mut dyn FnMut(Fetched) -> bool,
    ) -> Result<bool, ImapError> {
        for chunk in uids.chunks(FETCH_CHUNK) {
            let set = uid_set(chunk);
            let mut got = self.run("UID FETCH", move |s| {
                Box::pin(async move {
                    let f: Vec<_> = s
                        .uid_fetch(&set, "(UID FLAGS BODY.PEEK[])")
                        .await?
                        .try_collect()
                        .await?;
                    Ok(f)
                })
            })?;
            got.sort_by_key(|f| f.uid);
            for f in got {
                let Some(uid) = f.uid else { continue };
                let seen = f
                    .flags()
                    .any(|fl| matches!(fl, async_imap::types::Flag::Seen));
                let raw = f.body().map(<[u8]>::to_vec).unwrap_or_default();
                if !each(Fetched { uid, seen, raw }) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// Sets `\Seen` on `uids` of the open folder (opened with [`Session::select`]).
    pub fn mark_seen(&mut self, uids: &[u32]) -> Result<(), ImapError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        self.run("UID STORE", move |s| {
            Box::pin(async move {
                let _: Vec<_> = s
                    .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
                    .await?
                    .try_collect()
                    .await?;
                Ok(())
            })
        })
    }

    /// Appends `raw` to `folder`, marked as read.
    pub fn append(&mut self, folder: &str, raw: &[u8]) -> Result<(), ImapError> {
        let (name, raw) = (folder.to_string(), raw.to_vec());
        let r = self.run("APPEND", move |s| {
            Box::pin(async move { s.append(&name, Some("(\\Seen)"), None, &raw).await })
        });
        match r {
            Err(ImapError::Refused { reason, .. }) if reason.contains("TRYCREATE") => {
                Err(ImapError::NoFolder(folder.to_string()))
            }
            r => r,
        }
    }

    /// Creates `folder` unless it exists.
    pub fn ensure_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        if self.folders()?.iter().any(|f| f.name == folder) {
            return Ok(());
        }
        let name = folder.to_string();
        self.run("CREATE", move |s| {
            Box::pin(async move { s.create(&name).await })
        })
    }

    /// Moves `uids` of the open folder (opened with [`Session::select`]) to `to`: MOVE where
    /// the server has it, else COPY, then `\Deleted` and UID EXPUNGE of exactly those.
    pub fn move_to(&mut self, uids: &[u32], to: &str) -> Result<(), ImapError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        let (set2, to2) = (set.clone(), to.to_string());
        let caps = self.run("CAPABILITY", |s| {
            Box::pin(async move { s.capabilities().await })
        })?;
        if caps.has_str("MOVE") {
            return self.run("UID MOVE", move |s| {
                Box::pin(async move { s.uid_mv(&set2, &to2).await })
            });
        }
        self.run("UID COPY", move |s| {
            Box::pin(async move { s.uid_copy(&set2, &to2).await })
        })?;
        self.delete(uids)
    }

    /// Marks `uids` of the open folder `\Deleted` and expunges exactly those (UIDPLUS).
    pub fn delete(&mut self, uids: &[u32]) -> Result<(), ImapError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        let caps = self.run("CAPABILITY", |s| {
            Box::pin(async move { s.capabilities().await })
        })?;
        if !caps.has_str("UIDPLUS") {
            return Err(ImapError::Unsupported(
                "UIDPLUS (needed to expunge exactly the messages found)".into(),
            ));
        }
        let set2 = set.clone();
        self.run("UID STORE", move |s| {
            Box::pin(async move {
                let _: Vec<_> = s
                    .uid_store(&set2, "+FLAGS.SILENT (\\Deleted)")
                    .await?
                    .try_collect()
                    .await?;
                Ok(())
            })
        })?;
        self.run("UID EXPUNGE", move |s| {
            Box::pin(async move {
                let _: Vec<_> = s.uid_expunge(&set).await?.try_collect().await?;
                Ok(())
            })
        })
    }

    /// Logs out; errors are of no interest any more.
    pub fn logout(mut self) {
        if let Some(mut s) = self.s.take() {
            let t = self.timeout;
            let _ = self
                .rt
                .block_on(async { tokio::time::timeout(t, s.logout()).await });
        }
    }
}

/// How many messages one FETCH asks for.
const FETCH_CHUNK: usize = 64;

/// `1,3:5,9` for UIDs 1 3 4 5 9.
fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        i += 1;
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets() {
        assert_eq!(uid_set(&[9, 1, 3, 4, 5, 5]), "1,3:5,9");
        assert_eq!(uid_set(&[7]), "7");
    }
}
