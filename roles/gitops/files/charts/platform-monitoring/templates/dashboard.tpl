---
apiVersion: v1
kind: ConfigMap
metadata:
  name: slo-dashboard
  namespace: {{ .Release.Namespace }}
  labels:
    grafana_dashboard: "1"
    {{- include "platform.labels" . | nindent 4 }}
data:
  slo.json: |
    {
      "title": "Platform SLOs and error budgets",
      "uid": "platform-slo",
      "schemaVersion": 39,
      "tags": ["slo", "platform"],
      "time": {"from": "now-30d", "to": "now"},
      "templating": {"list": []},
      "panels": [
        {"id": 1, "type": "stat", "title": "Edge availability (30d)", "gridPos": {"h": 6, "w": 8, "x": 0, "y": 0},
         "targets": [{"expr": "slo:edge_availability:ratio_rate30d"}],
         "fieldConfig": {"defaults": {"unit": "percentunit", "thresholds": {"mode": "absolute", "steps": [{"color": "red", "value": null}, {"color": "green", "value": {{ .Values.sloAvailability }}}]}}}},
        {"id": 2, "type": "stat", "title": "Error budget left (30d)", "gridPos": {"h": 6, "w": 8, "x": 8, "y": 0},
         "targets": [{"expr": "1 - (1 - slo:edge_availability:ratio_rate30d) / (1 - {{ .Values.sloAvailability }})"}],
         "fieldConfig": {"defaults": {"unit": "percentunit"}}},
        {"id": 3, "type": "timeseries", "title": "Burn rate (1h)", "gridPos": {"h": 8, "w": 16, "x": 0, "y": 6},
         "targets": [{"expr": "slo:edge_error_ratio:rate1h / (1 - {{ .Values.sloAvailability }})"}]}
      ]
    }
