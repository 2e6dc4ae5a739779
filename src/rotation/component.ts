import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Settings } from "../config/settings";
import { now } from "./clock";
import { signingSlots, type SigningRole } from "./periods";

export interface RotatingSecretsArgs {
  settings: Settings;
  /** When "now" is; the clock by default. */
  at?: Date;
}

/**
 * Secrets this project generates, and so can rotate by itself. The paging webhook's signing secret
 * lives in three slots (previous, current, next period; see `signingSlots`): Grafana signs with the
 * current one, the receiver accepts all three, so rotation never makes a page fail verification as
 * long as the receiver picks up its secrets once a period. rotation.rotateNow replaces all three at
 * once: the breach response, where the old ones must stop working.
 */
export class RotatingSecrets extends pulumi.ComponentResource {
  /** Each a Pulumi secret, so no plan, output or log shows it. */
  readonly pagingSigning: Record<SigningRole, pulumi.Output<string>>;
  readonly pagingWebhookSigningSecret: pulumi.Output<string>;

  constructor(name: string, args: RotatingSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:rotation:RotatingSecrets", name, {}, opts);
    const slots = signingSlots(args.at ?? now(), args.settings.rotation);
    const bySlot = slots.map(
      ({ slot, keepers }) => new random.RandomPassword(`paging-webhook-signing-secret-${slot}`, { length: 48, special: false, keepers }, { parent: this, additionalSecretOutputs: ["result"] }),
    );
    const of = (role: SigningRole) => pulumi.secret(bySlot[slots.findIndex((s) => s.role === role)].result);
    this.pagingSigning = { previous: of("previous"), current: of("current"), next: of("next") };
    this.pagingWebhookSigningSecret = this.pagingSigning.current;
    this.registerOutputs({});
  }
}
