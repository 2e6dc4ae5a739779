import type { Settings } from "../config/settings";
import { secretKeyNames } from "../config/schema";
import { ConfigProblems } from "../config/validate";
import { validateStack } from "../validateStack";
import { readStackConfig } from "./stackConfig";

/**
 * A stack's settings read straight from its stack file, without the Pulumi runtime, for what is
 * rendered from plain settings only (the alert guide, the catalog). Secrets are left out: nothing
 * rendered from settings may carry one.
 */
export function offlineSettings(projectDir: string, stack: string, configFile?: string): Settings {
  const stackConfig = readStackConfig(projectDir, stack, configFile);
  const { plain, problems } = validateStack(stackConfig.config, stackConfig.stack);
  if (!plain) throw new ConfigProblems(stackConfig.stackFile, problems);
  const secrets = Object.fromEntries(secretKeyNames.map((key) => [key, undefined])) as Settings["secrets"];
  return { ...plain, stack, secrets };
}
