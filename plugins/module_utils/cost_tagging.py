# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tagging standard: every resource the collection manages carries Project, Env, Owner and Component."""

from __future__ import annotations

REQUIRED_TAG_KEYS = ("Project", "Env", "Owner", "Component")
NO_COMPONENT = "(none)"


def tag_violations(resources: list[dict], required: list[str] | tuple[str, ...] = REQUIRED_TAG_KEYS) -> list[dict]:
    """Resources lacking a required key (or carrying it empty), with the keys they lack."""
    violations = []
    for resource in resources:
        tags = resource.get("tags") or {}
        missing = [k for k in required if not str(tags.get(k, "")).strip()]
        if missing:
            violations.append({"arn": resource["arn"], "missing": missing})
    return sorted(violations, key=lambda v: v["arn"])


def tag_coverage(resources: list[dict], required: list[str] | tuple[str, ...] = REQUIRED_TAG_KEYS) -> dict:
    """Share of resources carrying every required key, overall and by Component (percent, one decimal)."""
    missing = {v["arn"] for v in tag_violations(resources, required)}
    groups: dict[str, list[int]] = {}
    for resource in resources:
        component = (resource.get("tags") or {}).get("Component") or NO_COMPONENT
        counts = groups.setdefault(component, [0, 0])
        counts[1] += 1
        if resource["arn"] not in missing:
            counts[0] += 1

    def percent(ok: int, total: int) -> float:
        return round(100.0 * ok / total, 1) if total else 100.0

    total = len(resources)
    return {
        "total": total,
        "compliant": total - len(missing),
        "percent": percent(total - len(missing), total),
        "by_component": {name: {"total": t, "compliant": ok, "percent": percent(ok, t)} for name, (ok, t) in sorted(groups.items())},
    }
