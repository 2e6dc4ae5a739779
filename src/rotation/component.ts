import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Settings } from "../config/load";
import { now } from "./clock";
import { rotationKeepers } from "./periods";

export interface RotatingSecretsArgs {
  settings: Settings;
  /** When "now" is; the clock by default. */
  at?: Date;
}

/**
 * Secrets this project generates, and so can rotate by itself: each is replaced when a new
 * rotation period starts, or when rotation.rotateNow changes (the breach response).
 */
export class RotatingSecrets extends pulumi.ComponentResource {
  readonly pagingWebhookSigningSecret: pulumi.Output<string>;

  constructor(name: string, args: RotatingSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:rotation:RotatingSecrets", name, {}, opts);
    const keepers = rotationKeepers(args.at ?? now(), args.settings.rotation);
    const signing = new random.RandomPassword("paging-webhook-signing-secret", { length: 48, special: false, keepers }, { parent: this });
    this.pagingWebhookSigningSecret = signing.result;
    this.registerOutputs({});
  }
}
