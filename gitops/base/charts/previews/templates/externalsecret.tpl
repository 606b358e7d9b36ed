{{- /* The GitHub token of the pull-request generator and of the notifications' GitHub service: from
Secrets Manager (aws_secrets creates the secret, its value never in git), refreshed by External Secrets. */ -}}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: github-previews
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.refreshInterval }}
  secretStoreRef: {kind: SecretStore, name: {{ .Values.secretStore }}}
  target: {name: github-previews, creationPolicy: Owner}
  data:
    - secretKey: token
      remoteRef: {key: {{ .Values.githubTokenSecret | quote }}, property: token}
