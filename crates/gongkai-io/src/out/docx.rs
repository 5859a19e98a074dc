//! A Word document laid out as a Chinese official document (GB/T 9704 in
//! spirit): A4 with its margins, the title in 小标宋 二号 centred, section
//! headings in 黑体 三号, body text in 仿宋 三号 with a two-character indent
//! and fixed 28-point lines, the signature at the right.

use super::{Block, Document};
use std::io::Write;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One paragraph; `size` in half-points (32 = 三号, 44 = 二号).
fn paragraph(text: &str, font: &str, size: u32, bold: bool, align: &str, indent: bool) -> String {
    let indent = if indent { r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"# } else { "" };
    let bold = if bold { "<w:b/>" } else { "" };
    format!(
        r#"<w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/>{indent}<w:jc w:val="{align}"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>{bold}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text).replace('\n', "</w:t><w:br/><w:t xml:space=\"preserve\">")
    )
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let cell = |text: &str, bold: bool| {
        let bold = if bold { "<w:b/>" } else { "" };
        format!(
            r#"<w:tc><w:p><w:r><w:rPr><w:rFonts w:ascii="仿宋" w:hAnsi="仿宋" w:eastAsia="仿宋"/>{bold}<w:sz w:val="21"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>"#,
            escape(text)
        )
    };
    let border = |side: &str| format!(r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#);
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"].iter().map(|s| border(s)).collect();
    let mut xml =
        format!(r#"<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>"#);
    xml.push_str("<w:tr>");
    for h in header {
        xml.push_str(&cell(h, true));
    }
    xml.push_str("</w:tr>");
    for row in rows {
        xml.push_str("<w:tr>");
        for value in row {
            xml.push_str(&cell(value, false));
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

fn body(document: &Document) -> String {
    let mut xml = String::new();
    let title = super::title_lines(&document.title, super::TITLE_LINE).join("\n");
    xml.push_str(&paragraph(&title, "方正小标宋简体", 44, false, "center", false));
    if let Some(subtitle) = &document.subtitle {
        xml.push_str(&paragraph(subtitle, "楷体", 32, false, "center", false));
    }
    for section in &document.sections {
        // A letter's body has no heading.
        if !section.heading.is_empty() {
            xml.push_str(&paragraph(&section.heading, "黑体", 32, false, "left", true));
        }
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => xml.push_str(&paragraph(text, "仿宋", 32, false, "both", true)),
                Block::Subheading(text) => xml.push_str(&paragraph(text, "楷体", 32, true, "left", true)),
                Block::Addressee(text) => xml.push_str(&paragraph(text, "仿宋", 32, false, "left", false)),
                Block::Table { header, rows } => xml.push_str(&table(header, rows)),
            }
        }
    }
    xml.push_str(&paragraph("", "仿宋", 32, false, "left", false));
    for line in &document.signature {
        xml.push_str(&paragraph(line, "仿宋", 32, false, "right", false));
    }
    // A4, margins 37/35/28/26 mm as official documents have them; sideways for wide tables.
    let page = if document.landscape {
        r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#
    } else {
        r#"<w:pgSz w:w="11906" w:h="16838"/>"#
    };
    xml.push_str(&format!(
        r#"<w:sectPr>{page}<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>"#
    ));
    xml
}

/// The .docx file's bytes.
pub fn write(document: &Document) -> Vec<u8> {
    let document_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>"#,
        body(document)
    );
    let parts: [(&str, String); 3] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.into(),
        ),
        ("word/document.xml", document_xml),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        // Writing to memory cannot fail but for running out of it.
        zip.start_file(name, options).unwrap_or_else(|e| panic!("zip {name}: {e}"));
        zip.write_all(content.as_bytes()).unwrap_or_else(|e| panic!("zip {name}: {e}"));
    }
    zip.finish().map(|cursor| cursor.into_inner()).unwrap_or_else(|e| panic!("zip: {e}"))
}

#[cfg(test)]
mod tests {
    use super::super::{Block, Document, Section};

    #[test]
    fn a_document_reads_back_with_its_text_in_order_and_escaped() {
        let document = Document {
            title: "温泉镇2020年政务公开工作自查报告".into(),
            subtitle: None,
            sections: vec![Section {
                heading: "一、任务完成情况".into(),
                blocks: vec![
                    Block::Paragraph("<已完成> & 公开".into()),
                    Block::Table { header: vec!["任务".into()], rows: vec![vec!["村居公开".into()]] },
                ],
            }],
            signature: vec!["广州市从化区温泉镇人民政府".into(), "2020年12月31日".into()],
            landscape: false,
        };
        let bytes = super::write(&document);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
        let title = xml.find("自查报告").unwrap();
        let heading = xml.find("一、任务完成情况").unwrap();
        let signature = xml.find("温泉镇人民政府").unwrap();
        assert!(title < heading && heading < signature);
        assert!(xml.contains("&lt;已完成&gt; &amp; 公开"));
        assert!(xml.contains(r#"w:w="11906" w:h="16838""#), "A4");
    }

    #[test]
    fn a_wide_document_is_laid_out_sideways() {
        let xml = |landscape: bool| {
            let bytes = super::write(&Document { title: "汇编".into(), landscape, ..Default::default() });
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
            xml
        };
        assert!(xml(true).contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#));
        assert!(!xml(false).contains("landscape"));
    }
}
