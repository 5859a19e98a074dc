//! A government website's column page (栏目列表页) read as a person reads
//! it: the list of published items — each a title, a date and an address —
//! and where the next pages are. Sites differ in builder and markup (`<ul>`
//! with a date span, tables, dates before or after the title, a date inside
//! the link), so the list is found by shape, not by class names: every link
//! with a date beside it is a candidate record, and the records that share
//! the same place in the page (the same chain of tags and classes) and are
//! the most numerous are the column's list. Navigation, side boxes and
//! footers hold fewer dated links, or none.
//!
//! Pagination comes as a 下一页 link, numbered page links, or a script that
//! writes the pager (`createPageHTML(N, 0, "index", "html")`, `countPage`,
//! `totalPage`): all are turned into addresses on the page's own site.
//!
//! Decoding (`decode`) takes the charset from the HTTP header, then the
//! page's `<meta>`, then tries UTF-8 and falls back to GB18030, which reads
//! GBK and GB2312 pages.

use chrono::{Datelike, NaiveDate};
use scraper::{ElementRef, Html, Node, Selector};
use serde::Serialize;
use url::Url;

/// The most bytes of a column page that are read; a page past it is cut.
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// The most items one page gives.
const MAX_ITEMS: usize = 2_000;
/// The most further pages one page announces.
const MAX_PAGES: usize = 500;
/// Shortest title of a listed item, in characters ("首页", "更多" are links, not items).
const MIN_TITLE_CHARS: usize = 4;

/// One item listed on a column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnItem {
    pub title: String,
    /// As listed; an item without a date beside it is not read as a record.
    pub date: NaiveDate,
    /// Absolute, resolved against the page (or its `<base href>`).
    pub url: String,
}

/// What one column page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ColumnPage {
    pub items: Vec<ColumnItem>,
    /// Further pages of the same column this page points to, in order, all
    /// on the page's own site.
    pub pages: Vec<String>,
}

/// The page's text: the charset the server named, else the one the page
/// names, else UTF-8 when the bytes are UTF-8, else GB18030 (a superset of
/// GBK and GB2312, which government sites still serve).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_PAGE_BYTES)];
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    let named = content_type.and_then(charset_in).or_else(|| meta_charset(bytes));
    if let Some(encoding) = named.and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes())) {
        // A page that names GB2312 may hold characters only GB18030 has.
        let encoding = if encoding == encoding_rs::GBK { encoding_rs::GB18030 } else { encoding };
        return encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        // A page cut at the limit may end inside a character.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(bytes).into_owned(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// `charset=…` in a Content-Type value.
fn charset_in(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The charset a page names in its first kilobytes: `<meta charset="gbk">`
/// or `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\'', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// The items and further pages of the column page `html` fetched from
/// `page`. `today` settles the year of dates written without one (11-08)
/// when nothing on the page tells it.
pub fn read_column(html: &str, page: &Url, today: NaiveDate) -> ColumnPage {
    let stored = datastore_records(html);
    let html = if stored.is_empty() { html.to_string() } else { format!("{html}<div>{stored}</div>") };
    let document = Html::parse_document(&html);
    let base = base_of(&document, page);
    let year = page_year(&document, today);
    let records = records(&document, &base, year, today);
    let items = main_list(records);
    let pages = further_pages(&document, &base, page);
    ColumnPage { items, pages }
}

/// Hanweb (大汉) pages keep their list in a `<datastore>`: each item's
/// markup is a `<record><![CDATA[<li>…</li>]]></record>` inside a script,
/// which an HTML parser reads as text. The records' markup, joined.
fn datastore_records(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<record") {
        rest = &rest[at..];
        let Some(open) = rest.find("<![CDATA[") else { break };
        let Some(close) = rest[open..].find("]]>") else { break };
        let end = rest.find("</record>").unwrap_or(rest.len());
        if open < end {
            out.push_str(&rest[open + "<![CDATA[".len()..open + close]);
        }
        rest = &rest[(open + close).min(rest.len())..];
        if out.len() > MAX_PAGE_BYTES {
            break;
        }
    }
    out
}

/// The page's `<base href>`, else the page's own address.
fn base_of(document: &Html, page: &Url) -> Url {
    let selector = Selector::parse("base[href]").expect("static selector");
    document
        .select(&selector)
        .next()
        .and_then(|base| base.attr("href"))
        .and_then(|href| page.join(href.trim()).ok())
        .unwrap_or_else(|| page.clone())
}

/// A dated link and where it sits.
struct Record {
    item: ColumnItem,
    /// Tags and classes from the record's element up to the root: records
    /// of one list share it.
    place: String,
}

fn records(document: &Html, base: &Url, year: i32, today: NaiveDate) -> Vec<Record> {
    let links = Selector::parse("a[href]").expect("static selector");
    let mut records = Vec::new();
    for link in document.select(&links) {
        if records.len() >= MAX_ITEMS * 4 {
            break;
        }
        let Some(url) = link.attr("href").and_then(|href| item_address(base, href)) else { continue };
        let shown = squeeze(&link.text().collect::<String>());
        let (shown, date_inside) = strip_date(&shown, year, today);
        let title = title_of(&shown, link.attr("title"));
        if title.chars().count() < MIN_TITLE_CHARS || is_pager_word(&title) {
            continue;
        }
        let Some((container, date)) = record_of(link, &title, year, today).or_else(|| {
            // A date written inside the link ("标题 2023-11-08") when none is beside it.
            date_inside.map(|date| (link, date))
        }) else {
            continue;
        };
        records.push(Record { item: ColumnItem { title, date, url: url.to_string() }, place: place_of(container) });
    }
    records
}

/// The address an item's link leads to; none for script links and anchors
/// within the page.
fn item_address(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty() || href.starts_with('#') || lower.starts_with("javascript:") || lower.starts_with("mailto:") {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The link's visible text, or its `title` attribute where the text is cut
/// short ("关于印发…的通知..." beside the whole title) or empty.
fn title_of(shown: &str, attribute: Option<&str>) -> String {
    let attribute = attribute.map(squeeze).unwrap_or_default();
    if attribute.is_empty() {
        return shown.to_string();
    }
    let cut = shown.trim_end_matches(['.', '…', '。', ' ']);
    if shown.is_empty()
        || (cut.len() < shown.len() && attribute.starts_with(cut))
        || shown == cut && attribute.starts_with(shown) && attribute.len() > shown.len()
    {
        attribute
    } else {
        shown.to_string()
    }
}

/// The smallest element around `link` that holds a date outside the link
/// and no longer link: the record (`<li>`, `<tr>`, `<dd>`, a `<div>`).
fn record_of<'a>(
    link: ElementRef<'a>,
    title: &str,
    year: i32,
    today: NaiveDate,
) -> Option<(ElementRef<'a>, NaiveDate)> {
    let own = title.chars().count();
    for (depth, ancestor) in link.ancestors().filter_map(ElementRef::wrap).enumerate() {
        if depth > 5 || matches!(ancestor.value().name(), "body" | "html" | "ul" | "ol" | "table" | "tbody") {
            return None;
        }
        let others: Vec<ElementRef> = ancestor
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "a" && e.id() != link.id() && !link.ancestors().any(|a| a.id() == e.id()))
            .collect();
        let longer = others.iter().any(|other| {
            let text = squeeze(&other.text().collect::<String>());
            text.chars().count() >= own.max(MIN_TITLE_CHARS) && !is_pager_word(&text)
        });
        if others.len() > 3 || longer {
            return None;
        }
        if let Some(date) = date_beside(ancestor, link, year, today) {
            return Some((ancestor, date));
        }
    }
    None
}

/// The first date in `container`'s text outside `link` (a title may itself
/// name a day: "上海2022年4月25日，新增…").
fn date_beside(container: ElementRef, link: ElementRef, year: i32, today: NaiveDate) -> Option<NaiveDate> {
    let mut text = String::new();
    for node in container.descendants() {
        let Node::Text(t) = node.value() else { continue };
        let hidden = node.ancestors().any(|a| {
            a.id() == link.id()
                || ElementRef::wrap(a).is_some_and(|e| matches!(e.value().name(), "script" | "style" | "noscript"))
        });
        if !hidden {
            text.push_str(t);
            text.push(' ');
        }
    }
    find_date(&text, year, today).map(|(date, _)| date)
}

/// A date at the start or end of a link's text, taken off the title (a day
/// inside the title is part of it).
fn strip_date(shown: &str, year: i32, today: NaiveDate) -> (String, Option<NaiveDate>) {
    let mut dates = Vec::new();
    let mut offset = 0;
    while let Some((date, range)) = find_date(&shown[offset..], year, today) {
        dates.push((date, offset + range.start..offset + range.end));
        offset += range.end;
    }
    let brackets = ['[', '(', '（', '【', ']', ')', '）', '】', ' '];
    let end = shown.trim_end_matches(brackets).len();
    let start = shown.len() - shown.trim_start_matches(brackets).len();
    if let Some((date, range)) = dates.last().filter(|(_, r)| r.end == end && r.start > start) {
        return (squeeze(shown[..range.start].trim_end_matches(brackets)), Some(*date));
    }
    // At the start only a date with its year: "4月26日（0-24时）…" is a title.
    let with_year = |r: &std::ops::Range<usize>| find_full_date(&shown[r.clone()]).is_some();
    if let Some((date, range)) = dates.first().filter(|(_, r)| r.start == start && r.end < end && with_year(r)) {
        return (squeeze(shown[range.end..].trim_start_matches(brackets)), Some(*date));
    }
    (shown.to_string(), None)
}

/// Tags and classes of `element` and its ancestors.
fn place_of(element: ElementRef) -> String {
    let mut place = String::new();
    for node in std::iter::once(*element).chain(element.ancestors()) {
        let Some(e) = ElementRef::wrap(node) else { continue };
        place.push_str(e.value().name());
        for class in e.value().classes() {
            place.push('.');
            place.push_str(class);
        }
        place.push('<');
    }
    place
}

/// The column's list: the records of the most common place, in page order
/// (equal counts: the longer titles, which side boxes rarely have).
fn main_list(records: Vec<Record>) -> Vec<ColumnItem> {
    let mut places: Vec<(&str, usize, usize)> = Vec::new();
    for record in &records {
        let chars = record.item.title.chars().count();
        match places.iter_mut().find(|(place, ..)| *place == record.place) {
            Some((_, count, length)) => {
                *count += 1;
                *length += chars;
            }
            None => places.push((&record.place, 1, chars)),
        }
    }
    let Some(best) = places.iter().max_by_key(|(_, count, length)| (*count, *length)).map(|(p, ..)| p.to_string())
    else {
        return Vec::new();
    };
    let mut items: Vec<ColumnItem> = Vec::new();
    for record in records.into_iter().filter(|r| r.place == best) {
        // A record with two links to one item (a picture and a title) counts once.
        if items.last().is_some_and(|last| last.url == record.item.url) {
            continue;
        }
        items.push(record.item);
        if items.len() == MAX_ITEMS {
            break;
        }
    }
    items
}

/// The year most dates on the page are written in, for dates without one;
/// `today`'s when the page writes none.
fn page_year(document: &Html, today: NaiveDate) -> i32 {
    let text: String = document.root_element().text().collect();
    let mut years: Vec<(i32, usize)> = Vec::new();
    let mut rest = text.as_str();
    while let Some((date, range)) = find_full_date(rest) {
        match years.iter_mut().find(|(y, _)| *y == date.year()) {
            Some((_, n)) => *n += 1,
            None => years.push((date.year(), 1)),
        }
        rest = &rest[range.end..];
    }
    years.into_iter().max_by_key(|(year, n)| (*n, *year)).map(|(y, _)| y).unwrap_or(today.year())
}

/// The first date in `text` and where it is: a full date (2023-11-08,
/// 2023/11/08, 2023.11.08, 2023年11月8日, with a time after it or not),
/// else a month and day (11-08, 11月8日) in `year` — the year before when
/// that day is still to come.
pub fn find_date(text: &str, year: i32, today: NaiveDate) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    find_full_date(text).or_else(|| {
        let (month, day, range) = month_day(text)?;
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        let date = if date > today { NaiveDate::from_ymd_opt(year - 1, month, day).unwrap_or(date) } else { date };
        Some((date, range))
    })
}

fn find_full_date(text: &str) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at + 8 <= bytes.len() {
        if bytes[at].is_ascii_digit()
            && (at == 0 || !bytes[at - 1].is_ascii_digit())
            && let Some((date, end)) = full_date_at(text, at)
        {
            return Some((date, at..end));
        }
        at += 1;
    }
    None
}

/// `YYYY sep M sep D` starting at byte `at`; sep is -, /, . or 年/月(/日).
fn full_date_at(text: &str, at: usize) -> Option<(NaiveDate, usize)> {
    let (year, rest) = digits(&text[at..], 4, 4)?;
    let (sep, rest) = separator(rest)?;
    let (month, rest) = digits(rest, 1, 2)?;
    let (sep2, rest) = separator(rest)?;
    if (sep == "年") != (sep2 == "月") || (sep != "年" && sep != sep2) {
        return None;
    }
    let (day, rest) = digits(rest, 1, 2)?;
    let rest = if sep == "年" { rest.strip_prefix('日').unwrap_or(rest) } else { rest };
    if rest.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    (1990..=2100).contains(&date.year()).then_some((date, text.len() - rest.len()))
}

/// `MM-DD` or `M月D日` somewhere in `text` (two digits each for the dashed form).
fn month_day(text: &str) -> Option<(u32, u32, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    for at in 0..bytes.len() {
        if !bytes[at].is_ascii_digit() || (at > 0 && matches!(bytes[at - 1], b'0'..=b'9' | b'-' | b'/' | b'.')) {
            continue;
        }
        let Some((month, rest)) = digits(&text[at..], 1, 2) else { continue };
        let two_digit_month = text[at..].len() - rest.len() == 2;
        let parsed = if let Some(rest) = rest.strip_prefix('-') {
            digits(rest, 2, 2).filter(|_| two_digit_month)
        } else if let Some(rest) = rest.strip_prefix('月') {
            digits(rest, 1, 2).and_then(|(day, rest)| rest.strip_prefix('日').map(|rest| (day, rest)))
        } else {
            None
        };
        let Some((day, rest)) = parsed else { continue };
        if rest.as_bytes().first().is_some_and(|b| b.is_ascii_digit() || *b == b'-' || *b == b':') {
            continue;
        }
        if (1..=12).contains(&month) && (1..=31).contains(&day) {
            return Some((month, day, at..text.len() - rest.len()));
        }
    }
    None
}

/// Between `min` and `max` ASCII digits at the start of `text`.
fn digits(text: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let count = text.bytes().take_while(u8::is_ascii_digit).count();
    if count < min || count > max {
        return None;
    }
    Some((text[..count].parse().ok()?, &text[count..]))
}

fn separator(text: &str) -> Option<(&str, &str)> {
    ["-", "/", ".", "年", "月"].into_iter().find_map(|sep| text.strip_prefix(sep).map(|rest| (sep, rest)))
}

/// Words of a pager's links.
fn is_pager_word(text: &str) -> bool {
    matches!(
        text,
        "下一页"
            | "下页"
            | "后一页"
            | "上一页"
            | "上页"
            | "前一页"
            | "首页"
            | "尾页"
            | "末页"
            | "最后一页"
            | "更多"
            | "更多>>"
    )
}

/// The column's further pages: a 下一页 link, numbered page links, and the
/// pages a pager script writes, on the page's own site only.
fn further_pages(document: &Html, base: &Url, page: &Url) -> Vec<String> {
    let mut pages: Vec<String> = Vec::new();
    let mut add = |url: Url| {
        let url = url.to_string();
        if url != page.as_str() && pages.len() < MAX_PAGES && !pages.contains(&url) {
            pages.push(url);
        }
    };
    let links = Selector::parse("a[href]").expect("static selector");
    let same_site =
        |url: &Url| url.host_str() == page.host_str() && url.port_or_known_default() == page.port_or_known_default();
    let mut numbered = Vec::new();
    for link in document.select(&links) {
        let text = squeeze(&link.text().collect::<String>());
        let Some(url) = link.attr("href").and_then(|href| item_address(base, href)).filter(same_site) else {
            continue;
        };
        if matches!(text.as_str(), "下一页" | "下页" | "后一页" | ">" | "›" | "»" | ">>")
            || link.attr("title").is_some_and(|t| t.trim() == "下一页")
        {
            add(url);
        } else if !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()) {
            numbered.push(url);
        }
    }
    // Numbered links count as a pager when there are at least two.
    if numbered.len() >= 2 {
        numbered.into_iter().for_each(&mut add);
    }
    for url in scripted_pages(document, base) {
        if same_site(&url) {
            add(url);
        }
    }
    pages
}

/// Pages a pager script writes. TRS WCM: `createPageHTML(count, current,
/// "index", "html")` (literals, or names set by `var countPage = 5`) — page
/// 0 is index.html, page i is index_i.html. Other builders:
/// `totalPage: 54` with page 1 as index.html and page i as index_i.html.
fn scripted_pages(document: &Html, base: &Url) -> Vec<Url> {
    let scripts = Selector::parse("script").expect("static selector");
    let text: String = document.select(&scripts).flat_map(|s| s.text()).collect::<Vec<_>>().join("\n");
    // The largest number a script sets `name` to (`var countPage = 2`, `maxPageNum=199`).
    let number_of = |name: &str| -> Option<u32> {
        text.match_indices(name)
            .filter_map(|(at, _)| {
                let rest = text[at + name.len()..].trim_start().strip_prefix('=')?;
                digits(rest.trim_start(), 1, 5).map(|(n, _)| n)
            })
            .max()
    };
    let value = |arg: &str| -> Option<u32> {
        let arg = arg.trim();
        arg.parse().ok().or_else(|| number_of(arg))
    };
    let mut pages = Vec::new();
    for (at, _) in text.match_indices("createPageHTML(") {
        let args: Vec<&str> = text[at + "createPageHTML(".len()..].split(')').next().unwrap_or("").split(',').collect();
        let [count, current, name, ext] = args.as_slice() else { continue };
        let (Some(count), Some(current)) = (value(count), value(current)) else { continue };
        let name = name.trim().trim_matches(['"', '\'']);
        let ext = ext.trim().trim_matches(['"', '\'']);
        if name.is_empty()
            || ext.is_empty()
            || !name.chars().chain(ext.chars()).all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        pages.extend(
            (current + 1..count.min(MAX_PAGES as u32)).filter_map(|i| base.join(&format!("{name}_{i}.{ext}")).ok()),
        );
        return pages;
    }
    // A news system that numbers pages backwards: `purl="../../n3/n13/index_958"`,
    // `maxPageNum = 199` — the next page is index_958_198.html.
    if let (Some(at), Some(count)) = (text.find("purl"), number_of("maxPageNum")) {
        let literal = text[at + 4..].trim_start().strip_prefix('=').map(str::trim_start);
        let quoted = literal.and_then(|l| {
            let quote = l.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            l[1..].split(quote).next()
        });
        if let Some(stem) = quoted.filter(|s| !s.is_empty() && !s.contains(['<', '>', ' '])) {
            pages.extend(
                (1..count.min(MAX_PAGES as u32)).rev().filter_map(|i| base.join(&format!("{stem}_{i}.html")).ok()),
            );
            return pages;
        }
    }
    for key in ["totalPage:", "totalPage :", "totalPage=", "totalPage ="] {
        let Some(at) = text.find(key) else { continue };
        let Some((count, _)) = digits(text[at + key.len()..].trim_start(), 1, 5) else { continue };
        let file = base.path_segments().and_then(|mut s| s.next_back()).unwrap_or("");
        let (name, ext) = match file.rsplit_once('.') {
            Some((name, ext)) if !name.contains('_') => (name.to_string(), ext.to_string()),
            None if file.is_empty() => ("index".to_string(), "html".to_string()),
            _ => continue,
        };
        pages.extend((2..=count.min(MAX_PAGES as u32)).filter_map(|i| base.join(&format!("{name}_{i}.{ext}")).ok()));
        break;
    }
    pages
}

/// Whitespace (any, full-width too) collapsed to single spaces, trimmed.
fn squeeze(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn read(html: &str) -> ColumnPage {
        read_column(html, &Url::parse("http://www.example.gov.cn/zwgk/tzgg/index.html").unwrap(), day("2024-03-01"))
    }

    #[test]
    fn dates_as_sites_write_them() {
        let today = day("2024-03-01");
        for (text, date) in [
            ("2023-11-08", "2023-11-08"),
            ("[2023-11-08]", "2023-11-08"),
            ("（2023/1/8）", "2023-01-08"),
            ("2023.11.08 10:20:33", "2023-11-08"),
            ("发布日期：2023年11月8日", "2023-11-08"),
            ("11-08", "2023-11-08"),
            ("02-28", "2024-02-28"),
            ("2月3日", "2024-02-03"),
        ] {
            assert_eq!(find_date(text, 2024, today).map(|(d, _)| d), Some(day(date)), "{text}");
        }
        for text in ["0-24时", "12345-11-08", "2023-13-01", "第2023号", "10:20"] {
            assert_eq!(find_date(text, 2024, today).map(|(d, _)| d), None, "{text}");
        }
    }

    #[test]
    fn a_list_with_dates_after_or_before_the_title_and_side_boxes_left_out() {
        let page = read(
            r#"<html><head><title>通知公告</title></head><body>
            <ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul>
            <div class="hot"><h3>热点</h3><ul><li><a href="/a/1.html">一条热点新闻的标题</a><span>2024-01-02</span></li></ul></div>
            <ul class="list">
              <li><span class="date">[2024-02-20]</span><a href="./202402/t20240220_1.html" title="关于做好2024年政务公开工作的通知全文">关于做好2024年政务公开工作的...</a></li>
              <li><span class="date">[2024-02-01]</span><a href="./202402/t20240201_2.html">区政府办公室关于春节假期安排的通知</a></li>
              <li><a href="http://other.example.com/x.html">转载：外站的一篇文章标题</a><em>01-15</em></li>
            </ul>
            <div class="page"><a href="index_1.html">下一页</a> <a href="http://evil.example.com/index_2.html">2</a></div>
            </body></html>"#,
        );
        let titles: Vec<&str> = page.items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            ["关于做好2024年政务公开工作的通知全文", "区政府办公室关于春节假期安排的通知", "转载：外站的一篇文章标题"]
        );
        assert_eq!(page.items[0].url, "http://www.example.gov.cn/zwgk/tzgg/202402/t20240220_1.html");
        assert_eq!(page.items[2].date, day("2024-01-15"));
        assert_eq!(page.pages, ["http://www.example.gov.cn/zwgk/tzgg/index_1.html"], "no page off the site");
    }

    #[test]
    fn a_table_list_and_a_scripted_pager() {
        let page = read(
            r#"<table class="gl_list"><tr><td><a href="./202009/t20200903_1.html">2019年政府信息公开工作年度报告</a></td><td> 2020-09-03 </td></tr>
               <tr><td><a href="./202001/t20200110_2.html">2018年政府信息公开工作年度报告</a></td><td>2020-01-10</td></tr></table>
               <script>var currentPage = 0;var countPage = 3
               createPageHTML(countPage, currentPage, "index", "html");</script>"#,
        );
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1].date, day("2020-01-10"));
        assert_eq!(
            page.pages,
            ["http://www.example.gov.cn/zwgk/tzgg/index_1.html", "http://www.example.gov.cn/zwgk/tzgg/index_2.html"]
        );
    }

    #[test]
    fn numbered_page_links_on_the_site_are_the_pager() {
        let page = read(
            r#"<ul><li><a href="a.html">区政府常务会议研究部署防汛工作</a><span>2024-02-20</span></li>
               <li><a href="b.html">区政府召开安全生产工作会议</a><span>2024-02-19</span></li></ul>
               <div class="pages"><span>1</span> <a href="list_2.html">2</a> <a href="list_3.html">3</a> <a href="/">首页</a></div>"#,
        );
        assert_eq!(
            page.pages,
            ["http://www.example.gov.cn/zwgk/tzgg/list_2.html", "http://www.example.gov.cn/zwgk/tzgg/list_3.html"]
        );
    }

    #[test]
    fn a_date_inside_the_link_and_a_title_that_names_a_day() {
        let page = read(
            r#"<div class="list"><p><a href="1.html">上海2022年4月25日新增病例情况 2022-04-26</a></p>
               <p><a href="2.html">关于2022年4月24日的情况通报 2022-04-25</a></p></div>"#,
        );
        assert_eq!(page.items[0].title, "上海2022年4月25日新增病例情况");
        assert_eq!(page.items[0].date, day("2022-04-26"));
        assert_eq!(page.items[1].date, day("2022-04-25"));
    }

    #[test]
    fn gbk_pages_are_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("<meta charset=\"gb2312\"><a>政务公开</a>");
        assert!(decode(&bytes, None).contains("政务公开"));
        assert!(decode(&bytes, Some("text/html; charset=GBK")).contains("政务公开"));
        let (bare, _, _) = encoding_rs::GBK.encode("<a>没有声明编码的页面</a>");
        assert!(decode(&bare, Some("text/html")).contains("没有声明编码的页面"));
        assert!(decode("<a>政务公开</a>".as_bytes(), None).contains("政务公开"));
    }
}
