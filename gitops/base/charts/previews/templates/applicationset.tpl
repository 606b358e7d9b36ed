---
# One preview per pull request labelled .Values.label: its own namespace, the app's chart from the PR
# head, the preview URL in the Application's info (shown in the UI) and reported to the PR as a commit
# status through ArgoCD notifications (GitHub service). {{`{{ .number }}`}} and {{`{{ .head_sha }}`}} are
# the ApplicationSet's own Go templates, passed through Helm as raw strings.
{{- $host := printf "pr-{{ .number }}.preview.%s" .Values.domain }}
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: previews
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - pullRequest:
        requeueAfterSeconds: 300
        github:
          owner: {{ .Values.repoOwner }}
          repo: {{ .Values.repoName }}
          tokenRef: {secretName: github-previews, key: token}
          labels: [{{ .Values.label }}]
  template:
    metadata:
      name: {{`"preview-{{ .number }}"`}}
      labels: {app.kubernetes.io/part-of: previews}
      annotations:
        notifications.argoproj.io/subscribe.on-deployed.github: ""
        preview.mosaic/url: {{ printf "https://%s" $host | quote }}
    spec:
      project: {{ .Values.project }}
      source:
        repoURL: https://github.com/{{ .Values.repoOwner }}/{{ .Values.repoName }}.git
        targetRevision: {{`"{{ .head_sha }}"`}}
        path: {{ .Values.chartPath }}
        helm:
          releaseName: app
          valuesObject:
            ingress:
              host: {{ $host | quote }}
            image:
              tag: {{`"{{ .head_sha }}"`}}
      destination:
        server: {{ .Values.destinationServer }}
        namespace: {{`"preview-{{ .number }}"`}}
      info:
        - name: Preview URL
          value: {{ printf "https://%s" $host | quote }}
      syncPolicy:
        automated: {prune: true, selfHeal: true}
        syncOptions: [CreateNamespace=true]
        # Preview namespaces are ephemeral and owned by their Application (not the bootstrap).
        managedNamespaceMetadata:
          labels:
            pod-security.kubernetes.io/enforce: restricted
            platform.mosaic/preview: "true"
        retry: {limit: 3, backoff: {duration: 10s, factor: 2, maxDuration: 3m}}
