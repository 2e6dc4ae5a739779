import { PNG } from "pngjs";
import type { BuiltDashboard } from "../../src/dashboards/compose";
import { FIRST_SCREEN_ROWS } from "../../src/dashboards/overview";

/**
 * A picture of a dashboard's layout from its JSON, for a reviewer who has no Grafana (it is AGPL
 * and not run here): each panel a box at its grid position, with its title, its type and a swatch
 * per threshold step in the step's colour. Pure JS: pngjs writes the file, and a 3x5 bitmap font,
 * drawn at twice its size, writes the text.
 *
 * Geometry is Grafana's: 24 columns over the width, rows of 30 px plus an 8 px gap.
 */
export const CANVAS_WIDTH = 1920;
export const COLUMN_PX = CANVAS_WIDTH / 24;
export const ROW_PX = 38;
const GAP = 8;
const SCALE = 2;
const CHAR_PX = 4 * SCALE;
const LINE_PX = 7 * SCALE;

type Rgb = [number, number, number];
const hex = (h: string): Rgb => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
/** Grafana's dark theme and its named palette colours. */
export const PALETTE: Record<string, Rgb> = {
  background: hex("#111217"),
  panel: hex("#181b1f"),
  border: hex("#2c3235"),
  text: hex("#ccccdc"),
  weak: hex("#8e8e8e"),
  row: hex("#22252b"),
  fold: hex("#ff7383"),
  green: hex("#73bf69"),
  yellow: hex("#fade2a"),
  orange: hex("#ff9830"),
  red: hex("#f2495c"),
  blue: hex("#5794f2"),
};

/** 3x5 glyphs, rows top to bottom. Lower case is drawn as upper case; unknown characters as '?'. */
const FONT: Record<string, string> = {
  A: "010101111101101", B: "110101110101110", C: "011100100100011", D: "110101101101110", E: "111100110100111",
  F: "111100110100100", G: "011100101101011", H: "101101111101101", I: "111010010010111", J: "001001001101010",
  K: "101101110101101", L: "100100100100111", M: "101111111101101", N: "110101101101101", O: "010101101101010",
  P: "110101110100100", Q: "010101101110011", R: "110101110101101", S: "011100010001110", T: "111010010010010",
  U: "101101101101111", V: "101101101101010", W: "101101111111101", X: "101101010101101", Y: "101101010010010",
  Z: "111001010100111", "0": "111101101101111", "1": "010110010010111", "2": "110001010100111", "3": "110001010001110",
  "4": "101101111001001", "5": "111100110001110", "6": "011100111101111", "7": "111001010010010", "8": "111101111101111",
  "9": "111101111001110", " ": "000000000000000", ".": "000000000000010", ",": "000000000010100", ":": "000010000010000",
  ";": "000010000010100", "-": "000000111000000", "+": "000010111010000", "(": "001010010010001", ")": "100010010010100",
  "<": "001010100010001", ">": "100010001010100", "=": "000111000111000", "%": "101001010100101", "/": "001001010100100",
  "'": "010010000000000", '"': "101101000000000", _: "000000000000111", "#": "101111101111101", "&": "010101010101011",
  "?": "110001010000010", "!": "010010010000010", "[": "011010010010011", "]": "110010010010110", "*": "000101010101000",
};

const normalise = (text: string) =>
  text
    .replaceAll("≥", ">=")
    .replaceAll("≤", "<=")
    .replaceAll("·", "-")
    .replaceAll("→", ">")
    .toUpperCase();

/** A colour as the four bytes of one RGBA pixel, to fill a run of pixels at once. */
const rgbaBytes = new WeakMap<Rgb, Buffer>();
const rgbaOf = (c: Rgb): Buffer => {
  let bytes = rgbaBytes.get(c);
  if (!bytes) rgbaBytes.set(c, (bytes = Buffer.from([c[0], c[1], c[2], 255])));
  return bytes;
};

export interface LayoutPanel {
  type: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null; color: string }[] } } };
}

export class Canvas {
  readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.rect(0, 0, width, height, PALETTE.background);
  }

  pixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 4;
    return [this.png.data[i], this.png.data[i + 1], this.png.data[i + 2]];
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const left = Math.max(0, x);
    const right = Math.min(this.width, x + w);
    if (right <= left) return;
    const pixel = rgbaOf(c);
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++) {
      this.png.data.fill(pixel, (j * this.width + left) * 4, (j * this.width + right) * 4);
    }
  }

  outline(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.rect(x, y, w, 1, c);
    this.rect(x, y + h - 1, w, 1, c);
    this.rect(x, y, 1, h, c);
    this.rect(x + w - 1, y, 1, h, c);
  }

  /** Writes text from (x, y), cut to fit `maxWidth` pixels; returns the width drawn. */
  text(x: number, y: number, text: string, c: Rgb, maxWidth = Infinity): number {
    const chars = [...normalise(text)];
    const fit = Math.max(0, Math.floor(maxWidth / CHAR_PX));
    const shown = chars.length > fit ? [...chars.slice(0, Math.max(0, fit - 2)), ".", "."] : chars;
    shown.forEach((ch, n) => {
      const glyph = FONT[ch] ?? FONT["?"];
      for (let row = 0; row < 5; row++) {
        for (let col = 0; col < 3; col++) {
          if (glyph[row * 3 + col] === "1") this.rect(x + n * CHAR_PX + col * SCALE, y + row * SCALE, SCALE, SCALE, c);
        }
      }
    });
    return shown.length * CHAR_PX;
  }

  toBuffer(): Buffer {
    // One filter (Sub) rather than trying all five per line: large flat areas compress as well,
    // five times faster. pngjs reads the packing options from write(), not from the PNG.
    return PNG.sync.write(this.png, { filterType: 1 });
  }
}

export const panelBox = (g: { x: number; y: number; w: number; h: number }) => ({
  left: g.x * COLUMN_PX + GAP / 2,
  top: g.y * ROW_PX + GAP / 2,
  width: g.w * COLUMN_PX - GAP,
  height: g.h * ROW_PX - GAP,
});

/** Where a panel's n-th threshold swatch is drawn, so a test can read its colour back. */
export const swatchAt = (g: { x: number; y: number; w: number; h: number }, n: number) => {
  const box = panelBox(g);
  return { x: box.left + 8 + n * 22 + 6, y: box.top + 8 + 2 * LINE_PX + 8 + 6 };
};

/** Height of the title band above the grid. */
export const HEADER_PX = 3 * LINE_PX;

/** A step's value, rounded for the eye; a step just above a round number (">" rules) shows as ">N". */
const fmtStep = (v: number | null) => {
  if (v === null) return "BASE";
  const r = Math.round(v * 1000) / 1000;
  return r === v ? String(r) : r < v ? `>${r}` : `<${r}`;
};

/** Draws a dashboard's panels; `foldRows` marks the bottom of the first screen with a line. */
export function renderLayout(title: string, panels: LayoutPanel[], foldRows?: number): Canvas {
  const bottom = Math.max(foldRows ?? 0, ...panels.map((p) => (p.gridPos ? p.gridPos.y + p.gridPos.h : 0)));
  const canvas = new Canvas(CANVAS_WIDTH, HEADER_PX + bottom * ROW_PX + GAP);
  canvas.text(8, 8, title, PALETTE.text);
  const origin = HEADER_PX;
  for (const p of panels) {
    if (!p.gridPos) continue;
    const box = panelBox(p.gridPos);
    const top = origin + box.top;
    if (p.type === "row") {
      canvas.rect(box.left, top, box.width, box.height, PALETTE.row);
      canvas.text(box.left + 8, top + 8, `ROW: ${p.title ?? ""}`, PALETTE.text, box.width - 16);
      continue;
    }
    canvas.rect(box.left, top, box.width, box.height, PALETTE.panel);
    canvas.outline(box.left, top, box.width, box.height, PALETTE.border);
    canvas.text(box.left + 8, top + 8, p.title ?? "", PALETTE.text, box.width - 16);
    canvas.text(box.left + 8, top + 8 + LINE_PX, p.type, PALETTE.weak, box.width - 16);
    const steps = p.fieldConfig?.defaults?.thresholds?.steps ?? [];
    steps.forEach((s, n) => {
      const at = swatchAt(p.gridPos as { x: number; y: number; w: number; h: number }, n);
      canvas.rect(at.x - 6, origin + at.y - 6, 12, 12, PALETTE[s.color] ?? PALETTE.weak);
    });
    if (steps.length > 0) {
      const legend = steps.map((s) => `${s.color} ${fmtStep(s.value)}`).join("  ");
      const at = swatchAt(p.gridPos as { x: number; y: number; w: number; h: number }, steps.length);
      canvas.text(at.x, origin + at.y - 5, legend, PALETTE.weak, box.left + box.width - at.x - 8);
    }
  }
  if (foldRows !== undefined) {
    const y = origin + foldRows * ROW_PX;
    for (let x = 0; x < CANVAS_WIDTH; x += 24) canvas.rect(x, y - 1, 14, 3, PALETTE.fold);
    canvas.text(CANVAS_WIDTH - 360, y + 6, "FOLD: END OF THE FIRST SCREEN AT 1920X1080", PALETTE.fold);
  }
  return canvas;
}

/** Where `npm run docs` puts each prod dashboard's picture, committed so a reader sees them before deploying. */
export const LAYOUT_DIR = "docs/dashboards";

/** A built dashboard's picture, with the Overview's fold. */
export const layoutPicture = (d: BuiltDashboard): Canvas =>
  renderLayout(`${d.title} (${d.uid})`, (d.model.panels ?? []) as unknown as LayoutPanel[], d.key === "overview" ? FIRST_SCREEN_ROWS : undefined);

/** Whether a PNG file shows exactly these RGBA pixels (encodings may differ; pixels may not). */
export function samePixels(file: Buffer, rgba: Buffer): boolean {
  try {
    return PNG.sync.read(file).data.equals(rgba);
  } catch {
    return false;
  }
}
