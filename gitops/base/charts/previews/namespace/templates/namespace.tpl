{{- /* The namespace is an object of this Application (not CreateNamespace), so it is pruned with the PR.
The label platform.mosaic/preview lets the gateway's `previews` listener, and only it, accept its route. */ -}}
apiVersion: v1
kind: Namespace
metadata:
  name: {{ .Release.Namespace }}
  labels:
    {{- include "preview.labels" . | nindent 4 }}
    platform.mosaic/preview: "true"
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/warn: restricted
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
