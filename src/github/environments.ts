import type { Settings } from "../config/load";
import { credentials, programSecrets, type EnvironmentName, type GeneratedSecret } from "./credentials";
import type { Delivery } from "./delivery";
import type { SecretKey } from "../config/schema";

/**
 * The GitHub environments as plain data, rendered from the credentials model: which repository,
 * which secrets the program writes (by the config key or generated secret that holds each value),
 * which variables, and who may approve. The component maps this onto resources.
 */
export interface EnvironmentSecret {
  name: string;
  from: { config: SecretKey } | { generated: GeneratedSecret };
  readBy: string;
}

export interface EnvironmentSpec {
  repository: string;
  environment: EnvironmentName;
  /** Deployments only from main, approved by a reviewer who did not push, admins included. */
  mainOnly: boolean;
  needsApproval: boolean;
  secrets: EnvironmentSecret[];
  variables: Record<string, string>;
}

export function environmentSpecs(settings: Settings, delivery: Delivery): EnvironmentSpec[] {
  const gh = settings.github;
  const model = credentials(settings, delivery);
  const secretsOf = (environment: EnvironmentName) =>
    programSecrets(model, environment).map((s) => {
      const credential = model.find((c) => c.id === s.id);
      const readers = credential?.usedBy.map((u) => `${u.workflow} ${u.job} '${u.step}' as ${u.as}`) ?? [];
      return { name: s.secretName, from: s.from, readBy: readers.length > 0 ? readers.join("; ") : (credential?.canDo ?? "") };
    });
  const variables = { GRAFANA_URL: settings.grafanaUrl, GRAFANA_SM_URL: settings.smUrl, SUPABASE_PROJECT_REF: settings.supabaseProjectRef };
  const specs: EnvironmentSpec[] = [
    { repository: gh.repository, environment: "production", mainOnly: true, needsApproval: true, secrets: secretsOf("production"), variables },
    // Pull requests from this repository's branches; forks get no secrets at all. Nothing here can change prod.
    { repository: gh.repository, environment: "preview", mainOnly: false, needsApproval: false, secrets: secretsOf("preview"), variables },
  ];
  if (gh.appRepository) {
    // The app's own secrets (SUPABASE_ACCESS_TOKEN, RESEND_API_KEY) are the app team's to set: this
    // stack never holds them, so a preview here can never read them.
    specs.push({ repository: gh.appRepository, environment: "production", mainOnly: true, needsApproval: true, secrets: [], variables: { SUPABASE_PROJECT_REF: settings.supabaseProjectRef } });
  }
  return specs;
}
