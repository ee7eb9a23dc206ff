//! `opros user …`: staff accounts from the command line — how the first admin is created. The password is
//! read from the terminal without echo (twice, to catch typos), or as the first line of standard input when
//! it is not a terminal (scripts, containers). Every change goes to the audit log as actor `cli`.

use std::io::{BufRead, IsTerminal, Write};

use clap::Subcommand;

use super::CliError;
use crate::auth::{users, AuthError, Role};
use crate::store::audit::{self, AuditEvent};
use crate::store::Store;

/// The audit log's actor for changes made with the command line.
pub const CLI_ACTOR: &str = "cli";

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a staff account; the password is asked on the terminal (or read from stdin).
    Add {
        login: String,
        /// admin, sociologist or official.
        #[arg(long)]
        role: String,
    },
    /// List staff accounts.
    List,
    /// Change a user's role.
    SetRole {
        login: String,
        #[arg(long)]
        role: String,
    },
    /// Disable an account (its sessions end at once).
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
    /// Set a new password (asked like for `add`); the user's sessions end.
    Password { login: String },
}

impl From<AuthError> for CliError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Store(s) => CliError::Store(s),
            other => CliError::Other(other.to_string()),
        }
    }
}

/// Reads a new password: from the terminal without echo, asked twice; else the first line of stdin.
fn read_password(login: &str) -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {login}: "))?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            return Err(CliError::Other("the two passwords differ; nothing was changed".into()));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        if pw.is_empty() {
            return Err(CliError::Other(
                "no password on standard input (expected it as the first line)".into(),
            ));
        }
        Ok(pw)
    }
}

fn log(store: &Store, action: &str, detail: String) -> Result<(), CliError> {
    audit::record(
        store,
        &AuditEvent {
            actor: CLI_ACTOR,
            action,
            detail,
            ..Default::default()
        },
    )?;
    Ok(())
}

pub fn run(store: &Store, cmd: UserCommand, out: &mut impl Write) -> Result<(), CliError> {
    match cmd {
        UserCommand::Add { login, role } => {
            let role = Role::parse(&role)?;
            let login = users::normalize_login(&login)?;
            let pw = read_password(&login)?;
            let u = users::add(store, &login, role, &pw)?;
            log(store, "user.add", format!("{} as {}", u.login, u.role))?;
            writeln!(out, "{}: created ({})", u.login, u.role)?;
        }
        UserCommand::List => {
            writeln!(out, "{:<32} {:<12} {:<9} created", "login", "role", "state")?;
            for u in users::list(store)? {
                let state = if u.disabled { "disabled" } else { "active" };
                writeln!(
                    out,
                    "{:<32} {:<12} {:<9} {}",
                    u.login,
                    u.role.as_str(),
                    state,
                    u.created_at.format("%Y-%m-%d")
                )?;
            }
        }
        UserCommand::SetRole { login, role } => {
            let u = users::set_role(store, &login, Role::parse(&role)?)?;
            log(store, "user.set_role", format!("{} → {}", u.login, u.role))?;
            writeln!(out, "{}: role {}", u.login, u.role)?;
        }
        UserCommand::Disable { login } => {
            let u = users::set_disabled(store, &login, true)?;
            log(store, "user.disable", u.login.clone())?;
            writeln!(out, "{}: disabled", u.login)?;
        }
        UserCommand::Enable { login } => {
            let u = users::set_disabled(store, &login, false)?;
            log(store, "user.enable", u.login.clone())?;
            writeln!(out, "{}: enabled", u.login)?;
        }
        UserCommand::Password { login } => {
            let existing = users::find(store, &login)?;
            let pw = read_password(&existing.login)?;
            let u = users::set_password(store, &login, &pw)?;
            log(store, "user.set_password", u.login.clone())?;
            writeln!(out, "{}: password changed", u.login)?;
        }
    }
    Ok(())
}
