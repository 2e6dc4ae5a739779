import type { PlainValidated } from "../config/settings";
import { selectors, type Selectors } from "./signals";

/** What every area's alert factory reads: the validated settings and the selectors made from them. */
export interface AlertContext {
  settings: PlainValidated;
  sel: Selectors;
}

export const alertContext = (settings: PlainValidated): AlertContext => ({ settings, sel: selectors(settings) });
