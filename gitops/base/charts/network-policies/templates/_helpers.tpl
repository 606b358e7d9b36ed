{{- define "platform.labels" -}}
app.kubernetes.io/part-of: platform
app.kubernetes.io/managed-by: argocd
{{- end }}

{{- /* The pods of a peer: `pods` (labels) or `apps` (app.kubernetes.io/name values); none: every pod. */ -}}
{{- define "netpol.pods" -}}
{{- if .pods }}
matchLabels: {{ toJson .pods }}
{{- else if .apps }}
matchExpressions:
  - {key: app.kubernetes.io/name, operator: In, values: {{ toJson .apps }}}
{{- else -}}
{}
{{- end }}
{{- end }}

{{- /* The peers of one end of a path: a namespace (and its pods), or the CIDRs a key of .Values.cidrs names;
`internet` is every address outside the VPC. */ -}}
{{- define "netpol.peers" -}}
{{- $peer := .peer }}
{{- if $peer.namespace }}
- namespaceSelector:
    matchLabels: {kubernetes.io/metadata.name: {{ $peer.namespace }}}
  {{- if or $peer.pods $peer.apps }}
  podSelector:
    {{- include "netpol.pods" $peer | trim | nindent 4 }}
  {{- end }}
{{- else if eq $peer.cidrs "internet" }}
- ipBlock: {cidr: 0.0.0.0/0, except: [{{ .cidrs.vpc | quote }}]}
{{- else }}
{{- $cidrs := required (printf "cidrs.%s is not set" $peer.cidrs) (index .cidrs $peer.cidrs) }}
{{- if not $cidrs }}{{ fail (printf "cidrs.%s is empty" $peer.cidrs) }}{{ end }}
{{- range $cidrs }}
- ipBlock: {cidr: {{ . | quote }}}
{{- end }}
{{- end }}
{{- end }}

{{- /* The ports of a path: numbers, or keys of .Values.ports. */ -}}
{{- define "netpol.ports" -}}
{{- range .path.ports }}
- {protocol: TCP, port: {{ if kindIs "string" . }}{{ required (printf "ports.%s is not set" .) (index $.ports .) | int }}{{ else }}{{ . | int }}{{ end }}}
{{- end }}
{{- end }}
