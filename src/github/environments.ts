import type { Settings } from "../config/load";
import type { SecretKey } from "../config/schema";

/**
 * The GitHub environments as plain data: which repository, which secrets (by the config key that
 * holds each value), which variables, and who may approve. The component maps this onto resources.
 */
export interface EnvironmentSecret {
  name: string;
  /** A secret config key, or a generated secret by name. */
  from: { config: SecretKey } | { generated: "pagingWebhookSigningSecret" };
  readBy: string;
}

export interface EnvironmentSpec {
  repository: string;
  environment: string;
  mainOnly: boolean;
  needsApproval: boolean;
  secrets: EnvironmentSecret[];
  variables: Record<string, string>;
}

export function environmentSpecs(settings: Settings): EnvironmentSpec[] {
  const gh = settings.github;
  const has = (key: SecretKey) => settings.secrets[key] !== undefined;
  const pulumiLogin: EnvironmentSecret[] = [
    ...(has("pulumiAccessToken") ? [{ name: "PULUMI_ACCESS_TOKEN", from: { config: "pulumiAccessToken" as const }, readBy: "pulumi/actions, to log in to Pulumi Cloud" }] : []),
    ...(has("pulumiConfigPassphrase")
      ? [{ name: "PULUMI_CONFIG_PASSPHRASE", from: { config: "pulumiConfigPassphrase" as const }, readBy: "pulumi/actions, to decrypt the stack's secrets" }]
      : []),
  ];
  const monitoring: EnvironmentSecret[] = [
    { name: "GRAFANA_AUTH", from: { config: "grafanaAuth" }, readBy: "the deploy workflow's 'dashboards are live' step, which reads each dashboard back from Grafana" },
    ...(has("smAccessToken")
      ? [{ name: "GRAFANA_SM_ACCESS_TOKEN", from: { config: "smAccessToken" as const }, readBy: "the deploy workflow's 'checks are registered' step, which lists the Synthetic Monitoring checks" }]
      : []),
    ...(has("functionsAuthToken") ? [{ name: "FUNCTIONS_AUTH_TOKEN", from: { config: "functionsAuthToken" as const }, readBy: "npm run checks, the deploy gate" }] : []),
    { name: "PAGING_WEBHOOK_SIGNING_SECRET", from: { generated: "pagingWebhookSigningSecret" }, readBy: "the paging webhook's receiver, to verify signatures" },
  ];
  const variables = { GRAFANA_URL: settings.grafanaUrl, GRAFANA_SM_URL: settings.smUrl, SUPABASE_PROJECT_REF: settings.supabaseProjectRef };
  const specs: EnvironmentSpec[] = [
    { repository: gh.repository, environment: "production", mainOnly: true, needsApproval: true, secrets: [...pulumiLogin, ...monitoring], variables },
    // Previews of same-repository pull requests; forks get no secrets at all.
    { repository: gh.repository, environment: "preview", mainOnly: false, needsApproval: false, secrets: [...pulumiLogin, ...monitoring.filter((s) => s.name !== "PAGING_WEBHOOK_SIGNING_SECRET")], variables },
  ];
  if (gh.appRepository) {
    specs.push({
      repository: gh.appRepository,
      environment: "production",
      mainOnly: true,
      needsApproval: true,
      secrets: [
        { name: "SUPABASE_ACCESS_TOKEN", from: { config: "supabaseAccessToken" }, readBy: "the app's deploy workflow: supabase functions deploy and secrets set" },
        { name: "RESEND_API_KEY", from: { config: "resendApiKey" }, readBy: "the app's deploy workflow, which sets it as a Supabase secret for the email functions" },
      ],
      variables: { SUPABASE_PROJECT_REF: settings.supabaseProjectRef },
    });
  }
  return specs;
}
