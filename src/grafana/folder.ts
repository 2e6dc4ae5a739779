import type { Identity } from "../config/identity";

/** The folder holding every dashboard and rule group; the Overview's alert list filters on it. */
export const alertFolderTitle = (settings: { identity: Identity }): string => settings.identity.title("AIN monitoring");
