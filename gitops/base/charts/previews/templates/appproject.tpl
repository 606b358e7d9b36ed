{{- /*
Two projects, so that a pull request's code never holds more than its own namespace:
- previews: the product repository's chart, into preview-* namespaces, namespaced kinds of an allowlist
  only (no RBAC, no NetworkPolicy, no route, no ExternalSecret), no cluster-scoped kind at all;
- preview-namespaces: the platform repository's baseline chart, which owns the Namespace (so it is pruned
  with the PR), its default-deny NetworkPolicies and the route that serves the preview host.
*/ -}}
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {{ .Values.project }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  description: Pull-request previews of {{ .Values.repoOwner }}/{{ .Values.repoName }} (the product chart only)
  sourceRepos:
    - https://github.com/{{ .Values.repoOwner }}/{{ .Values.repoName }}.git
  destinations:
    - {namespace: "preview-*", server: {{ .Values.destinationServer }}}
  clusterResourceWhitelist: []
  namespaceResourceWhitelist:
    {{- range .Values.allowedKinds }}
    - {group: {{ index . 0 | quote }}, kind: {{ index . 1 }}}
    {{- end }}
  orphanedResources: {warn: true}
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {{ .Values.namespaceProject }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  description: Namespace, default-deny NetworkPolicies and route of each preview (the platform's baseline chart)
  sourceRepos:
    - {{ .Values.platformRepoURL }}
  destinations:
    - {namespace: "preview-*", server: {{ .Values.destinationServer }}}
  # ArgoCD checks an Application's Namespace against this list; only preview namespaces qualify.
  clusterResourceWhitelist:
    - {group: "", kind: Namespace, name: "preview-*"}
  namespaceResourceWhitelist:
    - {group: networking.k8s.io, kind: NetworkPolicy}
    {{- if eq .Values.ingressController "traefik" }}
    - {group: gateway.networking.k8s.io, kind: HTTPRoute}
    {{- else }}
    - {group: networking.k8s.io, kind: Ingress}
    {{- end }}
  orphanedResources: {warn: true}
