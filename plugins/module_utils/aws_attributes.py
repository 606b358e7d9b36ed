# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison and wire form of the string-map attributes SNS and SQS keep (Get/Set*Attributes)."""

from __future__ import annotations

import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies


def normalize_attribute(value):
    """Strings that hold JSON compare as documents, booleans case-insensitively, the rest as their string form."""
    if isinstance(value, (dict, list)):
        return value
    text = "" if value is None else str(value)
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text.lower() if text.lower() in ("true", "false") else text


def wire_attribute(value):
    """The string the API takes: documents as sorted JSON, booleans as true/false."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def same_attribute(key, current, wanted):
    """Whether an attribute read back equals the wanted value: policies compare as IAM documents, other JSON as
    documents with scalars as strings (SQS answers maxReceiveCount as a number or a string), the rest as strings."""
    have, want = normalize_attribute(current), normalize_attribute(wanted)
    if key == "Policy" and isinstance(have, dict) and isinstance(want, dict):
        return not compare_policies(have, want)
    return _loose(have) == _loose(want)


def _loose(value):
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_loose(v) for v in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
