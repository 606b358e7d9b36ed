{{- /* The preview host on the environment's gateway, with HSTS like every public route. */ -}}
{{- if eq .Values.ingressController "traefik" }}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: preview
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "preview.labels" . | nindent 4 }}
spec:
  parentRefs:
    - {name: {{ .Values.gatewayName }}, namespace: {{ .Values.gatewayNamespace }}, sectionName: previews}
  hostnames: [{{ .Values.host | quote }}]
  rules:
    - backendRefs:
        - {name: {{ .Values.service.name }}, port: {{ .Values.service.port }}}
      filters:
        - type: ResponseHeaderModifier
          responseHeaderModifier:
            set:
              - {name: Strict-Transport-Security, value: {{ .Values.hsts | quote }}}
{{- else }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: preview
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "preview.labels" . | nindent 4 }}
spec:
  ingressClassName: nginx
  rules:
    - host: {{ .Values.host }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ .Values.service.name }}
                port:
                  number: {{ .Values.service.port }}
{{- end }}
