import * as fs from "node:fs";
import * as path from "node:path";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardCatalog } from "../../src/dashboards/catalog";
import type { BuiltDashboard } from "../../src/dashboards/compose";
import { FIRST_SCREEN_ROWS } from "../../src/dashboards/overview";
import { CANVAS_WIDTH, HEADER_PX, PALETTE, renderLayout, ROW_PX, swatchAt, type LayoutPanel } from "../support/layoutPng";
import { settingsFor } from "../support/offline";

/**
 * A PNG of each dashboard's layout, written to out/test/dashboards/ for a reviewer to look at
 * (generated, never committed), and read back to check that it shows what the JSON says.
 */
const OUT = path.resolve(__dirname, "../../out/test/dashboards");

let dashboards: BuiltDashboard[];
beforeAll(async () => {
  dashboards = dashboardCatalog(await settingsFor());
  fs.mkdirSync(OUT, { recursive: true });
});

const panelsOf = (d: BuiltDashboard) => (d.model.panels ?? []) as unknown as LayoutPanel[];
const render = (d: BuiltDashboard) => renderLayout(`${d.title} (${d.uid})`, panelsOf(d), d.key === "overview" ? FIRST_SCREEN_ROWS : undefined);

describe("layout pictures", () => {
  it.each(["ain-overview", "ain-database", "ain-storage", "ain-email-pdf", "ain-sharing-tokens", "ain-reviews", "ain-product"])(
    "%s is drawn to out/test/dashboards with every panel's threshold colours",
    (uid) => {
      const d = dashboards.find((x) => x.uid === uid) as BuiltDashboard;
      const file = path.join(OUT, `${uid}.png`);
      const drawn = render(d);
      fs.writeFileSync(file, drawn.toBuffer());
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
