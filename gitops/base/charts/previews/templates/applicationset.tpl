{{- /*
One preview per pull request labelled .Values.label, as two Applications:
- preview-<n>-namespace (project .Values.namespaceProject): the platform's baseline chart, which creates the
  namespace preview-<n> (Pod Security restricted), its default-deny NetworkPolicies and the route that serves
  pr-<n>.preview.<domain> on the environment's gateway;
- preview-<n> (project .Values.project): the app's chart from the PR head, into that namespace.
When the PR closes (or loses its label) the generator drops it and the ApplicationSet deletes both
Applications; their finalizer prunes what they made, the namespace included.
{{`{{ .number }}`}} and {{`{{ .head_sha }}`}} are the ApplicationSet's own Go templates, passed through
Helm as raw strings.
*/ -}}
{{- $host := printf "pr-{{ .number }}.preview.%s" .Values.domain }}
{{- $generators := dict "generators" (list (dict "pullRequest" (dict
      "requeueAfterSeconds" 300
      "github" (dict "owner" .Values.repoOwner "repo" .Values.repoName
                     "tokenRef" (dict "secretName" "github-previews" "key" "token")
                     "labels" (list .Values.label))))) }}
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: preview-namespaces
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform.labels" . | nindent 4 }}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  {{- toYaml $generators | nindent 2 }}
  # Deleting an Application deletes its resources (no orphaned preview namespaces).
  syncPolicy: {preserveResourcesOnDeletion: false}
  template:
    metadata:
      name: {{`"preview-{{ .number }}-namespace"`}}
      labels: {app.kubernetes.io/part-of: previews}
      finalizers: [resources-finalizer.argocd.argoproj.io]
    spec:
      project: {{ .Values.namespaceProject }}
      source:
        repoURL: {{ .Values.platformRepoURL }}
        targetRevision: {{ .Values.platformRevision }}
        path: {{ .Values.namespaceChartPath }}
        helm:
          releaseName: {{`"preview-{{ .number }}"`}}
          valuesObject:
            host: {{ $host | quote }}
            ingressController: {{ .Values.ingressController }}
            service: {{- toYaml .Values.service | nindent 14 }}
      destination:
        server: {{ .Values.destinationServer }}
        namespace: {{`"preview-{{ .number }}"`}}
      syncPolicy:
        automated: {prune: true, selfHeal: true}
        retry: {limit: 5, backoff: {duration: 10s, factor: 2, maxDuration: 3m}}
---
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
  {{- toYaml $generators | nindent 2 }}
  syncPolicy: {preserveResourcesOnDeletion: false}
  template:
    metadata:
      name: {{`"preview-{{ .number }}"`}}
      labels: {app.kubernetes.io/part-of: previews}
      finalizers: [resources-finalizer.argocd.argoproj.io]
      annotations:
        # ArgoCD notifications (argo-cd catalog): the GitHub service comments the URL on the PR and sets
        # the commit status (chat hears about every Application's failures through the global subscription).
        notifications.argoproj.io/subscribe.on-deployed.github: ""
        notifications.argoproj.io/subscribe.on-sync-failed.github: ""
        notifications.argoproj.io/subscribe.on-health-degraded.github: ""
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
            # The platform's baseline serves the host; the app's chart must not make its own route.
            ingress:
              enabled: false
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
        # No CreateNamespace: the namespace Application creates it with its policies first; until then
        # the sync fails and retries.
        automated: {prune: true, selfHeal: true}
        retry: {limit: 5, backoff: {duration: 10s, factor: 2, maxDuration: 3m}}
