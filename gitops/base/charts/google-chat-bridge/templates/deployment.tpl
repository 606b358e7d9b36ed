---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: google-chat-bridge
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: calert
    app.kubernetes.io/component: google-chat-bridge
    {{- include "platform.labels" . | nindent 4 }}
  annotations:
    reloader.stakater.com/auto: "true"
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app.kubernetes.io/name: calert}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: calert
        app.kubernetes.io/component: google-chat-bridge
        app.kubernetes.io/version: {{ splitList ":" .Values.image | last | quote }}
    spec:
      automountServiceAccountToken: false
      # 999: the calert user of the image (its Dockerfile).
      securityContext: {runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: calert
          image: {{ .Values.image }}
          # The image's working directory is /app, where static/message.tmpl (the provider's template) lives.
          args: ["--config=/etc/calert/config.toml"]
          ports:
            - {name: http, containerPort: 6000}
          readinessProbe:
            httpGet: {path: /ping, port: http}
          livenessProbe:
            httpGet: {path: /ping, port: http}
          resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {cpu: 200m, memory: 128Mi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          volumeMounts:
            - {name: config, mountPath: /etc/calert, readOnly: true}
      volumes:
        - name: config
          secret: {secretName: google-chat-bridge}
