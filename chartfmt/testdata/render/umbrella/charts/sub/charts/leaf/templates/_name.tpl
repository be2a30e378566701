{{- define "leaf.name" -}}{{ .Chart.Name }}-{{ .Values.color }}{{- end -}}
