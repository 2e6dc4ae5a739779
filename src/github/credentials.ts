import type { Settings } from "../config/settings";
import { PROJECT, type externalKeyNames, type SecretKey } from "../config/schema";
import type { Delivery } from "./delivery";

/**
 * Every credential delivery touches, as data: where it lives, which workflow step reads it under
 * which variable, and what it can do. The GitHub environments are rendered from this list and the
 * tests hold the workflows to it, so "which secret lives where, who may use it from which ref" is
 * written once.
 *
 * What a collaborator's branch reaches is not written here: src/github/reach.ts derives it from
 * the environments' protection (environments.ts, which the program registers) and the Pulumi Cloud
 * OIDC policies below, and the table's last column is that derivation.
 */
export type EnvironmentName = "preview" | "production";

/** Secrets the program generates and rotates itself. */
export type GeneratedSecret = "grafanaViewerToken" | "pagingSigningCurrent" | "pagingSigningPrevious" | "pagingSigningNext";

export interface CredentialUse {
  workflow: "preview.yml" | "deploy.yml";
  job: string;
  /** The step's `name:`. */
  step: string;
  /** The environment variable the step receives it as. */
  as: string;
}

export type CredentialHome =
  /** A GitHub environment secret whose value the program sets (from stack config or generated). */
  | { kind: "environment-secret"; environment: EnvironmentName; secretName: string; setBy: "program"; from: { config: SecretKey } | { generated: GeneratedSecret } }
  /** A GitHub environment secret a person sets once and at each rotation (`gh secret set --env`). */
  | { kind: "environment-secret"; environment: EnvironmentName; secretName: string; setBy: "person" }
  /** Not stored anywhere: minted per job by Pulumi Cloud from GitHub's OIDC token. */
  | { kind: "oidc"; environment: EnvironmentName; pulumiTeam: string; stackPermission: "Stack Read" | "Stack Write" }
  /** A secret in the stack's encrypted config: whoever holds `stack:decrypt` on the stack reads it. */
  | { kind: "stack-config"; key: SecretKey }
  /**
   * Every value marked secret in the stack's Pulumi state (resource inputs and outputs, stack
   * outputs): Pulumi Cloud decrypts them for whoever holds `stack:decrypt` on the stack, which a
   * `pulumi preview` needs. `npm run plan` lists them in out/<stack>/delivery/state-secrets.json.
   */
  | { kind: "stack-state"; stack: string }
  /**
   * A repository or organization Actions secret: GitHub hands it to any job of any branch that
   * names it, approved or not. The delivery keeps none; the program refuses to run while this
   * repository has one (component.ts), and organization secrets are the team's rule to keep out.
   */
  | { kind: "shared-secret"; scope: "repository" | "organization" };

export interface Credential {
  id: string;
  what: string;
  home: CredentialHome;
  usedBy: CredentialUse[];
  canDo: string;
  /** The `rotation.lastRotated` key that records when a person last rotated it. */
  rotationKey?: (typeof externalKeyNames)[number];
}

const PREVIEW: Omit<CredentialUse, "step" | "as"> = { workflow: "preview.yml", job: "preview" };
const UP: Omit<CredentialUse, "step" | "as"> = { workflow: "deploy.yml", job: "up" };
export const STEPS = {
  login: "Log in to Pulumi Cloud",
  preview: "pulumi preview",
  up: "pulumi up",
  dashboardsLive: "Dashboards are live",
  checksRegistered: "Checks are registered",
  healthChecks: "Health checks passing",
} as const;

export function credentials(settings: Settings, delivery: Delivery): Credential[] {
  const list: Credential[] = [
    {
      id: "pulumi-preview",
      what: "Pulumi Cloud team token, minted per job by OIDC",
      home: { kind: "oidc", environment: "preview", pulumiTeam: delivery.previewTeam, stackPermission: "Stack Read" },
      usedBy: [{ ...PREVIEW, step: STEPS.login, as: "PULUMI_ACCESS_TOKEN" }],
      canDo: "read the stacks, export their state and decrypt every secret in it and in their config (Stack Read includes stack:export and stack:decrypt), run `pulumi preview`; not `up`, `refresh`, `config set` or `destroy`",
    },
    {
      id: "pulumi-deploy",
      rotationKey: "pulumiAccessToken",
      what: "Pulumi Cloud team token, minted per job by OIDC",
      home: { kind: "oidc", environment: "production", pulumiTeam: delivery.deployTeam, stackPermission: "Stack Write" },
      usedBy: [{ ...UP, step: STEPS.login, as: "PULUMI_ACCESS_TOKEN" }],
      canDo: "run `pulumi up` on the stacks",
    },
    {
      id: "grafana-viewer-preview",
      what: "Grafana service-account token, role Viewer, generated and rotated by the program",
      home: { kind: "environment-secret", environment: "preview", secretName: "GRAFANA_VIEWER_TOKEN", setBy: "program", from: { generated: "grafanaViewerToken" } },
      usedBy: [{ ...PREVIEW, step: STEPS.preview, as: "GRAFANA_AUTH" }],
      canDo: "read dashboards, folders and alert rules; query data sources other than the restricted PostgreSQL one",
    },
    {
      id: "github-read",
      what: "fine-grained GitHub token or GitHub App, read-only",
      home: { kind: "environment-secret", environment: "preview", secretName: "GH_READ_TOKEN", setBy: "person" },
      usedBy: [{ ...PREVIEW, step: STEPS.preview, as: "GITHUB_TOKEN" }],
      canDo: "look up the reviewer teams and users, and list this repository's Actions secret names (organization Members: read, repository Metadata: read, repository Secrets: read, which lists names, never values)",
    },
    {
      id: "grafana-admin",
      rotationKey: "grafanaAuth",
      what: "Grafana service-account token, role Admin",
      home: { kind: "environment-secret", environment: "production", secretName: "GRAFANA_AUTH", setBy: "person" },
      usedBy: [{ ...UP, step: STEPS.up, as: "GRAFANA_AUTH" }],
      canDo: "create, change and delete folders, dashboards, rules, contact points, data sources, permissions and service accounts",
    },
    {
      id: "grafana-sm-deploy",
      rotationKey: "smAccessToken",
      what: "Synthetic Monitoring access token",
      home: { kind: "environment-secret", environment: "production", secretName: "GRAFANA_SM_ACCESS_TOKEN", setBy: "person" },
      usedBy: [
        { ...UP, step: STEPS.up, as: "GRAFANA_SM_ACCESS_TOKEN" },
        { ...UP, step: STEPS.checksRegistered, as: "GRAFANA_SM_ACCESS_TOKEN" },
      ],
      canDo: "create, change and delete checks and their alerts; list them",
    },
    // The workflows serve every stack, so the deploy job always offers it; it stays unset, and unread, while paging.irm is off.
    {
      id: "grafana-oncall-deploy",
      what: `Grafana IRM (OnCall) API token${settings.paging.irm ? "" : " (unset while paging.irm is off)"}`,
      home: { kind: "environment-secret", environment: "production", secretName: "GRAFANA_ONCALL_ACCESS_TOKEN", setBy: "person" },
      usedBy: [{ ...UP, step: STEPS.up, as: "GRAFANA_ONCALL_ACCESS_TOKEN" }],
      canDo: "create, change and delete IRM escalation chains and integrations",
    },
    ...(settings.metricsScrape.enabled
      ? [
          {
            id: "grafana-connections-deploy",
            what: "Grafana Cloud access-policy token, scopes integration-management:read, integration-management:write and stacks:read, realm this stack",
            home: { kind: "environment-secret", environment: "production", secretName: "GRAFANA_CONNECTIONS_API_ACCESS_TOKEN", setBy: "person" },
            usedBy: [{ ...UP, step: STEPS.up, as: "GRAFANA_CONNECTIONS_API_ACCESS_TOKEN" }],
            canDo: "create, change and delete the stack's Metrics Endpoint scrape jobs (and its other integrations)",
          } satisfies Credential,
          {
            id: "supabase-secret-key",
            what: "the Supabase project's secret API key (sb_secret_...), which the Metrics API scrape jobs authenticate with as service_role",
            home: { kind: "environment-secret", environment: "production", secretName: "SUPABASE_SECRET_KEY", setBy: "person" },
            usedBy: [{ ...UP, step: STEPS.up, as: "SUPABASE_SECRET_KEY" }],
            canDo: "everything service_role can: read and write every table past RLS, and the Metrics API; the scrape job stores it in Grafana Cloud",
          } satisfies Credential,
        ]
      : []),
    {
      id: "github-delivery",
      rotationKey: "githubToken",
      what: "fine-grained GitHub token or GitHub App installation, limited to the monitoring and app repositories",
      home: { kind: "environment-secret", environment: "production", secretName: "GH_DELIVERY_TOKEN", setBy: "person" },
      usedBy: [{ ...UP, step: STEPS.up, as: "GITHUB_TOKEN" }],
      canDo:
        "on those two repositories only: Administration write (environments, their reviewers and branch policies), Environments write (environment secrets and variables), Actions write (list environments; set the OIDC subject template), Secrets read (list the repository secrets' names), Metadata read; on the organization: Members read (reviewer teams)",
    },
    {
      id: "grafana-viewer-deploy",
      what: "Grafana service-account token, role Viewer, generated and rotated by the program",
      home: { kind: "environment-secret", environment: "production", secretName: "GRAFANA_VIEWER_TOKEN", setBy: "program", from: { generated: "grafanaViewerToken" } },
      usedBy: [{ ...UP, step: STEPS.dashboardsLive, as: "GRAFANA_READ_TOKEN" }],
      canDo: "read dashboards back after `up`",
    },
  ];

  if (settings.secrets.functionsAuthToken) {
    list.push(
      {
        id: "functions-auth-config",
        what: "the Supabase anon key the checks send",
        home: { kind: "stack-config", key: "functionsAuthToken" },
        usedBy: [],
        canDo: "call the edge functions as an anonymous client (the anon key also ships in the app)",
      },
      {
        id: "functions-auth",
        what: "the Supabase anon key the checks send",
        home: { kind: "environment-secret", environment: "production", secretName: "FUNCTIONS_AUTH_TOKEN", setBy: "program", from: { config: "functionsAuthToken" } },
        usedBy: [{ ...UP, step: STEPS.healthChecks, as: "AIN_FUNCTIONS_AUTH_TOKEN" }],
        canDo: "call the edge functions as an anonymous client",
      },
    );
  }
  list.push({
    id: "stack-state",
    what: `the secret values in stack \`${settings.stack}\`'s Pulumi state: every resource input and output marked secret (${[
      settings.metricsScrape.enabled ? "the Metrics API scrape jobs' password (Supabase's secret key)" : undefined,
      "the data source password",
      "the GitHub environment secrets' values",
      "the Viewer token",
      settings.paging.webhook ? "the paging signing secrets and webhook URL" : undefined,
      settings.paging.pagerduty ? "the PagerDuty key" : undefined,
    ]
      .filter(Boolean)
      .join(", ")}; all listed in out/<stack>/delivery/state-secrets.json)`,
    home: { kind: "stack-state", stack: settings.stack },
    usedBy: [],
    canDo: `${settings.metricsScrape.enabled ? "everything service_role can (read and write every table past RLS); " : ""}read what the Viewer token and the database role read${settings.paging.webhook ? "; sign pages the receiver accepts" : ""}`,
  });
  list.push(
    {
      id: "repository-secrets",
      what: "repository Actions secrets of this repository (none are kept)",
      home: { kind: "shared-secret", scope: "repository" },
      usedBy: [],
      canDo: "whatever a secret put there holds: every branch's workflow reads it without approval",
    },
    {
      id: "organization-secrets",
      what: "organization Actions secrets shared with this repository (none are kept)",
      home: { kind: "shared-secret", scope: "organization" },
      usedBy: [],
      canDo: "whatever a secret put there holds: every branch's workflow reads it without approval",
    },
  );
  list.push({
    id: "postgres-password",
    what: "password of the read-only database role",
    home: { kind: "stack-config", key: "postgresPassword" },
    usedBy: [],
    canDo: "read pg_stat_activity, public_tokens and storage.objects through the read-only role",
  });
  if (settings.paging.webhook) {
    list.push({
      id: "paging-webhook-url",
      what: "the paging webhook's URL",
      home: { kind: "stack-config", key: "pagingWebhookUrl" },
      usedBy: [],
      canDo: "deliver a request to the receiver, which refuses it without a valid signature",
    });
    const signing = (id: GeneratedSecret, secretName: string, role: string): Credential => ({
      id,
      what: `paging webhook signing secret, ${role}; generated and rotated by the program`,
      home: { kind: "environment-secret", environment: "production", secretName, setBy: "program", from: { generated: id } },
      usedBy: [],
      canDo: "sign a page the receiver accepts (read by the receiver's own deployment, outside these workflows)",
    });
    list.push(
      signing("pagingSigningPrevious", "PAGING_WEBHOOK_SIGNING_SECRET_PREVIOUS", "the previous period's"),
      signing("pagingSigningCurrent", "PAGING_WEBHOOK_SIGNING_SECRET", "the one Grafana signs with this period"),
      signing("pagingSigningNext", "PAGING_WEBHOOK_SIGNING_SECRET_NEXT", "the next period's, published a period ahead"),
    );
  }
  if (settings.paging.pagerduty) {
    list.push({
      id: "pagerduty-key",
      what: "PagerDuty Events v2 integration key",
      home: { kind: "stack-config", key: "pagerdutyIntegrationKey" },
      usedBy: [],
      canDo: "open incidents on that one PagerDuty service",
    });
  }
  return list;
}

/** The environment secrets the program itself writes: the rest are a person's to set. */
export function programSecrets(list: Credential[], environment: EnvironmentName) {
  return list.flatMap((c) => (c.home.kind === "environment-secret" && c.home.setBy === "program" && c.home.environment === environment ? [{ ...c.home, id: c.id }] : []));
}

/**
 * The claims GitHub puts in this repository's OIDC subject, in order: the program declares this
 * template on the repository (component.ts), so a job's subject reads
 * `repo:<owner>/<repo>:environment:<name>:ref:<git ref>`. GitHub checks a pull request run's head
 * branch against an environment's branch policy, so a pull request whose head is named `main` passes
 * production's; its `ref` claim is still `refs/pull/<n>/merge`, which the deploy policy refuses.
 * (`ref` rather than `job_workflow_ref`: GitHub documents the latter for reusable workflows.)
 */
export const OIDC_SUBJECT_CLAIM_KEYS = ["repo", "context", "ref"] as const;

/** The git ref each environment's Pulumi token is pinned to: deploys run main only; previews pull request runs only. */
export const OIDC_REF: Record<EnvironmentName, string> = { production: "refs/heads/main", preview: "refs/pull/*" };

/** The subject a job of `environment` presents under OIDC_SUBJECT_CLAIM_KEYS, for a run of `ref`. */
export const oidcSubject = (repository: string, environment: string, ref: string) => `repo:${repository}:environment:${environment}:ref:${ref}`;

/** The rules Pulumi Cloud's OIDC issuer for GitHub must hold, one per team: who gets which token. */
export function pulumiOidcPolicies(settings: Settings, delivery: Delivery) {
  const repo = `${settings.github.owner ?? "<owner>"}/${settings.github.repository}`;
  return credentials(settings, delivery).flatMap((c) =>
    c.home.kind === "oidc"
      ? [
          {
            tokenType: "team",
            team: c.home.pulumiTeam,
            stackPermission: c.home.stackPermission,
            stacks: delivery.stacks.map((s) => `${delivery.pulumiOrganization}/${PROJECT}/${s}`),
            // pulumi/auth-actions asks GitHub for this audience (src/main.ts); the subject is the
            // template above's, pinned to the environment and to the ref its runs come from. A
            // trailing `*` is the wildcard Pulumi Cloud's GitHub guide uses (`repo:<org>/<repo>:*`).
            rules: { aud: `urn:pulumi:org:${delivery.pulumiOrganization}`, sub: oidcSubject(repo, c.home.environment, OIDC_REF[c.home.environment]) },
          },
        ]
      : [],
  );
}

/**
 * The app repository's secrets that `rotation.lastRotated` reminds of: the app team sets them in
 * its own `production` environment (`github.appRepository`); no stack here holds them.
 */
export const APP_REPOSITORY_SECRETS = { supabaseAccessToken: "SUPABASE_ACCESS_TOKEN", resendApiKey: "RESEND_API_KEY" } as const;
