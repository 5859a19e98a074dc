//! The audit log's hash chain: every entry carries the hash of the one before
//! it, so an edited or deleted entry is found by walking the chain.

use serde::Serialize;
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

/// The hash of an entry's content chained to the hash before it. Fields are
/// length-prefixed so that moving text between fields changes the hash.
pub fn chain_hash(prev_hash: &str, seq: i64, content: Content<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(seq.to_be_bytes());
    let Content { at, actor, action, target, before, after } = content;
    for field in [Some(at), Some(actor), Some(action), Some(target), before, after] {
        match field {
            Some(text) => {
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
            None => hasher.update(u64::MAX.to_be_bytes()),
        }
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditEntry {
    pub fn expected_hash(&self) -> String {
        let content = Content {
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            target: &self.target,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        };
        chain_hash(&self.prev_hash, self.seq, content)
    }
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("第 {seq} 条审计记录的内容被改动过（哈希不符）")]
    Edited { seq: i64 },
    #[error("第 {expected} 条审计记录缺失（被删除）")]
    Missing { expected: i64 },
    #[error("第 {seq} 条审计记录与前一条的链接不符")]
    Relinked { seq: i64 },
    #[error("审计记录应有 {expected} 条，实有 {found} 条（末尾记录被删除）")]
    Truncated { expected: i64, found: i64 },
}

/// Walks the chain in `seq` order; `head` is the count and last hash the
/// database keeps beside the log.
pub fn verify(entries: impl IntoIterator<Item = AuditEntry>, head: (i64, &str)) -> Result<i64, ChainBreak> {
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
        if entry.expected_hash() != entry.hash {
            return Err(ChainBreak::Edited { seq: entry.seq });
        }
        prev = entry.hash;
        count = expected;
    }
    if count != head.0 || (count > 0 && prev != head.1) {
        return Err(ChainBreak::Truncated { expected: head.0, found: count });
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let at = format!("2020-09-{seq:02}T08:00:00+08:00");
                let content = Content {
                    at: &at,
                    actor: "office",
                    action: "review",
                    target: "obligation 7",
                    before: None,
                    after: Some("{}"),
                };
                let hash = chain_hash(&prev, seq, content);
                let entry = AuditEntry {
                    seq,
                    at,
                    actor: "office".into(),
                    action: "review".into(),
                    target: "obligation 7".into(),
                    before: None,
                    after: Some("{}".into()),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(3);
        let head = (3, entries[2].hash.clone());
        assert_eq!(verify(entries, (head.0, &head.1)), Ok(3));
        assert_eq!(verify(Vec::new(), (0, GENESIS)), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut entries = chain(3);
        let head = entries[2].hash.clone();
        entries[1].actor = "someone else".into();
        assert_eq!(verify(entries, (3, &head)), Err(ChainBreak::Edited { seq: 2 }));
    }

    #[test]
    fn a_deleted_entry_is_named_also_the_last() {
        let mut entries = chain(3);
        let head = entries[2].hash.clone();
        entries.remove(1);
        assert_eq!(verify(entries.clone(), (3, &head)), Err(ChainBreak::Missing { expected: 2 }));
        let mut entries = chain(3);
        entries.pop();
        assert_eq!(verify(entries, (3, &head)), Err(ChainBreak::Truncated { expected: 3, found: 2 }));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let content = |at, actor| Content { at, actor, action: "d", target: "e", before: None, after: None };
        assert_ne!(chain_hash(GENESIS, 1, content("a", "bc")), chain_hash(GENESIS, 1, content("ab", "c")));
    }
}
