{{ define "x" }}{{ .Values.a }
