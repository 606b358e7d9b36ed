{{- range .Values.serviceMonitors }}
{{- if has .namespace $.Values.namespaces }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    release: kps
    {{- include "platform.labels" $ | nindent 4 }}
spec:
  namespaceSelector:
    matchNames: [{{ .namespace }}]
  selector:
    matchLabels: {{ toJson .selector }}
  endpoints:
    - port: {{ .port }}
      interval: 30s
{{- end }}
{{- end }}
