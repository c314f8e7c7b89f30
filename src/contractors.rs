//! Contractors: people outside the company who receive secrets for the length of a contract.
//! A contractor links to one or more certificates; when the contract ends (`until` passed, or
//! `end`), sending to them is refused, and the history stays. Kept in `contractors.json`.

use std::path::PathBuf;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// Errors of the contractor list.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContractorError {
    /// No contractor has that name.
    #[error("no contractor named {0:?}")]
    NotFound(String),
    /// A contractor with that name exists.
    #[error("a contractor named {0:?} exists already")]
    Exists(String),
    /// A date is not YYYY-MM-DD.
    #[error("{0:?} is not a date (want YYYY-MM-DD)")]
    BadDate(String),
    /// Sending to contractors whose contract has ended is refused.
    #[error("not sending: {}", .0.iter().map(|(e, n, why)| format!("{e} ({n}): {why}")).collect::<Vec<_>>().join("; "))]
    Ended(Vec<(String, String, String)>),
    /// The file could not be read or written.
    #[error("contractors file {path}: {reason}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl ContractorError {
    /// What to do next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ContractorError::NotFound(_) => "see the names with: sealmail contractor list".into(),
            ContractorError::Exists(n) => format!("see it with: sealmail contractor show {n:?}"),
            ContractorError::BadDate(_) => "write the date as 2027-03-31".into(),
            ContractorError::Ended(v) => format!(
                "if the contract was extended: sealmail contractor extend {:?} --until YYYY-MM-DD",
                v.first().map(|(_, n, _)| n.as_str()).unwrap_or("NAME")
            ),
            ContractorError::Io { .. } => "check that the sealmail home is writable".into(),
        })
    }
}

/// One contractor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contractor {
    /// The name (unique).
    pub name: String,
    /// Their addresses.
    pub emails: Vec<String>,
    /// Their organisation.
    pub org: Option<String>,
    /// The last day of the contract (YYYY-MM-DD).
    pub until: Option<String>,
    /// When the contract was ended by hand (RFC 3339).
    pub ended: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// Fingerprints of their certificates.
    pub certs: Vec<String>,
    /// When mail was last sent to them (RFC 3339).
    pub last_sent: Option<String>,
    /// When they were added (RFC 3339).
    pub added: String,
    /// How credentials may travel to them: `pgp` (encrypted mail), `vault` (a KeePass vault
    /// whose passphrase goes by phone), `phone` (said aloud only). `None`: `pgp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

/// How credentials may travel to a contractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Encrypted mail (the default).
    Pgp,
    /// Only inside a KeePass vault, its passphrase by phone.
    Vault,
    /// Only by phone.
    Phone,
}

impl Channel {
    /// Its name in contractors.json and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Pgp => "pgp",
            Channel::Vault => "vault",
            Channel::Phone => "phone",
        }
    }
}

impl Contractor {
    /// Why the contract is over at `now`, if it is.
    pub fn ended_because(&self, now: SystemTime) -> Option<String> {
        if let Some(e) = &self.ended {
            return Some(format!(
                "the contract was ended on {}",
                &e[..10.min(e.len())]
            ));
        }
        let until = self.until.as_ref()?;
        let day = chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d").ok()?;
        let today = chrono::DateTime::<chrono::Utc>::from(now).date_naive();
        (today > day).then(|| format!("the contract ended on {until}"))
    }
}

fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The contractor list of a home.
#[derive(Debug, Clone)]
pub struct Contractors {
    path: PathBuf,
}

impl Contractors {
    /// The list of `home`.
    pub fn open(home: &crate::Home) -> Self {
        Contractors {
            path: home.contractors_file(),
        }
    }

    fn io(&self, e: impl std::fmt::Display) -> ContractorError {
        ContractorError::Io {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }

    /// Every contractor, in the order they were added.
    pub fn list(&self) -> Result<Vec<Contractor>, ContractorError> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| self.io(e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.io(e)),
        }
    }

    fn save(&self, v: &[Contractor]) -> Result<(), ContractorError> {
        let json = serde_json::to_vec_pretty(v).map_err(|e| self.io(e))?;
        crate::fsutil::write_atomic(&self.path, &json, true).map_err(|e| self.io(e))
    }

    /// One contractor by name.
    pub fn get(&self, name: &str) -> Result<Contractor, ContractorError> {
        self.list()?
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| ContractorError::NotFound(name.into()))
    }

    /// Adds a contractor.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &self,
        name: &str,
        emails: Vec<String>,
        org: Option<String>,
        until: Option<String>,
        note: Option<String>,
        certs: Vec<String>,
        now: SystemTime,
    ) -> Result<Contractor, ContractorError> {
        if let Some(u) = &until {
            chrono::NaiveDate::parse_from_str(u, "%Y-%m-%d")
                .map_err(|_| ContractorError::BadDate(u.clone()))?;
        }
        let mut v = self.list()?;
        if v.iter().any(|c| c.name == name) {
            return Err(ContractorError::Exists(name.into()));
        }
        let c = Contractor {
            name: name.into(),
            emails: emails
                .iter()
                .map(|e| crate::keys::normalize_email(e))
                .collect(),
            org,
            until,
            ended: None,
            note,
            certs,
            last_sent: None,
            added: rfc3339(now),
            channel: None,
        };
        v.push(c.clone());
        self.save(&v)?;
        Ok(c)
    }

    /// Moves the contract's last day to `until` (YYYY-MM-DD); a contract ended by hand is
    /// open again.
    pub fn extend(&self, name: &str, until: &str) -> Result<Contractor, ContractorError> {
        chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d")
            .map_err(|_| ContractorError::BadDate(until.into()))?;
        self.update(name, |c| {
            c.until = Some(until.into());
            c.ended = None;
        })
    }

    /// Changes a contractor's addresses, organisation or note (`None` keeps it).
    pub fn edit(
        &self,
        name: &str,
        emails: Option<Vec<String>>,
        org: Option<String>,
        note: Option<String>,
    ) -> Result<Contractor, ContractorError> {
        self.update(name, |c| {
            if let Some(e) = emails {
                c.emails = e.iter().map(|e| crate::keys::normalize_email(e)).collect();
            }
            if org.is_some() {
                c.org = org;
            }
            if note.is_some() {
                c.note = note;
            }
        })
    }

    /// Sets how credentials may travel to a contractor.
    pub fn set_channel(&self, name: &str, channel: Channel) -> Result<Contractor, ContractorError> {
        self.update(name, |c| c.channel = Some(channel))
    }

    /// The strictest channel among the contractors with one of `emails` (phone, then vault,
    /// then pgp), with the contractor's name.
    pub fn channel_for<'a>(
        &self,
        emails: impl IntoIterator<Item = &'a str>,
    ) -> Result<Option<(String, Channel)>, ContractorError> {
        let list = self.list()?;
        let rank = |c: Channel| match c {
            Channel::Pgp => 0,
            Channel::Vault => 1,
            Channel::Phone => 2,
        };
        let mut best: Option<(String, Channel)> = None;
        for e in emails {
            let e = crate::keys::normalize_email(e);
            for c in list.iter().filter(|c| c.emails.contains(&e)) {
                let ch = c.channel.unwrap_or(Channel::Pgp);
                if best.as_ref().is_none_or(|(_, b)| rank(ch) > rank(*b)) {
                    best = Some((c.name.clone(), ch));
                }
            }
        }
        Ok(best)
    }

    /// Removes a contractor's record (their keys stay in the key store).
    pub fn remove(&self, name: &str) -> Result<Contractor, ContractorError> {
        let mut v = self.list()?;
        let i = v
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| ContractorError::NotFound(name.into()))?;
        let c = v.remove(i);
        self.save(&v)?;
        Ok(c)
    }

    /// Ends a contract now; the record stays.
    pub fn end(&self, name: &str, now: SystemTime) -> Result<Contractor, ContractorError> {
        self.update(name, |c| c.ended = Some(rfc3339(now)))
    }

    fn update(
        &self,
        name: &str,
        f: impl FnOnce(&mut Contractor),
    ) -> Result<Contractor, ContractorError> {
        let mut v = self.list()?;
        let c = v
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| ContractorError::NotFound(name.into()))?;
        f(c);
        let out = c.clone();
        self.save(&v)?;
        Ok(out)
    }

    /// Refuses when any of `emails` belongs to a contractor whose contract is over.
    pub fn check_recipients<'a>(
        &self,
        emails: impl IntoIterator<Item = &'a str>,
        now: SystemTime,
    ) -> Result<(), ContractorError> {
        let list = self.list()?;
        let mut ended = Vec::new();
        for e in emails {
            let e = crate::keys::normalize_email(e);
            for c in list.iter().filter(|c| c.emails.contains(&e)) {
                if let Some(why) = c.ended_because(now) {
                    ended.push((e.clone(), c.name.clone(), why));
                }
            }
        }
        if ended.is_empty() {
            Ok(())
        } else {
            Err(ContractorError::Ended(ended))
        }
    }

    /// Notes that mail went to `emails` at `now`.
    pub fn record_sent<'a>(
        &self,
        emails: impl IntoIterator<Item = &'a str>,
        now: SystemTime,
    ) -> Result<(), ContractorError> {
        let mut v = self.list()?;
        if v.is_empty() {
            return Ok(());
        }
        let emails: Vec<String> = emails
            .into_iter()
            .map(crate::keys::normalize_email)
            .collect();
        let mut changed = false;
        for c in v.iter_mut() {
            if c.emails.iter().any(|e| emails.contains(e)) {
                c.last_sent = Some(rfc3339(now));
                changed = true;
            }
        }
        if changed {
            self.save(&v)?;
        }
        Ok(())
    }
}
