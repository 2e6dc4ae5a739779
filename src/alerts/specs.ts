import type { PlainValidated } from "../config/settings";
import { alertContext, type AlertContext } from "./context";
import { databaseAlerts } from "./database";
import { edgeFunctionAlerts, overallSlo } from "./edgeFunctions";
import { emailAlerts, emailSlo } from "./email";
import { pdfAlerts, pdfSlo } from "./pdf";
import { keyRotationAlerts } from "./keyRotation";
import { sharingTokenAlerts } from "./sharingTokens";
import type { Slo } from "./slo";
import { signalMissingAlerts } from "./signalsMissing";
import { journeys } from "./journeys";
import { sparseFailureAlert } from "./sparseFailures";
import { storageAlerts } from "./storage";
import type { AlertSpec } from "./types";

export const sloCatalog = (ctx: AlertContext): Slo[] => [overallSlo(ctx), emailSlo(ctx), pdfSlo(ctx)];

/** Every alert of the runbook as plain specs, in a stable order: by area file, then as declared. */
export function alertSpecs(settings: PlainValidated): AlertSpec[] {
  const ctx = alertContext(settings);
  const specs = [
    ...edgeFunctionAlerts(ctx),
    ...emailAlerts(ctx),
    ...pdfAlerts(ctx),
    ...databaseAlerts(ctx),
    ...storageAlerts(ctx),
    ...sharingTokenAlerts(ctx),
    ...keyRotationAlerts(ctx),
    ...signalMissingAlerts(ctx),
    ...Object.values(journeys(ctx.settings)).map((journey) => sparseFailureAlert(ctx, journey)),
  ];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.id)) throw new Error(`two alerts share the id ${spec.id}`);
    seen.add(spec.id);
  }
  return specs;
}
