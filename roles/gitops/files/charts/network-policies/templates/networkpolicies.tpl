{{- /*
One NetworkPolicy per end of each path of .Values.paths that lies in an enabled namespace: egress at the source,
ingress at the destination. On top of what k8s_bootstrap applies (default deny, DNS, API server, VPC endpoints,
ArgoCD, scraping): distinct names, so no object has two owners.
*/ -}}
{{- range $path := .Values.paths }}
{{- $ctx := dict "cidrs" $.Values.cidrs "ports" $.Values.ports "path" $path }}
{{- if and $path.from.namespace (has $path.from.namespace $.Values.namespaces) }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: path-{{ $path.name }}-egress
  namespace: {{ $path.from.namespace }}
  labels:
    {{- include "platform.labels" $ | nindent 4 }}
spec:
  podSelector:
    {{- include "netpol.pods" $path.from | trim | nindent 4 }}
  policyTypes: [Egress]
  egress:
    - to:
        {{- include "netpol.peers" (merge (dict "peer" $path.to) $ctx) | trim | nindent 8 }}
      {{- if $path.ports }}
      ports:
        {{- include "netpol.ports" $ctx | trim | nindent 8 }}
      {{- end }}
{{- end }}
{{- if and $path.to.namespace (has $path.to.namespace $.Values.namespaces) }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: path-{{ $path.name }}-ingress
  namespace: {{ $path.to.namespace }}
  labels:
    {{- include "platform.labels" $ | nindent 4 }}
spec:
  podSelector:
    {{- include "netpol.pods" $path.to | trim | nindent 4 }}
  policyTypes: [Ingress]
  ingress:
    - from:
        {{- include "netpol.peers" (merge (dict "peer" $path.from) $ctx) | trim | nindent 8 }}
      {{- if $path.ports }}
      ports:
        {{- include "netpol.ports" $ctx | trim | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}
