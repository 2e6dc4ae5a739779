import type { Settings } from "../config/settings";
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
  /** Deployments only from main (a deployment branch policy). */
  mainOnly: boolean;
  /** Each run waits for a reviewer who did not trigger it, admins included. */
  needsApproval: boolean;
  /** Minutes a run waits after approval: production's `github.waitTimerMinutes`; none for previews. */
  waitTimerMinutes?: number;
  secrets: EnvironmentSecret[];
  variables: Record<string, string>;
  /**
   * Adopting what exists: the environment's import id, its variables' import ids, and whether its
   * protection (reviewers, wait timer, branch policy) is left as found. Absent for environments
   * this repository owns outright.
   */
  adopt?: { environmentId?: string; keepProtection: boolean; variableIds: Record<string, string>; deploymentPolicyId?: string };
}

/** Import ids as the GitHub provider reads them (terraform-provider-github docs, Import). */
export const importIds = {
  environment: (repository: string, environment: string) => `${repository}:${environment}`,
  variable: (repository: string, environment: string, name: string) => `${repository}:${environment}:${name}`,
  deploymentPolicy: (repository: string, environment: string, id: number) => `${repository}:${environment}:${id}`,
};

export function environmentSpecs(settings: Settings, delivery: Delivery): EnvironmentSpec[] {
  const gh = settings.github;
  const model = credentials(settings, delivery);
  const secretsOf = (environment: EnvironmentName) =>
    programSecrets(model, environment).map((s) => {
      const credential = model.find((c) => c.id === s.id);
      const readers = credential?.usedBy.map((u) => `${u.workflow} ${u.job} '${u.step}' as ${u.as}`) ?? [];
      return { name: s.secretName, from: s.from, readBy: readers.length > 0 ? readers.join("; ") : (credential?.canDo ?? "") };
    });
  const variables: Record<string, string> = { GRAFANA_URL: settings.grafanaUrl, ...(settings.smUrl ? { GRAFANA_SM_URL: settings.smUrl } : {}), SUPABASE_PROJECT_REF: settings.supabaseProjectRef };
  const specs: EnvironmentSpec[] = [
    { repository: gh.repository, environment: "production", mainOnly: true, needsApproval: true, waitTimerMinutes: gh.waitTimerMinutes, secrets: secretsOf("production"), variables },
    // `pulumi preview` of a pull request from this repository's branches (forks get no secrets at all).
    // Its Pulumi token has Stack Read, which decrypts every secret in the state, so a maintainer
    // approves each run after reading the code it runs: a branch's own workflow that names this
    // environment waits for the same approval (src/github/reach.ts, docs/how-it-works.md § Delivery).
    { repository: gh.repository, environment: "preview", mainOnly: false, needsApproval: true, secrets: secretsOf("preview"), variables },
  ];
  const app = gh.appEnvironment;
  if (gh.appRepository && app.adopt !== "leave") {
    // The app's own secrets (SUPABASE_ACCESS_TOKEN, RESEND_API_KEY) are the app team's to set: this
    // stack never holds them, so a preview here can never read them.
    const repository = gh.appRepository;
    const appVariables = { SUPABASE_PROJECT_REF: settings.supabaseProjectRef };
    const variableIds = Object.fromEntries(
      app.existingVariables.filter((name) => name in appVariables).map((name) => [name, importIds.variable(repository, "production", name)]),
    );
    const importing = app.adopt === "import";
    specs.push({
      repository,
      environment: "production",
      // Imported as found: its own branch policy stays, and no second 'main' policy is created beside it.
      mainOnly: !importing,
      needsApproval: true,
      waitTimerMinutes: gh.waitTimerMinutes,
      secrets: [],
      variables: appVariables,
      adopt:
        importing || app.existingVariables.length > 0 || app.deploymentPolicyId !== undefined
          ? {
              // manage replaces the environment on purpose (GitHub's PUT creates or overwrites); import adopts it.
              environmentId: importing ? importIds.environment(repository, "production") : undefined,
              keepProtection: importing,
              variableIds,
              deploymentPolicyId: app.deploymentPolicyId !== undefined ? importIds.deploymentPolicy(repository, "production", app.deploymentPolicyId) : undefined,
            }
          : undefined,
    });
  }
  return specs;
}
