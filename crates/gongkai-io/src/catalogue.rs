//! 标准目录 files as counties publish them: a Word or Excel table with one or
//! two header rows (公开对象 over 全社会 / 特定群体 …), 事项 cells merged down
//! over their rows, tick columns (√) or ■/□ marks inside one channel cell,
//! and `同上` for "as the row above". Each row becomes an `ItemDraft`.

use crate::grid::{Grid, GridCell, squeeze};
use crate::{Format, ImportError, docx, limits, xlsx};
use gongkai_domain::catalogue::ItemDraft;

/// What a catalogue file holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CatalogueSource {
    pub title: Option<String>,
    pub items: Vec<ItemDraft>,
    /// Each column's header and what it was read as, for the preview.
    pub columns: Vec<(String, String)>,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Seq,
    Category,
    Matter(u8),
    /// `公开事项(一级/二级)`: both in one cell, split at `/`.
    Matters,
    Content,
    Basis,
    Timelimit,
    Subject,
    Channels,
    /// One tick column under 公开渠道和载体, named by its sub-header.
    ChannelTick(String),
    Url,
    Audience,
    AudienceTick(String),
    Mode,
    ModeTick(String),
    Level,
    LevelTick(String),
    Ignore,
}

impl Column {
    fn label(&self) -> String {
        match self {
            Column::Seq => "序号".into(),
            Column::Category => "类别".into(),
            Column::Matter(n) => format!("{}级事项", ["一", "二", "三"][usize::from(*n - 1).min(2)]),
            Column::Matters => "一级/二级事项".into(),
            Column::Content => "公开内容".into(),
            Column::Basis => "公开依据".into(),
            Column::Timelimit => "公开时限".into(),
            Column::Subject => "公开主体".into(),
            Column::Channels => "公开渠道和载体".into(),
            Column::ChannelTick(name) => format!("公开渠道：{name}（勾选）"),
            Column::Url => "栏目地址".into(),
            Column::Audience => "公开对象".into(),
            Column::AudienceTick(name) => format!("公开对象：{name}（勾选）"),
            Column::Mode => "公开方式".into(),
            Column::ModeTick(name) => format!("公开方式：{name}（勾选）"),
            Column::Level => "公开层级".into(),
            Column::LevelTick(name) => format!("公开层级：{name}（勾选）"),
            Column::Ignore => "不读取".into(),
        }
    }
}

fn audience(label: &str) -> String {
    if label.contains("全社会") || label.contains("社会公众") {
        "全社会".into()
    } else if label.contains("特定") {
        "特定群体".into()
    } else {
        label.into()
    }
}

fn mode(label: &str) -> String {
    if label.contains("主动") {
        "主动".into()
    } else if label.contains("依申请") {
        "依申请".into()
    } else {
        label.into()
    }
}

/// A column's role from its header (`top`) and sub-header (`sub`, empty
/// in a one-row header).
fn column_of(top: &str, sub: &str) -> Column {
    let has = |w: &str| top.contains(w);
    if has("序号") || top == "编号" {
        Column::Seq
    } else if top == "类别" || top == "分类" || top == "领域" {
        Column::Category
    } else if sub.contains("一级") || (sub.is_empty() && has("一级事项")) {
        Column::Matter(1)
    } else if sub.contains("二级") || (sub.is_empty() && has("二级事项")) {
        Column::Matter(2)
    } else if sub.contains("三级") || (sub.is_empty() && has("三级事项")) {
        Column::Matter(3)
    } else if has("事项") && (has("/") || has("一级")) {
        Column::Matters
    } else if has("公开内容") || has("内容标准") || has("要素") {
        Column::Content
    } else if has("依据") {
        Column::Basis
    } else if has("时限") {
        Column::Timelimit
    } else if has("主体") {
        Column::Subject
    } else if has("渠道") || has("载体") {
        if sub.is_empty() { Column::Channels } else { Column::ChannelTick(sub.to_string()) }
    } else if has("链接") || has("网址") || has("地址") {
        Column::Url
    } else if has("对象") {
        if sub.is_empty() { Column::Audience } else { Column::AudienceTick(audience(sub)) }
    } else if has("方式") || has("属性") {
        if sub.is_empty() { Column::Mode } else { Column::ModeTick(mode(sub)) }
    } else if has("层级") {
        if sub.is_empty() { Column::Level } else { Column::LevelTick(sub.to_string()) }
    } else if has("事项") {
        Column::Matter(1)
    } else {
        Column::Ignore
    }
}

const HEADER_WORDS: [&str; 8] = ["事项", "公开内容", "依据", "时限", "主体", "渠道", "对象", "层级"];
const SUB_WORDS: [&str; 13] =
    ["一级", "二级", "三级", "全社会", "特定", "主动", "依申请", "县级", "乡级", "镇级", "村级", "区级", "市级"];

fn is_header(cells: &[GridCell]) -> bool {
    let texts: Vec<String> = cells.iter().map(|c| squeeze(&c.text)).collect();
    let named = HEADER_WORDS.iter().filter(|w| texts.iter().any(|t| t.contains(*w) && t.chars().count() <= 30)).count();
    named >= 3 && texts.iter().any(|t| t.contains("时限"))
}

fn is_sub_header(cells: &[GridCell]) -> bool {
    let texts: Vec<String> = cells.iter().map(|c| squeeze(&c.text)).collect();
    let short = texts.iter().all(|t| t.chars().count() <= 12);
    let seq_like = texts.first().is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()));
    short && !seq_like && texts.iter().any(|t| SUB_WORDS.iter().any(|w| t.contains(w)))
}

/// Columns from the header row and, when there is one, the row below it.
fn columns(header: &[GridCell], sub: Option<&[GridCell]>) -> Vec<Column> {
    let width = header.len().max(sub.map_or(0, <[GridCell]>::len));
    let mut top_so_far = String::new();
    (0..width)
        .map(|i| {
            let top = header.get(i).map(|c| squeeze(&c.text)).unwrap_or_default();
            let below = sub.and_then(|s| s.get(i)).map(|c| squeeze(&c.text)).unwrap_or_default();
            // An empty header cell over a sub-header belongs to the group on its left.
            let top = if top.is_empty() && !below.is_empty() { top_so_far.clone() } else { top };
            top_so_far = top.clone();
            column_of(&top, &below)
        })
        .collect()
}

fn is_same_as_above(text: &str) -> bool {
    let bare: String = text.chars().filter(|c| !c.is_whitespace() && !"。.，,：:;；".contains(*c)).collect();
    matches!(bare.as_str(), "同上" | "同上栏" | "同上条" | "同上项" | "同上一栏")
}

fn ticked(text: &str) -> bool {
    let text = squeeze(text);
    !text.is_empty() && !matches!(text.as_str(), "×" | "✗" | "否" | "无" | "□" | "☐" | "-" | "—" | "/" | "0" | "○")
}

/// Channels named in one cell: with ■/☑/√ marks only the marked ones (□ are
/// the ones not chosen), unless every mark is □; without marks, each listed.
fn channels_in(text: &str) -> Vec<String> {
    const ON: [char; 5] = ['■', '☑', '√', '✓', '●'];
    const OFF: [char; 3] = ['□', '☐', '○'];
    let is_mark = |c: char| ON.contains(&c) || OFF.contains(&c);
    // A note after the list (注：有关信息可推送…) is not a channel.
    let name = |s: &str| {
        let s = squeeze(s);
        let s = s.split("注:").next().unwrap_or("").split("注：").next().unwrap_or("");
        s.trim_matches(|c: char| ",，、;；。".contains(c)).to_string()
    };
    let text = &box_marks(text);
    if text.chars().any(is_mark) {
        let any_on = text.chars().any(|c| ON.contains(&c));
        let mut out = Vec::new();
        let mut mark = None;
        let mut current = String::new();
        for c in text.chars().chain(std::iter::once('□')) {
            if is_mark(c) {
                let n = name(&current);
                if let Some(m) = mark
                    && !n.is_empty()
                    && (!any_on || ON.contains(&m))
                {
                    out.push(n);
                }
                mark = Some(c);
                current.clear();
            } else {
                current.push(c);
            }
        }
        return out;
    }
    text.split([',', '，', '、', ';', '；', '\n']).map(name).filter(|n| !n.is_empty()).collect()
}

/// Some catalogues type the empty box as the character 口 (口政府公报): read
/// it as □ where a channel's name follows it.
fn box_marks(text: &str) -> String {
    const NAMES: [&str; 24] = [
        "政府", "两微", "一微", "发布", "广播", "纸质", "公开", "政务", "便民", "入户", "社区", "精准", "其他", "征地",
        "微信", "微博", "村务", "公示", "新闻", "电视", "报刊", "手机", "信用", "门户",
    ];
    if !text.contains('口') || !text.chars().any(|c| c == '■' || c == '☑' || c == '√') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .map(|i| {
            let next: String = chars[i + 1..].iter().take(2).collect();
            if chars[i] == '口' && NAMES.contains(&next.as_str()) { '□' } else { chars[i] }
        })
        .collect()
}

fn url_in(text: &str) -> Option<String> {
    let at = text.find("http://").or_else(|| text.find("https://"))?;
    let url: String =
        text[at..].chars().take_while(|c| c.is_ascii_graphic() && !"）)，,；;\"'<>".contains(*c)).collect();
    (url.len() > 10).then_some(url)
}

/// Reads a catalogue from a .docx or .xlsx file's bytes.
pub fn read_catalogue(name: &str, bytes: &[u8]) -> Result<CatalogueSource, ImportError> {
    if bytes.len() > limits::MAX_LIST_BYTES {
        return Err(limits::list_too_large());
    }
    let (grids, title) = match Format::detect(name, bytes)? {
        Format::Docx => {
            let read = docx::read(bytes)?;
            (read.grids, read.title)
        }
        Format::Xlsx => xlsx::read(bytes)?,
        Format::Text => {
            return Err(ImportError::UnknownFormat("txt（标准目录请上传 .docx 或 .xlsx 表格）".into()));
        }
    };
    items_from_grids(&grids, title)
}

/// Reads every table with a catalogue header; rows up to the next header.
pub fn items_from_grids(grids: &[Grid], title: Option<String>) -> Result<CatalogueSource, ImportError> {
    let mut items = Vec::new();
    let mut described: Vec<(String, String)> = Vec::new();
    let mut found = false;
    for grid in grids {
        let mut at = 0;
        let mut columns_now: Option<Vec<Column>> = None;
        let mut header_text: Vec<String> = Vec::new();
        let mut above = ItemDraft::default();
        let mut above_cells: Vec<String> = Vec::new();
        while at < grid.rows.len() {
            let (row_at, cells) = &grid.rows[at];
            at += 1;
            if is_header(cells) {
                let sub = grid.rows.get(at).map(|(_, c)| c.as_slice()).filter(|c| is_sub_header(c));
                let cols = columns(cells, sub);
                // A header repeated on each page is read past.
                let text: Vec<String> = cells.iter().map(|c| squeeze(&c.text)).collect();
                if columns_now.is_none() || text != header_text {
                    check_columns(&cols, row_at)?;
                    if described.is_empty() {
                        let mut group = String::new();
                        described = cols
                            .iter()
                            .enumerate()
                            .map(|(i, col)| {
                                let top = cells.get(i).map(|c| squeeze(&c.text)).unwrap_or_default();
                                let below = sub.and_then(|s| s.get(i)).map(|c| squeeze(&c.text)).unwrap_or_default();
                                if !top.is_empty() {
                                    group = top.clone();
                                }
                                (if below.is_empty() { top } else { format!("{group}/{below}") }, col.label())
                            })
                            .collect();
                    }
                    columns_now = Some(cols);
                    header_text = text;
                }
                if sub.is_some() {
                    at += 1;
                }
                found = true;
                continue;
            }
            let Some(cols) = &columns_now else { continue };
            let filled = cells.iter().filter(|c| !c.text.trim().is_empty()).count();
            if filled == 0 || is_sub_header(cells) {
                continue;
            }
            // A row printed with only its 序号 is an empty line of the table.
            let seq_only =
                filled == 1 && cols.iter().zip(cells).any(|(col, c)| *col == Column::Seq && !c.text.trim().is_empty());
            if seq_only {
                continue;
            }
            // One text across the row (一、综合政务): a section heading, not an item.
            if filled == 1 && cells.len() > 3 && !cells.iter().any(|c| c.merged_up) {
                let only = cells.iter().position(|c| !c.text.trim().is_empty()).unwrap_or(0);
                if !matches!(cols.get(only), Some(Column::Content) | Some(Column::Timelimit)) {
                    continue;
                }
            }
            let item = read_row(row_at, cells, cols, &above, &above_cells)?;
            above_cells = cells.iter().map(|c| c.text.clone()).collect();
            above = item.clone();
            items.push(item);
        }
    }
    if !found {
        return Err(ImportError::Columns {
            at: "文件".into(),
            message: "没有找到标准目录的表头：表格中应有一行列名，含“公开事项”“公开内容”“公开时限”“公开主体”等".into(),
        });
    }
    if items.is_empty() {
        return Err(ImportError::Columns { at: "文件".into(), message: "表头下没有任何事项".into() });
    }
    Ok(CatalogueSource { title, items, columns: described })
}

fn check_columns(cols: &[Column], at: &str) -> Result<(), ImportError> {
    let has = |f: fn(&Column) -> bool| cols.iter().any(f);
    if !has(|c| matches!(c, Column::Timelimit)) {
        return Err(ImportError::Columns { at: at.into(), message: "表头中没有“公开时限”列".into() });
    }
    if !has(|c| matches!(c, Column::Matter(_) | Column::Matters | Column::Content)) {
        return Err(ImportError::Columns {
            at: at.into(), message: "表头中没有“公开事项”或“公开内容”列".into()
        });
    }
    Ok(())
}

fn read_row(
    row_at: &str,
    cells: &[GridCell],
    cols: &[Column],
    above: &ItemDraft,
    above_cells: &[String],
) -> Result<ItemDraft, ImportError> {
    let mut item = ItemDraft { at: row_at.to_string(), ..ItemDraft::default() };
    let mut audience_ticks = Vec::new();
    let mut mode_ticks = Vec::new();
    let mut channel_ticks = Vec::new();
    let mut row_texts: Vec<String> = Vec::with_capacity(cols.len());
    for (i, col) in cols.iter().enumerate() {
        let Some(cell) = cells.get(i) else { continue };
        let mut text = cell.text.trim().to_string();
        // One name across the 一级 and 二级 columns names both.
        if text.is_empty() && cell.merged_left && matches!(col, Column::Matter(2) | Column::Matter(3)) {
            text = row_texts.last().cloned().unwrap_or_default();
        }
        let at = || {
            let mut at = format!("{row_at}“{}”列", col.label());
            if let Some(r) = &cell.cell_ref {
                at.push_str(&format!("（{r}）"));
            }
            at
        };
        if is_same_as_above(&text) {
            let Some(prior) = above_cells.get(i).filter(|t| !t.trim().is_empty()) else {
                return Err(ImportError::Columns {
                    at: at(), message: "写的是“同上”，但上面没有可沿用的内容".into()
                });
            };
            if *col == Column::Timelimit {
                item.timelimit_as_printed = Some(text.clone());
            }
            // The row above may itself have said 同上: its resolved value is in `above`.
            text = resolved(col, above).unwrap_or_else(|| prior.trim().to_string());
        }
        // Merged down from the row above; 序号, 类别 and the 事项 carry down when empty too.
        let carries = matches!(col, Column::Seq | Column::Category | Column::Matter(1));
        if text.is_empty() && (cell.merged_up || carries) {
            text = resolved(col, above).unwrap_or_default();
        }
        row_texts.push(text.clone());
        let value = Some(text.clone()).filter(|t| !t.is_empty());
        match col {
            Column::Seq => item.seq = value,
            Column::Category => item.category = value,
            Column::Matter(1) => item.level1 = value,
            Column::Matter(2) => item.level2 = value,
            Column::Matter(_) => item.level3 = value,
            Column::Matters => {
                let (one, two) = text.split_once(['/', '／']).unwrap_or((&text, ""));
                item.level1 = Some(one.trim().to_string()).filter(|t| !t.is_empty());
                item.level2 = Some(two.trim().to_string()).filter(|t| !t.is_empty());
            }
            Column::Content => item.content = text,
            Column::Basis => item.basis = text,
            Column::Timelimit => item.timelimit = text,
            Column::Subject => item.subject = text,
            Column::Channels => {
                if item.url.is_none() {
                    item.url = url_in(&text);
                }
                item.channels.extend(channels_in(&text));
            }
            Column::ChannelTick(name) => {
                if ticked(&text) {
                    channel_ticks.push(name.clone());
                    if item.url.is_none() {
                        item.url = url_in(&text);
                    }
                }
            }
            Column::Url => item.url = url_in(&text).or(item.url.take()),
            Column::Audience => item.audience = value.map(|v| audience(&v)),
            Column::AudienceTick(name) => {
                if ticked(&text) {
                    audience_ticks.push(name.clone());
                }
            }
            // 公开方式 sometimes means the form (全文发布): only 主动/依申请 is a mode.
            Column::Mode => {
                if item.mode.is_none() {
                    item.mode = value.map(|v| mode(&v)).filter(|m| m == "主动" || m == "依申请");
                }
            }
            Column::ModeTick(name) => {
                if ticked(&text) {
                    mode_ticks.push(name.clone());
                }
            }
            Column::Level => {
                item.level.extend(text.split([',', '，', ';', '；', '/', '\n']).map(squeeze).filter(|t| !t.is_empty()))
            }
            Column::LevelTick(name) => {
                // A level column may hold the level's name (县级) instead of a tick.
                let named = squeeze(&text);
                if named.ends_with('级') {
                    item.level.push(named);
                } else if ticked(&text) {
                    item.level.push(name.clone());
                }
            }
            Column::Ignore => {}
        }
    }
    item.channels.extend(channel_ticks);
    if item.audience.is_none() {
        item.audience = audience_ticks.into_iter().next();
    }
    if item.mode.is_none() {
        item.mode = mode_ticks.into_iter().next();
    }
    if item.level1.is_none() && item.level2.is_none() && item.level3.is_none() && item.content.is_empty() {
        return Err(ImportError::Columns {
            at: row_at.into(), message: "这一行既没有公开事项，也没有公开内容".into()
        });
    }
    Ok(item)
}

/// The value the row above ended with in a column, after its own carrying.
fn resolved(col: &Column, above: &ItemDraft) -> Option<String> {
    let text = match col {
        Column::Seq => above.seq.clone()?,
        Column::Category => above.category.clone()?,
        Column::Matter(1) => above.level1.clone()?,
        Column::Matter(2) => above.level2.clone()?,
        Column::Matter(_) => above.level3.clone()?,
        Column::Content => above.content.clone(),
        Column::Basis => above.basis.clone(),
        Column::Timelimit => above.timelimit.clone(),
        Column::Subject => above.subject.clone(),
        _ => return None,
    };
    Some(text).filter(|t| !t.is_empty())
}

/// One line of a filled-in 公开信息登记表: the item's number as the sheet
/// gave it, and what the unit wrote; dates as written (checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    /// "工作表“登记表”第5行".
    pub at: String,
    pub item: String,
    pub title: String,
    pub url: String,
    pub published_on: String,
    pub event_on: String,
}

/// Reads the 公开信息登记表 a unit filled in (the workbook
/// `out::records_xlsx` writes): every row with a title under the header.
pub fn read_records(name: &str, bytes: &[u8]) -> Result<Vec<RecordLine>, ImportError> {
    if bytes.len() > limits::MAX_LIST_BYTES {
        return Err(limits::list_too_large());
    }
    let grids = match Format::detect(name, bytes)? {
        Format::Xlsx => xlsx::read(bytes)?.0,
        _ => return Err(ImportError::UnknownFormat("请上传从系统下载、填好的 Excel 登记表（.xlsx）".into())),
    };
    let mut lines = Vec::new();
    for grid in &grids {
        let mut columns: Option<[Option<usize>; 5]> = None;
        for (at, cells) in &grid.rows {
            let texts: Vec<String> = cells.iter().map(|c| squeeze(&c.text)).collect();
            let find = |word: &str| texts.iter().position(|t| t.starts_with(word));
            if find("事项编号").is_some() && find("信息标题").is_some() {
                columns = Some([find("事项编号"), find("信息标题"), find("网址"), find("发布日期"), find("起算日期")]);
                continue;
            }
            let Some([item, title, url, published, event]) = columns else { continue };
            let cell = |col: Option<usize>| {
                col.and_then(|c| cells.get(c)).map(|c| c.text.trim().to_string()).unwrap_or_default()
            };
            if cell(title).is_empty() {
                continue;
            }
            lines.push(RecordLine {
                at: at.clone(),
                item: cell(item),
                title: cell(title),
                url: cell(url),
                published_on: cell(published),
                event_on: cell(event),
            });
        }
    }
    if lines.is_empty() {
        return Err(ImportError::Columns {
            at: "文件".into(),
            message: "没有找到填写的信息：请在系统下载的登记表中，每条信息填一行（信息标题、发布日期必填）".into(),
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| {
                    (
                        format!("第{}行", i + 1),
                        cells.iter().map(|t| GridCell { text: t.to_string(), ..GridCell::default() }).collect(),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn marks_choose_channels() {
        assert_eq!(channels_in("■政府网站\n□政务服务中心 ■两微一端"), ["政府网站", "两微一端"]);
        assert_eq!(channels_in("☐县政府门户网站"), ["县政府门户网站"]);
        assert_eq!(channels_in("政府网站,两微一端"), ["政府网站", "两微一端"]);
    }

    #[test]
    fn same_as_above_in_the_first_row_is_refused_with_its_place() {
        let g = grid(&[
            &["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体"],
            &["1", "社会救助", "低保", "名单", "条例", "同上", "区民政局"],
        ]);
        let err = items_from_grids(&[g], None).unwrap_err().to_string();
        assert!(err.contains("第2行“公开时限”列") && err.contains("同上"), "{err}");
    }

    #[test]
    fn same_as_above_takes_the_resolved_value_of_the_row_above() {
        let g = grid(&[
            &["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体"],
            &["1", "社会救助", "低保", "名单", "条例", "信息形成之日起20个工作日内", "区民政局"],
            &["2", "", "特困", "名单", "条例", "同上", "同上"],
            &["3", "", "临时救助", "名单", "条例", "同上", "区民政局"],
        ]);
        let read = items_from_grids(&[g], None).unwrap();
        assert_eq!(read.items.len(), 3);
        assert_eq!(read.items[2].timelimit, "信息形成之日起20个工作日内");
        assert_eq!(read.items[2].timelimit_as_printed.as_deref(), Some("同上"));
        assert_eq!(read.items[1].subject, "区民政局");
        assert_eq!(read.items[2].level1.as_deref(), Some("社会救助"));
    }

    #[test]
    fn a_table_without_a_time_limit_column_is_not_a_catalogue() {
        let g = grid(&[&["序号", "工作任务", "责任单位", "完成时限"], &["1", "编制目录", "各单位", "6月底前"]]);
        assert!(items_from_grids(&[g], None).is_err());
    }
}
