---
apiVersion: v1
kind: ConfigMap
metadata:
  name: litellm-config
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: litellm
    {{- include "platform.labels" . | nindent 4 }}
data:
  config.yaml: |
    model_list:
      {{- toYaml .Values.models | nindent 6 }}
    general_settings:
      master_key: os.environ/LITELLM_MASTER_KEY
      database_url: os.environ/DATABASE_URL
      database_connection_pool_limit: 10
      disable_spend_logs: false
      store_model_in_db: false
      proxy_batch_write_at: 60
    litellm_settings:
      max_budget: {{ .Values.maxBudget }}
      budget_duration: {{ .Values.budgetDuration }}
      callbacks: ["otel", "prometheus"]
      request_timeout: 600
    router_settings:
      routing_strategy: simple-shuffle
      num_retries: 2
