//! The 工作台's bar charts, drawn on the server as SVG so that they need no
//! script; every text in them is escaped.

use gongkai_app::dashboard::Share;

/// A horizontal bar per share: the done part green, the rest grey, the
/// figures at the end; each bar links to its list. Drawn on the server so
/// that it needs no script.
pub fn bar_chart(title: &str, shares: &[Share]) -> String {
    const ROW: usize = 24;
    const BAR: usize = 360;
    // The label column fits the longest label (13 px a character), so none clips.
    let longest = shares.iter().map(|s| s.label.chars().count()).max().unwrap_or(0);
    let label_width = (longest * 13 + 16).max(60);
    let height = ROW * shares.len() + 8;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">"#,
        minijinja::HtmlEscape(title),
        label_width + BAR + 130
    );
    for (i, share) in shares.iter().enumerate() {
        let y = i * ROW + 4;
        let done_width = (BAR * share.done).checked_div(share.total).unwrap_or(0);
        let percent = (100 * share.done).checked_div(share.total).unwrap_or(0);
        let label = minijinja::HtmlEscape(&share.label);
        svg.push_str(&format!(
            r##"<a href="{link}"><title>{label}：完成 {done}/{total}（{percent}%）</title><text x="{lx}" y="{ty}" text-anchor="end" font-size="13">{label}</text><rect x="{label_width}" y="{y}" width="{BAR}" height="16" fill="#e3e5e8"/><rect x="{label_width}" y="{y}" width="{done_width}" height="16" fill="#2e7d32"/><text x="{fx}" y="{ty}" font-size="13">{done}/{total}　{percent}%</text></a>"##,
            link = minijinja::HtmlEscape(&share.link),
            done = share.done,
            total = share.total,
            lx = label_width - 8,
            ty = y + 13,
            fx = label_width + BAR + 8,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_text_is_escaped_and_bars_are_proportional() {
        let shares = vec![Share { label: "<b>镇</b>".into(), done: 1, total: 4, link: "/my?unit=x".into() }];
        let svg = bar_chart("完成情况", &shares);
        assert!(svg.contains("&lt;b&gt;镇&lt;"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains(r#"width="90""#), "a quarter of 360: {svg}");
        assert!(svg.contains("1/4　25%"));
    }

    #[test]
    fn the_label_column_fits_the_longest_label() {
        let share = |label: &str| Share { label: label.into(), done: 0, total: 1, link: String::new() };
        let svg = bar_chart("完成情况", &[share("温泉镇"), share("广州市从化区政务服务数据管理局")]);
        // 15 characters at 13 px, and a margin: the bars start after them.
        assert!(svg.contains(r#"<rect x="211""#), "{svg}");
        assert!(svg.contains(r#"text x="203""#), "{svg}");
    }
}
