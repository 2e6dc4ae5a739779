/** Uid of the PostgreSQL data source; dashboards and SQL rules refer to it by this. */
export const POSTGRES_DATASOURCE_UID = "ain-supabase-postgres";
/** The folder holding every dashboard and rule group; the Overview's alert list filters on it. */
export const ALERT_FOLDER_TITLE = "AIN monitoring";
