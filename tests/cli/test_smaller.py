"""Smaller things a clerk met: tied ranks, one error prefix, file and git errors in words, dates, the deadline's basis."""

from __future__ import annotations


def test_tied_units_share_a_rank(ledger, run, h):
    for unit in ("市住建局", "市财政局", "市教育局"):
        run("add", f"{unit}的事项", "--lead-unit", unit, "--on", "2026-11-02", "--within", "5wd")
    run("done", "1", "--on", "2026-11-05")
    rep = run("report", "monthly", "--month", "2026-11", "--format", "json").json()
    ranks = {r["unit"]: r["rank"] for r in rep["ranking"]}
    assert ranks["市住建局"] == 1
    assert ranks["市财政局"] == ranks["市教育局"] == 2, rep["ranking"]


def test_no_line_says_both_usage_error_and_error(ledger, run, h):
    # One prefix for every error line, whether click or taizhang found the mistake.
    for args in (("list", "--as-of", "2026-13-01"), ("add", "甲", "--lead-unit", "市住建局", "--on", "前年"),
                 ("list", "--format", "bogus"), ("list", "--no-such-option"), ("show",)):
        res = run(*args, code=2)
        assert res.err.startswith("错误：") and "用法错误" not in res.err and res.err.count("错误：") == 1, res.err


def test_an_output_folder_that_does_not_exist_is_one_chinese_line_and_bad_input(ledger, run, h, tmp_path):
    run("add", "甲", "--lead-unit", "市住建局", "--within", "5wd")
    target = tmp_path / "没有的目录" / "x.xlsx"
    res = run("export", "-o", str(target), code=2)
    assert res.err.startswith("错误：目录不存在：") and res.err.count("\n") == 1, res.err
    assert "No such file" not in res.err and not target.parent.exists()


def test_sync_to_a_remote_that_is_no_repository_says_why_in_whole_words(ledger, run, h, tmp_path):
    h.git(ledger, "remote", "add", "bad", str(tmp_path / "nowhere.git"))
    res = run("sync", "--remote", "bad", code=3)
    assert res.err.count("\n") == 1, res.err
    assert "远程地址不是 git 仓库，或无权访问" in res.err and "and the repository exists" not in res.err


def test_after_an_extension_show_names_the_extension_as_the_deadlines_basis(ledger, run, h):
    run("add", "甲", "--lead-unit", "市住建局", "--within", "10wd")
    line = next(x for x in run("show", "1").out.splitlines() if x.startswith("办结时限"))
    assert "（规则 10wd）" in line
    run("extend", "1", "--by", "5wd", "--reason", "资金未到位", "--approved-by", "李副市长")
    line = next(x for x in run("show", "1").out.splitlines() if x.startswith("办结时限"))
    assert "延期，李副市长批准；原规则 10wd）" in line and "（规则 10wd）" not in line, line


def test_exported_dates_are_dates_in_excel(ledger, run, h, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    run("add", "甲", "--lead-unit", "市住建局", "--on", "2026-11-02", "--within", "10wd")
    run("export", "-o", str(tmp_path / "x.xlsx"))
    ws = load_workbook(tmp_path / "x.xlsx").active
    head = [c.value for c in ws[1]]
    for title in ("交办日期", "办结时限"):
        cell = ws.cell(2, head.index(title) + 1)
        assert isinstance(cell.value, dt.datetime) and cell.number_format == "yyyy-mm-dd", (title, cell.value)
    assert ws.cell(2, head.index("交办日期") + 1).value.date() == dt.date(2026, 11, 2)


def test_the_bulletins_sign_off_is_dated_the_day_it_is_issued(ledger, run, h, tmp_path):
    import datetime as dt

    from docx import Document

    from ledger.formats.gbt9704 import chinese_date

    run("add", "甲", "--lead-unit", "市住建局", "--on", "2026-10-12", "--within", "10wd", today="2026-10-12")
    out = tmp_path / "通报.docx"
    run("report", "monthly", "--month", "2026-10", "--format", "docx", "-o", str(out), today="2026-11-03")
    texts = [p.text.strip() for p in Document(str(out)).paragraphs]
    assert chinese_date(dt.date(2026, 11, 3)) in texts
    assert chinese_date(dt.date(2026, 10, 31)) not in texts


def test_a_given_deadline_in_a_year_without_holiday_data_is_kept_with_a_note(ledger, run, h):
    # The date stands (it is what the leader set); the workdays around it cannot be counted yet.
    res = run("add", "甲", "--lead-unit", "市住建局", "--due", "2027-03-01")
    assert res.last_line == "2026-0001"
    assert "2027 年的节假日安排尚未录入" in res.err and "calendar/2027.yaml" in res.err, res.err
    assert run("show", "1", "--format", "json").json()["due"] == "2027-03-01"
    quiet = run("add", "乙", "--lead-unit", "市住建局", "--due", "2026-12-31")
    assert "节假日安排" not in quiet.err, quiet.err


def test_a_mistyped_option_is_told_in_chinese_with_the_options_there_are(ledger, run, h):
    before = h.commit_count(ledger)
    res = run("list", "--al", code=2)
    assert res.err.count("\n") == 1 and "Possible options" not in res.err and "Did you mean" not in res.err, res.err
    assert "可用的选项：--all" in res.err, res.err
    assert h.commit_count(ledger) == before


def test_click_s_suggestions_read_as_one_chinese_sentence(run):
    option = run("list", "--al", code=2).err
    assert "没有这个选项 --al（可用的选项：--all" in option and "）；" in option, option
    command = run("shwo", "1", code=2).err
    assert "没有这个命令 'shwo'，是不是要写 'show'？" in command, command
    assert not any(mark in option + command for mark in (": --", " (", "'. ", "'?")), option + command
