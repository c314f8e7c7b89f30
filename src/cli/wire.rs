//! What the `sealmail` launcher (`src/launcher.rs`) and the agent (`agent.rs`) share: which
//! command lines go to the agent, where its socket is, and the request sent over it.
//!
//! The launcher includes this file too (it links nothing else of sealmail), so it must stay
//! free of the library and of the rest of the CLI; each side uses its half.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

/// The agent's socket, in the home.
pub const SOCKET: &str = "agent.socket";
/// The program that does the work, installed next to `sealmail`.
pub const ENGINE: &str = "sealmail-engine";
/// The first argument of the agent process; sealmail starts it, a user does not.
pub const SERVE: &str = "--agent-serve";
/// The commands the agent runs: those a mail program, a script or cron runs many times.
pub const SERVED: [&str; 4] = ["compose", "decrypt", "send", "sendmail"];
/// The start of a request: the protocol and its version.
const MAGIC: [u8; 4] = *b"SMA1";
/// The largest request (command line and environment) a worker reads.
const MAX_REQUEST: usize = 1 << 20;

/// The first word of `args` that is neither an option nor the value of a global one: the
/// subcommand, when the line is well formed.
pub fn subcommand_name(args: &[OsString]) -> Option<&str> {
    let mut value_next = false;
    args.iter().skip(1).find_map(|a| {
        let a = a.to_str()?;
        if std::mem::take(&mut value_next) {
            return None;
        }
        value_next = a == "--home" || a == "--passphrase-fd";
        (!a.starts_with('-')).then_some(a)
    })
}

/// `SEALMAIL_NO_AGENT` set to anything but empty or `0`.
pub fn agent_disabled() -> bool {
    std::env::var_os("SEALMAIL_NO_AGENT").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The home whose agent runs `args`, if the agent runs such a line at all. A line given
/// `--passphrase-fd` runs in its own process: the descriptor is not passed on.
pub fn agent_home(args: &[OsString]) -> Option<PathBuf> {
    if agent_disabled()
        || !subcommand_name(args).is_some_and(|name| SERVED.contains(&name))
        || args
            .iter()
            .any(|a| a.as_bytes().starts_with(b"--passphrase-fd"))
    {
        return None;
    }
    // A socket's address holds at most 107 bytes: a deeper home goes without an agent.
    home_of(args).filter(|home| home.join(SOCKET).as_os_str().len() <= 100)
}

/// The home a command line names, as the parser will find it: `--home`, else `SEALMAIL_HOME`,
/// else the default. (Should it ever differ, another home's agent runs the command: it is the
/// same program and takes the home from the same command line, so nothing changes.)
fn home_of(args: &[OsString]) -> Option<PathBuf> {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.as_bytes();
        if a == b"--" {
            break;
        }
        if a == b"--home" {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix(b"--home=") {
            return Some(PathBuf::from(OsStr::from_bytes(v)));
        }
    }
    if let Some(h) = std::env::var_os("SEALMAIL_HOME").filter(|h| !h.is_empty()) {
        return Some(h.into());
    }
    default_home()
}

/// The default home, as `sealmail::Home::default_path` finds it (a unit test holds the two
/// together).
pub fn default_home() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("sealmail"));
    }
    let h = std::env::var_os("HOME").filter(|d| !d.is_empty())?;
    Some(PathBuf::from(h).join(".local/share/sealmail"))
}

/// Which program a file is: its device, inode, size and modification time. The agent
/// answers only requests naming the program it runs.
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub struct Identity([u64; 5]);

impl Identity {
    /// The program at `path` (`/proc/self/exe` for this one).
    pub fn of(path: &Path) -> io::Result<Self> {
        let m = std::fs::metadata(path)?;
        Ok(Identity([
            m.dev(),
            m.ino(),
            m.size(),
            m.mtime() as u64,
            m.mtime_nsec() as u64,
        ]))
    }
}

/// A command for the agent: everything that makes a process run it as the user's own would.
pub struct Request {
    /// The program the client expects to run the command.
    pub identity: Identity,
    /// The client's file mode creation mask.
    pub umask: u32,
    /// The client's working directory.
    pub cwd: PathBuf,
    /// The command line, the program's name first.
    pub args: Vec<OsString>,
    /// The client's environment, as `NAME=value`.
    pub env: Vec<Vec<u8>>,
    /// Standard input, output and error, then the terminal if the client has one.
    pub fds: Vec<OwnedFd>,
}

fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    buf.extend_from_slice(bytes);
}

/// Sends this process's command `args` (with its environment, working directory, umask,
/// standard streams and `tty`) for the program `identity`.
pub fn send_request(
    stream: &UnixStream,
    identity: &Identity,
    args: &[OsString],
    tty: Option<RawFd>,
) -> io::Result<()> {
    let cwd = std::env::current_dir()?;
    // SAFETY: umask only sets the process's file mode mask; it is set back at once.
    let umask = unsafe {
        let m = libc::umask(0o077);
        libc::umask(m);
        m
    };
    let mut request = Vec::with_capacity(4096);
    request.extend_from_slice(&[0; 4]);
    request.extend_from_slice(&MAGIC);
    for v in identity.0 {
        request.extend_from_slice(&v.to_le_bytes());
    }
    request.extend_from_slice(&(umask as u32).to_le_bytes());
    put(&mut request, cwd.as_os_str().as_bytes());
    request.extend_from_slice(&(args.len() as u32).to_le_bytes());
    for a in args {
        put(&mut request, a.as_bytes());
    }
    let env: Vec<_> = std::env::vars_os().collect();
    request.extend_from_slice(&(env.len() as u32).to_le_bytes());
    for (k, v) in &env {
        let mut kv = k.as_bytes().to_vec();
        kv.push(b'=');
        kv.extend_from_slice(v.as_bytes());
        put(&mut request, &kv);
    }
    let body = (request.len() - 4) as u32;
    request[..4].copy_from_slice(&body.to_le_bytes());
    let mut fds = vec![0, 1, 2];
    fds.extend(tty);
    send_with_fds(stream, &request, &fds)
}

/// Reads a request (a worker, from the connection it took).
pub fn receive_request(stream: &UnixStream) -> io::Result<Request> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not a sealmail agent request");
    let mut len = [0u8; 4];
    let (n, fds) = receive_with_fds(stream, &mut len)?;
    let mut reader = stream;
    reader.read_exact(&mut len[n..])?;
    let size = u32::from_le_bytes(len) as usize;
    if size > MAX_REQUEST || fds.len() < 3 || fds.len() > 4 {
        return Err(bad());
    }
    let mut body = vec![0; size];
    reader.read_exact(&mut body)?;
    let mut r = Fields(&body);
    if r.take(4).ok_or_else(bad)? != MAGIC {
        return Err(bad());
    }
    let mut identity = [0u64; 5];
    for v in &mut identity {
        *v = r.u64().ok_or_else(bad)?;
    }
    let umask = r.u32().ok_or_else(bad)?;
    let cwd = PathBuf::from(OsString::from_vec(r.bytes().ok_or_else(bad)?.to_vec()));
    let argc = r.u32().ok_or_else(bad)?;
    let mut args = Vec::new();
    for _ in 0..argc {
        args.push(OsString::from_vec(r.bytes().ok_or_else(bad)?.to_vec()));
    }
    let envc = r.u32().ok_or_else(bad)?;
    let mut env = Vec::new();
    for _ in 0..envc {
        env.push(r.bytes().ok_or_else(bad)?.to_vec());
    }
    Ok(Request {
        identity: Identity(identity),
        umask,
        cwd,
        args,
        env,
        fds,
    })
}

/// Reads the fields of a request.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

/// Writes `data` with the descriptors `fds` attached to its first byte.
fn send_with_fds(stream: &UnixStream, data: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let fd_bytes = std::mem::size_of_val(fds) as u32;
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes) } as usize;
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: the message header points at live buffers of the sizes given; the control
    // buffer has room for one SCM_RIGHTS message with `fds`.
    let sent = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = space as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(fd_bytes) as _;
        std::ptr::copy_nonoverlapping(
            fds.as_ptr() as *const u8,
            libc::CMSG_DATA(cmsg),
            fd_bytes as usize,
        );
        libc::sendmsg(stream.as_raw_fd(), &msg, libc::MSG_NOSIGNAL)
    };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut writer = stream;
    writer.write_all(&data[sent as usize..])
}

/// Reads into `buf` and takes the descriptors attached (close-on-exec).
fn receive_with_fds(stream: &UnixStream, buf: &mut [u8]) -> io::Result<(usize, Vec<OwnedFd>)> {
    let mut control = [0u64; 16];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    };
    let mut fds = Vec::new();
    // SAFETY: as in send_with_fds; every descriptor the kernel put in the control message is
    // taken into an OwnedFd exactly once.
    let n = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        let n = libc::recvmsg(stream.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg) as *const RawFd;
                let count = ((*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize)
                    / std::mem::size_of::<RawFd>();
                for i in 0..count {
                    fds.push(OwnedFd::from_raw_fd(std::ptr::read_unaligned(data.add(i))));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        n as usize
    };
    Ok((n, fds))
}
