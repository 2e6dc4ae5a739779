import type { PlainSettings } from "../config/schema";

/**
 * Rotation periods, in UTC: a generated secret's keepers carry the period it was made in, so it is
 * replaced exactly when a new period starts, or when rotateNow changes.
 */
export type RotationEvery = PlainSettings["rotation"]["every"];

/** Days after which an external key is due: the length of the period. */
export const periodDays: Record<RotationEvery, number> = { week: 7, month: 30, quarter: 91 };

function isoWeek(date: Date): { year: number; week: number } {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return { year: d.getUTCFullYear(), week: Math.ceil(((d.getTime() - yearStart.getTime()) / 86400000 + 1) / 7) };
}

/** The period `date` falls in: 2026-11, 2026-W48 or 2026-Q4. */
export function rotationPeriod(date: Date, every: RotationEvery): string {
  const year = date.getUTCFullYear();
  if (every === "month") return `${year}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
  if (every === "quarter") return `${year}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
  const w = isoWeek(date);
  return `${w.year}-W${String(w.week).padStart(2, "0")}`;
}

/** What a generated secret's keepers hold: change either and the secret is made anew. */
export const rotationKeepers = (date: Date, rotation: PlainSettings["rotation"]) => ({
  period: rotationPeriod(date, rotation.every),
  rotateNow: rotation.rotateNow,
});

export interface ExternalKeyStatus {
  key: string;
  lastRotated: string;
  ageDays: number;
  due: boolean;
}

/** Each external key with a recorded rotation: how old it is and whether it is due. */
export function externalKeyStatus(rotation: PlainSettings["rotation"], date: Date): ExternalKeyStatus[] {
  return Object.entries(rotation.lastRotated)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, lastRotated]) => {
      const ageDays = Math.floor((date.getTime() - Date.parse(`${lastRotated}T00:00:00Z`)) / 86400000);
      return { key, lastRotated, ageDays, due: ageDays >= periodDays[rotation.every] };
    });
}
