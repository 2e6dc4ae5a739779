import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config/settings";
import { OIDC_SUBJECT_CLAIM_KEYS, type GeneratedSecret } from "./credentials";
import type { Delivery } from "./delivery";
import { environmentSpecs } from "./environments";

/** What an adopted environment keeps as its owners set it: the protection a reviewer list is part of. */
export const ADOPTED_AS_FOUND = ["reviewers", "waitTimer", "preventSelfReview", "canAdminsBypass", "deploymentBranchPolicy"] as const;

export interface GitHubDeliveryArgs {
  settings: Settings;
  delivery: Delivery;
  /** The generated secrets the environments receive; one missing here fails the run, naming it. */
  generated: Partial<Record<GeneratedSecret, pulumi.Input<string>>>;
}

/**
 * The GitHub side of delivery: environments with reviewers and a main-only branch policy, their
 * secrets (each value a Pulumi secret from config or generated) and their plain variables.
 */
export class GitHubDelivery extends pulumi.ComponentResource {
  readonly environments: github.RepositoryEnvironment[] = [];

  constructor(name: string, args: GitHubDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:github:GitHubDelivery", name, {}, opts);
    const { settings } = args;
    const gh = settings.github;
    // No token here: the provider reads GITHUB_TOKEN from the job's environment, the read-only one
    // in a preview and the delivery token in a deploy, so no GitHub credential is stack config.
    const provider = new github.Provider("github", { owner: gh.owner }, { parent: this });
    const child = { parent: this, provider };

    // A repository secret reaches every job of every branch, approved or not (src/github/reach.ts):
    // the delivery keeps none, and every GitHub resource here waits for this check, so a preview
    // or deploy of a repository that has one fails before changing anything on GitHub.
    const repository = github.getActionsSecretsOutput({ name: gh.repository }, child).secrets.apply((found) => {
      if (found.length > 0) {
        const names = found.map((s) => s.name).sort();
        throw new Error(
          `github.repository ${gh.repository} has the repository Actions secrets ${names.join(", ")}: any branch's workflow reads them without approval. ` +
            `Move each into the environment that needs it (gh secret set NAME --env production), then delete it (gh secret delete NAME --repo ${gh.owner ?? "<owner>"}/${gh.repository}).`,
        );
      }
      return gh.repository;
    });

    const users = gh.reviewers.users.map((username) => github.getUserOutput({ username }, child).id.apply(Number));
    const teams = gh.reviewers.teams.map((slug) => github.getTeamOutput({ slug, summaryOnly: true }, child).id.apply(Number));

    // The OIDC subject carries the run's git ref, so the Pulumi deploy policy can take main's runs
    // only (credentials.ts OIDC_SUBJECT_CLAIM_KEYS): an environment's branch policy cannot.
    new github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate(
      `${gh.repository}-oidc-subject`,
      { repository, useDefault: false, includeClaimKeys: [...OIDC_SUBJECT_CLAIM_KEYS] },
      child,
    );

    for (const env of environmentSpecs(settings, args.delivery)) {
      const id = `${env.repository}-${env.environment}`;
      const environment = new github.RepositoryEnvironment(
        id,
        {
          repository: env.repository === gh.repository ? repository : env.repository,
          environment: env.environment,
          waitTimer: env.waitTimerMinutes,
          preventSelfReview: env.needsApproval ? true : undefined,
          canAdminsBypass: false,
          reviewers: env.needsApproval ? [{ users, teams }] : undefined,
          deploymentBranchPolicy: env.mainOnly ? { protectedBranches: false, customBranchPolicies: true } : undefined,
        },
        {
          ...child,
          // Adopted as found: Pulumi imports it (and, with these inputs ignored, copies them from
          // GitHub), so its reviewers, wait timer and branch policy are never replaced by an up.
          ...(env.adopt?.environmentId ? { import: env.adopt.environmentId } : {}),
          ...(env.adopt?.keepProtection ? { ignoreChanges: [...ADOPTED_AS_FOUND] } : {}),
        },
      );
      this.environments.push(environment);
      const inEnvironment = { parent: environment, provider };
      if (env.mainOnly) {
        const policyId = env.adopt?.deploymentPolicyId;
        new github.RepositoryEnvironmentDeploymentPolicy(
          `${id}-main`,
          { repository: env.repository, environment: environment.environment, branchPattern: "main" },
          { ...inEnvironment, ...(policyId ? { import: policyId } : {}) },
        );
      }
      for (const secret of env.secrets) {
        const value = "config" in secret.from ? settings.secrets[secret.from.config] : args.generated[secret.from.generated];
        if (value === undefined) throw new Error(`GitHub secret ${secret.name} has no value`);
        new github.ActionsEnvironmentSecret(
          `${id}-${secret.name}`,
          { repository: env.repository, environment: environment.environment, secretName: secret.name, value: pulumi.secret(value) },
          inEnvironment,
        );
      }
      for (const [variableName, value] of Object.entries(env.variables)) {
        // GitHub refuses to create a variable that exists (409): one the environment already has is imported, then set.
        const existing = env.adopt?.variableIds[variableName];
        new github.ActionsEnvironmentVariable(
          `${id}-${variableName}`,
          { repository: env.repository, environment: environment.environment, variableName, value },
          { ...inEnvironment, ...(existing ? { import: existing } : {}) },
        );
      }
    }
    this.registerOutputs({ environments: this.environments.map((e) => e.environment) });
  }
}
