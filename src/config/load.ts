import * as pulumi from "@pulumi/pulumi";
import { projectDir } from "../projectDir";
import { fleetProblems, readFleet } from "./budgets";
import { secretKeyNames, PROJECT } from "./schema";
import type { Settings } from "./settings";
import { validateStack } from "../validateStack";
import { configErrorMessage } from "./validate";

export type { Settings } from "./settings";

/** Raised before any resource is registered; RunError makes Pulumi print the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly stackFile: string,
    readonly problems: string[],
  ) {
    super(configErrorMessage(stackFile, problems));
    this.name = "ConfigError";
  }
}

/** The stack file named in messages. The offline plan's --config-file sets AIN_STACK_FILE, as `pulumi --config-file` would point elsewhere. */
export const stackFileOf = (stack: string) => process.env.AIN_STACK_FILE ?? `Pulumi.${stack}.yaml`;

/**
 * Reads the whole `ain-monitoring` namespace once, validates it (validate.ts), and returns the
 * settings, or throws a ConfigError naming every bad key. Call it before creating any resource.
 */
export function loadSettings(): Settings {
  const stack = pulumi.getStack();
  const { plain, problems } = validateStack(pulumi.runtime.allConfig(), stack);
  if (!plain) throw new ConfigError(stackFileOf(stack), problems);

  const config = new pulumi.Config(PROJECT);
  const secrets = Object.fromEntries(
    // A blank value is unset: Pulumi.yaml gives optional secrets the default "".
    secretKeyNames.map((key) => [key, (pulumi.runtime.getConfig(`${PROJECT}:${key}`) ?? "").trim() !== "" ? config.requireSecret(key) : undefined]),
  ) as Settings["secrets"];
  const settings = { ...plain, secrets };
  // Budgets are shared with the other stacks, and a copy of prod must not monitor prod: both need their files.
  const shared = fleetProblems(settings, readFleet(projectDir(), settings));
  if (shared.length > 0) throw new ConfigError(stackFileOf(stack), shared.map(({ key, problem }) => `${PROJECT}:${key}: ${problem}`));
  return settings;
}

