"""A .docx turned into PDF by LibreOffice (`soffice --headless`), in a throwaway profile, with a timeout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..domain.errors import LedgerError, UsageError

TIMEOUT = 180  # seconds; a first start of LibreOffice on a busy machine takes ~10 s


def soffice() -> str:
    """$TAIZHANG_SOFFICE, else soffice or libreoffice on PATH."""
    given = os.environ.get("TAIZHANG_SOFFICE")
    found = shutil.which(given) if given else (shutil.which("soffice") or shutil.which("libreoffice"))
    if not found:
        raise UsageError("生成 PDF 需要 LibreOffice，本机没有找到 soffice",
                         "请安装 LibreOffice（Debian：apt-get install libreoffice-writer-nogui），"
                         "或改用 -o 文件名.docx 生成 Word 文件")
    return found


def installed_fonts() -> set[str] | None:
    """Font family names fontconfig knows (what LibreOffice renders with); None without fc-list."""
    exe = shutil.which("fc-list")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, ":", "family"], capture_output=True, timeout=30).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def to_pdf(docx: bytes) -> bytes:
    """Convert in a folder of our own with a profile of our own, so parallel runs never share one."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="taizhang-pdf-") as tmp:
        folder = Path(tmp)
        src = folder / "document.docx"
        src.write_bytes(docx)
        cmd = [exe, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
               "--nologo", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder), str(src)]
        # A session of its own, so a timeout ends soffice.bin too, not just the launcher.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, "HOME": str(folder)})
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise LedgerError(f"LibreOffice 转换 PDF 超过 {TIMEOUT} 秒未完成", "请稍后重试，或先生成 .docx") from None
        out = folder / "document.pdf"
        if proc.returncode != 0 or not out.is_file():
            said = err.decode("utf-8", "replace").strip().splitlines()
            raise LedgerError(f"LibreOffice 未能生成 PDF（退出码 {proc.returncode}）：{said[-1] if said else '无输出'}",
                              "请检查 LibreOffice 能否运行：soffice --headless --version")
        return out.read_bytes()
