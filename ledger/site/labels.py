"""Chinese labels of the fields a site page shows, and how a value reads on a page (pure)."""

from __future__ import annotations

from typing import Any

FIELD_LABELS = {
    "id": "编号", "title": "事项", "status": "状态代码", "status_label": "状态", "light": "预警灯",
    "overdue_workdays": "逾期工作日", "workdays_left": "剩余工作日", "lead_unit": "牵头单位", "units": "责任单位",
    "leader": "牵头领导", "contact": "联系人", "source": "任务来源", "ref": "文号或依据", "parent": "上级事项",
    "description": "事项内容", "assigned_on": "交办日期", "registered_on": "登记日期", "assign_due": "交办单印发期限",
    "due": "办理时限", "due_provisional": "时限暂定", "deadline_rule": "时限规则", "deadline_basis": "时限依据",
    "report_cycle": "定期报送", "tags": "标签", "milestones": "时间节点", "progress": "办理进展",
    "done": "申请办结", "verification": "核验销号", "deadline_changes": "时限变更", "extension_requests": "延期申请", "urges": "催办督办",
    "events": "退办、撤销与暂缓", "difficulties": "执行困难报告", "coordinations": "协调记录",
    "notices": "督查通知书", "interviews": "约谈记录", "schema_version": "文件格式版本",
    "assign_late_days": "交办超时（工作日）", "written_report_due": "须书面报告", "urged": "催办过",
    "extended": "延期过", "light_reasons": "亮灯原因", "expected_percent": "序时进度（%）",
    "progress_lag": "落后序时进度（百分点）",
}

RECORD_LABELS = {
    "on": "日期", "text": "内容", "by": "经办人", "percent": "完成进度（%）", "due": "时限", "done_on": "完成日期",
    "note": "说明", "verified_by": "核验人", "method": "核验方式", "kind": "类型", "old_due": "原时限",
    "new_due": "新时限", "reason": "原因", "rule": "规则", "requested_due": "申请时限", "late": "超时申请",
    "approved_by": "批准人", "level": "级别", "number": "文号", "action": "动作", "report_due": "报告期限",
    "answer_due": "答复期限", "answer": "答复", "answered_on": "答复日期", "resolved": "已解决",
    "fix_due": "整改期限", "person": "约谈对象", "round": "报送轮次",
}

# The monthly report's columns per unit (report.UnitRow.as_json), in the bulletin's order.
UNIT_COLUMNS = (
    ("held", "在办事项"), ("due", "本期到期"), ("due_suspended", "到期暂缓"), ("done_on_time", "按期办结"),
    ("done_late", "逾期办结"), ("overdue", "逾期未办结"), ("urges", "催办督办"), ("on_time_rate", "按期办结率"),
)

def value_text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{RECORD_LABELS.get(k, k)} {value_text(v)}" for k, v in value.items())
    return str(value)
