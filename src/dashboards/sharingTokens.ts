import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { runbookSections } from "../config/runbookItems";
import { longestTokenLifetimeQuery, TOKEN_VARIABLE, tokensIssuedPerDayQuery, tokenStatesQuery, tokenStatusQuery } from "../sql/queries";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { note } from "./panels/notes";
import { sqlStat, sqlTable, sqlTimeseries } from "./panels/sql";

/** Runbook § Public Sharing Token Issues: tokens by state, the lifetime policy, refused links. */
export function sharingTokensDashboard(ctx: DashboardContext): BuiltDashboard {
  const tokens = ctx.settings.runbook.sharingTokens;
  const section = runbookSections.publicSharingTokenIssues;
  const tokenVariable = new dashboard.TextBoxVariableBuilder(TOKEN_VARIABLE).label("Token to check").defaultValue("problem-token");
  return compose(
    ctx,
    "sharingTokens",
    `Public sharing tokens: issued, expiring within ${tokens.expiringSoonHours} h, expired, and the ${tokens.lifetimeDays}-day lifetime policy.`,
    [
      {
        panels: [
          sqlStat(ctx, "Tokens by state", tokenStatesQuery(tokens.expiringSoonHours), `Live, expiring within ${tokens.expiringSoonHours} h, expired, and issued in the last day.`, section, "short", 12),
          sqlStat(ctx, "Longest live token lifetime", longestTokenLifetimeQuery, `No live token may outlive the ${tokens.lifetimeDays}-day policy.`, section, "d", 6),
          alertStat(ctx, "sharing-token-lifetime-over-policy", `Live tokens over ${tokens.lifetimeDays} days`, 6),
        ],
      },
      {
        panels: [
          sqlTimeseries(ctx, "Tokens issued per day", tokensIssuedPerDayQuery, `How many reports are shared each day, over the last ${tokens.lifetimeDays} days.`, section, "short", 12, `${tokens.lifetimeDays}d`),
          alertTrend(ctx, "sharing-invalid-token-surge", "Refused links per hour (invalid or expired token)", 12),
        ],
      },
      {
        panels: [
          sqlTable(
            ctx,
            "Check a token",
            tokenStatusQuery(tokens.expiringSoonHours),
            `The runbook's 'Check token status', for the token typed above: live, expiring (within ${tokens.expiringSoonHours} h), expired or unknown. The token itself is never shown.`,
            section,
            16,
          ),
          note(
            "The 30-day policy",
            `A sharing token lives **${tokens.lifetimeDays} days**. When a user reports *Invalid token*:\n\n1. Check it above: has it expired?\n2. Check the RLS policies on \`public_tokens\`.\n3. Regenerate the token if it is corrupted.`,
            8,
          ),
        ],
      },
    ],
    [tokenVariable],
  );
}
