{{- /* The service dashboards of values.dashboards: one ConfigMap each, found by Grafana's sidecar. Panel ids are
fixed in values, so the runbooks can link to /d/<uid>?viewPanel=<id>. */ -}}
{{- range .Values.dashboards }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .uid }}-dashboard
  namespace: {{ $.Release.Namespace }}
  labels:
    grafana_dashboard: "1"
    {{- include "platform.labels" $ | nindent 4 }}
data:
  {{ .uid }}.json: |
    {{- $panels := list }}
    {{- range $i, $p := .panels }}
    {{- $target := dict "expr" (replace "ENV" $.Values.env (replace "PREFIX" $.Values.prefix $p.expr)) "legendFormat" ($p.legend | default "") }}
    {{- $grid := dict "h" 8 "w" 12 "x" (mul (mod $i 2) 12) "y" (mul (div $i 2) 8) }}
    {{- $panel := dict "id" $p.id "type" "timeseries" "title" $p.title "gridPos" $grid "targets" (list $target) "fieldConfig" (dict "defaults" (dict "unit" ($p.unit | default "short"))) }}
    {{- if $p.datasource }}{{- $_ := set $panel "datasource" (dict "type" "prometheus" "uid" $p.datasource) }}{{- end }}
    {{- $panels = append $panels $panel }}
    {{- end }}
    {{- dict "title" .title "uid" .uid "schemaVersion" 39 "tags" (list "platform") "time" (dict "from" "now-24h" "to" "now") "panels" $panels | toPrettyJson | nindent 4 }}
{{- end }}
