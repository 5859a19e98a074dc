//! What the Word and Excel readers share of XML: attributes by name and the
//! text an entity reference stands for.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart};

/// An attribute's value by its qualified name (`w:val`, `r`).
pub fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// `&amp;` → "&", `&#x4E00;` → "一"; an unknown entity is dropped.
pub fn entity(r: &BytesRef<'_>) -> String {
    match r.as_ref() {
        "amp" => "&".to_string(),
        "lt" => "<".to_string(),
        "gt" => ">".to_string(),
        "quot" => "\"".to_string(),
        "apos" => "'".to_string(),
        _ => r.resolve_char_ref().ok().flatten().map(String::from).unwrap_or_default(),
    }
}
