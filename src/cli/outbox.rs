//! `sealmail outbox list|flush|show|cancel`.

use clap::Subcommand;
use sealmail::transport::EntryState;

use super::output::{print_json, write_stdout};
use super::{Env, Failure};

#[derive(Subcommand, Debug)]
pub enum OutboxCommand {
    /// Show the messages waiting to be sent and those the server refused.
    List,
    /// Try to send every queued message now.
    Flush,
    /// Show one message's state and its (encrypted) content.
    Show {
        /// The ID from `outbox list`.
        id: String,
    },
    /// Remove a message from the outbox (queued or failed): it is never sent.
    Cancel {
        /// The ID from `outbox list`.
        id: String,
    },
}

pub fn run(cmd: OutboxCommand, env: &Env) -> Result<(), Failure> {
    let outbox = env.outbox()?;
    match cmd {
        OutboxCommand::List => {
            let list = outbox.list()?;
            if env.json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!("the outbox is empty");
            }
            let mut out = String::new();
            for e in &list {
                out.push_str(&format!(
                    "{}  {:6}  to {}  attempts {}{}\n",
                    e.id,
                    match e.state {
                        EntryState::Queued => "queued",
                        EntryState::Failed => "FAILED",
                    },
                    e.envelope.to.join(", "),
                    e.attempts,
                    e.last_error
                        .as_ref()
                        .map(|x| format!("  last error: {}", super::output::clean_line(x)))
                        .unwrap_or_default()
                ));
            }
            write_stdout(out.as_bytes())
        }
        OutboxCommand::Flush => {
            let cfg = env.config()?;
            let r = super::send::deliver(env, &cfg, &outbox, None)?;
            if r.outcomes.is_empty() && !env.json {
                eprintln!("nothing to send");
            }
            super::send::report(env, &r)
        }
        OutboxCommand::Cancel { id } => {
            let e = outbox.cancel(&id)?;
            if env.json {
                return print_json(&e);
            }
            eprintln!(
                "cancelled {} to {}: it will not be sent",
                e.id,
                e.envelope.to.join(", ")
            );
            Ok(())
        }
        OutboxCommand::Show { id } => {
            let (e, msg) = outbox.show(&id)?;
            if env.json {
                return print_json(&e);
            }
            let mut out = serde_json::to_string_pretty(&e).unwrap_or_default();
            out.push_str("\n\n");
            write_stdout(out.as_bytes())?;
            write_stdout(&msg)
        }
    }
}
