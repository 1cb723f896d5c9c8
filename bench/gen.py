"""Generate a realistic ledger of N tasks as a real git repository, fast (files written directly)."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
from pathlib import Path

from ledger.domain.model import (
    DeadlineChange,
    DoneReport,
    Event,
    Milestone,
    Progress,
    Task,
    Urge,
    Verification,
    format_id,
)
from ledger.domain.sources import DEFAULT_RULES
from ledger.domain.workdays import Calendar, parse_span
from ledger.files import emit
from ledger.files.configfiles import DEFAULT_CONFIG

UNITS = [
    "市发展改革委", "市教育局", "市科技局", "市工业和信息化局", "市公安局", "市民政局", "市司法局", "市财政局",
    "市人力资源社会保障局", "市自然资源和规划局", "市生态环境局", "市住房城乡建设局", "市城市管理局", "市交通运输局",
    "市水务局", "市农业农村局", "市商务局", "市文化广电旅游局", "市卫生健康委", "市退役军人事务局", "市应急管理局",
    "市审计局", "市市场监管局", "市统计局", "市医保局", "市信访局", "市数据局", "市政务服务中心", "市国资委",
    "市税务局", "市消防救援支队", "东城区政府", "西城区政府", "南湖区政府", "北山县政府", "高新区管委会",
    "经开区管委会",
]
LEADERS = ["王建国", "李明华", "张卫东", "刘晓燕", "陈志强", "杨丽娟", "赵国庆", "黄海波", "周文静", "吴振宇"]
CONTACTS = ["孙科长", "马主任", "朱科员", "胡副科长", "郭主任", "何科长", "林科员", "罗主任"]
VERBS = ["推进", "加快", "做好", "落实", "研究解决", "抓紧完成", "统筹推进", "督促整改", "全面排查", "协调解决"]
OBJECTS = [
    "老旧小区改造", "城区积水点治理", "中小学学位扩容", "农村供水保障", "营商环境优化", "重点项目开工",
    "安全生产隐患排查", "信访积案化解", "农贸市场提升改造", "公交线网优化", "污水管网建设", "养老服务设施建设",
    "12345热线工单办理", "高标准农田建设", "政务服务一网通办", "历史遗留产权证办理", "背街小巷整治",
    "企业欠薪问题处置", "冬季供暖保障", "河道生态修复", "停车难问题", "食品安全专项检查", "招商引资项目落地",
    "消防通道清理", "电动自行车充电设施建设", "防汛物资储备", "医保基金监管", "社区卫生服务中心建设",
]
PLACES = ["", "东城区", "西城区", "南湖区", "北山县", "高新区", "经开区", "滨江片区", "火车站周边", "城北新区"]
PROGRESS = [
    "已召开专题会议研究部署，明确责任分工。", "已完成现场踏勘，正在编制实施方案。", "方案已报分管领导审定。",
    "已完成招标，施工单位进场。", "工程形象进度过半。", "已协调相关部门解决资金缺口。",
    "已约谈责任单位负责人，督促加快进度。", "主体工作已完成，正在收尾。", "已形成书面报告报送督查室。",
]
TAGS = ["民生", "重点项目", "安全生产", "营商环境", "信访", "年度目标", "环保督察"]


def make_task(rng: random.Random, year: int, seq: int, today: dt.date, cal: Calendar) -> Task:
    """One task with the records an office accumulates: progress, extensions, done, close."""
    t = draft_task(rng, year, seq, today, cal)
    settle(rng, t, today)
    return t


def draft_task(rng: random.Random, year: int, seq: int, today: dt.date, cal: Calendar) -> Task:
    """One open task with its progress, extensions and urges so far: what `settle` then closes or not."""
    rule = rng.choice(DEFAULT_RULES)
    start = dt.date(year, 1, 2)
    span_days = min((today - start).days, 365 if year < today.year else (today - start).days)
    assigned = start + dt.timedelta(days=rng.randrange(max(span_days, 1)))
    lead = rng.choice(UNITS)
    units = rng.sample([u for u in UNITS if u != lead], rng.choice((0, 0, 1, 1, 2, 3)))
    rule_text = rule.deadline_several_units if units and rule.deadline_several_units else rule.deadline
    if rule_text:
        due = cal.add_span(assigned, parse_span(rule_text)).date
        deadline_rule = rule_text
    else:
        due = cal.add_span(assigned, parse_span(rng.choice(("1m", "2m", "3m", "6m", "20wd")))).date
        deadline_rule = ""
    title = f"{rng.choice(PLACES)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}"
    if rng.random() < 0.3:
        title += f"（第{rng.randint(1, 12)}批）"
    t = Task(
        id=format_id(year, seq), title=title, lead_unit=lead, units=units, assigned_on=assigned,
        registered_on=assigned, due=due, leader=rng.choice(LEADERS), contact=rng.choice(CONTACTS),
        source=rule.kind, ref=f"〔{year}〕{rng.randint(1, 300)}号" if rng.random() < 0.7 else "",
        deadline_rule=deadline_rule, tags=sorted(set(rng.sample(TAGS, rng.choice((0, 0, 1, 2))))),
        description="请按要求抓好落实，按时反馈办理情况。" if rng.random() < 0.3 else "",
    )
    if rng.random() < 0.15 and due > assigned + dt.timedelta(days=10):
        t.milestones = [Milestone(assigned + dt.timedelta(days=7), "报送实施方案",
                                  assigned + dt.timedelta(days=6) if rng.random() < 0.6 else None)]
    day = assigned
    for _ in range(rng.choice((0, 1, 1, 2, 3, 5))):
        nxt = day + dt.timedelta(days=rng.randint(3, 20))
        if nxt > today:
            break
        day = nxt
        t.progress.append(Progress(day, rng.choice(PROGRESS), rng.choice(CONTACTS)))
    if rng.random() < 0.12 and t.due and t.due <= today:
        new_due = cal.add_span(t.due, parse_span(rng.choice(("10wd", "1m")))).date
        t.deadline_changes.append(DeadlineChange(t.due, "extend", t.due, new_due, "涉及多部门协调，申请延期", "督查室"))
        t.due = new_due
    if rng.random() < 0.1 and t.due and t.due <= today:
        t.urges.append(Urge(t.due + dt.timedelta(days=1), rng.choice(("remind", "supervise")), "请抓紧办理", "督查室"))
    return t


def done_share(task: Task, today: dt.date) -> float:
    """How likely a task of this age is to be done by now: older tasks mostly closed, recent ones still open."""
    age = (today - task.assigned_on).days
    return 0.97 if age > 365 else 0.85 if age > 120 else 0.5 if age > 30 else 0.15


def settle(rng: random.Random, t: Task, today: dt.date, fate: str | None = None) -> None:
    """What happened afterwards: done and closed, cancelled, suspended or still open, by the task's age.

    `fate` "open" keeps the task open; "settled" makes it anything but open, in the same proportions.
    """
    p_done = done_share(t, today)
    if fate == "open":
        return
    r = rng.random()
    if fate == "settled":
        r *= p_done + 0.02
    age = (today - t.assigned_on).days
    day = max([t.assigned_on, *(p.on for p in t.progress)])
    if r < p_done:
        done_on = min(today, (t.due or today) + dt.timedelta(days=rng.randint(-10, 8)))
        done_on = max(done_on, day, t.assigned_on)
        t.done = DoneReport(done_on, "已按要求办结。", rng.choice(CONTACTS))
        t.status = "reported"
        if age > 40 or rng.random() < 0.6:
            v_on = min(today, done_on + dt.timedelta(days=rng.randint(0, 10)))
            t.verification = Verification(v_on, rng.choice(LEADERS), rng.choice(("onsite", "document")), "", "督查室")
            t.status = "closed"
    elif r < p_done + 0.01:
        t.status = "cancelled"
        t.events.append(Event(min(today, t.assigned_on + dt.timedelta(days=5)), "cancel", "重复交办，并入其他事项", "督查室"))
    elif r < p_done + 0.02:
        t.status = "suspended"


def open_fates(rng: random.Random, tasks: list[Task], today: dt.date, share: float) -> list[str]:
    """Exactly round(share × n) of the tasks stay open, recent ones more likely than old ones
    (weighted sampling without replacement); at 1.0 every task is open, as in a freshly imported backlog."""
    keep = round(share * len(tasks))
    keys = [rng.random() ** (1 / (1.01 - done_share(t, today))) for t in tasks]
    chosen = set(sorted(range(len(tasks)), key=keys.__getitem__, reverse=True)[:keep])
    return ["open" if i in chosen else "settled" for i in range(len(tasks))]


def generate(root: Path, n: int, today: dt.date, seed: int = 42, years: int = 4,
             open_share: float | None = None) -> list[Task]:
    """Write n tasks spread over `years` years ending at today, one `git add -A` and one commit.

    Each task's status follows its age unless `open_share` is given: then exactly that share of the
    tasks is open (mostly the recent ones; at 1.0 all, most of them overdue) and the rest are not.
    """
    rng = random.Random(seed)
    cal = Calendar()
    root.mkdir(parents=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "督查室", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "督查室", "GIT_COMMITTER_EMAIL": "bench@example.org", "LC_ALL": "C"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "config", "user.name", "督查室"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.email", "bench@example.org"], check=True)
    (root / "taizhang.yaml").write_bytes(emit.mapping_to_yaml({**DEFAULT_CONFIG, "org": "某某市人民政府督查室"}))
    (root / ".gitignore").write_text("*.swp\n")
    (root / "calendar").mkdir()
    (root / "calendar" / ".gitkeep").write_bytes(b"")
    first = today.year - years + 1
    weights = [1 + i * 0.2 for i in range(years)]
    counts = [int(n * w / sum(weights)) for w in weights]
    counts[-1] += n - sum(counts)
    years_seqs = [(year, seq) for year, count in zip(range(first, today.year + 1), counts)
                  for seq in range(1, count + 1)]
    if open_share is None:
        tasks = [make_task(rng, year, seq, today, cal) for year, seq in years_seqs]
    else:
        tasks = [draft_task(rng, year, seq, today, cal) for year, seq in years_seqs]
        for t, fate in zip(tasks, open_fates(rng, tasks, today, open_share)):
            settle(rng, t, today, fate)
    for year in range(first, today.year + 1):
        (root / "tasks" / str(year)).mkdir(parents=True)
    for (year, _), t in zip(years_seqs, tasks):
        (root / "tasks" / str(year) / f"{t.id}.yaml").write_bytes(emit.task_to_yaml(t))
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", f"导入 {n} 个事项（基准测试）"], check=True, env=env)
    return tasks
