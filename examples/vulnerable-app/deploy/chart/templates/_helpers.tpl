{{- define "vulnerable-app.name" -}}
{{ .Release.Name }}-{{ .Chart.Name }}
{{- end }}

{{- define "vulnerable-app.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
