---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: litellm
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: litellm
    app.kubernetes.io/component: proxy
    {{- include "platform.labels" . | nindent 4 }}
  annotations:
    reloader.stakater.com/auto: "true"
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app.kubernetes.io/name: litellm}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: litellm
        app.kubernetes.io/component: proxy
        app.kubernetes.io/version: {{ splitList ":" .Values.image | last | quote }}
    spec:
      serviceAccountName: litellm
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: litellm
          image: {{ .Values.image }}
          args: ["--config", "/etc/litellm/config.yaml", "--port", "4000"]
          ports:
            - {name: http, containerPort: 4000}
          envFrom:
            - secretRef: {name: litellm-secrets}
          env:
            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.observability.svc:4318"}
            - {name: OTEL_PROPAGATORS, value: "tracecontext,baggage"}
            - {name: OTEL_SERVICE_NAME, value: litellm}
          readinessProbe:
            httpGet: {path: /health/readiness, port: http}
          livenessProbe:
            httpGet: {path: /health/liveliness, port: http}
          resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: "2", memory: 2Gi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          volumeMounts:
            - {name: config, mountPath: /etc/litellm, readOnly: true}
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: config
          configMap: {name: litellm-config}
        - name: tmp
          emptyDir: {}
