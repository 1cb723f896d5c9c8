"""`taizhang calendar notice`: preview a holiday notice, then file it and recompute, in one commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ledger.files.store import Ledger
from tests.support.runner import DATA

NOTICES = DATA / "notices"
# Test data in the notice's official form. 2027's real notice is not published yet: these
# dates are made up for the test and must never be copied into a ledger.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕99号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节和劳动节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至11日（周四）放假调休，共7天。1月31日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）和5月8日（周六）上班。
国务院办公厅
2026年11月30日
"""


@pytest.fixture
def notice_file(tmp_path) -> Path:
    path = tmp_path / "2027年节假日安排.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    return path


def provisional_tasks(run, h) -> tuple[str, str, str]:
    """Two deadlines counted into unknown 2027 (weekends only) and one inside 2026."""
    a = h.add("跨年事项", "--within", "30wd")  # weekends only: Fri 2027-01-01
    b = h.add("春节后办结", "--within", "60wd")  # weekends only: Fri 2027-02-12
    c = h.add("年内办结")  # 2026-12-04, known already
    return a, b, c


def due(run) -> dict[str, tuple[str, bool]]:
    return {t["id"]: (t["due"], t["due_provisional"]) for t in run("list", "--format", "json").json()}


def test_preview_shows_the_year_and_writes_nothing(ledger, run, h, notice_file):
    before = h.snapshot(ledger)
    out = run("calendar", "notice", notice_file).out
    assert "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕99号）" in out
    assert "2 月" in out and " 5休  6休  7休" in out and "20班 21" in out and "31班" in out
    assert "│ 春节   │ 2月5日（周五）至2月11日（周四） │ 7    │ 1月31日（周日）、2月20日（周六） │" in out
    assert "合计：放假 18 天，调休上班 4 天" in out
    assert "未能识别" not in out
    assert h.snapshot(ledger) == before


def test_preview_needs_no_ledger(run, tmp_path):
    out = run("calendar", "notice", NOTICES / "2024.txt", cwd=tmp_path).out
    assert "2024 年放假安排" in out
    assert "未能识别的句子（未计入上表）：" in out and "除夕（2月9日）休息" in out


def test_write_files_the_year_and_recomputes_in_one_commit(ledger, run, h, notice_file):
    a, b, c = provisional_tasks(run, h)
    assert due(run) == {a: ("2027-01-01", True), b: ("2027-02-12", True), c: ("2026-12-04", False)}
    n = h.commit_count(ledger)
    res = run("calendar", "notice", notice_file, "--write")
    assert res.out.splitlines() == ["已写入 calendar/2027.yaml",
                                    f"{a} 跨年事项：时限 2027-01-04", f"{b} 春节后办结：时限 2027-02-19"]
    assert h.commit_count(ledger) == n + 1
    msg = h.git(ledger, "log", "-1", "--format=%B")
    assert msg.startswith("录入 2027 年节假日安排（国办发明电〔2026〕99号），重算暂定时限 2 项")
    assert "Taizhang-Action: calendar" in msg
    assert f"Taizhang-Task: {a}" in msg and f"Taizhang-Task: {b}" in msg and c not in msg
    files = h.git(ledger, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(files) == sorted(["calendar/2027.yaml", f"tasks/2026/{a}.yaml", f"tasks/2026/{b}.yaml"])
    assert h.git(ledger, "status", "--porcelain") == ""
    # The file is the ledger's calendar format, with the notice named.
    text = (ledger / "calendar" / "2027.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕99号）\n")
    assert "ref: 国办发明电〔2026〕99号" in text and "  - 2027-02-20  # 春节" in text
    hols, works = Ledger(ledger, None, print).calendar_files()[2027]
    assert len(hols) == 18 and [str(d) for d in works] == ["2027-01-31", "2027-02-20", "2027-04-25", "2027-05-08"]
    # `list` shows the former provisional deadlines counted with the new year.
    assert due(run) == {a: ("2027-01-04", False), b: ("2027-02-19", False), c: ("2026-12-04", False)}
    assert run("check").out == ""
    assert "20班" in run("calendar", "2027-02").out
    # The same notice again: nothing changes, no commit.
    assert run("calendar", "notice", notice_file, "--write").out == "calendar/2027.yaml 已与通知一致，未改动\n"
    assert h.commit_count(ledger) == n + 1


def test_the_installed_script_reads_the_notice_from_stdin(ledger, run, h):
    a, _, _ = provisional_tasks(run, h)
    # Pasted from a web page: GBK-free UTF-8, half-width brackets, no line breaks.
    pasted = NOTICE_2027.replace("（", "(").replace("）", ")").replace("\n", "")
    proc = subprocess.run([*h.script, "calendar", "notice", "-", "--write"], input=pasted.encode("utf-8"),
                          cwd=ledger, env=h.script_env(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    assert f"{a} 跨年事项：时限 2027-01-04" in proc.stdout.decode("utf-8")
    assert "Taizhang-Action: calendar" in h.git(ledger, "log", "-1", "--format=%B")
    assert due(run)[a] == ("2027-01-04", False)


def test_a_docx_and_a_gbk_text_are_read(ledger, run, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in NOTICE_2027.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "通知.docx"
    document.save(path)
    assert "合计：放假 18 天，调休上班 4 天" in run("calendar", "notice", path).out
    gbk = tmp_path / "通知.txt"
    gbk.write_bytes(NOTICE_2027.encode("gb18030"))
    assert "合计：放假 18 天，调休上班 4 天" in run("calendar", "notice", gbk).out


@pytest.mark.parametrize("old, new, quoted", [
    ("至3日（周日）", "至3日（周六）", "1月3日是周日，不是周六"),
    ("4月31日", None, None),
    ("共7天", "共8天", "是 7 天，不是共8天"),
    ("2月20日（周六）", "2月19日（周五）", "本来就是工作日"),
    ("现将2027年", "现将2026年", "与通知标题的 2027 年不符"),
])
def test_an_inconsistent_notice_is_refused_with_its_sentence(ledger, run, h, refuse, tmp_path, via,
                                                            old, new, quoted):
    provisional_tasks(run, h)
    if new is None:  # a day that does not exist
        bad = NOTICE_2027.replace("4月3日（周六）至5日（周一）", "4月31日至5月2日")
        quoted = "2027年4月31日不存在"
    else:
        bad = NOTICE_2027.replace(old, new, 1)
    path = tmp_path / "bad.txt"
    path.write_text(bad, encoding="utf-8")
    err = refuse(ledger, "calendar", "notice", path, "--write", via=via).err
    sentence = next(s for s in bad.replace("。", "。\n").splitlines() if (new or "4月31日") in s)
    assert f"“{sentence.strip()}”" in err and quoted in err
    assert not (ledger / "calendar" / "2027.yaml").exists()


@pytest.fixture(params=["run", "sh"])
def via(request):
    return request.param


def test_an_arrangement_it_cannot_read_stops_the_write(ledger, refuse, tmp_path):
    odd = NOTICE_2027.replace("三、清明节：4月3日（周六）至5日（周一）放假，共3天。", "三、清明节：清明前后放假3天。")
    path = tmp_path / "odd.txt"
    path.write_text(odd, encoding="utf-8")
    err = refuse(ledger, "calendar", "notice", path, "--write").err
    assert "没有读懂：“三、清明节：清明前后放假3天。”" in err


def test_a_missing_file_is_refused(ledger, refuse):
    assert "找不到文件" in refuse(ledger, "calendar", "notice", "没有这个文件.txt", "--write").err


def test_new_years_eve_of_the_old_year_is_checked_against_the_old_years_calendar(ledger, run, h):
    # The 2023 notice starts 元旦 on Sat 2022-12-31, a rest day in the built-in 2022: accepted.
    n = h.commit_count(ledger)
    run("calendar", "notice", NOTICES / "2023.txt", "--write")
    assert h.commit_count(ledger) == n + 1
    hols, _ = Ledger(ledger, None, print).calendar_files()[2023]
    assert min(hols).isoformat() == "2023-01-01"  # the file holds its own year only


def test_calendar_keeps_its_month_form_and_points_to_notice(run, tmp_path):
    out = run("calendar", "--help", cwd=tmp_path).out
    assert out.startswith("Usage: taizhang calendar [OPTIONS] [YYYY-MM]")
    assert "--recompute" in out and "taizhang calendar notice FILE|- [--write]" in out
    assert "taizhang calendar --help" in run("calendar", "--no-such", code=2, cwd=tmp_path).err


def test_an_old_year_day_the_ledger_counts_as_a_workday_is_refused(ledger, refuse, tmp_path):
    # 2026-12-31 is a Thursday, a workday in the built-in 2026: the 2027 file cannot hold it.
    odd = NOTICE_2027.replace("一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
                              "一、元旦：2026年12月31日（周四）至2027年1月3日（周日）放假，共4天。")
    path = tmp_path / "odd.txt"
    path.write_text(odd, encoding="utf-8")
    err = refuse(ledger, "calendar", "notice", path, "--write").err
    assert "2026-12-31" in err and "calendar/2026.yaml" in err


def test_advice_it_does_not_count_is_mentioned_on_stderr(ledger, run):
    res = run("calendar", "notice", NOTICES / "2024.txt", "--write")
    assert res.out == "已写入 calendar/2024.yaml\n"
    subject = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=ledger, capture_output=True, text=True).stdout
    assert subject == "录入 2024 年节假日安排（国办发明电〔2023〕7号）\n"  # nothing was provisional
    assert res.err == "提示：这一句未计入日历：“鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。”\n"
