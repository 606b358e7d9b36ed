---
# Alert rules of the platform; their text uses Prometheus templating, passed through Helm as {{`raw strings`}}.
# Every alert links its runbook, docs/runbooks/<alert>.md (scripts/runbooks.py writes them; a test checks both).
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
          expr: max by (dimension_QueueName) (aws_sqs_approximate_number_of_messages_visible_maximum{dimension_QueueName=~"{{ .Values.prefix }}-.*-dlq"}) > 0
          for: 5m
          labels: {severity: critical}
          annotations:
            summary: {{`"Dead-letter queue {{ $labels.dimension_QueueName }} holds {{ $value }} messages"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/DeadLetterQueueNotEmpty.md
        - alert: DeadLetterMessageOld
          # A failed message nobody handled for a day (the aws phase's <dlq>-age alarm has the same threshold).
          expr: max by (dimension_QueueName) (aws_sqs_approximate_age_of_oldest_message_maximum{dimension_QueueName=~"{{ .Values.prefix }}-.*-dlq"}) > 86400
          for: 15m
          labels: {severity: warning}
          annotations:
            summary: {{`"The oldest message in {{ $labels.dimension_QueueName }} is more than a day old"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/DeadLetterMessageOld.md
    - name: backups
      rules:
        - alert: VeleroBackupFailed
          expr: increase(velero_backup_failure_total{schedule!=""}[1h]) > 0
          labels: {severity: critical}
          annotations:
            summary: {{`"Velero schedule {{ $labels.schedule }} failed a backup in the last hour"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/VeleroBackupFailed.md
        - alert: VeleroBackupTooOld
          expr: time() - velero_backup_last_successful_timestamp{schedule="daily"} > 26 * 3600
          labels: {severity: critical}
          annotations:
            summary: "No successful daily Velero backup for more than 26 hours"
            runbook_url: {{ .Values.runbookBaseUrl }}/VeleroBackupTooOld.md
        - alert: Neo4jBackupFailed
          expr: kube_job_status_failed{namespace="platform", job_name=~"neo4j-backup-.*"} > 0
          labels: {severity: critical}
          annotations:
            summary: {{`"Neo4j backup job {{ $labels.job_name }} failed"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/Neo4jBackupFailed.md
    - name: certificates
      rules:
        - alert: CertificateExpiresSoon
          expr: (certmanager_certificate_expiration_timestamp_seconds - time()) < 14 * 24 * 3600
          for: 1h
          labels: {severity: warning}
          annotations:
            summary: {{`"Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/CertificateExpiresSoon.md
        - alert: CertificateExpiresVerySoon
          expr: (certmanager_certificate_expiration_timestamp_seconds - time()) < 3 * 24 * 3600
          labels: {severity: critical}
          annotations:
            summary: {{`"Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 3 days"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/CertificateExpiresVerySoon.md
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
            runbook_url: {{ .Values.runbookBaseUrl }}/High5xxRatio.md
        - alert: BrokenSSEStreams
          # Event streams that end in an upstream error or are closed before the first event.
          expr: |
            sum by (service) (rate(traefik_service_requests_total{code=~"5..|499", method="GET", protocol="sse"}[10m]))
              / sum by (service) (rate(traefik_service_requests_total{method="GET", protocol="sse"}[10m])) > 0.02
          for: 10m
          labels: {severity: warning}
          annotations:
            summary: {{`"More than 2% of SSE streams to {{ $labels.service }} break"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/BrokenSSEStreams.md
    - name: waf
      rules:
        - alert: WafBlockedRequestsHigh
          # Same threshold as the aws phase's <web ACL>-blocked-requests alarm (500 per 5 minutes).
          expr: sum by (dimension_WebACL) (aws_wafv2_blocked_requests_sum{dimension_WebACL=~"{{ .Values.prefix }}-.*", dimension_Rule="ALL"}) > 500
          for: 10m
          labels: {severity: warning}
          annotations:
            summary: {{`"The web ACL {{ $labels.dimension_WebACL }} blocks more than 500 requests per 5 minutes"`}}
            runbook_url: {{ .Values.runbookBaseUrl }}/WafBlockedRequestsHigh.md
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
            runbook_url: {{ .Values.runbookBaseUrl }}/ErrorBudgetBurnFast.md
