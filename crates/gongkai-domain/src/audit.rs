//! The audit log's chain: every entry carries an HMAC, under the server's
//! key, of its content and the entry before it, so an edited, deleted or
//! re-chained entry is found by walking the chain, even by someone who could
//! write the database but does not hold the key. Signed checkpoints (the
//! head's number and hash at a time), kept also outside the database, find a
//! log cut back to an earlier state.

use crate::secret::{Purpose, SecretKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3 … without gaps.
    pub seq: i64,
    /// RFC 3339, as written when the entry was made.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What an entry says, borrowed: the part the hash covers besides the link.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl Content<'_> {
    /// The bytes the hash covers: fields length-prefixed, so that moving text
    /// between fields changes the hash.
    fn encode(&self, prev_hash: &str, seq: i64) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(128);
        bytes.extend_from_slice(prev_hash.as_bytes());
        bytes.extend_from_slice(&seq.to_be_bytes());
        let Content { at, actor, action, target, before, after } = *self;
        for field in [Some(at), Some(actor), Some(action), Some(target), before, after] {
            match field {
                Some(text) => {
                    bytes.extend_from_slice(&(text.len() as u64).to_be_bytes());
                    bytes.extend_from_slice(text.as_bytes());
                }
                None => bytes.extend_from_slice(&u64::MAX.to_be_bytes()),
            }
        }
        bytes
    }
}

/// The keys the log is signed with, derived from the server's key.
#[derive(Debug, Clone)]
pub struct AuditKeys {
    chain: SecretKey,
    checkpoint: SecretKey,
}

impl AuditKeys {
    pub fn new(key: &SecretKey) -> AuditKeys {
        AuditKeys { chain: key.derive(Purpose::AuditChain), checkpoint: key.derive(Purpose::AuditCheckpoint) }
    }

    /// A name for the key that reveals nothing of it, kept beside the log so
    /// that a server started with another key is told so.
    pub fn key_id(&self) -> String {
        self.checkpoint.mac(&[b"key id"])[..16].to_string()
    }

    /// The hash of an entry's content chained to the hash before it.
    pub fn chain_hash(&self, prev_hash: &str, seq: i64, content: Content<'_>) -> String {
        self.chain.mac(&[&content.encode(prev_hash, seq)])
    }

    /// Signs the head of the log as it is now.
    pub fn checkpoint(&self, seq: i64, hash: &str, at: &str) -> Checkpoint {
        let mac = self.checkpoint.mac(&[&checkpoint_bytes(seq, hash, at)]);
        Checkpoint { seq, hash: hash.to_string(), at: at.to_string(), mac }
    }

    fn checkpoint_is_signed(&self, c: &Checkpoint) -> bool {
        self.checkpoint.verify(&[&checkpoint_bytes(c.seq, &c.hash, &c.at)], &c.mac)
    }
}

fn checkpoint_bytes(seq: i64, hash: &str, at: &str) -> Vec<u8> {
    let mut bytes = seq.to_be_bytes().to_vec();
    bytes.extend_from_slice(hash.as_bytes());
    bytes.extend_from_slice(at.as_bytes());
    bytes
}

/// The hash an entry had before the log was keyed (plain SHA-256 of the
/// same encoding): read once, when an older log is signed with the key.
pub fn unkeyed_hash(prev_hash: &str, seq: i64, content: Content<'_>) -> String {
    crate::secret::hex(&Sha256::digest(content.encode(prev_hash, seq)))
}

impl AuditEntry {
    pub fn content(&self) -> Content<'_> {
        Content {
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            target: &self.target,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// The log's head at a moment, signed: `seq` entries, the last with `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// RFC 3339.
    pub at: String,
    pub mac: String,
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("第 {seq} 条审计记录的内容被改动过（签名不符）")]
    Edited { seq: i64 },
    #[error("第 {expected} 条审计记录缺失（被删除）")]
    Missing { expected: i64 },
    #[error("第 {seq} 条审计记录与前一条的链接不符")]
    Relinked { seq: i64 },
    #[error("审计记录应有 {expected} 条，实有 {found} 条（末尾记录被删除）")]
    Truncated { expected: i64, found: i64 },
    #[error("{at} 的检查点签名不符（检查点被伪造或改动）")]
    CheckpointForged { at: String },
    #[error("第 {seq} 条审计记录与 {at} 的检查点不符（此后被改写）")]
    CheckpointMismatch { seq: i64, at: String },
    #[error("{at} 的检查点记录了 {expected} 条审计记录，现在只有 {found} 条（末尾记录被删除）")]
    BeforeCheckpoint { expected: i64, found: i64, at: String },
}

/// Walks the chain in `seq` order; `head` is the count and last hash the
/// database keeps beside the log; every checkpoint must be signed and agree
/// with the entry it names.
pub fn verify(
    keys: &AuditKeys,
    entries: impl IntoIterator<Item = AuditEntry>,
    head: (i64, &str),
    checkpoints: &[Checkpoint],
) -> Result<i64, ChainBreak> {
    if let Some(forged) = checkpoints.iter().find(|c| !keys.checkpoint_is_signed(c)) {
        return Err(ChainBreak::CheckpointForged { at: forged.at.clone() });
    }
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    for entry in entries {
        let expected = count + 1;
        if entry.seq != expected {
            return Err(ChainBreak::Missing { expected });
        }
        if entry.prev_hash != prev {
            return Err(ChainBreak::Relinked { seq: entry.seq });
        }
        if keys.chain_hash(&entry.prev_hash, entry.seq, entry.content()) != entry.hash {
            return Err(ChainBreak::Edited { seq: entry.seq });
        }
        if let Some(c) = checkpoints.iter().find(|c| c.seq == entry.seq && c.hash != entry.hash) {
            return Err(ChainBreak::CheckpointMismatch { seq: entry.seq, at: c.at.clone() });
        }
        prev = entry.hash;
        count = expected;
    }
    if let Some(c) = checkpoints.iter().filter(|c| c.seq > count).max_by_key(|c| c.seq) {
        return Err(ChainBreak::BeforeCheckpoint { expected: c.seq, found: count, at: c.at.clone() });
    }
    if count != head.0 || (count > 0 && prev != head.1) {
        return Err(ChainBreak::Truncated { expected: head.0, found: count });
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> AuditKeys {
        AuditKeys::new(&SecretKey::from_bytes([3; 32]))
    }

    fn chain(keys: &AuditKeys, n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut entry = AuditEntry {
                    seq,
                    at: format!("2020-09-{seq:02}T08:00:00+08:00"),
                    actor: "office".into(),
                    action: "review".into(),
                    target: "obligation 7".into(),
                    before: None,
                    after: Some("{}".into()),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                entry.hash = keys.chain_hash(&prev, seq, entry.content());
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let keys = keys();
        let entries = chain(&keys, 3);
        let head = entries[2].hash.clone();
        assert_eq!(verify(&keys, entries, (3, &head), &[]), Ok(3));
        assert_eq!(verify(&keys, Vec::new(), (0, GENESIS), &[]), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let keys = keys();
        let mut entries = chain(&keys, 3);
        let head = entries[2].hash.clone();
        entries[1].actor = "someone else".into();
        assert_eq!(verify(&keys, entries, (3, &head), &[]), Err(ChainBreak::Edited { seq: 2 }));
    }

    #[test]
    fn a_chain_rewritten_without_the_key_does_not_verify() {
        let keys = keys();
        let mut entries = chain(&keys, 3);
        // The forger recomputes every link the only way open to them.
        let mut prev = GENESIS.to_string();
        entries[1].actor = "forged".into();
        for entry in &mut entries {
            entry.prev_hash = prev.clone();
            entry.hash = unkeyed_hash(&prev, entry.seq, entry.content());
            prev = entry.hash.clone();
        }
        assert_eq!(verify(&keys, entries.clone(), (3, &prev), &[]), Err(ChainBreak::Edited { seq: 1 }));
        let other = AuditKeys::new(&SecretKey::from_bytes([4; 32]));
        assert_eq!(verify(&other, chain(&keys, 3), (3, &prev), &[]), Err(ChainBreak::Edited { seq: 1 }));
    }

    #[test]
    fn a_deleted_entry_is_named_also_the_last() {
        let keys = keys();
        let mut entries = chain(&keys, 3);
        let head = entries[2].hash.clone();
        entries.remove(1);
        assert_eq!(verify(&keys, entries, (3, &head), &[]), Err(ChainBreak::Missing { expected: 2 }));
        let mut entries = chain(&keys, 3);
        entries.pop();
        assert_eq!(verify(&keys, entries, (3, &head), &[]), Err(ChainBreak::Truncated { expected: 3, found: 2 }));
    }

    #[test]
    fn a_log_cut_back_past_a_checkpoint_is_found_even_with_its_head_mended() {
        let keys = keys();
        let entries = chain(&keys, 3);
        let checkpoint = keys.checkpoint(3, &entries[2].hash, "2020-09-03T09:00:00Z");
        let cut: Vec<AuditEntry> = entries[..2].to_vec();
        let mended_head = cut[1].hash.clone();
        assert_eq!(
            verify(&keys, cut, (2, &mended_head), std::slice::from_ref(&checkpoint)),
            Err(ChainBreak::BeforeCheckpoint { expected: 3, found: 2, at: checkpoint.at.clone() })
        );
        assert_eq!(verify(&keys, entries.clone(), (3, &entries[2].hash), &[checkpoint]), Ok(3));
    }

    #[test]
    fn a_checkpoint_must_be_signed_and_agree_with_its_entry() {
        let keys = keys();
        let entries = chain(&keys, 3);
        let head = entries[2].hash.clone();
        let mut forged = keys.checkpoint(2, &entries[1].hash, "2020-09-02T09:00:00Z");
        forged.seq = 3;
        assert!(matches!(
            verify(&keys, entries.clone(), (3, &head), &[forged]),
            Err(ChainBreak::CheckpointForged { .. })
        ));
        let other = keys.checkpoint(2, &"f".repeat(64), "2020-09-02T09:00:00Z");
        assert!(matches!(
            verify(&keys, entries, (3, &head), &[other]),
            Err(ChainBreak::CheckpointMismatch { seq: 2, .. })
        ));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let keys = keys();
        let content = |at, actor| Content { at, actor, action: "d", target: "e", before: None, after: None };
        assert_ne!(keys.chain_hash(GENESIS, 1, content("a", "bc")), keys.chain_hash(GENESIS, 1, content("ab", "c")));
    }
}

/// What an entry's action was, as the 审计日志 says it: 登录, 报送, 退回….
/// A decision is read from what the entry recorded after it.
pub fn action_words(action: &str, after: Option<&str>) -> String {
    let decision = after
        .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .and_then(|v| v.get("decision").and_then(|d| d.as_str()).map(str::to_string));
    let words = match (action, decision.as_deref()) {
        ("obligation.review", Some("accepted")) => "审核通过",
        ("obligation.review", Some("returned")) => "审核退回",
        ("obligation.review", _) => "审核",
        ("obligation.signoff", Some("returned")) => "签发退回",
        ("obligation.signoff", _) => "签发",
        ("extension.decide", Some("granted")) => "同意延期",
        ("extension.decide", Some("refused")) => "不同意延期",
        ("extension.decide", _) => "答复延期申请",
        (action, _) => ACTIONS.iter().find(|(code, _)| *code == action).map_or("其他操作", |(_, words)| words),
    };
    words.to_string()
}

/// Every action the log records, with its words; the 审计日志 filters by them.
pub const ACTIONS: [(&str, &str); 65] = [
    ("login", "登录"),
    ("login.failed", "登录失败"),
    ("obligation.submit", "报送"),
    ("obligation.signoff", "签发"),
    ("obligation.review", "审核"),
    ("obligation.status", "更改任务状态"),
    ("submission.public", "公开报送内容"),
    ("extension.request", "申请延期"),
    ("extension.decide", "答复延期申请"),
    ("notice.issue", "发出督办通知"),
    ("notice.dismiss", "不予督办"),
    ("notice.deadline", "督办期限随延期调整"),
    ("self_inspection.save", "修改自查报告"),
    ("user.rename", "修改姓名"),
    ("units.create", "导入时新建单位"),
    ("import.mapping", "记住清单列的识别"),
    ("self_inspection.sign", "签发自查报告"),
    ("remind.run", "发送提醒与催办"),
    ("plan.import", "导入清单"),
    ("plan.start", "更正印发日期"),
    ("plan.rules", "修改提醒规则"),
    ("plan.signoff", "修改签发设置"),
    ("plan.scoring", "修改考核规则"),
    ("score.bonus", "登记加分"),
    ("task.members", "确认任务的成员单位"),
    ("units.import", "导入单位目录"),
    ("units.add", "新增单位"),
    ("units.edit", "修改单位"),
    ("unit.contact", "设置通知渠道"),
    ("user.create", "新建账号"),
    ("user.disable", "停用账号"),
    ("user.enable", "启用账号"),
    ("user.password", "修改密码"),
    ("user.reset", "重置密码"),
    ("token.create", "创建接口令牌"),
    ("token.revoke", "撤销接口令牌"),
    ("calendar.import", "导入节假日安排"),
    ("calendar.feed", "日历订阅"),
    ("audit.sign", "签署审计日志"),
    ("demo.history", "生成演示数据"),
    ("catalogue.save", "保存标准目录"),
    ("catalogue.submit", "提交标准目录"),
    ("catalogue.return", "退回标准目录"),
    ("catalogue.accept", "审核通过标准目录"),
    ("catalogue.approve", "登记区政府批准标准目录"),
    ("catalogue.publish", "发布标准目录"),
    ("catalogue.revise", "修订标准目录"),
    ("catalogue.rule", "更正公开时限的理解"),
    ("catalogue.record", "登记按目录公开的信息"),
    ("catalogue.url", "修改目录事项的栏目地址"),
    ("inspection.start", "开始网上巡查"),
    ("inspection.finish", "完成网上巡查"),
    ("finding.answer", "报告巡查问题的整改情况"),
    ("finding.dismiss", "巡查问题不予整改"),
    ("finding.escalate", "督办巡查问题的整改"),
    ("foi.add", "登记政府信息公开申请"),
    ("foi.event", "登记申请的办理情况"),
    ("foi.event_remove", "撤销申请办理情况的登记"),
    ("foi.edit", "修改申请人信息或申请内容"),
    ("foi.document", "生成依申请公开文书"),
    ("foi.case", "登记行政复议或行政诉讼"),
    ("foi.case_result", "登记复议或诉讼结果"),
    ("foi.report", "修改政府信息公开工作年度报告"),
    ("foi.template", "修改依申请公开文书模板"),
    ("foi.due", "节假日安排载入后算出答复期限"),
];

/// What an entry recorded before or after, in words: the keys it writes
/// (`decision`, `due`, …) named in Chinese, their fixed values too.
pub fn change_words(text: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return value_words(text);
    };
    map.iter()
        .map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(s) => value_words(s),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), value_words))
                    .collect::<Vec<_>>()
                    .join("、"),
                serde_json::Value::Null => "无".into(),
                other => value_words(&other.to_string()),
            };
            format!("{}：{value}", KEYS.iter().find(|(k, _)| *k == key).map_or(key.as_str(), |(_, w)| w))
        })
        .collect::<Vec<_>>()
        .join("；")
}

const KEYS: [(&str, &str); 75] = [
    ("token", "令牌编号"),
    ("units", "单位"),
    ("replace", "以文件为准（删除文件中没有的单位）"),
    ("parent", "上级单位"),
    ("inferred", "待核实"),
    ("submission", "报送编号"),
    ("text", "内容"),
    ("published_url", "公开网址"),
    ("evidence_date", "佐证日期"),
    ("files", "附件"),
    ("decision", "决定"),
    ("reason", "理由"),
    ("note", "说明"),
    ("due", "截止日期"),
    ("new_due", "新的办结期限"),
    ("number", "文号"),
    ("as_of", "日期"),
    ("events", "事件"),
    ("plan_id", "方案编号"),
    ("tasks_added", "新增任务"),
    ("tasks_updated", "更新任务"),
    ("tasks_unchanged", "未变任务"),
    ("tasks_retired", "停用任务"),
    ("obligations_added", "新增任务事项"),
    ("obligations_removed", "删除任务事项"),
    ("obligations_retired", "保留历史的任务事项"),
    ("obligations_total", "任务事项总数"),
    ("name", "名称"),
    ("login", "账号"),
    ("role", "角色"),
    ("unit", "单位"),
    ("kind", "类别"),
    ("aliases", "简称"),
    ("expires_at", "有效期至"),
    ("email", "邮箱"),
    ("lead_days", "提前提醒天数"),
    ("escalate_after_working_days", "逾期几个工作日督办"),
    ("notice_working_days", "督办限期（工作日）"),
    ("item", "加分项"),
    ("items", "事项数"),
    ("source", "来源"),
    ("status", "状态"),
    ("comment", "意见"),
    ("approval", "区政府批准"),
    ("catalogue_item", "目录事项"),
    ("title", "标题"),
    ("url", "网址"),
    ("published_on", "发布日期"),
    ("event_on", "起算日期"),
    ("rule", "公开时限的理解"),
    ("as_of", "巡查日"),
    ("columns", "栏目数"),
    ("new", "新发现"),
    ("again", "仍未整改"),
    ("fixed", "已整改"),
    ("due_date", "整改期限"),
    ("problems", "存在的问题"),
    ("next_steps", "下一步工作"),
    ("revision", "版本"),
    ("applicant_kind", "申请人类型"),
    ("applicant", "申请人"),
    ("contact", "联系方式"),
    ("channel", "申请方式"),
    ("event", "办理情况"),
    ("received_on", "收到日期"),
    ("due_on", "答复期限"),
    ("outcome", "处理结果"),
    ("concluded_on", "办结日期"),
    ("cases", "复议诉讼"),
    ("filed_on", "立案日期"),
    ("result", "结果"),
    ("closed_on", "审结日期"),
    ("overview", "总体情况"),
    ("table2", "主动公开情况"),
    ("other", "其他需要报告的事项"),
];

fn value_words(value: &str) -> String {
    // A reminder pass's events: "obligation 12：overdue:2020-11-30".
    if let Some((subject, key)) = value.split_once('：') {
        let subject = match subject.split_once(' ') {
            Some(("obligation", id)) => format!("任务事项 {id}"),
            Some(("request", id)) => format!("依申请公开 {id}"),
            Some(("finding", id)) => format!("巡查发现 {id}"),
            _ => subject.to_string(),
        };
        return format!("{subject}：{}", event_words(key));
    }
    match value {
        "accepted" => "通过",
        "returned" => "退回",
        "signed" => "已签发",
        "submitted" => "已报送",
        "draft" => "草稿",
        "approved" => "已批准",
        "published" => "已发布",
        "pending" => "待办",
        "granted" => "同意",
        "refused" => "不同意",
        "true" => "是",
        "false" => "否",
        "office" => "公开办",
        "handler" => "承办人",
        "head" => "单位负责人",
        "viewer" => "领导查看",
        "admin" => "系统管理员",
        other => return other.to_string(),
    }
    .to_string()
}

/// An event's key in words: "reminder:3:2020-11-30" → "到期前 3 天提醒（2020-11-30 到期）".
fn event_words(key: &str) -> String {
    let parts: Vec<&str> = key.split(':').collect();
    match parts.as_slice() {
        ["reminder", lead, due] => format!("到期前 {lead} 天提醒（{due} 到期）"),
        ["before", lead, due] => format!("答复期限前 {lead} 个工作日提醒（{due} 到期）"),
        ["dueday", due] => format!("答复期限当日提醒（{due}）"),
        ["overdue", due] => format!("催办（{due} 到期）"),
        ["escalation", due] => format!("督办（{due} 到期）"),
        ["urge", day] => format!("公开办催办（{day}）"),
        ["notice", number] => format!("督办通知 {number}"),
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod words {
    use super::*;

    #[test]
    fn every_action_the_store_writes_has_words() {
        let sources = [
            include_str!("../../gongkai-store/src/reports.rs"),
            include_str!("../../gongkai-store/src/supervision.rs"),
            include_str!("../../gongkai-store/src/ledger.rs"),
            include_str!("../../gongkai-store/src/people.rs"),
            include_str!("../../gongkai-store/src/lib.rs"),
            include_str!("../../gongkai-store/src/assessment.rs"),
            include_str!("../../gongkai-store/src/demo.rs"),
            include_str!("../../gongkai-store/src/audit_log.rs"),
            include_str!("../../gongkai-store/src/backup.rs"),
        ];
        let mut missing = Vec::new();
        for source in sources {
            for piece in source.split("audit!(").skip(1) {
                // audit!(store, tx, actor, "action", …): the first quoted code.
                let head = piece.split(';').next().unwrap_or_default();
                let code = head
                    .split('"')
                    .skip(1)
                    .step_by(2)
                    .find(|q| q.contains('.') && q.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'));
                if let Some(action) = code
                    && !ACTIONS.iter().any(|(known, _)| *known == action)
                {
                    missing.push(action.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "actions without words: {missing:?}");
    }

    #[test]
    fn decisions_and_changes_read_in_chinese() {
        assert_eq!(action_words("obligation.review", Some(r#"{"decision":"returned","reason":"缺照片"}"#)), "审核退回");
        assert_eq!(action_words("login", None), "登录");
        assert_eq!(change_words(r#"{"decision":"returned","reason":"缺照片"}"#), "决定：退回；理由：缺照片");
        assert_eq!(change_words("accepted"), "通过");
        assert_eq!(
            change_words(r#"{"events":["obligation 12：overdue:2020-11-30"]}"#),
            "事件：任务事项 12：催办（2020-11-30 到期）"
        );
    }
}
