import * as fs from "node:fs";
import * as path from "node:path";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardCatalog } from "../../src/dashboards/all";
import type { BuiltDashboard } from "../../src/dashboards/compose";
import { FIRST_SCREEN_ROWS } from "../../src/dashboards/overview";
import { CANVAS_WIDTH, HEADER_PX, LAYOUT_DIR, layoutPicture, PALETTE, ROW_PX, samePixels, swatchAt, type LayoutPanel } from "../support/layoutPng";
import { offlineSettings } from "../../src/offline/settings";
import { ROOT } from "../support/offline";
import { stale } from "../support/regenerate";

/**
 * A PNG of each of the team's prod dashboards, committed under docs/dashboards/ by `npm run docs` so a
 * reader sees the dashboards before deploying; read back to check that it shows what the JSON says,
 * and that the committed picture is the current one.
 */
const DOCS = path.resolve(__dirname, "../..", LAYOUT_DIR);

let dashboards: BuiltDashboard[];
beforeAll(() => {
  // The pictures are the team's: drawn from their Pulumi.prod.yaml by `npm run docs`.
  dashboards = dashboardCatalog(offlineSettings(ROOT, "prod"));
});

const panelsOf = (d: BuiltDashboard) => (d.model.panels ?? []) as unknown as LayoutPanel[];
const render = (d: BuiltDashboard) => layoutPicture(d);

describe("layout pictures", () => {
  it.each(["ain-overview", "ain-database", "ain-storage", "ain-email-pdf", "ain-sharing-tokens", "ain-reviews", "ain-product"])(
    "%s is drawn to docs/dashboards with every panel's threshold colours",
    (uid) => {
      const d = dashboards.find((x) => x.uid === uid) as BuiltDashboard;
      const file = path.join(DOCS, `${uid}.png`);
      const drawn = render(d);
      expect(fs.existsSync(file), stale(file)).toBe(true);
      expect(samePixels(fs.readFileSync(file), drawn.png.data), stale(file)).toBe(true);
      const image = PNG.sync.read(fs.readFileSync(file));
      const panels = panelsOf(d);
      const bottom = Math.max(...panels.map((p) => (p.gridPos ? p.gridPos.y + p.gridPos.h : 0)), d.key === "overview" ? FIRST_SCREEN_ROWS : 0);
      expect(image.width).toBe(CANVAS_WIDTH);
      expect(image.height).toBe(HEADER_PX + bottom * ROW_PX + 8);
      const at = (x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];
      let swatches = 0;
      for (const p of panels) {
        (p.fieldConfig?.defaults?.thresholds?.steps ?? []).forEach((s, n) => {
          const pos = swatchAt(p.gridPos as { x: number; y: number; w: number; h: number }, n);
          expect(at(pos.x, HEADER_PX + pos.y), `${uid} "${p.title}" step ${n}`).toEqual(PALETTE[s.color]);
          swatches++;
        });
      }
      expect(swatches, uid).toBeGreaterThan(0);
      if (d.key === "overview") expect(at(4, HEADER_PX + FIRST_SCREEN_ROWS * ROW_PX)).toEqual(PALETTE.fold);
      // The same JSON draws the same picture, pixel for pixel.
      expect(render(d).png.data.equals(drawn.png.data)).toBe(true);
    },
  );
});
