"""Import of offices' own .xlsx/.csv 台账 and export back: real files built with openpyxl, real git ledgers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

import cli
from ledger.domain import phrases
from ledger.files.store import Ledger
from ledger.formats import tabular
from tests.support import sheetkit

D = dt.date


@pytest.fixture
def ledger_dir(tmp_path, monkeypatch):
    cfg = tmp_path / "gitconfig"
    cfg.write_text("[user]\n\tname = 督查员\n\temail = clerk@example.org\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("TAIZHANG_TODAY", "2026-03-10")
    root = tmp_path / "ledger"
    assert cli.main(["init", str(root)]) == 0
    monkeypatch.setenv("TAIZHANG_LEDGER", str(root))
    return root


def commits(root) -> int:
    return int(subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"],
                              capture_output=True, text=True, check=True).stdout)


def tasks(root) -> dict:
    led = Ledger(root, None, print)
    from ledger.files import codec

    return {rel.split("/")[-1][:-5]: codec.task_from_plain(v) for rel, v in led.load_all().items()}


def office_workbook(path):
    """A 台账 as a 督查室 keeps it: a merged title row, a note row, synonyms, a merged unit column."""
    wb = Workbook()
    ws = sheetkit.titled(wb.active, "重点工作", "2026年市政府重点工作任务督查台账",
                         "填报单位：市政府督查室　　　　填报日期：2026年3月", "I")
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "分管领导", "完成时限", "联系人", "交办日期", "备注"])
    ws.append([1, "推进老旧小区改造\n完成120个小区", "市住建局", "市财政局、市自然资源局", "李副市长",
               "2026年10月底", "张三", dt.datetime(2026, 3, 2), "民生实事"])
    ws.append([2, "新建口袋公园10个", None, "市财政局，市城管局", "李副市长", "第三季度末", "李四", "2026/3/5", None])
    ws.merge_cells("C4:C5")  # the same lead unit for both rows, as offices merge it
    ws.append([3, "整治黑臭水体", "市生态环境局", "市水利局; 各区政府", "王副市长", "长期", "", "2026.03.06", ""])
    ws.append([4, "优化营商环境", "市发改委", "市市场监管局 市政务服务中心", "赵副市长", 46387, "", "", ""])
    ws.append([5, "完成年度招商任务", "市商务局", "", "赵副市长", "年底", "", "", ""])
    ws.append([6, "编制十五五规划", "市发改委", "", "", dt.date(2026, 6, 30), "", "", ""])
    ws.append([7, "推进政务公开", "市政府办", "", "", "10月底", "", "", ""])
    ws.append([None, None, None, None, None, None, None, None, None])  # blank rows at the end are skipped
    wb.save(path)


def test_import_office_xlsx_every_field(ledger_dir, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    office_workbook(path)
    before = commits(ledger_dir)
    assert cli.main(["import", str(path)]) == 0
    assert "已导入 7 项事项，编号 2026-0001 至 2026-0007" in capsys.readouterr().out
    assert commits(ledger_dir) == before + 1
    t = tasks(ledger_dir)
    a = t["2026-0001"]
    assert a.title == "推进老旧小区改造 完成120个小区"
    assert (a.lead_unit, a.units, a.leader, a.contact) == ("市住建局", ["市财政局", "市自然资源局"], "李副市长", "张三")
    assert (a.assigned_on, a.due, a.registered_on, a.status) == (D(2026, 3, 2), D(2026, 10, 31), D(2026, 3, 10), "open")
    assert a.description == "民生实事" and a.progress == []
    b = t["2026-0002"]
    assert (b.lead_unit, b.units, b.due, b.assigned_on) == ("市住建局", ["市财政局", "市城管局"], D(2026, 9, 30), D(2026, 3, 5))
    c = t["2026-0003"]
    assert (c.units, c.due, c.assigned_on) == (["市水利局", "各区政府"], None, D(2026, 3, 6))
    d = t["2026-0004"]
    assert (d.units, d.due, d.assigned_on) == (["市市场监管局", "市政务服务中心"], D(2026, 12, 31), D(2026, 3, 10))
    assert t["2026-0005"].due == D(2026, 12, 31)
    assert t["2026-0006"].due == D(2026, 6, 30)
    assert t["2026-0007"].due == D(2026, 10, 31)
    msg = subprocess.run(["git", "-C", str(ledger_dir), "log", "-1", "--format=%B"], capture_output=True,
                         text=True, check=True).stdout
    assert msg.startswith("导入 7 项事项（台账.xlsx）") and "Taizhang-Action: import" in msg
    assert msg.count("Taizhang-Task: ") == 7
    assert cli.main(["check"]) == 0


def test_import_gb18030_csv_with_other_synonyms(ledger_dir, tmp_path):
    text = ("重点任务,主办单位,协办单位,牵头领导,办结时限,责任人,来源,文号\r\n"
            "落实常务会议定事项,市教育局,市财政局、市人社局,陈副市长,2026年4月30日,周五,常务会议,常务会纪要〔2026〕3号\r\n"
            "办理人大代表建议,市卫健委,,陈副市长,2026-05-31,,人大代表建议,第12号\r\n"
            "落实政府工作报告任务,市科技局,,,2026年第二季度末,,2026年政府工作报告,\r\n")
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    assert cli.main(["import", str(path)]) == 0
    t = tasks(ledger_dir)
    a = t["2026-0001"]
    assert (a.title, a.lead_unit, a.units, a.leader, a.contact) == (
        "落实常务会议定事项", "市教育局", ["市财政局", "市人社局"], "陈副市长", "周五")
    assert (a.source, a.ref, a.due) == ("常务会议", "常务会纪要〔2026〕3号", D(2026, 4, 30))
    assert (t["2026-0002"].source, t["2026-0002"].ref) == ("人大代表建议", "第12号")
    # An office's own wording of the source is kept as the reference, the kind recognised.
    assert (t["2026-0003"].source, t["2026-0003"].ref, t["2026-0003"].due) == (
        "政府工作报告", "2026年政府工作报告", D(2026, 6, 30))


def test_import_utf8_bom_csv_only_responsible_units(ledger_dir, tmp_path):
    # Only a 责任单位 column: the first unit named leads, the others assist.
    path = tmp_path / "bom.csv"
    path.write_text("\ufeff序号,事项,责任单位,完成时限\n1,清理拖欠账款,市财政局 市国资委,持续推进\n",
                    encoding="utf-8")
    assert cli.main(["import", str(path)]) == 0
    a = tasks(ledger_dir)["2026-0001"]
    assert (a.lead_unit, a.units, a.due) == ("市财政局", ["市国资委"], None)


def test_bad_rows_import_nothing_and_dry_run_names_them(ledger_dir, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["督查台账"])
    ws.append(["工作任务", "牵头单位", "完成时限"])
    ws.append(["好的事项", "市住建局", "2026-06-30"])
    ws.append(["", "市住建局", "2026-06-30"])          # row 4: no task
    ws.append(["日期不对", "市交通局", "下个月吧"])       # row 5: unreadable date
    ws.append(["没有单位", "", "2026-02-30"])           # row 6: no unit, no such day
    ws.append(["去年的逾期事项", "市交通局", "2026-01-05"])  # row 7: past deadline, no 交办日期: overdue
    wb.save(path)
    before = commits(ledger_dir)
    capsys.readouterr()
    assert cli.main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "第 4 行：事项不能为空" in err and "第 5 行：办结时限看不懂的日期：下个月吧" in err
    assert "第 6 行：牵头单位不能为空" in err and "第 6 行：办结时限日期不存在：2026-02-30" in err
    assert "第 7 行" not in err and "可导入 2 行（其中到达即逾期 1 行，交办日期不详 1 行），有问题 3 行" in err
    assert "未导入任何事项" in err
    assert commits(ledger_dir) == before and tasks(ledger_dir) == {}

    assert cli.main(["import", str(path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "表头在第 2 行" in out and "工作任务 → 事项" in out and "完成时限 → 办结时限" in out
    assert "第 5 行" in out and "有问题 3 行（试运行，未导入）" in out
    assert commits(ledger_dir) == before

    assert cli.main(["import", str(path), "--skip-bad"]) == 0
    assert "跳过有问题的 3 行" in capsys.readouterr().out
    assert list(tasks(ledger_dir)) == ["2026-0001", "2026-0002"] and commits(ledger_dir) == before + 1
    late = tasks(ledger_dir)["2026-0002"]
    assert (late.assigned_on, late.assigned_on_unknown, late.due) == (D(2026, 1, 5), True, D(2026, 1, 5))


def test_import_refuses_files_it_cannot_read(ledger_dir, tmp_path, capsys):
    (tmp_path / "x.txt").write_text("随便写点什么\n没有表头\n", encoding="utf-8")
    assert cli.main(["import", str(tmp_path / "x.txt")]) == 2
    assert "找不到表头" in capsys.readouterr().err
    assert cli.main(["import", str(tmp_path / "none.xlsx")]) == 2
    (tmp_path / "a.doc").write_bytes(b"x")
    assert cli.main(["import", str(tmp_path / "a.doc")]) == 2


def _seed(ledger_dir, capsys):
    assert cli.main(["add", "推进老旧小区改造", "--lead-unit", "市住建局", "--unit", "市财政局", "--unit", "市自然资源局",
                     "--leader", "李副市长", "--contact", "张三", "--source", "常务会议", "--ref", "纪要〔2026〕5号",
                     "--on", "2026-03-02", "--due", "2026-10-31", "--tag", "民生", "--description", "完成120个小区"]) == 0
    assert cli.main(["add", "整治黑臭水体", "--lead-unit", "市生态环境局", "--due", "2026-03-12"]) == 0
    assert cli.main(["progress", "2026-0002", "已完成排查"]) == 0
    capsys.readouterr()


CONTENT = ("title", "lead_unit", "units", "leader", "contact", "source", "ref", "assigned_on", "due", "tags",
           "description")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_tasks(ledger_dir, tmp_path, capsys, fmt):
    _seed(ledger_dir, capsys)
    out = tmp_path / f"export.{fmt}"
    assert cli.main(["export", "--format", fmt, "-o", str(out)]) == 0
    if fmt == "csv":
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert header[:6] == ["编号", "事项", "状态", "预警", "逾期工作日", "牵头单位"]
    else:
        ws = load_workbook(out).active
        assert ws.freeze_panes == "A2" and ws["B1"].value == "事项" and ws.column_dimensions["B"].width == 40
    before = tasks(ledger_dir)
    assert cli.main(["import", str(out)]) == 0
    after = tasks(ledger_dir)
    for old_id, new_id in (("2026-0001", "2026-0003"), ("2026-0002", "2026-0004")):
        for key in CONTENT:
            assert getattr(after[new_id], key) == getattr(before[old_id], key), key
    # The latest progress comes along; the sheet gives it no date, so it is dated today and says so.
    assert [p.text for p in after["2026-0004"].progress] == ["〔导入：原表未注日期〕已完成排查"]


def test_export_json_is_list_json_and_filters(ledger_dir, capsys):
    _seed(ledger_dir, capsys)
    assert cli.main(["export", "--format", "json", "--unit", "市住建局"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert cli.main(["list", "--format", "json", "--unit", "市住建局"]) == 0
    assert exported == json.loads(capsys.readouterr().out)
    assert [t["id"] for t in exported] == ["2026-0001"]
    assert cli.main(["export", "--format", "csv", "--overdue", "--as-of", "2026-03-20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith("2026-0002,整治黑臭水体,在办,红灯,")


@pytest.mark.parametrize("text, expected", [
    ("2026-10-31", D(2026, 10, 31)), ("2026/10/31", D(2026, 10, 31)), ("2026.10.31", D(2026, 10, 31)),
    ("2026年10月31日", D(2026, 10, 31)), ("2026年10月31日前", D(2026, 10, 31)), ("2026年10月底", D(2026, 10, 31)),
    ("2026年2月底", D(2026, 2, 28)), ("10月底", D(2026, 10, 31)), ("11月15日", D(2026, 11, 15)),
    ("年底", D(2026, 12, 31)), ("2027年底", D(2027, 12, 31)), ("第三季度末", D(2026, 9, 30)),
    ("三季度", D(2026, 9, 30)), ("2026年第一季度末", D(2026, 3, 31)), ("上半年", D(2026, 6, 30)),
    ("长期", None), ("持续推进", None), ("常态化", None), (46387, D(2026, 12, 31)), ("46387", D(2026, 12, 31)),
    (dt.datetime(2026, 5, 1, 0, 0), D(2026, 5, 1)), (" 2026 年 6 月 30 日 ", D(2026, 6, 30)),
])
def test_chinese_dates(text, expected):
    assert phrases.parse_cn_date(text, 2026) == expected


@pytest.mark.parametrize("text", ["下月", "2026-13-01", "", None, "13月底", 12])
def test_chinese_dates_refused(text):
    with pytest.raises(phrases.DateProblem):
        phrases.parse_cn_date(text, 2026)


def test_header_synonyms():
    for word, field in (("工作任务", "title"), ("任务内容", "title"), ("重点任务", "title"), ("事项", "title"),
                        ("牵头单位", "lead_unit"), ("主办单位", "lead_unit"), ("责任单位（牵头）", "lead_unit"),
                        ("责任单位", "units"), ("配合单位", "units"), ("协办单位", "units"),
                        ("责任领导", "leader"), ("牵头领导", "leader"), ("分管领导", "leader"),
                        ("完成时限", "due"), ("办结时限", "due"), ("时间节点", "due"),
                        ("责任人", "contact"), ("联系人", "contact"), ("备注", "description"),
                        ("完成\n时限", "due"), ("牵头单位(盖章)", "lead_unit")):
        assert tabular.header_field(word) == field, word
    assert tabular.split_units("市财政局、市人社局，市教育局,市科技局;市水利局；市商务局 市文旅局") == [
        "市财政局", "市人社局", "市教育局", "市科技局", "市水利局", "市商务局", "市文旅局"]


def test_large_import_is_one_commit_and_leaves_other_staged_work_alone(ledger_dir, tmp_path, capsys):
    assert cli.main(["add", "已有事项", "--lead-unit", "市住建局", "--due", "2026-06-30"]) == 0
    rows = "".join(f"第{i}项任务,市财政局,2026年{1 + i % 12}月底\n" for i in range(1, 61))
    path = tmp_path / "many.csv"
    path.write_text("工作任务,牵头单位,完成时限\n" + rows, encoding="utf-8")
    # A clerk's own staged change must not ride along in the import's commit.
    (ledger_dir / "notes.txt").write_text("草稿\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(ledger_dir), "add", "notes.txt"], check=True)
    before = commits(ledger_dir)
    # Assigned on 03-10 for the whole sheet: rows due in Jan/Feb contradict it and are skipped.
    assert cli.main(["import", str(path), "--skip-bad", "--assigned-on", "2026-03-10"]) == 0
    assert "编号 2026-0002 至" in capsys.readouterr().out
    assert commits(ledger_dir) == before + 1
    changed = subprocess.run(["git", "-C", str(ledger_dir), "show", "--name-only", "--format=", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert "notes.txt" not in changed and len(changed) == 50
    staged = subprocess.run(["git", "-C", str(ledger_dir), "diff", "--cached", "--name-only"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert staged == ["notes.txt"]
    assert len(tasks(ledger_dir)) == 51


def test_bulk_commit_without_other_staged_work(ledger_dir, tmp_path, capsys):
    rows = "".join(f"第{i}项任务,市财政局,2026-12-31\n" for i in range(1, 31))
    path = tmp_path / "bulk.csv"
    path.write_text("工作任务,牵头单位,完成时限\n" + rows, encoding="utf-8")
    assert cli.main(["import", str(path)]) == 0
    status = subprocess.run(["git", "-C", str(ledger_dir), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert status == "" and len(tasks(ledger_dir)) == 30 and cli.main(["check"]) == 0


# -- units directory -----------------------------------------------------------------
def _with_directory(root):
    cfg = root / "taizhang.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "units: {}\n" in text
    cfg.write_text(text.replace("units: {}\n", "units:\n  市住房和城乡建设局:\n    - 市住建局\n  市财政局: []\n"),
                   encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "单位名录"], check=True)


def _units_csv(path):
    path.write_text("工作任务,牵头单位,配合单位,完成时限\n"
                    "甲,市住建局,市财政局,2026-06-30\n"
                    "乙,市住建委,,2026-06-30\n"
                    "丙,市财政局,市教育局,2026-06-30\n", encoding="utf-8")


def test_import_canonicalises_and_refuses_unknown_units(ledger_dir, tmp_path, capsys):
    _with_directory(ledger_dir)
    path = tmp_path / "u.csv"
    _units_csv(path)
    before = commits(ledger_dir)
    capsys.readouterr()
    assert cli.main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "第 3 行：单位名录中没有“市住建委”，是否是：市住房和城乡建设局" in err
    assert "第 4 行：单位名录中没有“市教育局”" in err and "--new-unit" in err
    assert "第 2 行" not in err
    assert commits(ledger_dir) == before
    assert cli.main(["import", str(path), "--dry-run"]) == 1
    assert "u.csv: 第 3 行：单位名录中没有“市住建委”" in capsys.readouterr().out
    assert cli.main(["import", str(path), "--skip-bad"]) == 0
    t = tasks(ledger_dir)
    assert [(x.lead_unit, x.units) for x in t.values()] == [("市住房和城乡建设局", ["市财政局"])]


def test_import_new_unit_joins_directory_in_the_one_commit(ledger_dir, tmp_path, capsys):
    _with_directory(ledger_dir)
    path = tmp_path / "u.csv"
    _units_csv(path)
    before = commits(ledger_dir)
    assert cli.main(["import", str(path), "--new-unit"]) == 0
    assert commits(ledger_dir) == before + 1
    show = subprocess.run(["git", "-C", str(ledger_dir), "show", "--name-only", "--format=%B", "HEAD"],
                          capture_output=True, text=True, check=True).stdout
    assert "taizhang.yaml" in show and "单位名录新增：市住建委、市教育局" in show
    cfg = (ledger_dir / "taizhang.yaml").read_text(encoding="utf-8")
    assert "市住建委" in cfg and "市教育局" in cfg and "市住建局" in cfg
    t = tasks(ledger_dir)
    assert t["2026-0001"].lead_unit == "市住房和城乡建设局"
    assert t["2026-0003"].units == ["市教育局"]
    assert cli.main(["check", "--strict"]) == 0
    capsys.readouterr()
    assert cli.main(["check"]) == 0


def test_import_without_directory_keeps_names(ledger_dir, tmp_path):
    path = tmp_path / "u.csv"
    _units_csv(path)
    assert cli.main(["import", str(path)]) == 0
    assert tasks(ledger_dir)["2026-0002"].lead_unit == "市住建委"
    assert "单位名录新增" not in subprocess.run(["git", "-C", str(ledger_dir), "log", "-1", "--format=%B"],
                                             capture_output=True, text=True, check=True).stdout


def test_import_new_unit_starts_an_empty_directory(ledger_dir, tmp_path):
    path = tmp_path / "u.csv"
    _units_csv(path)
    assert cli.main(["import", str(path), "--new-unit"]) == 0
    cfg = (ledger_dir / "taizhang.yaml").read_text(encoding="utf-8")
    assert all(u in cfg for u in ("市住建局", "市财政局", "市住建委", "市教育局"))
    assert cli.main(["check", "--strict"]) == 0
