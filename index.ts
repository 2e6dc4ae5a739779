import { loadSettings } from "./src/config/load";
import { GrafanaFoundation } from "./src/grafana/foundation";

// Validate the whole config first: a bad value must stop the run before anything is registered.
const settings = loadSettings();

const grafana = new GrafanaFoundation("grafana", { settings });

export const folderUid = grafana.folder.uid;
export const postgresDatasourceUid = grafana.postgres.uid;
export const prometheusDatasourceUid = grafana.prometheusDatasourceUid;
