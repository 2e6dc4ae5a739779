import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/**
 * `.github/delivery.json`: the one place the workflows and the program read which stacks CI
 * previews and deploys, and which Pulumi Cloud organization and teams the jobs log in as. The
 * workflows read it in their first job; tests hold both workflows and the rendered OIDC policies
 * to it, so no stack name or team is written twice.
 */
export const DELIVERY_FILE = ".github/delivery.json";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected letters, digits, '.', '_' or '-'");

export const deliverySchema = z.strictObject({
  pulumiOrganization: name.describe("The Pulumi Cloud organization that holds the stacks."),
  stacks: z.array(name).min(1).describe("The stacks every pull request previews and every merge deploys, in order."),
  previewTeam: name.describe("Pulumi Cloud team whose OIDC token previews: Stack Read on the stacks (can preview, cannot update)."),
  deployTeam: name.describe("Pulumi Cloud team whose OIDC token deploys: Stack Write on the stacks."),
});

export type Delivery = z.infer<typeof deliverySchema>;

export function readDelivery(root: string): Delivery {
  const file = path.join(root, DELIVERY_FILE);
  const parsed = deliverySchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(`${DELIVERY_FILE}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
