{{/*
__NAME__.name is the chart name, or .Values.nameOverride, cut to the 63
characters Kubernetes allows in a label value.
*/}}
{{- define "__NAME__.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
__NAME__.fullname names the release's objects: .Values.fullnameOverride, else
the release name, suffixed with the chart name unless it already contains it.
*/}}
{{- define "__NAME__.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "__NAME__.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* __NAME__.chart is "name-version", a valid label value. */}}
{{- define "__NAME__.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* __NAME__.selectorLabels never change over the release's life. */}}
{{- define "__NAME__.selectorLabels" -}}
app.kubernetes.io/name: {{ include "__NAME__.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* __NAME__.labels go on every object. */}}
{{- define "__NAME__.labels" -}}
helm.sh/chart: {{ include "__NAME__.chart" . }}
{{ include "__NAME__.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* __NAME__.serviceAccountName is the ServiceAccount the pods run as. */}}
{{- define "__NAME__.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "__NAME__.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* __NAME__.image is repository@digest when a digest pins the image, else
repository:tag, the tag defaulting to appVersion. */}}
{{- define "__NAME__.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}
