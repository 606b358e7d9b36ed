---
# Alert rules of the platform; their text uses Prometheus templating, passed through Helm as {{`raw strings`}}.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: platform-alerts
  namespace: {{ .Release.Namespace }}
  labels:
    release: kps
    {{- include "platform.labels" . | nindent 4 }}
spec:
  groups:
    - name: messaging
      rules:
        - alert: DeadLetterQueueNotEmpty
          # CloudWatch's SQS metrics (yet-another-cloudwatch-exporter naming); the aws phase also alarms on them.
          expr: max by (queue_name) (aws_sqs_approximate_number_of_messages_visible_maximum{queue_name=~"{{ .Values.prefix }}-.*-dlq"}) > 0
          for: 5m
          labels: {severity: critical}
          annotations:
            summary: {{`"Dead-letter queue {{ $labels.queue_name }} holds {{ $value }} messages"`}}
            runbook_url: https://github.com/example-org/platform-gitops/blob/main/docs/runbooks/dlq.md
    - name: backups
      rules:
        - alert: VeleroBackupFailed
          expr: increase(velero_backup_failure_total{schedule!=""}[1h]) > 0
          labels: {severity: critical}
          annotations:
            summary: {{`"Velero schedule {{ $labels.schedule }} failed a backup in the last hour"`}}
        - alert: VeleroBackupTooOld
          expr: time() - velero_backup_last_successful_timestamp{schedule="daily"} > 26 * 3600
          labels: {severity: critical}
          annotations:
            summary: "No successful daily Velero backup for more than 26 hours"
        - alert: Neo4jBackupFailed
          expr: kube_job_status_failed{namespace="platform", job_name=~"neo4j-backup-.*"} > 0
          labels: {severity: critical}
          annotations:
            summary: {{`"Neo4j backup job {{ $labels.job_name }} failed"`}}
    - name: certificates
      rules:
        - alert: CertificateExpiresSoon
          expr: (certmanager_certificate_expiration_timestamp_seconds - time()) < 14 * 24 * 3600
          for: 1h
          labels: {severity: warning}
          annotations:
            summary: {{`"Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days"`}}
        - alert: CertificateExpiresVerySoon
          expr: (certmanager_certificate_expiration_timestamp_seconds - time()) < 3 * 24 * 3600
          labels: {severity: critical}
          annotations:
            summary: {{`"Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 3 days"`}}
    - name: edge
      rules:
        - alert: High5xxRatio
          expr: |
            sum by (service) (rate(traefik_service_requests_total{code=~"5.."}[5m]))
              / sum by (service) (rate(traefik_service_requests_total[5m])) > 0.05
          for: 10m
          labels: {severity: critical}
          annotations:
            summary: {{`"{{ $labels.service }} answers more than 5% 5xx"`}}
        - alert: BrokenSSEStreams
          # Event streams that end in an upstream error or are closed before the first event.
          expr: |
            sum by (service) (rate(traefik_service_requests_total{code=~"5..|499", method="GET", protocol="sse"}[10m]))
              / sum by (service) (rate(traefik_service_requests_total{method="GET", protocol="sse"}[10m])) > 0.02
          for: 10m
          labels: {severity: warning}
          annotations:
            summary: {{`"More than 2% of SSE streams to {{ $labels.service }} break"`}}
    - name: slo
      rules:
        - record: slo:edge_error_ratio:rate1h
          expr: sum(rate(traefik_service_requests_total{code=~"5.."}[1h])) / sum(rate(traefik_service_requests_total[1h]))
        - record: slo:edge_availability:ratio_rate30d
          expr: 1 - (sum(rate(traefik_service_requests_total{code=~"5.."}[30d])) / sum(rate(traefik_service_requests_total[30d])))
        - alert: ErrorBudgetBurnFast
          expr: slo:edge_error_ratio:rate1h > 14.4 * (1 - {{ .Values.sloAvailability }})
          for: 5m
          labels: {severity: critical}
          annotations:
            summary: "The edge burns its 30-day error budget 14x too fast"
