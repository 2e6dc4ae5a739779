/** Uid of the PostgreSQL data source; dashboards and SQL rules refer to it by this. */
export const POSTGRES_DATASOURCE_UID = "ain-supabase-postgres";
