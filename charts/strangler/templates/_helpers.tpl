{{/* Names ------------------------------------------------------------------------------------- */}}

{{- define "strangler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-strangler, or the release name alone when it already contains the chart name. */}}
{{- define "strangler.fullname" -}}
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

{{/* Service (and Deployment) name of a component: (dict "root" $ "name" "users") -> <fullname>-users */}}
{{- define "strangler.componentName" -}}
{{- printf "%s-%s" (include "strangler.fullname" .root | trunc 52 | trimSuffix "-") .name }}
{{- end }}

{{- define "strangler.analysisTemplateName" -}}
{{- printf "%s-upstream-health" (include "strangler.fullname" . | trunc 47 | trimSuffix "-") }}
{{- end }}

{{/* What an autoscaler scales for a component: its Rollout (rollout.enabled) or its Deployment. (dict "root" $ "name" "users") */}}
{{- define "strangler.scaleTarget" -}}
{{- if (include "strangler.component" . | fromYaml).rollout.enabled }}
apiVersion: argoproj.io/v1alpha1
kind: Rollout
{{- else }}
apiVersion: apps/v1
kind: Deployment
{{- end }}
name: {{ include "strangler.componentName" . }}
{{- end }}

{{- define "strangler.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "strangler.fullname" .) }}
{{- end }}

{{/* Labels -------------------------------------------------------------------------------------- */}}

{{- define "strangler.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "strangler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* (dict "root" $ "name" "users") */}}
{{- define "strangler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "strangler.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* Components ---------------------------------------------------------------------------------- */}}

{{/* Names of the enabled components, as a YAML list (use with fromYamlArray). */}}
{{- define "strangler.enabledComponents" -}}
{{- $enabled := list }}
{{- range $name := list "proxy" "monolith" "users" "inventory" "orders" }}
{{- if (index $.Values $name).enabled }}{{ $enabled = append $enabled $name }}{{ end }}
{{- end }}
{{- toYaml $enabled }}
{{- end }}

{{/* The services the proxy routes to: every enabled component but the proxy. */}}
{{- define "strangler.upstreams" -}}
{{- without (include "strangler.enabledComponents" . | fromYamlArray) "proxy" | toYaml }}
{{- end }}

{{/* A component's settings: componentDefaults overridden by its own block. Use with fromYaml. */}}
{{- define "strangler.component" -}}
{{- mergeOverwrite (deepCopy .root.Values.componentDefaults) (deepCopy (index .root.Values .name)) | toYaml }}
{{- end }}

{{/* `strangler <role>` arguments of a component. */}}
{{- define "strangler.args" -}}
{{- if has .name (list "proxy" "monolith") }}{{ list .name | toJson }}{{ else }}{{ list "service" .name | toJson }}{{ end }}
{{- end }}

{{/* In-cluster URL of a component's Service: (dict "root" $ "name" "users") */}}
{{- define "strangler.serviceUrl" -}}
{{- printf "http://%s:%v" (include "strangler.componentName" .) (index .root.Values .name).port }}
{{- end }}

{{- define "strangler.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Pod-level settings shared by the Deployments and the migration Job. */}}
{{- define "strangler.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "strangler.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Writable dirs on a read-only root filesystem: DATA_DIR (/data) and /tmp. */}}
{{- define "strangler.volumeMounts" -}}
- name: data
  mountPath: /data
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "strangler.volumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- end }}

{{/* Checksums of the rendered ConfigMap/Secret: a change rolls the pods. An existingSecret is
     not rendered here, so its name is hashed instead (roll it yourself when its content changes); an ExternalSecret's
     spec is hashed, not the values it syncs. */}}
{{- define "strangler.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ (.Values.secrets.existingSecret | default (include (print .Template.BasePath (ternary "/externalsecret.yaml" "/secret.yaml" .Values.externalSecret.enabled)) .)) | sha256sum }}
{{- end }}

{{/* Name of the install-only hook Secret holding a generated JWT_SECRET, or "" when JWT_SECRET comes from
     secrets.jwtSecret (the release Secret), secrets.existingSecret or an ExternalSecret. */}}
{{- define "strangler.generatedJwtSecretName" -}}
{{- if not (or .Values.secrets.existingSecret .Values.secrets.jwtSecret .Values.secrets.gitops .Values.externalSecret.enabled) }}
{{- printf "%s-jwt" (include "strangler.fullname" . | trunc 59 | trimSuffix "-") }}
{{- end }}
{{- end }}

{{/* Secret keys of one component, each by secretKeyRef (never the whole Secret): (dict "root" $ "name" "proxy").
     The proxy gets only UNLEASH_API_TOKEN and, optional, UNLEASH_ADMIN_TOKEN (when Unleash is used: the route guard
     writes a rolled-back flag to 0 % with it, so every replica follows): no DATABASE_URL, no JWT_SECRET, so a compromised
     proxy pod can neither reach the database nor sign tokens. App roles get DATABASE_URL and JWT_SECRET (from the
     generated hook Secret when the chart generated it). */}}
{{- define "strangler.secretEnv" -}}
{{- $root := .root }}
{{- $secret := include "strangler.secretName" $root }}
{{- if eq .name "proxy" }}
{{- if $root.Values.config.unleashUrl }}
- name: UNLEASH_API_TOKEN
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: UNLEASH_API_TOKEN }
- name: UNLEASH_ADMIN_TOKEN
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: UNLEASH_ADMIN_TOKEN, optional: true }
{{- end }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: DATABASE_URL }
- name: JWT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ include "strangler.generatedJwtSecretName" $root | default $secret }}, key: JWT_SECRET }
{{- end }}
{{- /* Both sides of shadowed writes: the proxy signs with it, the services verify (optional: none = reads only). */}}
- name: SHADOW_SECRET
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: SHADOW_SECRET, optional: true }
{{- end }}

{{/* migration.mode=initContainer: wait until DATABASE_URL's host accepts TCP (node, from the app image: no extra
     image, any host), then `strangler migrate`. Concurrent pods are safe: prisma migrate takes an advisory lock. */}}
{{- define "strangler.migrateInitContainers" -}}
{{- $common := dict "image" (include "strangler.image" .) "pullPolicy" .Values.image.pullPolicy "secret" (include "strangler.secretName" .) }}
{{- range $i, $step := list "wait-for-database" "migrate" }}
- name: {{ $step }}
  image: {{ $common.image }}
  imagePullPolicy: {{ $common.pullPolicy }}
  {{- if eq $step "migrate" }}
  args: ["migrate"]
  {{- else }}
  command:
    - node
    - -e
    - >-
      const u = new URL(process.env.DATABASE_URL); const net = require("node:net");
      const tryOnce = () => { const s = net.connect(Number(u.port || 5432), u.hostname, () => { s.end(); process.exit(0); });
      s.on("error", () => { console.log("waiting for " + u.host); setTimeout(tryOnce, 2000); }); }; tryOnce();
  {{- end }}
  env:
    - name: NODE_ENV
      value: production
    - name: DATA_DIR
      value: /data
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef: { name: {{ $common.secret }}, key: DATABASE_URL }
  resources:
    {{- toYaml $.Values.migration.resources | nindent 4 }}
  securityContext:
    {{- include "strangler.containerSecurityContext" $ | nindent 4 }}
  volumeMounts:
    {{- include "strangler.volumeMounts" $ | nindent 4 }}
{{- end }}
{{- end }}

{{/* Port of secrets.databaseUrl (5432 when absent, or when the URL lives in existingSecret). */}}
{{- define "strangler.databasePort" -}}
{{- $port := "" }}
{{- if and .Values.secrets.databaseUrl (not .Values.secrets.existingSecret) }}
{{- $port = (urlParse .Values.secrets.databaseUrl).host | regexFind ":[0-9]+$" | trimPrefix ":" }}
{{- end }}
{{- $port | default "5432" }}
{{- end }}

{{/* Seconds the kubelet waits after SIGTERM: drain + shutdown timeout + a margin of 10 s. */}}
{{- define "strangler.terminationGraceSeconds" -}}
{{- add (div (add .Values.config.shutdownDrainMs .Values.config.shutdownTimeoutMs) 1000) 10 -}}
{{- end }}
