#!/usr/bin/env bash
# 用真实的 taizhang 命令逐日重建示例台账 examples/ledger/。
#
#   bash examples/build.sh                 重建 examples/ledger/（只导出文件，不含 .git）
#   bash examples/build.sh --ledger DIR    在 DIR 建一个带完整 git 历史的示例台账（不导出），
#                                          可在其中试 taizhang log
#   bash examples/build.sh --out DIR       导出到 DIR 而不是 examples/ledger/（测试用它核对示例是否过时）
#
# 需要 PATH 上有 taizhang（或用环境变量 TAIZHANG 指定命令）。
# 日期由 TAIZHANG_TODAY 逐日推进；git 作者与提交时间也设为当天，历史读起来像真实的一年。
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export_to=$here/ledger
work=$(mktemp -d "${TMPDIR:-/tmp}/taizhang-example.XXXXXX")
trap 'rm -rf "$work"' EXIT
ledger=$work/ledger
case ${1:-} in
    "") ;;
    --ledger) [[ -n ${2:-} ]] || { echo "用法：bash examples/build.sh [--ledger DIR | --out DIR]" >&2; exit 2; }
              ledger=$2; export_to= ;;
    --out)    [[ -n ${2:-} ]] || { echo "用法：bash examples/build.sh [--ledger DIR | --out DIR]" >&2; exit 2; }
              if [[ -e $2 && -n $(ls -A "$2") ]]; then echo "$2 不是空目录" >&2; exit 2; fi
              export_to=$2 ;;
    *)        echo "用法：bash examples/build.sh [--ledger DIR | --out DIR]" >&2; exit 2 ;;
esac

read -r -a tz <<<"${TAIZHANG:-taizhang}"
# 示例不依赖本机的 git 配置：经办人固定为督查室的王敏
printf '[user]\n\tname = 王敏\n\temail = wangmin@dcs.example.gov.cn\n[init]\n\tdefaultBranch = main\n' >"$work/gitconfig"
export GIT_CONFIG_GLOBAL=$work/gitconfig GIT_CONFIG_NOSYSTEM=1
export TAIZHANG_LEDGER=$ledger

day() {  # 把“今天”拨到某一天
    export TAIZHANG_TODAY=$1
    export GIT_AUTHOR_DATE="$1T09:30:00+08:00" GIT_COMMITTER_DATE="$1T09:30:00+08:00"
}
t() { "${tz[@]}" "$@"; }
add() { t add "$@" | tail -n 1; }   # add 的最后一行是新事项编号

day 2026-01-05
t init "$ledger" --org "示例市人民政府办公室督查室" >/dev/null

# 日历文件的写法说明（2027 年放假安排尚未公布，不编造数据）
cat >"$ledger/calendar/README.md" <<'MD'
# calendar/：本台账自己的节假日安排

taizhang 的工作日取自内置的中国日历（chinese-calendar，目前覆盖 2004–2026 年）。
本目录的 `年份.yaml` 文件覆盖或补充内置日历：

- 国务院公布了下一年的放假安排、而内置日历尚未收录时，照录为 `2027.yaml`；
- 本地另有放假或调休安排时，写入当年的文件。

格式：两个列表，日期一律写成 `YYYY-MM-DD`，且必须属于文件名的年份。

```yaml
# calendar/2027.yaml（仅为格式示例，日期不是真实安排）
holidays:      # 放假的日子（含落在工作日的节日和调休放假）
  - 2027-01-01
workdays:      # 调休上班的周六、周日
  - 2027-01-02
```

本示例台账没有 `2027.yaml`：2027 年的放假安排尚未公布，不编造数据。
因此时限落在 2027 年的事项按周末推算、标为“暂定”（JSON 中 `due_provisional: true`），
命令会在 stderr 提示。安排公布后照录成 `calendar/2027.yaml`，再运行
`taizhang calendar --recompute`，暂定的时限即按正式日历重算（一次提交）。
MD
git -C "$ledger" add -- calendar/README.md
git -C "$ledger" commit -q -m "日历目录说明" -- calendar/README.md

# 1. 政府工作报告分解：时限按分解方案填写（--due），年中申请延期
day 2026-03-13
gzbg=$(add "推进城市更新行动，全年完成城镇老旧小区改造 120 个" \
    --lead-unit 市住建局 --unit 市发改委 --unit 市财政局 --leader 张建国 --contact 刘洋 \
    --source 政府工作报告 --ref "2026年市政府工作报告重点工作分解方案" --on 2026-03-13 \
    --due 2026-09-30 --tag 重点工作 --tag 城市更新)
day 2026-04-03
t progress "$gzbg" "已完成 120 个小区的摸底调查和改造方案编制" --on 2026-04-03 >/dev/null
day 2026-07-06
t progress "$gzbg" "上半年开工 64 个，完工 21 个" --on 2026-07-06 >/dev/null
day 2026-09-25
t extend "$gzbg" --to 2026-12-25 --reason "三季度连续降雨，部分小区管网改造顺延，经分管领导同意延期" >/dev/null
day 2026-11-03
t progress "$gzbg" "已完工 98 个，剩余 22 个正在收尾" --on 2026-11-03 >/dev/null

# 2. 民生实事：全年任务，4 月起每月报进展
day 2026-03-20
mssh=$(add "新增公办幼儿园学位 3000 个" \
    --lead-unit 市教育局 --unit 市财政局 --unit 市自然资源局 --leader 陈晓梅 --contact 黄丽 \
    --source 民生实事 --ref "2026年市政府十件民生实事" --on 2026-03-20 --due 2026-12-31 \
    --milestone "2026-08-31:新建幼儿园主体完工" --milestone "2026-12-20:全部学位投用并通过验收" \
    --tag 民生实事)
for m in 04-03 05-07 06-03 07-03 08-05 09-03 10-12 11-04; do
    day 2026-$m
    case $m in
        04-03) text="8 所新建幼儿园全部完成立项" ;;
        05-07) text="6 所已开工，2 所完成招标" ;;
        06-03) text="8 所全部开工，累计完成投资 1.2 亿元" ;;
        07-03) text="主体结构完成 70%" ;;
        08-05) text="5 所主体完工，3 所预计 9 月底完工" ;;
        09-03) text="秋季学期新增学位 2100 个已投用" ;;
        10-12) text="剩余 3 所主体完工，进入装修" ;;
        11-04) text="累计新增学位 2650 个，剩余 350 个 12 月投用" ;;
    esac
    t progress "$mssh" "$text" --on 2026-$m >/dev/null
done

# 3. 人大代表建议：时限按交办要求
day 2026-04-15
rdjy=$(add "关于加快农村供水一体化建设的建议（第 0086 号）" \
    --lead-unit 市水利局 --unit 市财政局 --leader 张建国 --contact 吴强 \
    --source 人大代表建议 --ref "市人大十七届五次会议第0086号建议" --on 2026-04-15 --due 2026-07-15 \
    --tag 建议提案)
day 2026-06-10
t progress "$rdjy" "已与代表当面沟通，供水管网延伸方案已报市政府" --on 2026-06-10 >/dev/null
day 2026-07-08
t done "$rdjy" --note "书面答复已送代表，代表表示满意" --on 2026-07-08 --by 吴强 >/dev/null
day 2026-07-20
t close "$rdjy" --verified-by 王敏 --method document --note "核对答复件及代表意见反馈表" --on 2026-07-20 >/dev/null

# 4. 上级文件：3 日内部署落实，逾期后催办
day 2026-09-07
sjwj=$(add "贯彻落实省政府关于安全生产治本攻坚三年行动的部署" \
    --lead-unit 市应急管理局 --unit 市住建局 --unit 市交通运输局 --leader 赵志刚 --contact 孙伟 \
    --source 上级文件 --ref "赣府发〔2026〕21号" --on 2026-09-07 --tag 安全生产)
day 2026-09-08
t progress "$sjwj" "已报主要负责人，起草我市实施方案" --on 2026-09-08 >/dev/null
day 2026-09-16
t urge "$sjwj" --level remind --note "请于 9 月 18 日前印发实施方案" >/dev/null
day 2026-09-28
t urge "$sjwj" --level supervise --note "实施方案仍未印发，请说明原因并限期办结" >/dev/null
day 2026-10-15
t progress "$sjwj" "实施方案已提请市政府常务会议审议" --on 2026-10-15 >/dev/null

# 5. 常务会议：半个月内反馈；办结、现场核验销号
day 2026-10-13
cwhy=$(add "加快推进中心城区停车设施建设" \
    --lead-unit 市城管局 --unit 市公安局 --unit 市自然资源局 --leader 张建国 --contact 周敏 \
    --source 常务会议 --ref "市政府常务会议纪要〔2026〕12号" --on 2026-10-12 --tag 城市管理)
day 2026-10-22
t progress "$cwhy" "已梳理 36 处可建设停车场地块" --on 2026-10-22 >/dev/null
day 2026-10-26
t done "$cwhy" --note "新增公共停车位 1200 个已投入使用" --on 2026-10-26 --by 周敏 >/dev/null
day 2026-11-02
t close "$cwhy" --verified-by 王敏 --method onsite --note "现场抽查 5 处停车场，与报告一致" --on 2026-11-02 >/dev/null

# 6. 常务会议：逾期未反馈，红灯
day 2026-10-27
cwhy2=$(add "制定促进民营经济高质量发展的若干措施" \
    --lead-unit 市发改委 --unit 市工信局 --unit 市市场监管局 --unit 市财政局 --leader 赵志刚 --contact 郑涛 \
    --source 常务会议 --ref "市政府常务会议纪要〔2026〕14号" --on 2026-10-26 --tag 营商环境)
day 2026-11-06
t progress "$cwhy2" "征求意见稿已发各县（市、区）" --on 2026-11-06 >/dev/null
day 2026-11-16
t urge "$cwhy2" --level remind --note "已超过反馈时限，请尽快报送" >/dev/null

# 7. 市长办公会议：申请办结后核验不合格，退回重办
day 2026-11-02
szbg=$(add "解决城东片区学校周边交通拥堵问题" \
    --lead-unit 市公安局 --unit 市教育局 --unit 市城管局 --leader 陈晓梅 --contact 钱磊 \
    --source 市长办公会议 --ref "市长办公会议纪要〔2026〕31号" --on 2026-11-02 --tag 交通)
day 2026-11-06
t done "$szbg" --note "已增设护学岗和临时停车区" --on 2026-11-06 --by 钱磊 >/dev/null
day 2026-11-10
t reopen "$szbg" --reason "现场核验发现放学时段仍严重拥堵，临时停车区未启用" >/dev/null
day 2026-11-13
t progress "$szbg" "临时停车区已启用，正在调整信号灯配时" --on 2026-11-13 >/dev/null

# 8. 专题会议：因议定事项调整而撤销
day 2026-11-04
ztlh=$(add "筹备 2026 年秋季招商引资推介会" \
    --lead-unit 市商务局 --unit 市投资促进中心 --leader 赵志刚 --contact 冯雪 \
    --source 专题会议 --ref "市政府专题会议纪要〔2026〕45号" --on 2026-11-04 --tag 招商引资)
day 2026-11-09
t cancel "$ztlh" --reason "经市政府研究，推介会并入省级招商活动统一举办" >/dev/null

# 9. 公文办理（一个单位，5 个工作日）：办结、书面核验销号
day 2026-11-09
gw1=$(add "办理市民关于老旧小区加装电梯补贴标准的来信" \
    --lead-unit 市住建局 --contact 刘洋 --source 公文办理 --ref "市府办收文〔2026〕1187号" --on 2026-11-09)
day 2026-11-12
t done "$gw1" --note "已书面答复来信人" --on 2026-11-12 --by 刘洋 >/dev/null
day 2026-11-16
t close "$gw1" --verified-by 王敏 --method document --on 2026-11-16 >/dev/null

# 10. 公文办理（多个单位会办，7 个工作日）：在办，黄灯
day 2026-11-13
gw2=$(add "会办关于调整城区公交线路的请示" \
    --lead-unit 市交通运输局 --unit 市公安局 --unit 市城管局 --leader 陈晓梅 --contact 何军 \
    --source 公文办理 --ref "市交通运输局请示〔2026〕58号" --on 2026-11-13 --tag 交通)

# 11. 主要领导批示：1 周内反馈；已申请办结，待核验
day 2026-11-16
zyps=$(add "关于冬季供暖保障工作的批示件办理" \
    --lead-unit 市发改委 --unit 市住建局 --leader 李明 --contact 郑涛 \
    --source 主要领导批示 --ref "李明市长 2026年11月15日批示" --on 2026-11-15 --tag 民生保障)
day 2026-11-19
t done "$zyps" --note "供暖企业燃料储备已达 20 天用量，应急预案已修订" --on 2026-11-19 --by 郑涛 >/dev/null

# 12. 分管领导批示：1 周内反馈；在办，黄灯
day 2026-11-17
fgps=$(add "核查部分医院门诊挂号排长队问题" \
    --lead-unit 市卫健委 --leader 陈晓梅 --contact 林芳 \
    --source 分管领导批示 --ref "陈晓梅副市长 2026年11月17日批示" --on 2026-11-17 --tag 医疗)

# 13. 公文尽快（3 个工作日）：在办，黄灯
day 2026-11-19
gwjk=$(add "报送今冬明春森林防火工作情况" \
    --lead-unit 市林业局 --contact 曹阳 --source 公文尽快 --ref "省林业局明传电报〔2026〕9号" --on 2026-11-19)

# 14. 交办事项：按交办单时限（20 个工作日），在办，绿灯
day 2026-11-18
jbsx=$(add "开展全市自建房安全隐患排查整治回头看" \
    --lead-unit 市住建局 --unit 市应急管理局 --unit 市自然资源局 --leader 赵志刚 --contact 刘洋 \
    --source 交办事项 --ref "督查交办单〔2026〕76号" --on 2026-11-18 --within 20wd \
    --milestone "10wd:完成各县（市、区）自查" --tag 安全生产)

# 15. 政协委员提案：3 个月内办复，时限落在 2027 年。2027 年放假安排尚未公布、calendar/ 中也没有
#     2027.yaml，时限只能按周末推算，标为“暂定”（add 会在 stderr 提示）
day 2026-11-20
zxta=$(add "关于建设环城生态绿道的提案（第 0132 号）" \
    --lead-unit 市林业局 --unit 市自然资源局 --unit 市住建局 --leader 张建国 --contact 曹阳 \
    --source 政协委员提案 --ref "市政协十三届五次会议第0132号提案" --on 2026-11-20 --within 3m \
    --tag 建议提案 2>/dev/null)

: "$zxta $gzbg $mssh $rdjy $sjwj $cwhy $cwhy2 $szbg $ztlh $gw1 $gw2 $zyps $fgps $gwjk $jbsx"

# 示例台账的说明替换 init 写的通用说明
cat >"$ledger/README.md" <<'MD'
# 示例市人民政府办公室督查室 督查督办台账（示例）

这是 taizhang 的示例台账，由 `examples/build.sh` 用真实的 taizhang 命令逐日建成，
截至 2026-11-20 共 15 个事项，来源覆盖政府工作报告、民生实事、人大代表建议、政协委员提案、上级文件、
常务会议、市长办公会议、专题会议、主要领导批示、分管领导批示、公文办理、公文尽快、交办事项；
状态有在办、待核验、已销号、已撤销，灯色红、黄、绿都有；
2026-0015 的时限落在 2027 年，是按周末推算的暂定时限。所有单位、人名均为虚构。

试用：在仓库根目录运行 `bash examples/try.sh`，它把本目录复制到临时目录、建 git 仓库，
再以 2026-11-20 为“今天”运行 `taizhang list` 和 `taizhang overdue`。

- 每个事项是 `tasks/年份/编号.yaml` 一个文件，格式见仓库的 `schemas/task.schema.json`
- 设置：`taizhang.yaml`；节假日：`calendar/`（见其中的 README.md）
- 请勿直接删除事项文件；撤销用 `taizhang cancel`。手工修改后请运行 `taizhang check`。
MD
git -C "$ledger" add -- README.md
git -C "$ledger" commit -q -m "示例台账说明" -- README.md

t check

if [[ -n $export_to ]]; then
    rm -rf "$export_to"
    mkdir -p "$export_to"
    git -C "$ledger" archive HEAD | tar -x -C "$export_to"
    echo "已重建 $export_to（$(find "$export_to/tasks" -name "*.yaml" | wc -l) 个事项）"
else
    echo "示例台账（含 git 历史）已建在 $ledger"
fi
