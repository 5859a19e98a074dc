#!/usr/bin/env python3
"""Lays each real list of crates/gongkai-io/tests/lists/ out as an office
would: list.docx (a Word table, cells merged down where the list merges
them; prose as paragraphs) and list.xlsx (a sheet; prose as one text
column), through LibreOffice (needs Writer and Calc:
libreoffice-writer-nogui, libreoffice-calc-nogui). Run after adding or
correcting a list.txt; the files are kept in the repository beside it."""

import csv, html, os, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(__file__), "..", "crates", "gongkai-io", "tests", "lists")
# Columns whose empty cells continue the cell above (merged in Word).
MERGED = ("序号", "工作任务", "责任单位", "责任部门", "责任科室", "责任处室", "分类", "类别")


def table_html(rows):
    header, body = rows[0], rows[1:]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header, body = rows[0], rows[1:]
    task_like = [i for i, h in enumerate(header) if any(w in h for w in ("任务", "要求", "内容", "分工", "目标", "实事"))]
    mergeable = [i for i, h in enumerate(header) if h in MERGED and not (h == "工作任务" and len(task_like) < 2)]
    # rowspan[r][c]: how many rows the cell covers; 0 when covered by one above.
    span = [[1] * width for _ in body]
    for c in mergeable:
        top = None
        for r, row in enumerate(body):
            if row[c] == "" and top is not None and any(x for x in row):
                span[top][c] += 1
                span[r][c] = 0
            else:
                top = r if row[c] != "" else None
    out = ["<table border='1'>", "<tr>" + "".join(f"<td>{html.escape(h)}</td>" for h in header) + "</tr>"]
    for r, row in enumerate(body):
        cells = []
        for c, text in enumerate(row):
            if span[r][c] == 0:
                continue
            attr = f" rowspan='{span[r][c]}'" if span[r][c] > 1 else ""
            cells.append(f"<td{attr}>{html.escape(text).replace(chr(92) + 'n', '<br>')}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def convert(source, target_filter, out_dir, home, infilter=None):
    read_as = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        ["soffice", "--headless", *read_as, "--convert-to", target_filter, "--outdir", out_dir, source],
        check=True, capture_output=True, env={**os.environ, "HOME": home},
    )


def main():
    for name in sorted(os.listdir(ROOT)):
        folder = os.path.join(ROOT, name)
        text_path = os.path.join(folder, "list.txt")
        if not os.path.isfile(text_path):
            continue
        lines = open(text_path, encoding="utf-8").read().splitlines()
        table = any("\t" in l for l in lines)
        with tempfile.TemporaryDirectory() as tmp:
            page = os.path.join(tmp, "list.html")
            with open(page, "w", encoding="utf-8") as f:
                f.write("<html><head><meta charset='utf-8'></head><body>\n")
                if table:
                    rows = [l.split("\t") for l in lines if "\t" in l]
                    for l in lines:
                        if "\t" in l:
                            break
                        if l.strip():
                            f.write(f"<p>{html.escape(l)}</p>\n")
                    f.write(table_html(rows))
                else:
                    for l in lines:
                        f.write(f"<p>{html.escape(l)}</p>\n")
                f.write("</body></html>\n")
            convert(page, "docx:MS Word 2007 XML", tmp, tmp)
            sheet = os.path.join(tmp, "list.csv")
            with open(sheet, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                for l in lines:
                    if table:
                        if "\t" in l:
                            writer.writerow([c.replace("\\n", "\n") for c in l.split("\t")])
                    elif l.strip():
                        writer.writerow([l])
            # Read as UTF-8 CSV (comma, double quotes, UTF-8).
            convert(sheet, "xlsx:Calc MS Excel 2007 XML", tmp, tmp, infilter="CSV:44,34,76,1")
            for ext in ("docx", "xlsx"):
                os.replace(os.path.join(tmp, f"list.{ext}"), os.path.join(folder, f"list.{ext}"))
        print(name, "table" if table else "prose")


if __name__ == "__main__":
    sys.exit(main())
