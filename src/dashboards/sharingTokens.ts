import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { runbookSections } from "../config/runbookItems";
import { longestTokenLifetimeQuery, TOKEN_VARIABLE, tokensIssuedPerDayQuery, tokenStatesQuery, tokenStatusQuery } from "../sql/queries";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { note } from "./panels/notes";
import { sqlDailyBars, sqlStat, sqlTable } from "./panels/sql";
import { colouring, neutral } from "./thresholds";

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
          sqlStat(
            ctx,
            "Tokens by state",
            tokenStatesQuery(tokens.expiringSoonHours),
            `Live, expiring within ${tokens.expiringSoonHours} h, expired, and issued in the last day.`,
            section,
            neutral("how many tokens are live or expired is traffic, not health; the policy is on lifetimes, beside it"),
            { width: 12 },
          ),
          sqlStat(
            ctx,
            "Longest live token lifetime",
            longestTokenLifetimeQuery,
            `Shows the longest lifetime (expiry minus creation) of any live token, in whole hours rounded up: no live token may outlive the ${tokens.lifetimeDays}-day policy (${tokens.lifetimeDays * 24} h).`,
            section,
            colouring({
              comparator: ">",
              threshold: tokens.lifetimeDays * 24,
              unit: "count",
              integer: true,
              what: `past the ${tokens.lifetimeDays}-day policy`,
              noBand: `every token is issued for exactly ${tokens.lifetimeDays} days, so the healthy value sits on the boundary`,
            }),
            { unit: "h", noValue: "no live tokens" },
          ),
          alertStat(ctx, "sharing-token-lifetime-over-policy", `Live tokens over ${tokens.lifetimeDays} days`, 6),
        ],
      },
      {
        panels: [
          sqlDailyBars(ctx, `Tokens issued per day (${tokens.lifetimeDays} days)`, tokensIssuedPerDayQuery, `How many reports are shared each day, over the last ${tokens.lifetimeDays} days.`, section, { days: tokens.lifetimeDays }),
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
