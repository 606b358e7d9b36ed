# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small offline IAM evaluator: enough of IAM's logic to decide the collection's own documents.

moto evaluates no IAM policy, condition or boundary, so the policy tests decide calls with this: an explicit
Deny wins, then any Allow whose Action, Resource and Condition (StringEquals, StringNotEquals, StringLike)
match (StringEquals, StringNotEquals, StringLike, Bool, ArnEquals, ArnLike). For resource policies (topic, queue, bucket) a
principal such as `{"Service": "budgets.amazonaws.com"}` restricts the match to statements naming it (or `*`).
Wildcards follow IAM (`*`, `?`; actions case-insensitive). NotAction, NotResource, NotPrincipal and the other
condition operators are not used by the documents it decides and raise instead of guessing.
"""

from __future__ import annotations

from fnmatch import fnmatchcase


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _condition_holds(condition: dict, context: dict) -> bool:
    for operator, pairs in condition.items():
        for key, expected in pairs.items():
            actual = context.get(key)
            expected = _list(expected)
            if operator == "StringEquals":
                ok = actual is not None and actual in expected
            elif operator == "StringNotEquals":
                ok = actual is None or actual not in expected
            elif operator == "Bool":
                ok = actual is not None and str(actual).lower() in [str(e).lower() for e in expected]
            elif operator == "ArnEquals":
                ok = actual is not None and actual in expected
            elif operator in ("StringLike", "ArnLike"):
                ok = actual is not None and any(fnmatchcase(actual, e) for e in expected)
            else:
                raise ValueError(f"the evaluator does not know the condition operator {operator}")
            if not ok:
                return False
    return True


def _names_principal(statement: dict, principal: dict | None) -> bool:
    if principal is None:
        return True
    named = statement.get("Principal")
    if named == "*":
        return True
    return any(fnmatchcase(value, pattern) for kind, value in principal.items() for pattern in _list((named or {}).get(kind, [])))


def _matches(statement: dict, action: str, resource: str, context: dict, principal: dict | None = None) -> bool:
    if "NotAction" in statement or "NotResource" in statement or "NotPrincipal" in statement:
        raise ValueError(f"the evaluator does not decide NotAction/NotResource/NotPrincipal (statement {statement.get('Sid')})")
    if not _names_principal(statement, principal):
        return False
    if not any(fnmatchcase(action.lower(), a.lower()) for a in _list(statement["Action"])):
        return False
    if not any(fnmatchcase(resource, r) for r in _list(statement["Resource"])):
        return False
    return _condition_holds(statement.get("Condition", {}), context)


def allowed(policy: dict, action: str, resource: str = "*", context: dict | None = None, principal: dict | None = None) -> bool:
    """True when an Allow matches and no Deny does (IAM's explicit-deny rule; NotAction is not used here).

    principal ({"Service": "budgets.amazonaws.com"} or {"AWS": "<arn>"}) decides a resource policy for that caller.
    """
    context = context or {}
    statements = _list(policy["Statement"])
    if any(s["Effect"] == "Deny" and _matches(s, action, resource, context, principal) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and _matches(s, action, resource, context, principal) for s in statements)
