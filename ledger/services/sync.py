"""Several clerks on one ledger: the merge driver (both sides' records in date order) and `taizhang sync`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..domain.actions import field_label
from ..domain.errors import LedgerError, TaizhangError, UsageError
from ..domain.model import format_id
from ..files import codec, docnumbers, emit, gitcmd, layout
from ..files import remote as remote_

# Lists of dated records: both clerks' additions are kept, in date order.
UNION_KEYS = ("progress", "urges", "events", "deadline_changes", "extension_requests", "returned", "notices",
              "coordinations", "interviews")


class MergeConflict(Exception):
    """The same field changed differently on both sides: a person has to decide."""


def _key(record) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def merge_plain(base: dict, ours: dict, theirs: dict, task_id: str = "") -> dict:
    out: dict = {}
    clashes = []
    for key in codec.TASK_KEYS:
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o == t or t == b:
            out[key] = o
        elif o == b:
            out[key] = t
        elif key in UNION_KEYS and isinstance(o, list) and isinstance(t, list):
            seen = {_key(r) for r in (b or [])}
            merged = list(b or [])
            for r in [*o, *t]:
                if _key(r) not in seen:
                    seen.add(_key(r))
                    merged.append(r)
            out[key] = sorted(merged, key=lambda r: r.get("on", r.get("reopened_on", "")))  # stable: same day keeps order
        else:
            clashes.append(key)
    if clashes:
        raise MergeConflict(f"{task_id} 的 {'、'.join(map(field_label, clashes))} 被双方改成了不同的值")
    return out


def merge_files(base: bytes, ours: bytes, theirs: bytes, task_id: str = "") -> bytes:
    """The merged file text, or MergeConflict / codec.FormatError."""
    plain = [codec.task_to_plain(codec.task_from_bytes(x)) for x in (base, ours, theirs)]
    merged = merge_plain(*plain, task_id=task_id)
    return emit.task_to_yaml(codec.task_from_plain(merged))


# -- taizhang sync: fetch, renumber unpublished collisions, rebase, push ---------------

TASK_FILE = re.compile(rf"^{layout.TASKS_DIR}/(\d{{4}})/(\d{{4}})-(\d{{4,6}})\.yaml$")
RENUMBER_TRAILER = "Taizhang-Renumbered"
PUSH_ATTEMPTS = 3  # another clerk may push between our fetch and our push


class SyncConflict(TaizhangError):
    """Both sides changed the same field: the sync was undone, people have to decide. Exit 1."""

    exit_code = 1


class SyncRefused(TaizhangError):
    """The remote's history was rewritten, or what would be pushed fails `check`: nothing changed. Exit 1."""

    exit_code = 1


@dataclass
class SyncResult:
    remote: str
    branch: str
    received: int = 0  # remote commits new to this clone
    sent: int = 0  # local commits published (0 with --no-push)
    pending: int = 0  # local commits not published because of --no-push
    renumbered: dict[str, str] = field(default_factory=dict)
    renumbered_numbers: dict[str, str] = field(default_factory=dict)  # 催〔2026〕4号 -> 催〔2026〕5号
    head_fixed: str | None = None  # the remote's dangling HEAD now names our branch
    head_note: str | None = None  # it still dangles: how to fix it on the server


def _task_path(task_id: str) -> str:
    return f"{layout.TASKS_DIR}/{task_id[:4]}/{task_id}.yaml"


def plan_renumbering(root, base: str | None, head: str, upstream: str) -> dict[str, str]:
    """OLD -> NEW for unpublished local tasks whose number the remote has given to another task.

    Unpublished = the file is not in the merge base (its add commit is only here). The new number
    is the next one after the remote's highest of that year that neither side uses.
    """
    base_t = gitcmd.tree_entries(root, base) if base else {}
    local_t = gitcmd.tree_entries(root, head)
    remote_t = gitcmd.tree_entries(root, upstream)
    clashes = sorted(p for p in local_t
                     if TASK_FILE.match(p) and p not in base_t and p in remote_t and remote_t[p] != local_t[p])
    if not clashes:
        return {}
    taken: dict[int, set[int]] = {}
    remote_top: dict[int, int] = {}
    for tree, is_remote in ((remote_t, True), (local_t, False)):
        for p in tree:
            m = TASK_FILE.match(p)
            if m and m.group(1) == m.group(2):
                year, seq = int(m.group(2)), int(m.group(3))
                taken.setdefault(year, set()).add(seq)
                if is_remote:
                    remote_top[year] = max(remote_top.get(year, 0), seq)
    mapping = {}
    for p in sorted(clashes, key=lambda p: int(TASK_FILE.match(p).group(3))):
        m = TASK_FILE.match(p)
        year = int(m.group(2))
        seq = remote_top.get(year, 0) + 1
        while seq in taken[year]:
            seq += 1
        taken[year].add(seq)
        mapping[f"{m.group(2)}-{m.group(3)}"] = format_id(year, seq)
    return mapping


def _id_pattern(old: str) -> re.Pattern:
    return re.compile(rf"(?<![\d-]){re.escape(old)}(?!\d)")


def _renumber_text(data: bytes, mapping: dict[str, str], own: str | None, numbers: dict[str, str]) -> bytes:
    """The task file with its `id` (when it is `own`), a `parent` in `mapping` and the document
    numbers in `numbers` rewritten; nothing else."""
    if numbers:
        data = docnumbers.replace_in_text(data, numbers)
    text = data.decode("utf-8", "surrogateescape")
    if own is not None:
        text = re.sub(rf'(?m)^id:[ \t]*(["\']?){re.escape(own)}\1[ \t]*$', f'id: "{mapping[own]}"', text)
    for old, new in mapping.items():
        text = re.sub(rf'(?m)^parent:[ \t]*(["\']?){re.escape(old)}\1[ \t]*$', f'parent: "{new}"', text)
    return text.encode("utf-8", "surrogateescape")


def renumber_message(message: str, renames: list[tuple[str, str]], numbers: list[tuple[str, str]] = ()) -> str:
    """The commit message with the new numbers, one sentence saying why and a trailer per renumbering
    (task numbers in `renames`, document numbers such as 催〔2026〕4号 in `numbers`)."""
    lines = message.rstrip("\n").split("\n")
    for old, new in renames:
        lines = [ln if ln.startswith(RENUMBER_TRAILER) else _id_pattern(old).sub(new, ln) for ln in lines]
    for old, new in numbers:
        lines = [ln if ln.startswith(RENUMBER_TRAILER) else ln.replace(old, new) for ln in lines]
    # The trailer block is the last paragraph when it holds `Key: value` lines only.
    cut = len(lines)
    while cut > 0 and re.match(r"^[\w-]+:\s", lines[cut - 1]):
        cut -= 1
    has_trailers = cut < len(lines) and (cut == 0 or lines[cut - 1] == "")
    body, trailers = (lines[:cut], lines[cut:]) if has_trailers else (lines, [])
    while body and body[-1] == "":
        body.pop()
    sentence = "；".join([f"同步时发现编号 {old} 已被他人登记，本地新登记的事项改编为 {new}" for old, new in renames]
                        + [f"同步时发现文号 {old} 已被他人使用，本地新发的单子改为 {new}" for old, new in numbers]) + "。"
    trailers += [f"{RENUMBER_TRAILER}: {old} -> {new}" for old, new in [*renames, *numbers]]
    return "\n".join([*body, "", sentence, "", *trailers]) + "\n"


def rewrite_local(root, base: str | None, head: str, mapping: dict[str, str],
                  numbers: dict[str, str] | None = None) -> str:
    """Replay the local commits base..head with renumbered task files; returns the new head.

    Every commit keeps its author, dates and parents' shape; the ones touching a renumbered task
    say so in their message (sentence + Taizhang-Renumbered trailer).
    """
    path_map = {_task_path(old): (old, _task_path(new)) for old, new in mapping.items()}
    base_t = gitcmd.tree_entries(root, base) if base else {}
    commits = gitcmd.rev_list(root, f"{base}..{head}" if base else head)
    new_of: dict[str, str] = {}
    memo: dict[tuple[str, str | None], str] = {}
    for sha in commits:
        meta = gitcmd.commit_meta(root, sha)
        parents = meta["parents"].split()
        entries = gitcmd.tree_entries(root, sha)
        # Only files added here (unpublished) can carry our old numbers as id or parent; a document
        # number issued here may be in any file changed here.
        local_files = [p for p in entries if TASK_FILE.match(p)
                       and (p not in base_t or (numbers and base_t[p] != entries[p]))]
        need = [p for p in local_files if (entries[p][1], path_map.get(p, (None,))[0]) not in memo]
        blobs = gitcmd.read_blobs(root, [entries[p][1] for p in need])
        changes: dict[str, tuple[str, str] | None] = {}
        for p in local_files:
            mode, blob = entries[p]
            own = path_map[p][0] if p in path_map else None
            if (blob, own) not in memo:
                data = blobs[blob]
                new = _renumber_text(data, mapping, own, numbers or {}) if data is not None else None
                memo[(blob, own)] = blob if new is None or new == data else gitcmd.write_blob(root, new)
            new_blob = memo[(blob, own)]
            if own is not None:
                changes[p] = None
                changes[path_map[p][1]] = (mode, new_blob)
            elif new_blob != blob:
                changes[p] = (mode, new_blob)
        parent_entries = gitcmd.tree_entries(root, parents[0]) if parents else {}
        # Touching the task, or naming it (上级事项：OLD): before the sync, OLD here meant our own task.
        renames = [(old, mapping[old]) for old in mapping
                   if entries.get(_task_path(old)) != parent_entries.get(_task_path(old))
                   or _id_pattern(old).search(meta["message"])]
        doc = [(old, new) for old, new in (numbers or {}).items() if old in meta["message"]]
        message = renumber_message(meta["message"], renames, doc) if renames or doc else meta["message"]
        new_parents = [new_of.get(p, p) for p in parents]
        if not changes and new_parents == parents and message == meta["message"]:
            new_of[sha] = sha
            continue
        new_of[sha] = gitcmd.commit_tree(root, meta["tree"], changes, new_parents, meta, message)
    return new_of.get(head, head)


def _conflict_line(root) -> str:
    """One sentence naming the task and the field(s) both sides changed, from the rebase's index."""
    paths = gitcmd.conflicted_paths(root)
    for path in paths:
        base, ours, theirs = gitcmd.index_stages(root, path)
        task_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if TASK_FILE.match(path) and base is not None and ours is not None and theirs is not None:
            try:
                merge_files(base, ours, theirs, task_id)
            except MergeConflict as e:
                return f"{e}（{path}）"
            except codec.FormatError as e:
                return f"{path} 无法合并：{e.message}"
        if ours is None or theirs is None:
            return f"{path} 一方修改、另一方删除了"
        return f"{path} 被双方改成了不同的内容"
    return "变基未能完成"


def _git_or(root, args: list[str], message: str, hint: str, env: dict | None = None) -> str:
    code, out, err = gitcmd.git_try(root, *args, env=env)
    if code != 0:
        if gitcmd.disk_full(err):
            raise LedgerError("磁盘空间已满，git 无法写入，台账未改变", "请清理磁盘后再运行 taizhang sync")
        raise LedgerError(f"{message}（{gitcmd.git_reason(err, code)}）", hint)
    return out


def sync(env, remote: str | None = None, push: bool = True) -> SyncResult:
    """Fetch, renumber unpublished clashes, rebase our commits on the remote's, push; or change nothing."""
    ledger = env.ledger()
    root = ledger.root
    clerk = ledger.clerk(env.by)
    ident = {"GIT_COMMITTER_NAME": clerk.name, "GIT_COMMITTER_EMAIL": clerk.email}
    with ledger.locked():
        branch = gitcmd.current_branch(root)
        if branch is None:
            raise LedgerError("台账仓库不在任何分支上（HEAD 处于分离状态），无法同步",
                              f"请先运行 git -C {root} checkout main（或你的分支）")
        if gitcmd.rebase_in_progress(root):
            raise LedgerError("台账仓库里有一次未完成的 git 变基", f"请先运行 git -C {root} rebase --abort")
        remote = remote or gitcmd.default_remote(root, branch)
        if not gitcmd.has_remote(root, remote):
            raise UsageError(f"台账仓库没有名为 {remote} 的远程仓库",
                             "请先 git remote add origin 服务器上的台账地址，或用 --remote 指定")
        dirty = gitcmd.uncommitted(root)
        if dirty:
            shown = "、".join(dirty[:3]) + (f" 等 {len(dirty)} 个文件" if len(dirty) > 3 else "")
            raise UsageError(f"有未提交的修改，不能同步：{shown}",
                             "请先提交（git commit）或撤销（git checkout -- 文件）这些修改后再同步")
        result = SyncResult(remote, branch)
        tracking = f"refs/remotes/{remote}/{branch}"
        for _attempt in range(PUSH_ATTEMPTS):
            previous = gitcmd.rev(root, tracking)
            _git_or(root, ["fetch", "-q", remote], f"无法从 {remote} 取回", "请检查网络和远程仓库地址后重试")
            head = gitcmd.rev(root, "HEAD")
            upstream = gitcmd.rev(root, tracking)
            _refuse_rewritten(root, tracking, previous, upstream, f"{remote}/{branch}")
            _warn_deletions(env, root, head, upstream, remote)
            local = gitcmd.rev_list(root, f"{upstream}..HEAD") if upstream else []
            incoming = gitcmd.rev_list(root, f"HEAD..{upstream}") if upstream else []
            if incoming and not local:
                _git_or(root, ["merge", "-q", "--ff-only", upstream], "快进到远程仓库的版本失败",
                        "请检查台账的 git 仓库状态")
                result.received += len(incoming)
            elif incoming and local:
                base = _merge_base(root, head, upstream)
                mapping = plan_renumbering(root, base, head, upstream)
                numbers = docnumbers.plan(root, base, head, upstream, TASK_FILE)
                _rebase(root, head, base, upstream, mapping, ident, numbers)
                result.renumbered.update(mapping)
                result.renumbered_numbers.update(numbers)
                result.received += len(incoming)
            local = gitcmd.rev_list(root, f"{upstream}..HEAD") if upstream else gitcmd.rev_list(root, "HEAD")
            if not push or not local:
                result.pending = len(local) if not push else 0
                return result
            _check_before_push(env, ledger, head)
            code, _, err = gitcmd.git_try(root, "push", "-q", "--set-upstream", remote, f"HEAD:refs/heads/{branch}")
            if code == 0:
                result.sent = len(local)
                # A plain `git init --bare` remote names master: make the next plain `git clone` work.
                result.head_fixed, result.head_note = remote_.fix_remote_head(root, remote, branch)
                return result
            if "pre-receive hook declined" in err:
                from .guard import remote_refusal

                raise SyncRefused(f"服务器拒绝了推送：{remote_refusal(err)}",
                                  "本地提交都在，没有推送；请改正或交有相应角色的人办理后再运行 taizhang sync")
            if "rejected" not in err and "fetch first" not in err and "non-fast-forward" not in err:
                last = (err.strip().splitlines() or [str(code)])[-1]
                raise LedgerError(f"推送到 {remote} 失败（git：{last}）", "本地提交都在；请检查网络和权限后再运行 taizhang sync")
        raise LedgerError(f"推送到 {remote} 时远程仓库一直在变（试了 {PUSH_ATTEMPTS} 次）",
                          "本地提交都在；请稍后再运行 taizhang sync")


def _merge_base(root, a: str, b: str) -> str | None:
    code, out, _ = gitcmd.git_try(root, "merge-base", a, b)
    return out.strip() if code == 0 and out.strip() else None


def _rebase(root, head: str, base: str | None, upstream: str, mapping: dict[str, str], ident: dict,
            numbers: dict[str, str] | None = None) -> None:
    """Our commits (renumbered first) on top of the remote's; on any failure exactly `head` again."""
    try:
        if mapping or numbers:
            gitcmd.reset_hard(root, rewrite_local(root, base, head, mapping, numbers))
        # The taizhang merge driver comes from .git/info/attributes + git config: rebase uses it too.
        code, _, err = gitcmd.git_try(root, "-c", "rebase.autoStash=false", "rebase", "-q", "--no-autosquash",
                                     upstream, env=ident)
        if code != 0:
            why = _conflict_line(root) if gitcmd.rebase_in_progress(root) else (err.strip().splitlines() or ["?"])[-1]
            raise SyncConflict(f"同步已停止，台账恢复到同步前的状态：{why}",
                               "请双方商定后由一人修改，再运行 taizhang sync")
    except BaseException:
        if gitcmd.rebase_in_progress(root):
            gitcmd.git_try(root, "rebase", "--abort")
        gitcmd.reset_hard(root, head)
        raise


# -- what a remote from someone else must not slip in ---------------------------------------
def _refuse_rewritten(root, tracking: str, previous: str | None, upstream: str | None, name: str) -> None:
    """The remote's history only grows: a commit fetched before must still be in it (no `push -f`)."""
    if previous is None or (upstream is not None and gitcmd.is_ancestor(root, previous, upstream)):
        return
    gitcmd.git(root, "update-ref", tracking, previous)  # so the next sync sees the same rewrite
    raise SyncRefused(f"{name} 的历史被改写：此前取回的提交 {previous[:12]} 已不在其中（可能有人强制推送）",
                      "同步已停止，台账未改变；请联系台账管理员核实服务器上的历史")


def _warn_deletions(env, root, head: str | None, upstream: str | None, remote: str) -> None:
    if not upstream:
        return
    spec = f"{head}..{upstream}" if head else upstream
    out = gitcmd.git(root, "log", "--no-renames", "--diff-filter=D", "--name-only", "--format=\x1e%H", spec,
                    "--", layout.TASKS_DIR)
    for chunk in out.split("\x1e")[1:]:
        sha, *paths = [ln for ln in chunk.splitlines() if ln]
        for path in paths:
            env.warn(f"警告：{remote} 上的提交 {sha[:8]} 删除了事项文件 {path}；请运行 taizhang audit 核查")


def _check_before_push(env, ledger, before: str | None) -> None:
    """What is about to be published passes `check`; else nothing is pushed and HEAD is as before."""
    from .safety import ledger_problems, tracked_code

    problems = ledger_problems(ledger, code=False)
    if problems:
        if before:
            gitcmd.reset_hard(ledger.root, before)
        raise SyncRefused(f"同步后的台账未通过校验，未推送：{problems[0]}"
                          + (f" 等 {len(problems)} 处" if len(problems) > 1 else ""),
                          "台账已恢复到同步前；请运行 taizhang check 查看并改正后再同步")
    odd = tracked_code(ledger.root)
    if odd:
        env.warn(f"警告：台账中有不应有的文件 {'、'.join(p.path for p in odd[:3])}；请运行 taizhang check 核查")
