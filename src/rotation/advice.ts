import type { Settings } from "../config/settings";
import type { externalKeyNames } from "../config/schema";
import { APP_REPOSITORY_SECRETS, type Credential } from "../github/credentials";

export type ExternalKey = (typeof externalKeyNames)[number];

/**
 * Where a person puts an external key's new value, from the credentials model: the same table that
 * renders the GitHub environments and the credentials table of docs/delivery.md. No key is stack config
 * (every preview can decrypt that, and the program refuses provider tokens there), so the advice is
 * never `pulumi config set --secret`. `gh secret set NAME` without `--body` reads the value from a
 * prompt or stdin, so it reaches no shell history and no process list.
 */
export function rotationHome(settings: Settings, list: Credential[], key: ExternalKey): string {
  const owner = settings.github.owner ?? "<owner>";
  const credential = list.find((c) => c.rotationKey === key);
  if (credential?.home.kind === "environment-secret") {
    return `gh secret set ${credential.home.secretName} --env ${credential.home.environment} --repo ${owner}/${settings.github.repository}`;
  }
  if (credential?.home.kind === "oidc") {
    return `nothing to set: Pulumi Cloud mints this token per job by OIDC and none is stored; 'pulumi config rm --path rotation.lastRotated.${key}' ends the reminder`;
  }
  if (key in APP_REPOSITORY_SECRETS) {
    const name = APP_REPOSITORY_SECRETS[key as keyof typeof APP_REPOSITORY_SECRETS];
    return settings.github.appRepository ? `gh secret set ${name} --env production --repo ${owner}/${settings.github.appRepository}` : `the app repository's production environment, secret ${name} (github.appRepository is not set)`;
  }
  // A key the credentials model does not hold (its feature is off): say so rather than guess.
  return "not used by this stack's delivery (see docs/delivery.md § Credentials)";
}

/** The plan's lines for the keys that are due: where each new value goes, then the date to record. */
export function rotationAdvice(settings: Settings, list: Credential[], due: ExternalKey[], today: string): string[] {
  if (due.length === 0) return [];
  return [
    "         Rotate each at its vendor, put the new value where it lives (gh prompts for it or reads stdin: never the command line), then record the date:",
    ...due.flatMap((key) => [`           ${key}: ${rotationHome(settings, list, key)}`, `           pulumi config set --path rotation.lastRotated.${key} ${today}`]),
  ];
}
