import { describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import { alertIds, alertNames } from "../../src/alerts/names";
import { externalKeyNames } from "../../src/config/schema";
import { settingsFor } from "../support/offline";

/**
 * src/alerts/names.ts is the table the type check holds every reference to: each handle in it must
 * be built by the area files (or it is a name nothing can fire), and each name given once.
 */
describe("the alert handles and names", () => {
  it("are each built by a stack that dates every external key's rotation, and nothing else is", { timeout: 60_000 }, async () => {
    // The key-rotation reminders exist only for the keys whose rotation date is recorded.
    const lastRotated = Object.fromEntries(externalKeyNames.map((k) => [k, "2026-01-01"]));
    const { rotation } = await settingsFor();
    const settings = await settingsFor({ set: { rotation: { ...rotation, lastRotated } } });
    const built = alertCatalog(settings);
    expect(built.map((a) => a.id).sort()).toEqual([...alertIds].sort());
    for (const a of built) expect(a.name, a.id).toBe(alertNames[a.id]);
  });

  it("give every alert its own name", () => {
    const names = Object.values(alertNames);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});
