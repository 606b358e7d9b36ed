# The namespace's own SecretStore: External Secrets reads Secrets Manager as the service account secret-store,
# whose IRSA role (eks_irsa, template secret-store) reads only litellm's secrets. No pod runs as it.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: secret-store
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
  annotations:
    eks.amazonaws.com/role-arn: {{ required "secretStore.roleArn: the IRSA role of litellm/secret-store" .Values.secretStore.roleArn | quote }}
automountServiceAccountToken: false
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: aws-secrets-manager
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  provider:
    aws:
      service: SecretsManager
      region: {{ required "secretStore.region" .Values.secretStore.region }}
      auth:
        jwt:
          serviceAccountRef: {name: secret-store}
