//! Fetching column pages politely: a User-Agent that says who asks,
//! robots.txt obeyed (read once per site), one request at a time to a site
//! with a pause between, a time limit and a few retries with growing waits,
//! no redirect or pager link followed off the column's site, and at most
//! `MAX_PAGE_BYTES` of a page read. Column addresses are typed by units, so
//! none may lead the server into its own machine or private networks
//! (checked on the address and again on what its name resolves to),
//! unless `private_addresses` says the sites live there.

use chrono::NaiveDate;
use gongkai_io::column::{ColumnItem, MAX_PAGE_BYTES, decode, read_column};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// How the inspector behaves towards the sites it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Politeness {
    /// Sent with every request, so a site's staff know who reads them.
    pub user_agent: String,
    /// The pause between two requests to one site.
    pub interval: Duration,
    /// How long one request may take.
    pub timeout: Duration,
    /// Attempts after the first when a site does not answer or answers 5xx.
    pub retries: u32,
    /// The most pages of one column read in a run.
    pub max_pages: usize,
    /// Sites read at the same time (one site is always read one request at a time).
    pub sites_at_once: usize,
    /// Sites on this machine or in private networks may be read (an
    /// intranet deployment; the tests' loopback sites).
    pub private_addresses: bool,
}

impl Default for Politeness {
    fn default() -> Politeness {
        Politeness {
            user_agent: USER_AGENT.to_string(),
            interval: Duration::from_millis(500),
            timeout: Duration::from_secs(20),
            retries: 2,
            max_pages: 20,
            sites_at_once: 32,
            private_addresses: false,
        }
    }
}

/// The inspector's name on the sites' logs.
pub const USER_AGENT: &str = "gongkai-inspector/0.1 (政务公开网上巡查; +https://github.com/gongkai)";

/// One page as fetched.
#[derive(Debug, Clone, Serialize)]
pub struct PageFetch {
    pub url: String,
    /// The HTTP status; none when no answer came (see `error`).
    pub status: Option<u16>,
    pub millis: u64,
    pub items: usize,
    /// What went wrong, in words a clerk reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A column as read: its pages in order and the items they list.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnRead {
    pub url: String,
    pub pages: Vec<PageFetch>,
    pub items: Vec<ColumnItem>,
}

impl ColumnRead {
    /// The first page's failure, when it has one: the column is not there.
    pub fn failure(&self) -> Option<String> {
        let first = self.pages.first()?;
        match (first.status, &first.error) {
            (_, Some(error)) => Some(error.clone()),
            (Some(status), None) if status >= 400 => Some(format!("栏目页面打不开：{}", status_words(status))),
            _ => None,
        }
    }
}

/// An answer to one request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub text: String,
}

/// Fetches pages, once per site at a time.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    politeness: Politeness,
    /// Per site: when its last request ended (the next waits `interval`).
    turns: Arc<Mutex<HashMap<String, Turn>>>,
    /// Per site: its robots.txt (empty when it has none).
    robots: Arc<Mutex<HashMap<String, Arc<tokio::sync::OnceCell<Robots>>>>>,
}

/// A host's turn: when its last request ended, held while one is made.
type Turn = Arc<tokio::sync::Mutex<Option<Instant>>>;

#[derive(Debug, Clone)]
enum Robots {
    Rules(String),
    /// RFC 9309: a robots.txt that cannot be read (5xx, no answer) disallows all.
    Unreachable,
}

impl Fetcher {
    pub fn new(politeness: Politeness) -> crate::Result<Fetcher> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder();
        if !politeness.private_addresses {
            builder = builder.dns_resolver(PublicOnly);
        }
        let client = builder
            .user_agent(politeness.user_agent.clone())
            .timeout(politeness.timeout)
            .connect_timeout(politeness.timeout.min(Duration::from_secs(10)))
            // Redirects are followed by hand, within the site.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| crate::Error::internal(format!("HTTP client: {e}")))?;
        Ok(Fetcher { client, politeness, turns: Arc::default(), robots: Arc::default() })
    }

    pub fn politeness(&self) -> &Politeness {
        &self.politeness
    }

    /// Reads the column at `url`: its first page, then the pages it points
    /// to, until `max_pages`, a page with nothing listed, or a page whose
    /// items are all older than `since` (when given).
    pub async fn column(&self, url: &Url, since: Option<NaiveDate>, today: NaiveDate) -> ColumnRead {
        let mut read = ColumnRead { url: url.to_string(), pages: Vec::new(), items: Vec::new() };
        let mut queue = std::collections::VecDeque::from([url.clone()]);
        let mut seen = std::collections::HashSet::new();
        while let Some(page) = queue.pop_front() {
            if read.pages.len() >= self.politeness.max_pages || !seen.insert(page.to_string()) {
                continue;
            }
            let started = Instant::now();
            let answer = self.get(&page, url).await;
            let millis = started.elapsed().as_millis() as u64;
            let (status, text, error) = match answer {
                Ok(answer) => (Some(answer.status), answer.text, None),
                Err(error) => (None, String::new(), Some(error)),
            };
            let ok = status.is_some_and(|s| (200..300).contains(&s));
            let listed = if ok { read_column(&text, &page, today) } else { Default::default() };
            read.pages.push(PageFetch { url: page.to_string(), status, millis, items: listed.items.len(), error });
            let done =
                listed.items.is_empty() || since.is_some_and(|since| listed.items.iter().all(|i| i.date < since));
            read.items.extend(listed.items);
            if done {
                break;
            }
            for next in listed.pages.iter().filter_map(|p| Url::parse(p).ok()) {
                if same_site(&next, url) && !seen.contains(next.as_str()) && !queue.contains(&next) {
                    queue.push_back(next);
                }
            }
        }
        read
    }

    /// One page of the site of `column`: robots.txt asked first, redirects
    /// followed only within the site, retries on no answer or 5xx.
    pub async fn get(&self, url: &Url, column: &Url) -> Result<Answer, String> {
        if !same_site(url, column) {
            return Err("地址不在栏目所在网站内，未访问".into());
        }
        if !self.politeness.private_addresses && !reaches_public(url).await {
            return Err(INTERNAL.into());
        }
        if !self.allowed(url).await {
            return Err("网站声明不允许自动巡查该地址，未访问".into());
        }
        let mut url = url.clone();
        for _ in 0..5 {
            let answer = self.request(&url).await?;
            match answer {
                Fetched::Page(answer) => return Ok(answer),
                Fetched::Redirect(to) => {
                    let Some(to) = url.join(&to).ok() else { return Err("网站跳转到无效地址".into()) };
                    if !same_site(&to, column) {
                        return Err(format!("栏目地址跳转到站外（{to}），未跟随"));
                    }
                    if !self.allowed(&to).await {
                        return Err("网站声明不允许自动巡查跳转后的地址，未访问".into());
                    }
                    url = to;
                }
            }
        }
        Err("网站跳转次数过多".into())
    }

    /// A request at the site's turn, with retries.
    async fn request(&self, url: &Url) -> Result<Fetched, String> {
        let mut wait = Duration::from_secs(1);
        let mut last = String::new();
        for attempt in 0..=self.politeness.retries {
            if attempt > 0 {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            match self.once(url).await {
                Ok(Fetched::Page(answer)) if answer.status >= 500 => last = status_words(answer.status),
                Ok(fetched) => return Ok(fetched),
                Err(error) => last = error,
            }
        }
        Err(last)
    }

    async fn once(&self, url: &Url) -> Result<Fetched, String> {
        let turn = self.turn(url);
        let mut last = turn.lock().await;
        if let Some(at) = *last {
            let since = at.elapsed();
            if since < self.politeness.interval {
                tokio::time::sleep(self.politeness.interval - since).await;
            }
        }
        let outcome = self.send(url).await;
        *last = Some(Instant::now());
        outcome
    }

    async fn send(&self, url: &Url) -> Result<Fetched, String> {
        let mut response = self.client.get(url.as_str()).send().await.map_err(|e| {
            if e.is_timeout() {
                format!("网站在 {} 秒内没有响应", self.politeness.timeout.as_secs())
            } else {
                "无法连接网站".to_string()
            }
        })?;
        let status = response.status();
        if status.is_redirection() {
            let to = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok());
            return match to {
                Some(to) => Ok(Fetched::Redirect(to.to_string())),
                None => Err(format!("网站跳转但未给出地址（状态码 {}）", status.as_u16())),
            };
        }
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| "读取网页时连接中断".to_string())? {
            let room = MAX_PAGE_BYTES - bytes.len();
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if bytes.len() == MAX_PAGE_BYTES {
                break;
            }
        }
        Ok(Fetched::Page(Answer { status: status.as_u16(), text: decode(&bytes, content_type.as_deref()) }))
    }

    /// The site's turn: one request at a time, `interval` apart.
    fn turn(&self, url: &Url) -> Turn {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        let site = format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0));
        turns.entry(site).or_default().clone()
    }

    /// Whether the site's robots.txt lets the inspector read `url`.
    async fn allowed(&self, url: &Url) -> bool {
        let cell = {
            let mut robots = self.robots.lock().unwrap_or_else(|e| e.into_inner());
            robots.entry(site_of(url)).or_default().clone()
        };
        let robots = cell
            .get_or_init(|| async {
                let Ok(robots_url) = url.join("/robots.txt") else { return Robots::Rules(String::new()) };
                match self.request(&robots_url).await {
                    Ok(Fetched::Page(answer)) if (200..300).contains(&answer.status) => Robots::Rules(answer.text),
                    // 4xx (none there) allows all; a redirect is not followed for it here.
                    Ok(Fetched::Page(answer)) if (400..500).contains(&answer.status) => Robots::Rules(String::new()),
                    Ok(Fetched::Redirect(_)) => Robots::Rules(String::new()),
                    _ => Robots::Unreachable,
                }
            })
            .await;
        match robots {
            Robots::Rules(rules) => robotstxt::DefaultMatcher::default().one_agent_allowed_by_robots(
                rules,
                robot_name(&self.politeness.user_agent),
                url.as_str(),
            ),
            Robots::Unreachable => false,
        }
    }
}

enum Fetched {
    Page(Answer),
    Redirect(String),
}

/// Why an address inside the machine or a private network is not read.
const INTERNAL: &str = "栏目地址指向本机或内部网络，出于安全未访问";

/// Names resolved to public addresses only: a column address cannot lead
/// the server into its intranet, even by a name that changes what it
/// points to between the check and the request.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| is_public(a.ip())).collect();
            if found.is_empty() {
                return Err(Box::new(std::io::Error::other(INTERNAL)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The address, and every address its name resolves to, is public (an
/// unresolvable name passes here and fails at the request).
async fn reaches_public(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_public(ip.into()),
        Some(url::Host::Ipv6(ip)) => is_public(ip.into()),
        Some(url::Host::Domain(name)) => match tokio::net::lookup_host((name, 0)).await {
            Ok(found) => found.into_iter().all(|a| is_public(a.ip())),
            Err(_) => true,
        },
        None => false,
    }
}

/// Not this machine, a private or shared network, link-local, multicast,
/// documentation or reserved space.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(v4.into());
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8))
        }
    }
}

/// A website's answer in words a clerk reads ("页面不存在（404）").
pub fn status_words(status: u16) -> String {
    let words = match status {
        404 => "页面不存在",
        410 => "页面已删除",
        401 | 403 => "网站拒绝访问",
        400..=499 => "网站拒绝了请求",
        500..=599 => "网站出错",
        _ => "网站返回异常",
    };
    format!("{words}（状态码 {status}）")
}

/// The product token of a User-Agent ("gongkai-inspector"), which robots.txt groups name.
fn robot_name(user_agent: &str) -> &str {
    user_agent.split('/').next().unwrap_or(user_agent).trim()
}

/// Scheme, host and port: what one site is.
pub fn site_of(url: &Url) -> String {
    format!("{}://{}:{}", url.scheme(), url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0))
}

/// The same site: same host and port (http and https of one host count as one).
pub fn same_site(url: &Url, column: &Url) -> bool {
    url.host_str() == column.host_str()
        && (url.port_or_known_default() == column.port_or_known_default()
            || url.port().is_none() && column.port().is_none())
}
