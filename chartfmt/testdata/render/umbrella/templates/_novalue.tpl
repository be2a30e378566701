{{- define "umbrella.novalue" -}}[{{ .Values.doesNotExist }}]{{- end -}}
