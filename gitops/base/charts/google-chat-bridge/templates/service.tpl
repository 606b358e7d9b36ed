---
# Alertmanager's chat receivers post to http://google-chat-bridge.<namespace>.svc:6000/dispatch?room_name=<room>.
apiVersion: v1
kind: Service
metadata:
  name: google-chat-bridge
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: calert
    {{- include "platform.labels" . | nindent 4 }}
spec:
  selector: {app.kubernetes.io/name: calert}
  ports:
    - {name: http, port: 6000, targetPort: http}
