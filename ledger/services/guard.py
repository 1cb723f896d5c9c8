"""The server's pre-receive hook: a push lands only when every commit it brings keeps the ledger's rules."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..domain import audit, forgery, roles
from ..domain.errors import LedgerError, TaizhangError, UsageError
from ..domain.unitsdir import units_directory
from ..files import atomic, changes, codec, gitcmd, layout, store
from ..files.hooks import python_call
from ..files.invariants import check_texts
from .context import touched
from .trail import parse_version

ZERO = "0" * 40
HOOK_MARK = "# taizhang pre-receive hook"
MAX_LINES = 20  # of problems shown to the pusher; the rest are counted
# %G? codes other than G (good, and the key is one the server knows for that signer). U is refused:
# for SSH it means a valid signature by a key missing from gpg.ssh.allowedSignersFile.
SIGN_PROBLEMS = {"N": "没有签名", "B": "签名无效", "U": "签名的密钥不在服务器认可的名单中",
                 "E": "签名无法验证（服务器不认识这把密钥）", "X": "签名已过期", "Y": "签名的密钥已过期",
                 "R": "签名的密钥已吊销"}


@dataclass(frozen=True)
class Update:
    """One line of pre-receive's stdin."""

    old: str
    new: str
    ref: str


def hook_text() -> str:
    return (
        "#!/bin/sh\n"
        f"{HOOK_MARK}: every pushed commit must keep the ledger's rules (taizhang guard pre-receive).\n"
        "# Installed by taizhang guard install; git gives it `old new ref` lines on stdin.\n"
        # Straight to hook_main, as the pre-commit hook does: the CLI's typer import costs ~0.3 s a push.
        f"{python_call([], code='from ledger.services.guard import hook_main; sys.exit(hook_main())')}\n"
    )


def install(bare: str) -> Path:
    """Write BARE/hooks/pre-receive (a bare repository on the server); refuse to replace someone else's."""
    path = Path(bare).expanduser()
    if not path.is_dir():
        raise UsageError(f"{path} 不是目录", "请给出服务器上台账的裸仓库目录，如 /srv/git/ledger.git")
    code, out, _ = gitcmd.git_try(path, "rev-parse", "--is-bare-repository")
    if code != 0 or out.strip() != "true":
        raise UsageError(f"{path} 不是 git 裸仓库", "请给出服务器上的裸仓库目录（git init --bare 建的），而不是某个克隆")
    hook = gitcmd.git_path(path, "hooks/pre-receive")
    if hook.exists() and HOOK_MARK not in hook.read_text(encoding="utf-8", errors="replace"):
        raise UsageError(f"{hook} 已有别的 pre-receive 钩子，未安装",
                         "请把它改名保存，或在其中加一行调用 taizhang guard pre-receive")
    hook.parent.mkdir(parents=True, exist_ok=True)
    atomic.atomic_write(hook, hook_text().encode("utf-8"))
    hook.chmod(0o755)
    return hook


def parse_updates(text: str) -> list[Update]:
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3:
            raise UsageError(f"pre-receive 的输入行格式不对：{line!r}", "每行应为 旧提交 新提交 引用名")
        out.append(Update(*parts))
    return out


# -- the rules as the accepted history holds them ----------------------------------------
def _accepted_config(root: Path, updates: list[Update]) -> dict:
    """taizhang.yaml of the branch being updated before this push (main's for a new branch):
    a push cannot grant itself a role or switch off signing."""
    bases = [u.old for u in updates if u.old != ZERO]
    main = gitcmd.rev(root, f"refs/heads/{gitcmd.LEDGER_BRANCH}")
    for base in [*bases, *([main] if main else [])]:
        data = gitcmd.read_blobs(root, [f"{base}:{store.CONFIG_FILE}"]).get(f"{base}:{store.CONFIG_FILE}")
        if data is not None:
            try:
                raw = codec.load_yaml(data)
            except codec.FormatError as e:
                raise LedgerError(f"服务器上已有的 {store.CONFIG_FILE} 第 {e.line} 行有误：{e.message}",
                                  "请督查室在服务器上修正台账设置") from None
            return raw if isinstance(raw, dict) else {}
    return {}  # an empty repository: the first push brings the ledger


def _entry(cs: changes.ChangeSet, blobs: dict, memo: dict) -> audit.Entry:
    # A merge is checked as a hand edit of what it brings onto its first parent, whatever it says.
    action = None if len(cs.parents) > 1 else cs.action
    e = audit.Entry(cs.sha, cs.author, cs.email, cs.date, cs.subject, action, cs.trailers)
    for f in cs.files:
        if not (f.path.startswith(layout.TASKS_DIR + "/") and f.path.endswith(".yaml")) or "/." in f.path:
            continue
        old, old_err = parse_version(blobs.get(f.old_blob) if f.status != "A" else None, memo)
        new, new_err = parse_version(blobs.get(f.new_blob) if f.status != "D" else None, memo)
        e.changes.append(audit.TaskChange(f.path, f.status, old, new, old_err, new_err))
    return e


def _undo_targets(root: Path, sets: list[changes.ChangeSet]) -> list[changes.ChangeSet]:
    """The accepted commits that pushed undos revert: their changes are what an undo must restore."""
    pushed = {cs.sha for cs in sets}
    out = []
    for cs in sets:
        for sha in cs.trailers.get("Taizhang-Reverts", [])[-1:]:
            if sha in pushed or gitcmd.rev(root, sha) is None:
                continue
            parents = gitcmd.git(root, "rev-list", "--parents", "-n", "1", sha).split()[1:]
            out += changes.changesets(root, paths=(), rev=sha, exclude=tuple(parents))
    return out


def _commit_problems(root: Path, sets: list[changes.ChangeSet], config: dict) -> list[tuple[str, str]]:
    """(commit, problem) for each pushed commit, oldest first."""
    targets = _undo_targets(root, sets)
    specs = [b for cs in [*sets, *targets] for f in cs.files for b in (f.old_blob, f.new_blob) if b]
    blobs = gitcmd.read_blobs(root, list(dict.fromkeys(specs)))
    memo: dict = {}
    entries = {cs.sha: _entry(cs, blobs, memo) for cs in [*targets, *sets]}
    canonical = units_directory(config).canonical
    policy = roles.policy_from_config(config, canonical)
    out: list[tuple[str, str]] = []
    for cs in sets:
        e = entries[cs.sha]
        texts = {}
        for f in cs.files:
            if not f.path.startswith(layout.TASKS_DIR + "/") or not f.path.endswith(".yaml") or "/." in f.path:
                continue
            if f.status == "D" and e.action != "undo":  # an undo of an import is judged by undo_findings
                out.append((cs.sha, f"删除了事项文件 {f.path}（事项只能撤销，不能删除）"))
            elif blobs.get(f.new_blob) is not None:
                texts[f.path] = blobs[f.new_blob]
        out += [(cs.sha, f"{p}（taizhang check 不通过）") for p in check_texts(texts)]
        for finding in forgery.commit_findings(e, entries, strict=False):
            if finding.kind in ("forged", "deleted"):
                out.append((cs.sha, f"{finding.path}：{finding.message}"))
        changes = {f.path: (blobs.get(f.old_blob) if f.old_blob else None,
                            blobs.get(f.new_blob) if f.new_blob else None) for f in cs.files}
        tasks, others = touched(changes, canonical)
        why = roles.refusal(policy, roles.Identity(cs.author, cs.email), e.action, tasks, others)
        if why:
            out.append((cs.sha, why))
    return out


def _signature_problems(root: Path, tips: list[str]) -> list[tuple[str, str]]:
    """Each pushed commit must carry a good signature by a key the server knows for its author:
    the signature is what ties a commit to the identity the roles name."""
    if not tips:
        return []
    fmt = gitcmd.git_try(root, "config", "gpg.format")[1].strip()
    if fmt == "ssh" and not gitcmd.git_try(root, "config", "gpg.ssh.allowedSignersFile")[1].strip():
        return [(tips[0], "服务器没有设置 gpg.ssh.allowedSignersFile，无法验证签名；"
                          "请在裸仓库中 git config gpg.ssh.allowedSignersFile 认可的签名者文件")]
    out = gitcmd.git(root, "log", "--format=%H%x1f%G?%x1f%GS%x1f%ae", *tips, "--not", "--all")
    found = []
    for line in out.splitlines():
        sha, code, signer, email = (line.split("\x1f") + ["", "", ""])[:4]
        if code != "G":
            found.append((sha, f"{SIGN_PROBLEMS.get(code, '签名不合要求')}，而台账要求签名提交（require_signed）"))
        elif email.lower() not in signer.lower():
            found.append((sha, f"签名者 {signer} 不是作者 {email}（require_signed 要求作者本人签名）"))
    return found


def refusals(root: Path, updates: list[Update]) -> list[str]:
    """Everything that makes this push unacceptable, one Chinese line each; empty: let it land."""
    lines: list[str] = []
    tips = []
    for u in updates:
        if u.new == ZERO:
            lines.append(f"不能删除 {u.ref}：已发布的台账历史不能删除")
            continue
        if u.old != ZERO and not gitcmd.is_ancestor(root, u.old, u.new):
            lines.append(f"不能改写 {u.ref} 已发布的历史（不是快进推送）；请先运行 taizhang sync，不要强制推送")
            continue
        tips.append(u.new)
    if lines:
        return lines
    config = _accepted_config(root, updates)
    sets: dict[str, changes.ChangeSet] = {}
    for tip in dict.fromkeys(tips):
        for cs in changes.changesets(root, paths=(), rev=tip, exclude=("--all",)):
            sets.setdefault(cs.sha, cs)
    found = _commit_problems(root, list(sets.values()), config)
    if config.get("require_signed") is True:
        found += _signature_problems(root, list(dict.fromkeys(tips)))
    subjects = {cs.sha: f"{cs.sha[:10]}（{cs.author} <{cs.email}>：{cs.subject[:30]}）" for cs in sets.values()}
    return [f"提交 {subjects.get(sha, sha[:10])}：{text}" for sha, text in dict.fromkeys(found)]


HEADER = "taizhang：推送被拒绝，服务器上的台账没有任何改变："
FOOTER = "请在本地改正（taizhang check、taizhang audit 可查），或交有相应角色的人办理后再推送"


def remote_refusal(push_stderr: str) -> str:
    """The guard's problems out of `git push`'s stderr (`remote: ` lines), as one line for the CLI."""
    said = [line[len("remote:"):].strip() for line in push_stderr.splitlines() if line.startswith("remote:")]
    said = [line for line in said if line and line not in (HEADER, FOOTER)]
    return "；".join(said) or "服务器上的 pre-receive 钩子拒绝了这次推送"


def report(lines: Iterable[str]) -> str:
    lines = list(lines)
    shown = lines[:MAX_LINES] + ([f"……另有 {len(lines) - MAX_LINES} 条问题"] if len(lines) > MAX_LINES else [])
    return "\n".join([HEADER, *shown, FOOTER])


def hook_main(stdin: str | None = None) -> int:
    """pre-receive: 0 lets the push land, 1 refuses it (the message goes to the pusher), 3 when it cannot tell."""
    try:
        updates = parse_updates(sys.stdin.read() if stdin is None else stdin)
        lines = refusals(Path(os.getcwd()), updates)  # git runs the hook in the repository
    except TaizhangError as e:
        print(f"错误：{e.line()}；推送被拒绝", file=sys.stderr)
        return e.exit_code
    except Exception as e:  # a hook refuses in one line, never with a traceback
        print(f"错误：taizhang 服务器端校验出错（{type(e).__name__}），推送被拒绝；请联系督查室检查服务器", file=sys.stderr)
        return 3
    if lines:
        print(report(lines), file=sys.stderr)
        return 1
    return 0
