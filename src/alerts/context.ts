import type { Settings } from "../config/load";
import { selectors, type Selectors } from "./signals";

/** What every area's alert factory reads: the validated settings and the selectors made from them. */
export interface AlertContext {
  settings: Settings;
  sel: Selectors;
}

export const alertContext = (settings: Settings): AlertContext => ({ settings, sel: selectors(settings) });
