# Copyright: mosaic.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record every AWS API call a converge makes (scripts/deploy_policy.sh puts this folder on PYTHONPATH).

Each botocore call appends one JSON line to $MOSAIC_IAM_RECORD: the IAM service prefix, the
operation and the top-level resource-naming parameters (names, ARNs, ids, URLs, and the name inside a few
wrappers such as CreateBudget's Budget; never the values of
keys that hold secrets), so the deploy role's policy can be generated and replayed from them.
"""

import json
import os
import re

_PATH = os.environ.get("MOSAIC_IAM_RECORD")
_NAMING = re.compile(r"(name|arn|id|bucket|url|identifier|key|path|prefix|boundary|role)$", re.IGNORECASE)
_NESTED_NAMES = ("Budget",)
_SECRET = re.compile(r"(?i)secretstring|secretbinary|password|token|credential|privatekey|clientsecret")

if _PATH:
    try:
        from botocore.client import BaseClient
    except ImportError:  # pragma: no cover - a Python without botocore has nothing to record
        BaseClient = None

    if BaseClient is not None:
        _original = BaseClient._make_api_call

        def _recording_call(self, operation_name, api_params):
            model = self.meta.service_model
            params = {k: v for k, v in (api_params or {}).items() if isinstance(v, str) and _NAMING.search(k) and not _SECRET.search(k)}
            # Calls that name their resource one level down (CreateBudget's Budget.BudgetName).
            for wrapper in _NESTED_NAMES:
                inner = (api_params or {}).get(wrapper)
                if isinstance(inner, dict):
                    params.update({k: v for k, v in inner.items() if k.endswith("Name") and isinstance(v, str) and k not in params})
            line = json.dumps(
                {"service": model.signing_name or model.endpoint_prefix, "operation": operation_name, "region": self.meta.region_name, "params": params},
                sort_keys=True,
            )
            with open(_PATH, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
            return _original(self, operation_name, api_params)

        BaseClient._make_api_call = _recording_call
