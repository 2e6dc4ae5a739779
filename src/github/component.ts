import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config/load";
import type { GeneratedSecret } from "./credentials";
import type { Delivery } from "./delivery";
import { environmentSpecs } from "./environments";

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

    const users = gh.reviewers.users.map((username) => github.getUserOutput({ username }, child).id.apply(Number));
    const teams = gh.reviewers.teams.map((slug) => github.getTeamOutput({ slug, summaryOnly: true }, child).id.apply(Number));

    for (const env of environmentSpecs(settings, args.delivery)) {
      const id = `${env.repository}-${env.environment}`;
      const environment = new github.RepositoryEnvironment(
        id,
        {
          repository: env.repository,
          environment: env.environment,
          waitTimer: env.waitTimerMinutes,
          preventSelfReview: env.needsApproval ? true : undefined,
          canAdminsBypass: false,
          reviewers: env.needsApproval ? [{ users, teams }] : undefined,
          deploymentBranchPolicy: env.mainOnly ? { protectedBranches: false, customBranchPolicies: true } : undefined,
        },
        child,
      );
      this.environments.push(environment);
      const inEnvironment = { parent: environment, provider };
      if (env.mainOnly) {
        new github.RepositoryEnvironmentDeploymentPolicy(`${id}-main`, { repository: env.repository, environment: environment.environment, branchPattern: "main" }, inEnvironment);
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
        new github.ActionsEnvironmentVariable(`${id}-${variableName}`, { repository: env.repository, environment: environment.environment, variableName, value }, inEnvironment);
      }
    }
    this.registerOutputs({ environments: this.environments.map((e) => e.environment) });
  }
}
