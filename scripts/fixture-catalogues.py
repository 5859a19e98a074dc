#!/usr/bin/env python3
"""Lays each real catalogue of crates/gongkai-io/tests/catalogues/ out as the
county published it: catalogue.docx (a Word table) and catalogue.xlsx (a
sheet), through LibreOffice (libreoffice-writer-nogui, libreoffice-calc-nogui).
The header keeps its two rows (公开对象 spanning 全社会 / 特定群众 …); a body
cell the truth file resolves from the row above (`level1 from merged cell`)
is merged down, and an item name the truth gives to both 一级 and 二级 spans
both columns. Run after adding or correcting a catalogue.txt; the files are
kept in the repository beside it."""

import html, json, os, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(__file__), "..", "crates", "gongkai-io", "tests", "catalogues")
SUB_WORDS = ("一级", "二级", "三级", "全社会", "特定", "主动", "依申请", "县级", "乡级", "镇级", "村级", "区级", "市级")


def field(top, sub):
    """The truth field a text column holds, or None for tick and other columns."""
    if "序号" in top:
        return "seq"
    if top in ("类别",):
        return "category"
    for word, name in (("一级", "level1"), ("二级", "level2"), ("三级", "level3")):
        if word in sub:
            return name
    for word, name in (("内容", "content"), ("依据", "basis"), ("时限", "timelimit"), ("主体", "subject")):
        if word in top:
            return name
    return None


def table_html(rows, truth):
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    squeeze = lambda s: "".join(s.split())
    two = len(rows) > 1 and not rows[1][0].strip() and any(w in squeeze(c) for c in rows[1] for w in SUB_WORDS)
    head = rows[:2] if two else rows[:1]
    body = rows[len(head):]
    top = []
    for c in range(width):
        t = squeeze(head[0][c]) or (top[-1] if top and two and squeeze(head[1][c]) else "")
        top.append(t)
    fields = [field(top[c], squeeze(head[1][c]) if two else "") for c in range(width)]
    cell = lambda t: html.escape(t).replace("\\n", "<br>")
    out = ["<table border='1'>"]
    # Header: a top cell over nothing spans both rows; empty top cells join the group on the left.
    first = []
    c = 0
    while c < width:
        span = 1
        while two and c + span < width and not head[0][c + span].strip() and head[1][c + span].strip():
            span += 1
        attrs = ""
        if span > 1:
            attrs += f" colspan='{span}'"
        if two and not head[1][c].strip():
            attrs += " rowspan='2'"
        first.append(f"<td{attrs}>{cell(head[0][c])}</td>")
        c += span
    out.append("<tr>" + "".join(first) + "</tr>")
    if two:
        out.append("<tr>" + "".join(f"<td>{cell(t)}</td>" for t in head[1] if t.strip()) + "</tr>")
    # Body merges, from the truth file: rowspan down, colspan across 一级/二级.
    rowspan = [[1] * width for _ in body]
    colspan = [[1] * width for _ in body]
    # A row printed empty but for its 序号 has no item in the truth file.
    items, k = [], 0
    for row in body:
        if sum(1 for t in row if t.strip()) <= 1:
            items.append(None)
        else:
            items.append(truth[k] if k < len(truth) else {})
            k += 1
    for r, row in enumerate(body):
        item = items[r]
        if item is None:
            continue
        prior = next((items[p] for p in range(r - 1, -1, -1) if items[p] is not None), None)
        for c in range(width):
            f = fields[c]
            if row[c].strip() or not f:
                continue
            if f == "level2" and item.get("level2") and item.get("level2") == item.get("level1") and c > 0 and fields[c - 1] == "level1":
                colspan[r][c - 1] += 1
                colspan[r][c] = 0
                continue
            if r > 0 and items[r - 1] is not None and item.get(f) and item.get(f) == prior.get(f):
                top_row = r - 1
                while rowspan[top_row][c] == 0:
                    top_row -= 1
                rowspan[top_row][c] += 1
                rowspan[r][c] = 0
    for r, row in enumerate(body):
        cells = []
        for c, text in enumerate(row):
            if rowspan[r][c] == 0 or colspan[r][c] == 0:
                continue
            attrs = ""
            if rowspan[r][c] > 1:
                attrs += f" rowspan='{rowspan[r][c]}'"
            if colspan[r][c] > 1:
                attrs += f" colspan='{colspan[r][c]}'"
            cells.append(f"<td{attrs}>{cell(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def convert(source, target_filter, out_dir, home, infilter=None):
    read_as = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        ["soffice", "--headless", *read_as, "--convert-to", target_filter, "--outdir", out_dir, source],
        check=True, capture_output=True, env={**os.environ, "HOME": home},
    )


def title_of(folder):
    for line in open(os.path.join(folder, "source.md"), encoding="utf-8"):
        if line.startswith("- title:"):
            title = line.split(":", 1)[1].strip()
            # Only a title the page printed (Chinese); the collectors' notes are not one.
            return "" if any("a" <= c.lower() <= "z" for c in title) else title
    return ""


def main():
    for name in sorted(os.listdir(ROOT)):
        folder = os.path.join(ROOT, name)
        path = os.path.join(folder, "catalogue.txt")
        if not os.path.isfile(path):
            continue
        rows = [l.split("\t") for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]
        truth = json.load(open(os.path.join(folder, "truth.json"), encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            page = os.path.join(tmp, "catalogue.html")
            with open(page, "w", encoding="utf-8") as f:
                f.write("<html><head><meta charset='utf-8'></head><body>\n")
                if title_of(folder):
                    f.write(f"<p>{html.escape(title_of(folder))}</p>\n")
                f.write(table_html(rows, truth))
                f.write("</body></html>\n")
            convert(page, "docx:MS Word 2007 XML", tmp, tmp, infilter="HTML (StarWriter)")
            convert(page, "xlsx:Calc MS Excel 2007 XML", tmp, tmp, infilter="HTML (StarCalc)")
            for ext in ("docx", "xlsx"):
                os.replace(os.path.join(tmp, f"catalogue.{ext}"), os.path.join(folder, f"catalogue.{ext}"))
        print(name)


if __name__ == "__main__":
    sys.exit(main())
