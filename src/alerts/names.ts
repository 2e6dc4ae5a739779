/**
 * Every alert's handle and alertname, in one table. The handle (the key) is the alert's identity:
 * its Grafana rule uid is derived from it (identity.uid), so it never changes once deployed, or the
 * rule is replaced and its history lost. The alertname (the value) is the Grafana rule's title and
 * the `alertname` label, which people read and may be renamed.
 *
 * Code addresses alerts by handle (`AlertId`) or by name (`AlertName`), never by free text: a
 * handle or name that does not exist, or a renamed one still used somewhere, fails the type check.
 * The area files build each alert under its handle; a test checks that every handle is built.
 */
export const alertNames = {
  "edge-functions-down": "EdgeFunctionsDown",
  "vin-decode-check-failing": "VinDecodeCheckFailing",
  "vin-decode-latency-over": "VinDecodeLatencyOverBudget",
  "vin-decode-latency-severe": "VinDecodeLatencyFarOverBudget",
  "overall-burn-fast": "EdgeFunctionsErrorBudgetBurnFast",
  "overall-burn-medium": "EdgeFunctionsErrorBudgetBurnMedium",
  "overall-burn-slow": "EdgeFunctionsErrorBudgetBurnSlow",
  "overall-burn-veryslow": "EdgeFunctionsErrorBudgetBurnVerySlow",
  "overall-error-ratio-over-limit": "EdgeFunctionsErrorRateOverLimit",
  "email-health-check-failing": "EmailHealthCheckFailing",
  "email-endpoints-503": "EmailEndpointsUnavailable",
  "email-delivery-latency-over": "EmailDeliveryLatencyOverBudget",
  "email-delivery-latency-severe": "EmailDeliveryLatencyFarOverBudget",
  "email-burn-fast": "EmailDeliveryErrorBudgetBurnFast",
  "email-burn-medium": "EmailDeliveryErrorBudgetBurnMedium",
  "email-burn-slow": "EmailDeliveryErrorBudgetBurnSlow",
  "email-burn-veryslow": "EmailDeliveryErrorBudgetBurnVerySlow",
  "email-error-ratio-over-limit": "EmailDeliveryErrorRateOverLimit",
  "pdf-generation-500": "PdfGenerationFailing",
  "pdf-check-failing": "PdfGenerationCheckFailing",
  "pdf-bucket-missing": "PdfReportsBucketMissing",
  "pdf-generation-latency-over": "PdfGenerationLatencyOverBudget",
  "pdf-generation-latency-severe": "PdfGenerationLatencyFarOverBudget",
  "pdf-burn-fast": "PdfGenerationErrorBudgetBurnFast",
  "pdf-burn-medium": "PdfGenerationErrorBudgetBurnMedium",
  "pdf-burn-slow": "PdfGenerationErrorBudgetBurnSlow",
  "pdf-burn-veryslow": "PdfGenerationErrorBudgetBurnVerySlow",
  "pdf-error-ratio-over-limit": "PdfGenerationErrorRateOverLimit",
  "database-down": "DatabaseDown",
  "database-unreachable": "DatabaseUnreachable",
  "database-read-only": "DatabaseReadOnly",
  "monitoring-role-writes": "MonitoringRoleWrites",
  "database-connections-high": "DatabaseConnectionsHigh",
  "database-queries-slow": "DatabaseQueriesSlow",
  "database-long-running-queries": "DatabaseLongRunningQueries",
  "database-disk-high": "DatabaseDiskNearLimit",
  "database-disk-near-read-only": "DatabaseDiskNearReadOnly",
  "root-disk-high": "RootDiskNearFull",
  "storage-near-plan-limit": "StorageNearPlanLimit",
  "storage-full-soon": "StorageFullWithinHorizon",
  "sharing-token-lifetime-over-policy": "SharingTokenLifetimeOverPolicy",
  "sharing-invalid-token-surge": "SharingInvalidTokenSurge",
  "key-rotation-github-token": "GithubTokenRotationOverdue",
  "key-rotation-grafana-auth": "GrafanaAuthRotationOverdue",
  "key-rotation-pulumi-access-token": "PulumiAccessTokenRotationOverdue",
  "key-rotation-resend-api-key": "ResendApiKeyRotationOverdue",
  "key-rotation-sm-access-token": "SmAccessTokenRotationOverdue",
  "key-rotation-supabase-access-token": "SupabaseAccessTokenRotationOverdue",
  "probe-location-failing": "ProbeLocationFailing",
  "probe-location-silent": "ProbeLocationSilent",
  "signal-missing-metrics-api": "MetricsApiSignalMissing",
  "signal-missing-probes": "ProbesSignalMissing",
  "signal-missing-log-drain": "LogDrainSignalMissing",
  "email-delivery-failing-at-low-volume": "EmailDeliveryFailingAtLowVolume",
  "pdf-generation-failing-at-low-volume": "PdfGenerationFailingAtLowVolume",
  "vin-decode-failing-at-low-volume": "VinDecodeFailingAtLowVolume",
  "shared-report-failing-at-low-volume": "SharedReportFailingAtLowVolume",
} as const;

export type AlertId = keyof typeof alertNames;
export type AlertName = (typeof alertNames)[AlertId];

export const alertIds = Object.keys(alertNames) as AlertId[];

const knownNames = new Set<string>(Object.values(alertNames));
/** For names that arrive as text (promtool's output, an API): true when an alert of that name exists. */
export const isAlertName = (text: string): text is AlertName => knownNames.has(text);

/** The identity part of an alert spec, from its handle. */
export const handle = <I extends AlertId>(id: I): { id: I; name: (typeof alertNames)[I] } => ({ id, name: alertNames[id] });
