//! The unit directory as a CSV file: `name,short_name,kind,parent,source`.
//! `short_name` holds aliases separated by "/"; `kind` may carry ";inferred"
//! for a best guess the office should check.

use crate::ImportError;
use gongkai_domain::units::{Unit, UnitKind, aliases_from};

/// 从化区's directory, built into the binary.
pub const CONGHUA_CSV: &str = include_str!("../../gongkai-domain/data/conghua-units.csv");

pub fn parse(bytes: &[u8]) -> Result<Vec<Unit>, ImportError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ImportError::Units { line: 0, message: "文件不是 UTF-8 编码的文本".into() })?;
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().map_err(|e| ImportError::Units { line: 1, message: e.to_string() })?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(name_at), Some(kind_at)) = (column("name"), column("kind")) else {
        return Err(ImportError::Units {
            line: 1,
            message: "表头需要 name、kind 列（可选 short_name、parent、source）".into(),
        });
    };
    let (short_at, parent_at, source_at) = (column("short_name"), column("parent"), column("source"));
    let mut units: Vec<Unit> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| ImportError::Units { line, message: e.to_string() })?;
        let cleaned = |at: Option<usize>, kind: gongkai_domain::input::Field| {
            kind.clean(at.and_then(|i| record.get(i)).unwrap_or(""))
                .map_err(|e| ImportError::Units { line, message: e.to_string() })
        };
        let field = |at: Option<usize>| cleaned(at, gongkai_domain::input::UNIT_NAME);
        let name = field(Some(name_at))?;
        if name.is_empty() {
            return Err(ImportError::Units { line, message: "单位全称为空".into() });
        }
        let kind_field = cleaned(Some(kind_at), gongkai_domain::input::VALUE)?;
        let mut parts = kind_field.split(';').map(str::trim);
        let kind: UnitKind =
            parts.next().unwrap_or("").parse().map_err(|message| ImportError::Units { line, message })?;
        let inferred = parts.any(|p| p == "inferred");
        if !seen.insert(name.clone()) {
            return Err(ImportError::Units { line, message: format!("单位“{name}”重复") });
        }
        let parent = Some(field(parent_at)?).filter(|p| !p.is_empty());
        let aliases = aliases_from(&cleaned(short_at, gongkai_domain::input::ALIASES)?);
        if let Some(long) = aliases.iter().find(|a| a.chars().count() > gongkai_domain::input::UNIT_NAME.max_chars) {
            return Err(ImportError::Units { line, message: format!("简称“{long}”过长") });
        }
        units.push(Unit {
            name,
            aliases,
            kind,
            parent,
            inferred,
            note: cleaned(source_at, gongkai_domain::input::NOTE)?,
        });
    }
    Ok(units)
}

/// The built-in directory of 从化区. Its research notes (where a guessed
/// unit's name came from) stay in the data file: the 备注 the office sees is
/// its own, empty until it writes one; guessed units keep their mark.
pub fn conghua() -> Vec<Unit> {
    // Checked by a test; the built-in file is not user input.
    let mut units = parse(CONGHUA_CSV.as_bytes()).unwrap_or_default();
    for unit in &mut units {
        unit.note.clear();
    }
    units
}
