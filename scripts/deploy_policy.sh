#!/usr/bin/env bash
# Record the AWS calls of a cold converge of inventories/local and of its re-run (site.yml on a reset local stack; a
# botocore hook in scripts/iam_record appends one line per call), then regenerate the deploy role's
# policy from them (scripts/deploy_policy.py). Run it (make deploy-policy) after a role starts calling a new API.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export ANSIBLE_CONFIG=$ROOT/ansible.cfg
# The converge writes its outputs and tree to a throwaway workspace; the ArgoCD CRDs stay where the checkout has them.
export MOSAIC_ARGOCD_CRDS_DIR=${MOSAIC_ARGOCD_CRDS_DIR:-$ROOT/../shared/crds/argo-cd}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ansible-playbook molecule/resources/reset_stack.yml -i inventories/local >"$work/reset.log" 2>&1 || { tail -n 30 "$work/reset.log" >&2; exit 1; }
# The cold converge creates; the second run is the one CI makes on every plan and apply of a converged
# environment (its reads differ: describe before compare, tags, notifications).
for run in cold again; do
  MOSAIC_WORKSPACE=$work PYTHONPATH=$ROOT/scripts/iam_record MOSAIC_IAM_RECORD=$work/calls.jsonl \
    ansible-playbook site.yml -i inventories/local >"$work/converge-$run.log" 2>&1 || { tail -n 30 "$work/converge-$run.log" >&2; exit 1; }
done
scripts/deploy_policy.py reduce "$work/calls.jsonl"
scripts/deploy_policy.py generate
echo "deploy-policy: $(grep -c '"action"' roles/aws_identity/files/deploy_calls.json) distinct calls recorded" >&2
