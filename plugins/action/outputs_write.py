# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a file the controller reads (a phase's outputs file, the cluster's kubeconfig) on the controller (docs:
plugins/modules/outputs_write.py).

The outputs lookup reads the file on the controller, so the writer runs there too. It replaces a file, a copy and a
file task: three module runs, about 1.3 s of every phase's converge (docs/performance.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase


def _mode(value, name):
    try:
        return int(str(value), 8)
    except ValueError as exc:
        raise AnsibleActionFail(f"{name} must be an octal mode such as '0640' (got {value!r})") from exc


class ActionModule(ActionBase):
    """Write dest when its content differs, creating its directory; remove the given stale files."""

    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self._task.args
        unknown = set(args) - {"dest", "content", "mode", "dir_mode", "remove"}
        if unknown:
            raise AnsibleActionFail(f"unsupported parameters: {sorted(unknown)}")
        if not args.get("dest") or not isinstance(args.get("content"), str):
            raise AnsibleActionFail("dest (a path) and content (a string) are required")
        dest = Path(os.path.expanduser(args["dest"]))
        content = to_text(args["content"])
        mode, dir_mode = _mode(args.get("mode", "0640"), "mode"), _mode(args.get("dir_mode", "0750"), "dir_mode")
        remove = args.get("remove") or []
        if not isinstance(remove, list):
            raise AnsibleActionFail(f"remove must be a list of paths (got {remove!r})")

        before = dest.read_text(encoding="utf-8") if dest.is_file() else None
        written = before != content or (dest.stat().st_mode & 0o7777) != mode
        stale = [p for p in map(Path, remove) if p.exists()]
        if not self._task.check_mode:
            if written:
                self._write(dest, content, mode, dir_mode)
            for path in stale:
                path.unlink()
        result.update(changed=written or bool(stale), dest=str(dest), removed=[str(p) for p in stale])
        if self._task.diff and before != content:
            result["diff"] = {"before": before or "", "after": content, "before_header": str(dest), "after_header": str(dest)}
        return result

    @staticmethod
    def _write(dest, content, mode, dir_mode):
        if not dest.parent.is_dir():
            dest.parent.mkdir(parents=True)
            os.chmod(dest.parent, dir_mode)  # mkdir's mode is masked by the umask
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.chmod(tmp, mode)
            os.replace(tmp, dest)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise AnsibleActionFail(f"cannot write {dest}: {exc}") from exc
