{{- define "lib.hello" -}}hello from lib to {{ .Chart.Name }}{{- end -}}
{{- define "shared.name" -}}from-lib{{- end -}}
