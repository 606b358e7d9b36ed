---
apiVersion: v1
kind: Service
metadata:
  name: litellm
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: litellm
    {{- include "platform.labels" . | nindent 4 }}
spec:
  selector: {app.kubernetes.io/name: litellm}
  ports:
    - {name: http, port: 4000, targetPort: http}
