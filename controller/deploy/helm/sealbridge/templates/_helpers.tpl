{{- define "sealbridge.name" -}}sealbridge-controller{{- end -}}
{{- define "sealbridge.labels" -}}
app.kubernetes.io/name: {{ include "sealbridge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
