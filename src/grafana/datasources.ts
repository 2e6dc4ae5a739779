import type { Identity } from "../config/identity";

/** Uid of the PostgreSQL data source, scoped by stack; dashboards and SQL rules refer to it by this. */
export const postgresDatasourceUid = (settings: { identity: Identity }): string => settings.identity.uid("supabase-postgres");
/** The folder holding every dashboard and rule group; the Overview's alert list filters on it. */
export const alertFolderTitle = (settings: { identity: Identity }): string => settings.identity.title("AIN monitoring");
