{{/* Chart name, shortened to the 63 characters a label value allows. */}}
{{- define "gongzhi.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "gongzhi.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "gongzhi.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gongzhi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gongzhi.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gongzhi.labels" -}}
helm.sh/chart: {{ include "gongzhi.chart" . }}
{{ include "gongzhi.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gongzhi
{{- end }}

{{- define "gongzhi.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gongzhi.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "gongzhi.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the pods read: the user's existing one or the chart's own. */}}
{{- define "gongzhi.secretName" -}}
{{- default (include "gongzhi.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "gongzhi.migrationSecretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else }}
{{- printf "%s-migrations" (include "gongzhi.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "gongzhi.sqlite" -}}
{{- if eq .Values.database.engine "sqlite" }}true{{ end }}
{{- end }}

{{- define "gongzhi.dataDir" -}}/var/lib/gongzhi{{- end }}

{{- define "gongzhi.claimName" -}}
{{- default (printf "%s-data" (include "gongzhi.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/*
The deployment rules values.schema.json cannot express; each stops the render with a message
that names the value to change.
*/}}
{{- define "gongzhi.validate" -}}
{{- if include "gongzhi.sqlite" . }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- fail (printf "错误：SQLite 模式只能运行 1 个副本，当前 replicaCount=%d；多副本请改用 database.engine=postgresql / error: SQLite mode runs exactly one replica but replicaCount=%d; use database.engine=postgresql for several replicas" (int .Values.replicaCount) (int .Values.replicaCount)) }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "错误：SQLite 模式不能启用 autoscaling，它只能运行 1 个副本 / error: SQLite mode cannot enable autoscaling: it runs exactly one replica" }}
{{- end }}
{{- if not .Values.persistence.enabled }}
{{- fail "错误：SQLite 模式需要持久卷，请设置 persistence.enabled=true / error: SQLite mode needs a persistent volume: set persistence.enabled=true" }}
{{- end }}
{{- else }}
{{- if and (not .Values.existingSecret) (not .Values.database.url) }}
{{- fail "错误：PostgreSQL 模式需要 database.url 或 existingSecret / error: PostgreSQL mode needs database.url or existingSecret" }}
{{- end }}
{{- end }}
{{- if and .Values.redis.enabled (not .Values.existingSecret) (not .Values.redis.url) }}
{{- fail "错误：redis.enabled=true 需要 redis.url 或 existingSecret / error: redis.enabled=true needs redis.url or existingSecret" }}
{{- end }}
{{- end }}

{{/* The secret key: the value given, else the one stored by an earlier release, else new. */}}
{{- define "gongzhi.secretKey" -}}
{{- if .Values.secretKey }}
{{- .Values.secretKey }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "gongzhi.fullname" .) }}
{{- if and $existing $existing.data (hasKey $existing.data "GONGZHI_SECRET_KEY") }}
{{- index $existing.data "GONGZHI_SECRET_KEY" | b64dec }}
{{- else }}
{{- randAlphaNum 48 }}
{{- end }}
{{- end }}
{{- end }}

{{/* Non-secret settings, shared by the ConfigMap and the migration Job. */}}
{{- define "gongzhi.configData" -}}
GONGZHI_ENV: {{ .Values.config.environment | quote }}
GONGZHI_LOG_FORMAT: {{ .Values.config.logFormat | quote }}
GONGZHI_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
{{- with .Values.config.plugins }}
GONGZHI_PLUGINS: {{ join "," . | quote }}
{{- end }}
{{- with .Values.config.disabledPlugins }}
GONGZHI_DISABLED_PLUGINS: {{ join "," . | quote }}
{{- end }}
{{- if include "gongzhi.sqlite" . }}
GONGZHI_DATABASE_URL: {{ printf "sqlite+aiosqlite:///%s/%s" (include "gongzhi.dataDir" .) .Values.database.sqliteFile | quote }}
{{- end }}
{{- range $name, $value := .Values.config.extra }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Secret variables as env entries. Each is referenced by key rather than with envFrom, so the
application pods never see the owner role's migration URL. Argument: dict "ctx" $ "migration" bool.
*/}}
{{- define "gongzhi.secretEnv" -}}
{{- $ := .ctx }}
{{- $keys := $.Values.existingSecretKeys }}
{{- $secret := ternary (include "gongzhi.migrationSecretName" $) (include "gongzhi.secretName" $) .migration -}}
- name: GONGZHI_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary $keys.secretKey "GONGZHI_SECRET_KEY" (not (empty $.Values.existingSecret)) }}
{{- if not (include "gongzhi.sqlite" $) }}
- name: GONGZHI_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary $keys.databaseUrl "GONGZHI_DATABASE_URL" (not (empty $.Values.existingSecret)) }}
{{- if .migration }}
- name: GONGZHI_MIGRATION_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary $keys.migrationDatabaseUrl "GONGZHI_MIGRATION_DATABASE_URL" (not (empty $.Values.existingSecret)) }}
      optional: true
{{- end }}
{{- end }}
{{- if and $.Values.redis.enabled (not .migration) }}
- name: GONGZHI_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary $keys.redisUrl "GONGZHI_REDIS_URL" (not (empty $.Values.existingSecret)) }}
{{- end }}
{{- end }}

{{/* The restricted security context every container runs with. */}}
{{- define "gongzhi.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "gongzhi.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pods that serve: replicas fixed or the autoscaler's minimum. */}}
{{- define "gongzhi.minPods" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}
