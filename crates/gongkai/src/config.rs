//! Settings, in layers: the defaults below, then `gongkai.toml` (or the file
//! `--config` / `GONGKAI_CONFIG` names), then `GONGKAI__SECTION__KEY`
//! environment variables, then command-line flags. `gongkai config example`
//! prints every key with what it means; a test holds that example to the
//! defaults here. Secrets are never printed (`Debug` hides them).

use anyhow::Context;
use serde::Deserialize;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub database: Database,
    pub secret: Secret,
    pub server: Server,
    pub files: Files,
    pub remind: Remind,
    pub smtp: Smtp,
    pub inspect: Inspect,
}

#[derive(Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// sqlite://path or postgres://user@host/db (a password in it is secret).
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Secret {
    /// The server key's file; empty: beside the SQLite file, or gongkai-data/.
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub bind: String,
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Files {
    pub dir: PathBuf,
    pub max_upload_mb: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Remind {
    pub every_seconds: u64,
}

/// 网上巡查: how the inspector treats the sites it reads, and how often it runs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Inspect {
    pub every_days: u32,
    pub user_agent: String,
    pub interval_ms: u64,
    pub timeout_seconds: u64,
    pub retries: u32,
    pub max_pages: usize,
    pub sites_at_once: usize,
    pub fix_working_days: u32,
    pub private_addresses: bool,
}

impl Default for Inspect {
    fn default() -> Inspect {
        Inspect {
            every_days: 0,
            user_agent: gongkai_app::inspection::USER_AGENT.into(),
            interval_ms: 500,
            timeout_seconds: 20,
            retries: 2,
            max_pages: 20,
            sites_at_once: 32,
            fix_working_days: 5,
            private_addresses: false,
        }
    }
}

impl Inspect {
    pub fn politeness(&self) -> gongkai_app::inspection::Politeness {
        gongkai_app::inspection::Politeness {
            user_agent: self.user_agent.clone(),
            interval: std::time::Duration::from_millis(self.interval_ms),
            timeout: std::time::Duration::from_secs(self.timeout_seconds.clamp(1, 300)),
            retries: self.retries.min(5),
            max_pages: self.max_pages.clamp(1, 500),
            sites_at_once: self.sites_at_once.clamp(1, 64),
            private_addresses: self.private_addresses,
        }
    }
}

#[derive(Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    /// smtp://host:port, smtps://user:pass@host (the password is secret).
    pub url: Option<String>,
    pub from: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database: Database::default(),
            secret: Secret::default(),
            server: Server::default(),
            files: Files::default(),
            remind: Remind { every_seconds: 300 },
            smtp: Smtp::default(),
            inspect: Inspect::default(),
        }
    }
}

impl Default for Database {
    fn default() -> Database {
        Database { url: "sqlite://gongkai-data/gongkai.db".into() }
    }
}

impl Default for Server {
    fn default() -> Server {
        Server {
            bind: "127.0.0.1:8080".into(),
            secure_cookies: false,
            trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into(), std::net::Ipv6Addr::LOCALHOST.into()],
        }
    }
}

impl Default for Files {
    fn default() -> Files {
        Files { dir: PathBuf::from("gongkai-data/files"), max_upload_mb: 50 }
    }
}

impl Default for Remind {
    fn default() -> Remind {
        Remind { every_seconds: 300 }
    }
}

impl Default for Smtp {
    fn default() -> Smtp {
        Smtp { url: None, from: "政务公开任务台账 <gongkai@localhost>".into() }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("url", &crate::commands::redact(&self.url)).finish()
    }
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.as_deref().map(crate::commands::redact);
        f.debug_struct("Smtp").field("url", &url).field("from", &self.from).finish()
    }
}

/// Every key, commented, with its default: what `gongkai config example` prints.
pub const EXAMPLE: &str = r#"# gongkai 的设置文件（gongkai.toml）。每一项都可省略，省略时用这里写的默认值；
# 环境变量 GONGKAI__段__键（如 GONGKAI__SERVER__BIND）优先于本文件，命令行参数又优先于环境变量。

[database]
# 数据库地址：sqlite://文件路径（内嵌，默认）或 postgres://用户@主机/库名
url = "sqlite://gongkai-data/gongkai.db"

[secret]
# 服务器密钥文件：签名审计日志与备份，放在数据库之外。不写则放在 SQLite 文件旁，
# 使用 PostgreSQL 时为 gongkai-data/secret.key。也可用环境变量 GONGKAI__SECRET__KEY 直接给出密钥。
# key_file = "gongkai-data/secret.key"

[server]
# 监听地址
bind = "127.0.0.1:8080"
# 经 HTTPS 提供服务时设为 true：登录 Cookie 只经 HTTPS 发送
secure_cookies = false
# 可信的反向代理：只有来自这些地址的 X-Forwarded-Proto: https 才被采信
trusted_proxies = ["127.0.0.1", "::1"]

[files]
# 报送附件与导入文件的存放目录（按内容寻址）
dir = "gongkai-data/files"
# 单个上传文件的大小上限（MB，1–2048）
max_upload_mb = 50

[remind]
# 每隔多少秒执行一次到期提醒、催办与督办（0 为不执行）
every_seconds = 300

[smtp]
# 发信服务器：smtp://主机:端口、smtps://用户:密码@主机，或 smtp://主机?tls=required；不写则不发邮件
# url = "smtp://mail.example.gov.cn:25"
# 发件人地址
from = "政务公开任务台账 <gongkai@localhost>"

[inspect]
# 网上巡查：每隔多少天自动巡查一次已公布标准目录的栏目（0 为只在需要时手动巡查）
every_days = 0
# 访问网站时自报的身份（User-Agent），便于网站管理员识别
user_agent = "gongkai-inspector/0.1 (政务公开网上巡查; +https://github.com/gongkai)"
# 对同一网站两次请求之间至少间隔多少毫秒
interval_ms = 500
# 单次请求的超时（秒）
timeout_seconds = 20
# 网站无响应或出错（5xx）时重试几次（间隔逐次加倍）
retries = 2
# 每个栏目最多读取的页数
max_pages = 20
# 同时巡查几个网站（同一网站始终逐个请求）
sites_at_once = 32
# 巡查发现问题后，整改期限为几个工作日
fix_working_days = 5
# 是否允许访问本机或内部网络地址（各单位网站部署在政务内网时设为 true；默认不访问，以免栏目地址被用来探查内网）
private_addresses = false
"#;

/// The environment variables that override the file, with how to apply each.
type Apply = fn(&mut Settings, &str) -> anyhow::Result<()>;

const VARIABLES: &[(&str, Apply)] = &[
    ("GONGKAI__DATABASE__URL", |s, v| {
        s.database.url = v.into();
        Ok(())
    }),
    ("GONGKAI__SECRET__KEY_FILE", |s, v| {
        s.secret.key_file = Some(v.into());
        Ok(())
    }),
    ("GONGKAI__SERVER__BIND", |s, v| {
        s.server.bind = v.into();
        Ok(())
    }),
    ("GONGKAI__SERVER__SECURE_COOKIES", |s, v| {
        s.server.secure_cookies = flag(v)?;
        Ok(())
    }),
    ("GONGKAI__SERVER__TRUSTED_PROXIES", |s, v| {
        s.server.trusted_proxies =
            v.split(',').filter(|a| !a.trim().is_empty()).map(|a| a.trim().parse()).collect::<Result<_, _>>()?;
        Ok(())
    }),
    ("GONGKAI__FILES__DIR", |s, v| {
        s.files.dir = v.into();
        Ok(())
    }),
    ("GONGKAI__FILES__MAX_UPLOAD_MB", |s, v| {
        s.files.max_upload_mb = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__REMIND__EVERY_SECONDS", |s, v| {
        s.remind.every_seconds = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__SMTP__URL", |s, v| {
        s.smtp.url = Some(v.into()).filter(|u: &String| !u.is_empty());
        Ok(())
    }),
    ("GONGKAI__SMTP__FROM", |s, v| {
        s.smtp.from = v.into();
        Ok(())
    }),
    ("GONGKAI__INSPECT__EVERY_DAYS", |s, v| {
        s.inspect.every_days = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__USER_AGENT", |s, v| {
        s.inspect.user_agent = v.into();
        Ok(())
    }),
    ("GONGKAI__INSPECT__INTERVAL_MS", |s, v| {
        s.inspect.interval_ms = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__TIMEOUT_SECONDS", |s, v| {
        s.inspect.timeout_seconds = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__RETRIES", |s, v| {
        s.inspect.retries = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__MAX_PAGES", |s, v| {
        s.inspect.max_pages = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__SITES_AT_ONCE", |s, v| {
        s.inspect.sites_at_once = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__FIX_WORKING_DAYS", |s, v| {
        s.inspect.fix_working_days = v.trim().parse()?;
        Ok(())
    }),
    ("GONGKAI__INSPECT__PRIVATE_ADDRESSES", |s, v| {
        s.inspect.private_addresses = flag(v)?;
        Ok(())
    }),
];

fn flag(value: &str) -> anyhow::Result<bool> {
    match value.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => anyhow::bail!("“{other}”不是 true 或 false"),
    }
}

impl Settings {
    /// The defaults, then the file (`path`, else `gongkai.toml` here if there
    /// is one), then the environment (`env` gives a variable's value).
    pub fn load(path: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let mut settings = match path {
            Some(path) => Settings::read(path)?,
            None if Path::new("gongkai.toml").exists() => Settings::read(Path::new("gongkai.toml"))?,
            None => Settings::default(),
        };
        for (name, apply) in VARIABLES {
            if let Some(value) = env(name) {
                apply(&mut settings, &value).with_context(|| format!("环境变量 {name} 的值无效"))?;
            }
        }
        anyhow::ensure!((1..=2048).contains(&settings.files.max_upload_mb), "files.max_upload_mb 应在 1 到 2048 之间");
        Ok(settings)
    }

    fn read(path: &Path) -> anyhow::Result<Settings> {
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取设置文件 {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("设置文件 {} 有误", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_the_defaults() {
        assert_eq!(toml::from_str::<Settings>(EXAMPLE).unwrap(), Settings::default());
    }

    #[test]
    fn the_environment_overrides_the_file_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gongkai.toml");
        std::fs::write(&file, "[server]\nbind = \"0.0.0.0:80\"\n[files]\nmax_upload_mb = 10\n").unwrap();
        let env = |name: &str| (name == "GONGKAI__SERVER__BIND").then(|| "127.0.0.1:9000".to_string());
        let settings = Settings::load(Some(&file), env).unwrap();
        assert_eq!(settings.server.bind, "127.0.0.1:9000", "the environment wins over the file");
        assert_eq!(settings.files.max_upload_mb, 10, "the file wins over the default");
        assert_eq!(settings.remind.every_seconds, 300);
        std::fs::write(&file, "[server]\nbindd = \"x\"\n").unwrap();
        assert!(Settings::load(Some(&file), |_| None).unwrap_err().to_string().contains("有误"));
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let mut settings = Settings::default();
        settings.database.url = "postgres://u:hunter2@h/db".into();
        settings.smtp.url = Some("smtps://u:hunter3@mail".into());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("hunter3"), "{shown}");
    }
}
