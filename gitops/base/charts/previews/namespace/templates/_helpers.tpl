{{- define "preview.labels" -}}
app.kubernetes.io/part-of: previews
app.kubernetes.io/managed-by: argocd
{{- end }}
