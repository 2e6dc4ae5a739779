import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import type { DecoratedAlert } from "../../src/alerts/types";
import { catalogMarkdown } from "../../src/catalogMarkdown";
import type { Settings } from "../../src/config/load";
import { githubAnchor } from "../../src/config/runbookItems";
import { dashboardCatalog } from "../../src/dashboards/all";
import { grafanaSlug } from "../../src/grafana/urls";
import { GUIDE_PATH } from "../../src/guide/anchors";
import { alertGuideMarkdown } from "../../src/guide/render";
import { offlineSettings } from "../../src/offline/settings";
import { ROOT, runValidStack, settingsFor } from "../support/offline";
import { stale } from "../support/regenerate";

/**
 * The alert response guide (docs/alerts.md) and the artifacts that link into it: every link must
 * land somewhere, and everything must follow the configured numbers.
 */
const runbookAnchors = (JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/runbook-headings.json"), "utf8")) as { headings: string[] }).headings.map((h) =>
  githubAnchor(h.replace(/^#+ /, "")),
);
const headingsOf = (markdown: string) =>
  markdown
    .split("\n")
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => githubAnchor(l.replace(/^#+ /, "")));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const linksOf = (markdown: string) => [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

let prod: Settings;
let alerts: DecoratedAlert[];
let guide: string;
beforeAll(async () => {
  prod = await settingsFor();
  alerts = alertCatalog(prod);
  // What the guide says, rendered from the suite's stack; the committed one is the team's, checked for staleness below.
  guide = alertGuideMarkdown(prod);
});

describe("docs/alerts.md, the alert response guide", () => {
  it("is exactly what the team's prod stack renders, whatever its values", () => {
    // The guide is the team's: rendered from their Pulumi.prod.yaml, not from the suite's stacks.
    const committed = fs.readFileSync(path.join(ROOT, GUIDE_PATH), "utf8");
    expect(committed === alertGuideMarkdown(offlineSettings(ROOT, "prod")), stale(GUIDE_PATH)).toBe(true);
  });

  it("has one entry per alert, each with every part an on-call engineer needs", () => {
    const entries = guide.split(/^## /m).slice(1);
    expect(entries.map((e) => e.split("\n")[0])).toEqual(alerts.map((a) => a.name));
    for (const [i, entry] of entries.entries()) {
      for (const part of ["**What it means.**", "**Signal and threshold.**", `**Why ${alerts[i].severity}.**`, "**First steps**", "**Dashboard panel.**", "**Synthetic check.**", "**Routing.**"]) {
        expect(entry, `${alerts[i].name} lacks ${part}`).toContain(part);
      }
      expect(entry, alerts[i].name).toMatch(/^1\. .+\n2\. /m);
    }
  });

  it("is where every alert's runbook_url lands, each on its own entry", () => {
    const anchors = headingsOf(guide);
    for (const a of alerts) {
      const [base, anchor] = a.annotations.runbook_url.split("#");
      expect(base).toBe(prod.alertGuideUrl);
      expect(anchors, a.name).toContain(anchor);
      expect(anchor).toBe(githubAnchor(a.name));
    }
  });

  it("links only places that exist: its own entries, the team runbook's headings, and the dashboards' panels", () => {
    const anchors = headingsOf(guide);
    const dashboards = dashboardCatalog(prod);
    const links = linksOf(guide);
    expect(links.length).toBeGreaterThan(alerts.length * 3);
    for (const link of links) {
      if (link.startsWith("#")) expect(anchors, link).toContain(link.slice(1));
      else if (link.startsWith(`${prod.runbookUrl}#`)) expect(runbookAnchors, link).toContain(link.split("#")[1]);
      else {
        const panel = new RegExp(`^${prod.grafanaUrl}/d/([a-z0-9-]+)/([a-z0-9-]+)\\?viewPanel=\\d+$`).exec(link);
        expect(panel, link).not.toBeNull();
        const d = dashboards.find((x) => x.uid === panel?.[1]);
        expect(d, link).toBeDefined();
        expect(panel?.[2]).toBe(grafanaSlug(d?.title ?? ""));
      }
    }
  });

  it("tells EdgeFunctionsDown's reader the threshold, the first steps, the panel, the checks and the route", () => {
    const entry = guide.split(/^## /m).find((e) => e.startsWith("EdgeFunctionsDown\n")) ?? "";
    expect(entry).toContain("**P0 · Critical** (respond immediately)");
    const down = alertCatalog(prod).find((a) => a.id === "edge-functions-down");
    expect(entry).toContain(`below **${down?.threshold} (1 is up)** on the first evaluation that sees it (no pending period)`);
    // Its time to page: measured, and the worst case within the runbook's 3 minutes.
    expect(entry).toMatch(/Time to page: \d+ (s|min)[^;]* measured \(total-outage\); (\d+ s|[12] min( \d+ s)?|3 min) worst case/);
    expect(entry).toContain(`[Severity Levels](${prod.runbookUrl}#severity-levels)`);
    expect(entry).toMatch(new RegExp(`\\[AIN · Overview › [^\\]]+\\]\\(${escapeRegExp(prod.grafanaUrl)}/d/ain-overview/ain-c2b7-overview\\?viewPanel=\\d+\\)`));
    expect(entry).toContain("npm run checks -- --only ain-health-check,ain-generate-valuation-pdf,ain-decode-vin");
    expect(entry).toContain("After the route's 10 s gathering wait: the on-call engineer, by email (contact point `ain-p0-on-call`).");
    expect(entry).toContain("If still firing after 30 min: the lead developer, by email (contact point `ain-p0-lead-developer`).");
  });
});

describe("the guide and the links follow the config", () => {
  interface FollowCase {
    what: string;
    set: Record<string, unknown>;
    secrets?: Record<string, string>;
    check: (guide: string, alerts: DecoratedAlert[], settings: Settings) => void;
  }
  const cases: FollowCase[] = [
    {
      what: "a PDF budget of 15 s moves the threshold in the entry and the panel title",
      set: { runbook: { latencyBudgets: { pdfGenerationSeconds: 15 } } },
      check: (g, _a, s) => {
        const entry = g.split(/^## /m).find((e) => e.startsWith("PdfGenerationLatencyOverBudget\n")) ?? "";
        expect(entry).toContain("at or above **15 s** for 10 min");
        const titles = dashboardCatalog(s).flatMap((d) => (d.model.panels ?? []).map((p) => (p as { title?: string }).title));
        expect(titles).toContain("PDF · p95 latency (< 15 s)");
        expect(titles).toContain("PDF generation latency (< 15 s)");
        expect(titles.filter((t) => t?.includes("(< 10 s)"))).toEqual([]);
      },
    },
    {
      what: "a guide rendered elsewhere moves every runbook_url there",
      set: { alertGuideUrl: "https://ops.ain.example/alerts.html" },
      check: (_g, a) => {
        for (const alert of a) expect(alert.annotations.runbook_url).toBe(`https://ops.ain.example/alerts.html#${githubAnchor(alert.name)}`);
      },
    },
    {
      what: "without a guide URL and without GitHub delivery, every runbook_url opens its runbook section instead",
      set: { github: { enabled: false } },
      check: (_g, a, s) => {
        expect(s.alertGuideUrl).toBeUndefined();
        for (const alert of a) {
          expect(alert.annotations.runbook_url).toBe(`${s.runbookUrl}#${githubAnchor(alert.runbookSection)}`);
          expect(runbookAnchors).toContain(githubAnchor(alert.runbookSection));
        }
      },
    },
    {
      what: "a webhook pager shows in the route of pages, with the contact chain behind it",
      set: { paging: { webhook: true } },
      secrets: { pagingWebhookUrl: "https://pager.ain.example/hook" },
      check: (g) => {
        const entry = g.split(/^## /m).find((e) => e.startsWith("DatabaseDown\n")) ?? "";
        expect(entry).toContain("and paged through webhook");
        // Without IRM the chain is timed by the notification policy: still firing is no response.
        expect(entry).toMatch(/If still firing after 30 min: the lead developer, by email/);
        expect(g).not.toContain("pager.ain.example");
      },
    },
  ];
  it.each(cases)("$what", async ({ set, secrets, check }) => {
    const settings = await settingsFor({ set, secrets });
    check(alertGuideMarkdown(settings), alertCatalog(settings), settings);
  });
});

describe("the catalog's links", () => {
  it("are absolute, and each runbook link's text is the section its anchor opens", () => {
    const catalog = catalogMarkdown(prod);
    const links = [...catalog.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)].map((m) => ({ text: m[1], url: m[2] }));
    expect(links.length).toBeGreaterThan(alerts.length);
    for (const { text, url } of links) {
      expect(url, text).toMatch(/^https:\/\//);
      if (url.startsWith(`${prod.runbookUrl}#`)) {
        expect(url.split("#")[1], text).toBe(githubAnchor(text.replace(/\\\|/g, "|")));
        expect(runbookAnchors).toContain(url.split("#")[1]);
      }
    }
    // The row that once said "Severity Levels" but opened "3. Database Connection Issues".
    expect(catalog).toContain(`[Severity Levels](${prod.runbookUrl}#severity-levels) | P0: System completely down | [\`DatabaseDown\`]`);
  });
});

describe("dashboard URLs, as Grafana makes them", () => {
  const slugs: [string, string][] = [
    ["AIN · Overview", "ain-c2b7-overview"],
    ["AIN · Email & PDF", "ain-c2b7-email-and-pdf"],
    ["Daily, weekly (monthly) reviews?", "daily-weekly-monthly-reviews"],
    ["ops@ain: on_call", "opsatain3a-on_call"],
    // Longer than 50 bytes: Go's uuid.NewSHA1(uuid.NameSpaceOID, title); value from Python's uuid.uuid5(NAMESPACE_OID, title).
    ["AIN · A dashboard title that is far too long for a slug of fifty bytes", "ec7dbde2-3360-5421-9b87-b126484f829f"],
  ];
  it.each(slugs)("%s -> %s", (title, slug) => {
    expect(grafanaSlug(title)).toBe(slug);
  });

  it("reach plan.json's stack outputs: <grafanaUrl>/d/<uid>/<slug> for every dashboard", async () => {
    const run = await runValidStack({ set: { grafanaUrl: "https://ops.grafana.example" } });
    const expected = dashboardCatalog(prod).map((d) => `https://ops.grafana.example/d/${d.uid}/${grafanaSlug(d.title)}`);
    expect(run.recording.stackOutputs.dashboardUrls).toEqual(expected);
  });
});
