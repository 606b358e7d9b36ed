# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the list modules (iam_roles, s3_buckets, sns_topics, ...) check of their list before any call."""

from __future__ import annotations


def not_unique(label, values):
    """The message naming the values given more than once ("roles names must be unique (got ['a'] more than once)"), or None."""
    duplicates = sorted({v for v in values if values.count(v) > 1})
    return f"{label} must be unique (got {duplicates} more than once)" if duplicates else None


def fail_if_not_unique(module, label, values):
    """Fail the module, before any call, when a value (a name, an alias, a CIDR) is given more than once."""
    problem = not_unique(label, values)
    if problem:
        module.fail_json(msg=problem)
