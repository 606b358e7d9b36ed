---
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: otel
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  mode: deployment
  replicas: {{ .Values.replicas }}
  observability:
    metrics:
      enableMetrics: true
  config:
    receivers:
      otlp:
        protocols:
          grpc: {endpoint: "0.0.0.0:4317"}
          http: {endpoint: "0.0.0.0:4318"}
    processors:
      memory_limiter: {check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 20}
      k8sattributes: {}
      resource:
        attributes:
          - {key: deployment.environment.name, value: {{ .Values.env | quote }}, action: upsert}
          - {key: k8s.cluster.name, value: {{ .Values.cluster | quote }}, action: upsert}
      batch: {}
    exporters:
      otlp/jaeger:
        endpoint: jaeger-collector.observability.svc:4317
        tls: {insecure: true}
      prometheus:
        endpoint: "0.0.0.0:8889"
    service:
      pipelines:
        traces:
          receivers: [otlp]
          processors: [memory_limiter, k8sattributes, resource, batch]
          exporters: [otlp/jaeger]
        metrics:
          receivers: [otlp]
          processors: [memory_limiter, k8sattributes, resource, batch]
          exporters: [prometheus]
