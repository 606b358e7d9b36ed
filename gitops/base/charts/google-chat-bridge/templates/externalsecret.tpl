---
# calert reads its webhook URL only from its config file (config.toml, or CALERT_-prefixed environment variables
# that name the room in the variable's name), and the upstream chart renders that file into a ConfigMap. Here the
# whole file is a Secret: External Secrets fills the URL in from Secrets Manager, through the observability
# namespace's SecretStore (kube-prometheus-stack's manifests). Reloader restarts the bridge when it rotates.
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: google-chat-bridge
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.secretRefreshInterval }}
  secretStoreRef: {kind: SecretStore, name: aws-secrets-manager}
  target:
    name: google-chat-bridge
    creationPolicy: Owner
    template:
      engineVersion: v2
      data:
        # calert v2.3.0's keys (config.sample.toml, cmd/init.go). log stays info: at debug calert logs the
        # provider options, the webhook URL among them.
        config.toml: |
          [app]
          address = "0.0.0.0:6000"
          server_timeout = "60s"
          enable_request_logs = true
          log = "info"

          [providers.{{ .Values.room }}]
          type = "google_chat"
          endpoint = {{ "{{" }} .url | quote {{ "}}" }}
          max_idle_conns = 50
          timeout = "30s"
          template = "static/message.tmpl"
          thread_ttl = "12h"
          threaded_replies = true
          dry_run = false
          retry_max = 3
          retry_wait_min = "1s"
          retry_wait_max = "5s"
  data:
    - secretKey: url
      remoteRef: {key: {{ required "webhookSecret.name" .Values.webhookSecret.name | quote }}, property: {{ .Values.webhookSecret.property | quote }}}
