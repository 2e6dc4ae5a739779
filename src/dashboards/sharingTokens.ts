import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { runbookSections } from "../config/runbookItems";
import { longestTokenLifetimeQuery, TOKEN_VARIABLE, tokensIssuedPerDayQuery, tokenStatesQuery, tokenStatusQuery } from "../sql/queries";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { note } from "./panels/notes";
import { sqlDailyBars, sqlStat, sqlTable } from "./panels/sql";
import { colouring, neutral } from "./thresholds";

/**
 * The text box of the "Check a token" panel. It holds the token's SHA-256 digest, never the token:
 * Grafana writes the value into the statement, and every session of the monitoring role reads every
 * other one's statement in pg_stat_activity. It is kept out of the URL (and so out of browser
 * history, shared links and referrers): the foundation SDK's text box builder has no skipUrlSync,
 * so the built model gets it here, before rendering.
 */
class TokenDigestVariable implements cog.Builder<dashboard.VariableModel> {
  private readonly inner = new dashboard.TextBoxVariableBuilder(TOKEN_VARIABLE)
    .label("Token's SHA-256")
    .description("The digest of the token, not the token: printf %s \"$TOKEN\" | sha256sum. Kept out of the URL.")
    .defaultValue("");

  build(): dashboard.VariableModel {
    return { ...this.inner.build(), skipUrlSync: true };
  }
}

/** Runbook § Public Sharing Token Issues: tokens by state, the lifetime policy, refused links. */
export function sharingTokensDashboard(ctx: DashboardContext): BuiltDashboard {
  const tokens = ctx.settings.runbook.sharingTokens;
  const section = runbookSections.publicSharingTokenIssues;
  const tokenVariable = new TokenDigestVariable();
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
            `The runbook's 'Check token status' for one token: live, expiring (within ${tokens.expiringSoonHours} h), expired or unknown. Type its SHA-256 digest above, never the token (every session of the data source's role can read the statement): \`read -rs TOKEN; printf %s "$TOKEN" | sha256sum\`. The token itself is never shown.`,
            section,
            16,
          ),
          note(
            "The 30-day policy",
            `A sharing token lives **${tokens.lifetimeDays} days**. When a user reports *Invalid token*:\n\n1. Check it above (by its SHA-256): has it expired?\n2. Check the RLS policies on \`public_tokens\`.\n3. Regenerate the token if it is corrupted.`,
            8,
          ),
        ],
      },
    ],
    [tokenVariable],
  );
}
