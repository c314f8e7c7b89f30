//! What can go wrong talking to an IMAP server, and what to do about it.

/// Errors talking to an IMAP server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImapError {
    /// The TCP connection could not be made.
    #[error("cannot connect to the IMAP server {host}:{port}")]
    Connect {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// TLS could not be set up or the server's certificate is not trusted.
    #[error("TLS with the IMAP server {host} failed")]
    Tls {
        /// Host.
        host: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `ca_file` could not be read.
    #[error("cannot read ca_file {path}: {reason}")]
    CaFile {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// The server refused the login.
    #[error("the IMAP server refused the login of {user}: {reason}")]
    Login {
        /// The login name.
        user: String,
        /// The server's words.
        reason: String,
    },
    /// The folder does not exist.
    #[error("there is no folder {0:?} on the IMAP server")]
    NoFolder(String),
    /// The server answered a command with NO or BAD, or something unreadable.
    #[error("the IMAP server refused {command}: {reason}")]
    Refused {
        /// The command.
        command: String,
        /// The server's words.
        reason: String,
    },
    /// The connection broke or the server stopped answering.
    #[error("the connection to the IMAP server broke during {command}")]
    Dropped {
        /// The command.
        command: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server lacks something sealmail needs.
    #[error("the IMAP server does not support {0}")]
    Unsupported(String),
}

impl ImapError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ImapError::Connect { .. } => "check [imap] host, port and security in config.toml, and that the server is up".into(),
            ImapError::Tls { .. } => "if the server uses a private CA, give its certificate as [imap] ca_file; check security = \"tls\" or \"starttls\"".into(),
            ImapError::CaFile { .. } => "give a PEM certificate as [imap] ca_file".into(),
            ImapError::Login { .. } => "check [imap] username, and store the password again: sealmail secret set imap".into(),
            ImapError::NoFolder(_) => "list the folders with: sealmail inbox --folders".into(),
            ImapError::Refused { .. } | ImapError::Unsupported(_) => "run the command again; if it persists, the server's log says more".into(),
            ImapError::Dropped { .. } => "run the command again: what was done is reported, nothing was done by halves".into(),
        })
    }
}
