{{/* Name of the chart, overridable. */}}
{{- define "strato.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified name: release-chart, unless the release name already holds it. */}}
{{- define "strato.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels that select this release's pods. Never change them on upgrade:
     a Deployment's selector is immutable. */}}
{{- define "strato.selectorLabels" -}}
app.kubernetes.io/name: {{ include "strato.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "strato.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "strato.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: inference-server
{{- end -}}

{{- define "strato.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "strato.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* ConfigMap key for a server flag: model-control-mode -> STRATO_MODEL_CONTROL_MODE. */}}
{{- define "strato.flagEnv" -}}
{{- printf "STRATO_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* ConfigMap key for a model file: simple/1/model.json -> simple__1__model.json
     (keys cannot hold "/"; items map them back to paths). */}}
{{- define "strato.modelFileKey" -}}
{{- . | replace "/" "__" -}}
{{- end -}}
