---
{{- if eq .Values.ingressController "traefik" }}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: litellm
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  parentRefs:
    - {name: platform, namespace: ingress}
  hostnames: ["llm.{{ .Values.domain }}"]
  rules:
    - backendRefs:
        - {name: litellm, port: 4000}
      # Streamed completions (SSE) may last up to an hour, like the ALB idle timeout.
      timeouts: {request: 3600s, backendRequest: 3600s}
      # HSTS on every public route.
      filters:
        - type: ResponseHeaderModifier
          responseHeaderModifier:
            set:
              - {name: Strict-Transport-Security, value: "max-age=31536000; includeSubDomains"}
{{- else }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: litellm
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  ingressClassName: nginx
  rules:
    - host: llm.{{ .Values.domain }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: litellm
                port:
                  number: 4000
{{- end }}
