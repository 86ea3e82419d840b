#!/usr/bin/env python3
"""The pipeline a user would write instead of kaohe, for the side-by-side ratio in BENCHMARKS.md.

    peer.py INPUT.xlsx -o OUT_DIR

Reads an assessment workbook (the sheets of docs/输入.md, as examples/gen.rs writes them) with
openpyxl in read-only mode, scores a faithful subset of the default rules of docs/计分.md in
plain Python, and writes what kaohe writes by default in kind: a result workbook (汇总 and 明细)
with openpyxl and one feedback letter per unit with docxtpl, plus summary.json.

The rules kept: 至少 (missing occurrences per period × 单项分, at most the points; 条件 `列=值`
and 适用 by unit type honoured), 扣分, 加分 (counted rows × 单项分, at most the points), 否决,
时效 (an incident with a late or missing step costs 单项分), 评分 (the 评分 sheet's score);
N_c = 100 × S_c / M_c per category, W weighted by the nearest proper ancestor's 权重 system
(else the top-level one), T = W + bonus rounded to 2 decimals, vetoed units last, equal totals
sharing a rank, grades by the 等次 thresholds. Floating point, not exact fractions: it need not
agree with kaohe to the last digit, only do comparable work.

Both cores: the big 活动 sheet is read in a second process while the main one reads the other
sheets, and the letters are rendered by a pool of two processes while the main one writes the
workbook. Needs `pip install openpyxl docxtpl` (scripts/bench.sh makes a venv under target/
with PEER=1); it is no part of kaohe.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import sys
import tempfile
from collections import defaultdict

import openpyxl
from docx import Document
from docxtpl import DocxTemplate

PERIOD_MONTHS = {"年": 12, "半年": 6, "季度": 3, "月": 1}
STEPS = ["发现时间", "研判时间", "报送时间", "处置时间"]


def sheet_rows(path, names):
    """The rows (tuples of values) of each sheet in `names` that the workbook has."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = {}
    for name in names:
        if name in workbook.sheetnames:
            out[name] = [row for row in workbook[name].iter_rows(values_only=True)]
    workbook.close()
    return out


def ledger_sheet_names(path):
    workbook = openpyxl.load_workbook(path, read_only=True)
    names = [name for name in workbook.sheetnames if name == "活动" or name.startswith("活动-")]
    workbook.close()
    return names


def read_ledger(path):
    """The ledger as (unit, date, type, extra columns) tuples, counted per unit × type × month."""
    names = ledger_sheet_names(path)
    counts = defaultdict(int)
    vetoes = set()
    rows = 0
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for name in names:
        header = None
        for row in workbook[name].iter_rows(values_only=True):
            if header is None:
                if row and "单位编号" in row:
                    header = {title: i for i, title in enumerate(row) if title}
                continue
            unit = row[header["单位编号"]]
            if unit is None:
                continue
            date = row[header["日期"]]
            kind = row[header["类型"]]
            rows += 1
            if isinstance(date, dt.datetime):
                year, month = date.year, date.month
            else:
                year, month = None, None
            attributes = tuple(
                (title, row[i]) for title, i in header.items() if title not in ("单位编号", "日期", "类型", "标题", "材料")
            )
            counts[(unit, kind, year, month, attributes)] += 1
    workbook.close()
    return rows, dict(counts)


def table(rows):
    """Data rows of a sheet with a header row, as dicts."""
    header = [title for title in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:] if any(v is not None for v in row)]


def parse_filter(text):
    if not text:
        return None
    column, _, value = text.partition("=")
    return column.strip(), value.strip()


def grade_bands(text):
    bands = []
    for part in re.split("[;；]", text):
        name, _, threshold = part.partition(":")
        bands.append((name.strip(), float(threshold)))
    return sorted(bands, key=lambda band: -band[1])


def round2(x):
    return float(f"{x + (1e-9 if x >= 0 else -1e-9):.2f}")


def score(definitions, ledger_counts):
    settings = {row["项目"]: row["值"] for row in table(definitions["设置"])}
    year = int(settings["年度"])
    bands = grade_bands(settings["等次"])
    units = table(definitions["单位"])
    criteria = table(definitions["指标"])
    categories = []
    for c in criteria:
        if c["类别"] not in categories:
            categories.append(c["类别"])
    parent = {u["编号"]: u["上级编号"] for u in units}
    systems = defaultdict(dict)
    for row in table(definitions["权重"]):
        systems[row["单位编号"]][row["类别"]] = float(row["权重"])
    manual = {(r["单位编号"], r["指标编号"]): float(r["得分"]) for r in table(definitions["评分"])}

    # Counts per unit × type × (year, month) × attribute values, folded into what each rule reads.
    by_unit_kind = defaultdict(list)
    for (unit, kind, y, month, attributes), n in ledger_counts.items():
        by_unit_kind[(unit, kind)].append((y, month, dict(attributes), n))

    late = defaultdict(int)
    for incident in table(definitions.get("舆情", [[None]])) if "舆情" in definitions else []:
        previous = incident["发生时间"]
        is_late = False
        for step in STEPS:
            at = incident.get(step)
            if at is None or previous is None:
                is_late = True
                break
            if (at - previous).total_seconds() > 24 * 3600:
                is_late = True
            previous = at
        if is_late:
            late[incident["单位编号"]] += 1

    results = []
    for unit in units:
        if unit.get("参评") == "否":
            continue
        uid = unit["编号"]
        details = []
        sums = defaultdict(float)
        maxima = defaultdict(float)
        bonus = 0.0
        vetoed = False
        for c in criteria:
            applies = c.get("适用")
            if applies and unit["类型"] not in re.split("[;；]", applies):
                continue
            rule = c["规则"]
            points = float(c["分值"] or 0)
            unit_points = float(c["单项分"] or 0)
            condition = parse_filter(c.get("条件"))

            def count(months=None):
                total = 0
                for y, month, attributes, n in by_unit_kind.get((uid, c["活动类型"]), ()):
                    if y != year:
                        continue
                    if months and not (months[0] <= month <= months[1]):
                        continue
                    if condition and attributes.get(condition[0]) != condition[1]:
                        continue
                    total += n
                return total

            reason = ""
            if rule == "至少":
                span = PERIOD_MONTHS[c["周期"]]
                required = int(c["要求次数"])
                missing = 0
                for first in range(1, 13, span):
                    missing += max(0, required - count((first, first + span - 1)))
                deduction = min(points, missing * unit_points)
                value = points - deduction
                if missing:
                    reason = f"缺{missing}次，扣{deduction:g}分"
            elif rule == "扣分":
                n = count()
                deduction = min(points, n * unit_points)
                value = points - deduction
                if n:
                    reason = f"{c['活动类型']}{n}次，扣{deduction:g}分"
            elif rule == "加分":
                n = count()
                gained = min(points, n * unit_points)
                bonus += gained
                if n:
                    details.append((c, gained, f"{c['活动类型']}{n}次，加{gained:g}分"))
                continue
            elif rule == "否决":
                if count():
                    vetoed = True
                    details.append((c, None, "一票否决"))
                continue
            elif rule == "时效":
                n = late[uid]
                deduction = min(points, n * unit_points)
                value = points - deduction
                if n:
                    reason = f"超时{n}起，扣{deduction:g}分"
            elif rule == "评分":
                value = manual.get((uid, c["编号"]), 0.0)
                if value < points:
                    reason = f"扣{points - value:g}分"
            else:
                continue
            sums[c["类别"]] += value
            maxima[c["类别"]] += points
            details.append((c, value, reason))
        scored = {cat: 100 * sums[cat] / maxima[cat] for cat in categories if maxima.get(cat)}
        owner = parent.get(uid)
        while owner and owner not in systems:
            owner = parent.get(owner)
        system = systems.get(owner) or systems[None]
        weights = {cat: system.get(cat, 0.0) for cat in scored}
        total_weight = sum(weights.values())
        weighted = sum(weights[cat] * scored[cat] for cat in scored) / total_weight if total_weight else 0.0
        total = round2(weighted + bonus)
        results.append(
            {
                "unit": uid,
                "name": unit["名称"],
                "secretary": unit.get("书记") or "",
                "categories": scored,
                "weighted": weighted,
                "bonus": bonus,
                "total": total,
                "vetoed": vetoed,
                "details": details,
            }
        )

    results.sort(key=lambda r: (r["vetoed"], -r["total"], natural_key(r["unit"])))
    previous, rank = None, 0
    for position, r in enumerate(results, 1):
        key = (r["vetoed"], r["total"])
        if key != previous:
            rank, previous = position, key
        r["rank"] = rank
        r["grade"] = bands[-1][0] if r["vetoed"] else next((n for n, t in bands if r["total"] >= t), bands[-1][0])
    return settings, categories, results


def natural_key(text):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def write_workbook(path, categories, results):
    workbook = openpyxl.Workbook(write_only=True)
    summary = workbook.create_sheet("汇总")
    summary.append(["排名", "单位编号", "单位名称", *categories, "加权得分", "加分", "总分", "等次"])
    for r in results:
        summary.append(
            [
                r["rank"],
                r["unit"],
                r["name"],
                *[round(r["categories"][c], 2) if c in r["categories"] else "—" for c in categories],
                round(r["weighted"], 2),
                r["bonus"],
                r["total"],
                r["grade"],
            ]
        )
    details = workbook.create_sheet("明细")
    details.append(["单位编号", "单位名称", "指标编号", "类别", "指标名称", "分值", "得分", "扣分说明"])
    for r in results:
        for c, value, reason in r["details"]:
            details.append([r["unit"], r["name"], c["编号"], c["类别"], c["名称"], c["分值"], value, reason])
    workbook.save(path)


def make_template(path):
    """A letter template with docxtpl tags: heading, salutation, a table row loop, closing."""
    document = Document()
    document.add_heading("{{ assessor }}关于{{ year }}年度意识形态工作责任制落实情况考核结果的反馈", level=1)
    document.add_paragraph("{{ name }}：")
    document.add_paragraph(
        "根据考核安排，现将你单位{{ year }}年度考核结果反馈如下：总分{{ total }}分，排名第{{ rank }}名，等次为{{ grade }}。"
    )
    document.add_paragraph("一、分类得分")
    add_loop_table(document, ["类别", "得分"], "c in categories", ["c.name", "c.score"])
    document.add_paragraph("二、扣分及加分情况")
    add_loop_table(
        document, ["指标", "分值", "得分", "说明"], "d in details", ["d.criterion", "d.points", "d.score", "d.reason"]
    )
    document.add_paragraph("请对照问题认真整改，并于30日内报送整改情况。")
    document.add_paragraph("{{ assessor }}")
    document.save(path)


def add_loop_table(document, titles, loop, fields):
    """A header row, then docxtpl's row loop: a `{%tr for %}` row, the repeated row, `{%tr endfor %}`."""
    rows = document.add_table(rows=4, cols=len(titles)).rows
    for cell, title in zip(rows[0].cells, titles):
        cell.text = title
    rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, field in zip(rows[2].cells, fields):
        cell.text = "{{ " + field + " }}"
    rows[3].cells[0].text = "{%tr endfor %}"


TEMPLATE = None


def init_worker(template_path):
    global TEMPLATE
    TEMPLATE = template_path


def render_letters(job):
    out_dir, settings, letters = job
    for r in letters:
        document = DocxTemplate(TEMPLATE)
        document.render(
            {
                "assessor": settings["考核单位"],
                "year": settings["年度"],
                "name": r["name"],
                "total": f"{r['total']:.2f}",
                "rank": r["rank"],
                "grade": r["grade"],
                "categories": [{"name": c, "score": f"{v:.2f}"} for c, v in r["categories"].items()],
                "details": r["details"],
            }
        )
        document.save(os.path.join(out_dir, f"{r['unit']}-{r['name']}.docx"))
    return len(letters)


def letter_jobs(out_dir, settings, results, chunks):
    slim = [
        {
            "unit": r["unit"],
            "name": r["name"],
            "total": r["total"],
            "rank": r["rank"],
            "grade": r["grade"],
            "categories": r["categories"],
            "details": [
                {
                    "criterion": c["名称"],
                    "points": c["分值"] or "",
                    "score": "" if value is None else f"{value:g}",
                    "reason": reason,
                }
                for c, value, reason in r["details"]
                if reason
            ],
        }
        for r in results
    ]
    size = max(1, len(slim) // chunks + 1)
    return [(out_dir, settings, slim[i : i + size]) for i in range(0, len(slim), size)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    letters_dir = os.path.join(args.output, "反馈")
    os.makedirs(letters_dir, exist_ok=True)
    started = dt.datetime.now()
    timings = []

    def stage(name):
        timings.append((name, (dt.datetime.now() - started).total_seconds()))

    with tempfile.TemporaryDirectory() as scratch, multiprocessing.Pool(2) as pool:
        template = os.path.join(scratch, "letter.docx")
        make_template(template)
        ledger = pool.apply_async(read_ledger, (args.input,))
        definitions = sheet_rows(args.input, ["设置", "单位", "指标", "权重", "舆情", "评分", "问责"])
        ledger_rows, counts = ledger.get()
        stage("read")
        settings, categories, results = score(definitions, counts)
        stage("score")
        pool.close()
        with multiprocessing.Pool(2, initializer=init_worker, initargs=(template,)) as letters_pool:
            letters = letters_pool.map_async(render_letters, letter_jobs(letters_dir, settings, results, 16))
            write_workbook(os.path.join(args.output, "考核结果.xlsx"), categories, results)
            stage("workbook")
            written = sum(letters.get())
            stage("letters")
    with open(os.path.join(args.output, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(
            [{k: r[k] for k in ("unit", "name", "total", "rank", "grade", "categories")} for r in results],
            f,
            ensure_ascii=False,
        )
    stage("summary")
    print(
        f"peer: {ledger_rows} ledger rows, {len(results)} units, {written} letters; "
        + ", ".join(f"{name} at {seconds:.1f}s" for name, seconds in timings),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
