# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison and wire form of the string-map attributes SNS and SQS keep (Get/Set*Attributes)."""

from __future__ import annotations

import json


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
