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

/** A period as a counting number, so "the next one" and "the one before" are plain arithmetic. */
export function periodIndex(date: Date, every: RotationEvery): number {
  if (every === "month") return date.getUTCFullYear() * 12 + date.getUTCMonth();
  if (every === "quarter") return date.getUTCFullYear() * 4 + Math.floor(date.getUTCMonth() / 3);
  // ISO weeks start on Monday; 1970-01-05 was one.
  return Math.floor((Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(1970, 0, 5)) / (7 * 86400000));
}

/** The name of the period with that index, as rotationPeriod writes it. */
export function periodName(index: number, every: RotationEvery): string {
  if (every === "month") return rotationPeriod(new Date(Date.UTC(Math.floor(index / 12), index % 12, 1)), every);
  if (every === "quarter") return rotationPeriod(new Date(Date.UTC(Math.floor(index / 4), (index % 4) * 3, 1)), every);
  return rotationPeriod(new Date(Date.UTC(1970, 0, 5) + index * 7 * 86400000), every);
}

export type SigningRole = "previous" | "current" | "next";
export const SIGNING_SLOTS = 3;

/**
 * Three signing secrets in three fixed slots: slot `i` holds the secret of the period whose index
 * is `i` modulo 3, among the previous, current and next period. When a period starts only the slot
 * of the period before the previous one is made anew (as the new "next"); the other two keep their
 * values and swap roles. So the secret Grafana starts signing with was published to the receiver
 * one period earlier, and the one it stopped using stays valid one more period for late retries.
 */
export function signingSlots(date: Date, rotation: PlainSettings["rotation"]): { slot: number; role: SigningRole; keepers: { period: string; rotateNow: string } }[] {
  const current = periodIndex(date, rotation.every);
  const roles: [SigningRole, number][] = [
    ["previous", current - 1],
    ["current", current],
    ["next", current + 1],
  ];
  return roles
    .map(([role, index]) => ({ slot: ((index % SIGNING_SLOTS) + SIGNING_SLOTS) % SIGNING_SLOTS, role, keepers: { period: periodName(index, rotation.every), rotateNow: rotation.rotateNow } }))
    .sort((a, b) => a.slot - b.slot);
}
