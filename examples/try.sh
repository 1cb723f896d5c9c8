#!/usr/bin/env bash
# 试用示例台账：把 examples/ledger/ 复制到临时目录、建成 git 仓库，
# 再以 2026-11-20 为“今天”运行 taizhang list 和 taizhang overdue。
#
#   bash examples/try.sh [目标目录]     目标目录默认为新建的临时目录，须不存在或为空
#
# taizhang 命令依次取：环境变量 TAIZHANG，仓库的 .venv/bin/taizhang，PATH 上的 taizhang。
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
if [[ -n ${TAIZHANG:-} ]]; then
    read -r -a tz <<<"$TAIZHANG"
elif [[ -x $repo/.venv/bin/taizhang ]]; then
    tz=("$repo/.venv/bin/taizhang")
elif command -v taizhang >/dev/null; then
    tz=(taizhang)
else
    echo "找不到 taizhang 命令：请先在仓库根目录运行 python3 -m venv .venv && .venv/bin/pip install -e '.[test]'" >&2
    exit 3
fi

if [[ -n ${1:-} ]]; then
    demo=$1
    if [[ -e $demo && -n $(ls -A "$demo") ]]; then
        echo "$demo 不是空目录：请换一个目录" >&2
        exit 2
    fi
    mkdir -p "$demo"
else
    demo=$(mktemp -d "${TMPDIR:-/tmp}/taizhang-demo.XXXXXX")
fi
demo=$(cd "$demo" && pwd)

cp -R "$here/ledger/." "$demo/"
git -C "$demo" init -q
# 本机没有设置 git 身份时，给示例台账一个经办人，之后的命令才能提交
if ! git -C "$demo" config user.name >/dev/null; then
    git -C "$demo" config user.name "示例经办人"
fi
if ! git -C "$demo" config user.email >/dev/null; then
    git -C "$demo" config user.email "demo@example.invalid"
fi
git -C "$demo" add -A
git -C "$demo" commit -q -m "导入示例台账"

export TAIZHANG_LEDGER=$demo TAIZHANG_TODAY=2026-11-20
echo "示例台账：$demo（今天按 $TAIZHANG_TODAY 计）"
echo
echo "\$ taizhang list"
"${tz[@]}" list
echo
echo "\$ taizhang overdue"
"${tz[@]}" overdue
cat <<EOF

接着可以试：
  cd $demo
  export TAIZHANG_TODAY=2026-11-20
  ${tz[*]} show 2026-0007          # 退办后逾期的事项：进展、办结、退办都在
  ${tz[*]} list --status closed --status cancelled
  ${tz[*]} progress 6 "措施文稿已提交市政府常务会议审议"
  ${tz[*]} log 6                   # git 历史就是审计记录
  ${tz[*]} calendar 2026-10        # 国庆假期和调休上班日
EOF
