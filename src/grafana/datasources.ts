import type { Identity } from "../config/identity";

/** Uid of the PostgreSQL data source, scoped by stack; dashboards and SQL rules refer to it by this. */
export const postgresDatasourceUid = (settings: { identity: Identity }): string => settings.identity.uid("supabase-postgres");
