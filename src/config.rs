//! Configuration from the environment (names are contracts, see README "Configuration").

use std::path::PathBuf;

/// Where the data lives: `DATABASE_URL` as a file path, `sqlite://PATH`, or `postgres://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "opros.db";

    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: "it is empty; give a file path, sqlite://PATH or postgres://…".into(),
            });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if path.is_empty() {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: "sqlite:// needs a file path after it".into(),
            });
        }
        if path.contains("://") {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: format!(
                    "unsupported scheme in '{}': use a file path, sqlite://PATH or postgres://…",
                    redact(raw)
                ),
            });
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    /// A printable form without a password.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => redact(u),
        }
    }
}

/// Hides the password of `scheme://user:password@host/…`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseUrl,
    pub bind: String,
    /// Minimum seconds a respondent spends on a form page before a submit counts (bot check); 0 = off.
    pub min_page_seconds: f64,
    /// Requests per minute per client IP on form submissions; 0 = off.
    pub rate_limit_per_minute: u32,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Directory of example surveys imported into a new database.
    pub surveys_dir: PathBuf,
    /// Set cookies with `Secure` (serve over HTTPS).
    pub secure_cookies: bool,
    /// Secret that signs cookies and CSRF tokens; must be the same on every instance behind one load balancer.
    pub secret: Option<String>,
    /// Worker threads (0 = one per core).
    pub workers: usize,
    /// During open fieldwork, how old (seconds) a survey's last summary may be and still be served as it
    /// is when new responses have arrived; an older one is served while a fresh one is computed in the
    /// background. `None` (`OPROS_SUMMARY_STALE_SECONDS=off`): every new response is waited for.
    pub summary_stale_seconds: Option<u64>,
}

impl Config {
    /// Reads the environment. Unset variables take their documented defaults.
    pub fn from_env() -> Result<Self, ConfigError> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Ok(Config {
            database: DatabaseUrl::parse(&get("DATABASE_URL").unwrap_or_else(|| DatabaseUrl::DEFAULT.into()))?,
            bind: get("OPROS_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            min_page_seconds: parse_num(get("OPROS_MIN_PAGE_SECONDS"), "OPROS_MIN_PAGE_SECONDS", 2.0)?,
            rate_limit_per_minute: parse_num(get("OPROS_RATE_LIMIT_PER_MINUTE"), "OPROS_RATE_LIMIT_PER_MINUTE", 120)?,
            max_body_bytes: parse_num(get("OPROS_MAX_BODY_BYTES"), "OPROS_MAX_BODY_BYTES", 64 * 1024)?,
            surveys_dir: PathBuf::from(get("OPROS_SURVEYS_DIR").unwrap_or_else(|| "surveys".into())),
            secure_cookies: parse_bool(get("OPROS_SECURE_COOKIES"), "OPROS_SECURE_COOKIES")?,
            secret: get("OPROS_SECRET"),
            workers: parse_num(get("OPROS_WORKERS"), "OPROS_WORKERS", 0)?,
            summary_stale_seconds: match get("OPROS_SUMMARY_STALE_SECONDS") {
                Some(v) if v.trim() == "off" => None,
                v => Some(parse_num(v, "OPROS_SUMMARY_STALE_SECONDS", 60)?),
            },
        })
    }
}

fn parse_num<T: std::str::FromStr>(raw: Option<String>, name: &'static str, default: T) -> Result<T, ConfigError> {
    match raw {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            reason: format!("'{v}' is not a valid non-negative number"),
        }),
    }
}

fn parse_bool(raw: Option<String>, name: &'static str) -> Result<bool, ConfigError> {
    match raw.as_deref().map(str::trim) {
        None => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(v) => Err(ConfigError::Invalid {
            name,
            reason: format!("'{v}' is not true/false"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_forms() {
        assert_eq!(
            DatabaseUrl::parse("opros.db").unwrap(),
            DatabaseUrl::Sqlite("opros.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres("postgres://u@h/db".into())
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        let u = DatabaseUrl::Postgres("postgres://app:s3cret@db:5432/opros".into());
        assert!(!u.redacted().contains("s3cret"));
        assert!(u.redacted().contains("db:5432/opros"));
    }
}
