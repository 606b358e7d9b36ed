# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plugin_preload
type: aggregate
short_description: Load the collection's filter and test plugins once in the controller, before the workers fork
description:
  - ansible-core runs every task in a worker process forked from the controller. A worker that meets a filter or
    test of a collection for the first time resolves it by loading every filter (or test) file of that collection,
    so each task that used one of this collection's filters loaded all of its filter files again (0.1 to 0.2 s a task).
  - At the start of the playbook this callback makes the controller resolve them once. The forked workers inherit
    the loaded files and skip that work. It prints nothing and changes no result.
  - A run without it behaves the same, only slower. If the plugins cannot be loaded, it warns and the run goes on;
    the tasks then report the same error themselves.
requirements:
  - enable it in ansible.cfg (C(callbacks_enabled = mosaic.platform.plugin_preload)) or with C(ANSIBLE_CALLBACKS_ENABLED)
author:
  - mosaic.platform contributors (@mosaic-platform)
"""


from ansible.plugins.callback import CallbackBase
from ansible.plugins.loader import filter_loader, test_loader

COLLECTION = "mosaic.platform"
# A name no plugin has: ansible-core looks for it in every file of the collection's plugin directory, which is what
# loads them all. A real name would do the same today, but would tie the preload to one plugin staying in place.
ABSENT = "plugin_preload_absent"


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mosaic.platform.plugin_preload"
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_start(self, playbook):
        for loader in (filter_loader, test_loader):
            try:
                loader.get_with_context(f"{COLLECTION}.{ABSENT}")
            except Exception as e:  # a preload never fails the run; the tasks report the error themselves
                self._display.warning(f"mosaic.platform.plugin_preload: the {loader.type} plugins of {COLLECTION} were not preloaded: {e}")
