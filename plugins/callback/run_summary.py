# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: run_summary
type: aggregate
short_description: Print what a converge changed, per phase, with the outputs files and the rendered tree
description:
  - At the end of a playbook run, lists per phase (aws, cluster, gitops, bootstrap) the tasks that reported a change,
    with the labels of their changed loop items, then the outputs files the phases wrote and the rendered tree path.
  - Phases are named after the plays of C(site.yml); any other play is listed under its own name.
  - The outputs files are the C(dest) of the C(platform_outputs) role's writes; the tree root is what the C(gitops) role
    wrote to (C(gitops/<env>/) and C(helmfile.d/) under it).
  - A C(--check) run is labelled a plan; its changes are what would change.
requirements:
  - enable it in ansible.cfg (C(callbacks_enabled = mosaic.platform.run_summary)) or with C(ANSIBLE_CALLBACKS_ENABLED)
author:
  - mosaic.platform contributors (@mosaic-platform)
"""


from ansible import context
from ansible.plugins.callback import CallbackBase

PHASES = {
    "Provision the AWS prerequisites": "aws",
    "Build the cluster": "cluster",
    "Write the GitOps tree": "gitops",
    "Bootstrap the cluster": "bootstrap",
}
MAX_LABELS = 8


def role_name(task) -> str:
    role = getattr(task, "_role", None)
    return role.get_name(include_role_fqcn=False) if role is not None else ""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mosaic.platform.run_summary"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase = None
        self.changes = {}  # phase -> {task name: [changed item labels]}
        self.outputs = []
        self.trees = []
        self.check_mode = False

    def v2_playbook_on_play_start(self, play):
        name = play.get_name().strip()
        self.phase = PHASES.get(name, name)
        self.changes.setdefault(self.phase, {})
        self.check_mode = bool(context.CLIARGS.get("check", False)) or getattr(play, "check_mode", False) is True

    def v2_runner_on_ok(self, result):
        res = result._result
        task = result._task
        role = role_name(task)
        if role == "platform_outputs" and res.get("dest") and res["dest"] not in self.outputs:
            self.outputs.append(res["dest"])
        if role == "gitops":
            self._note_tree(res)
        if not res.get("changed"):
            return
        items = [r for r in res.get("results", []) if isinstance(r, dict) and r.get("changed")]
        labels = [str(r.get("_ansible_item_label", r.get("item", ""))) for r in items]
        host = result._host.get_name()
        key = f"{task.get_name().strip()} [{host}]"
        self.changes.setdefault(self.phase or "play", {}).setdefault(key, []).extend(labels)

    def _note_tree(self, res):
        # The gitops_render action returns the trees it wrote (gitops/<env> and helmfile.d under one root).
        for tree in res.get("trees") or []:
            if isinstance(tree, str) and tree not in self.trees:
                self.trees.append(tree)

    def v2_playbook_on_stats(self, stats):
        verb = "would change" if self.check_mode else "changed"
        lines = []
        for phase, tasks in self.changes.items():
            if not tasks:
                lines.append(f"  {phase}: nothing {verb}")
                continue
            lines.append(f"  {phase}: {len(tasks)} task(s) {verb}")
            for name, labels in tasks.items():
                shown = ", ".join(labels[:MAX_LABELS]) + (f", ... ({len(labels)} items)" if len(labels) > MAX_LABELS else "")
                lines.append(f"    - {name}{': ' + shown if shown else ''}")
        lines.append("  outputs files: " + (", ".join(self.outputs) if self.outputs else "none written"))
        lines.append("  rendered tree: " + (", ".join(self.trees) if self.trees else "not rendered in this run"))
        self._display.banner(f"RUN SUMMARY ({'plan, --check' if self.check_mode else 'converge'})")
        self._display.display("\n".join(lines))
