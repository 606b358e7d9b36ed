---
# Master key, provider keys and the database URL (RDS) from Secrets Manager; Reloader restarts the
# proxy when one rotates. The service account litellm is owned by k8s_bootstrap.
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: litellm-secrets
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.secretRefreshInterval }}
  secretStoreRef: {kind: SecretStore, name: aws-secrets-manager}
  target: {name: litellm-secrets, creationPolicy: Owner}
  data:
    - secretKey: LITELLM_MASTER_KEY
      remoteRef: {key: {{ .Values.secrets.masterKey | quote }}}
    - secretKey: DATABASE_URL
      remoteRef: {key: {{ .Values.secrets.database | quote }}, property: url}
  dataFrom:
    - extract: {key: {{ .Values.secrets.providerKeys | quote }}}
