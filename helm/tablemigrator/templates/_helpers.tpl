{{- define "tablemigrator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tablemigrator.operatorName" -}}
{{- printf "%s-operator" (include "tablemigrator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tablemigrator.labels" -}}
app.kubernetes.io/name: tablemigrator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tablemigrator.selectorLabels" -}}
app.kubernetes.io/name: tablemigrator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "tablemigrator.serviceAccountName" -}}
{{- default (include "tablemigrator.operatorName" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "tablemigrator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The operator's permissions on TableMigrations, Jobs, pods, Secrets and Events (cluster-wide or per namespace). */}}
{{- define "tablemigrator.operatorRules" -}}
- apiGroups: ["tablemigrator.io"]
  resources: ["tablemigrations"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["tablemigrator.io"]
  resources: ["tablemigrations/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["tablemigrator.io"]
  resources: ["tablemigrations/finalizers"]
  verbs: ["update"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["secrets", "serviceaccounts"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}
