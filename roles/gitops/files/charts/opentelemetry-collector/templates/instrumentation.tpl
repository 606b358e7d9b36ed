---
# Auto-instrumented workloads propagate W3C trace context (traceparent/tracestate) and baggage.
apiVersion: opentelemetry.io/v1alpha1
kind: Instrumentation
metadata:
  name: platform
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  exporter:
    endpoint: http://otel-collector.observability.svc:4318
  propagators: [tracecontext, baggage]
  sampler:
    type: parentbased_traceidratio
    argument: {{ .Values.traceSamplingRatio | toString | quote }}
