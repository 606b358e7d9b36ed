{{- /*
Add-on paths on top of what k8s_bootstrap applies (default deny, DNS, API server, AWS endpoints,
scraping, ingress to litellm/argocd): distinct names, so no object has two owners.
*/ -}}
{{- $ns := .Values.namespaces }}
{{- range $ns }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-otlp-egress
  namespace: {{ . }}
  labels:
    {{- include "platform.labels" $ | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: observability}
      ports:
        - {protocol: TCP, port: 4317}
        - {protocol: TCP, port: 4318}
{{- end }}
{{- if has "observability" $ns }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-observability-internal-egress
  namespace: observability
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-otlp-ingress
  namespace: observability
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {}
      ports:
        - {protocol: TCP, port: 4317}
        - {protocol: TCP, port: 4318}
{{- end }}
{{- /* S3 is reached through the gateway endpoint, whose targets are S3's public ranges: HTTPS
anywhere, only for the namespaces that write to buckets. */}}
{{- range list "velero" "observability" "platform" }}
{{- if has . $ns }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-s3-egress
  namespace: {{ . }}
  labels:
    {{- include "platform.labels" $ | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - ports:
        - {protocol: TCP, port: 443}
{{- end }}
{{- end }}
{{- if has "ingress" $ns }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-alb-to-ingress
  namespace: ingress
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - ipBlock: {cidr: {{ .Values.vpcCidr | quote }}}
      ports:
        - {protocol: TCP, port: 80}
        - {protocol: TCP, port: 8000}
        - {protocol: TCP, port: 8080}
        - {protocol: TCP, port: 10254}
{{- end }}
{{- if has "litellm" $ns }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-litellm-egress
  namespace: litellm
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: litellm}
  policyTypes: [Egress]
  egress:
    # Model providers over HTTPS, and the RDS instance in the VPC.
    - ports:
        - {protocol: TCP, port: 443}
    - to:
        - ipBlock: {cidr: {{ .Values.vpcCidr | quote }}}
      ports:
        - {protocol: TCP, port: 5432}
{{- end }}
{{- if has "platform" $ns }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-neo4j-internal
  namespace: platform
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels: {app: neo4j}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {}
      ports:
        - {protocol: TCP, port: 7687}
        - {protocol: TCP, port: 7474}
        - {protocol: TCP, port: 6362}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: addon-neo4j-backup-egress
  namespace: platform
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: neo4j-backup}
  policyTypes: [Egress]
  egress:
    - to:
        - podSelector:
            matchLabels: {app: neo4j}
      ports:
        - {protocol: TCP, port: 6362}
{{- end }}
