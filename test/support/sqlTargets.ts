import { grafanaRuleGroups } from "../../src/alerts/render/grafana";
import type { Settings } from "../../src/config/load";
import { dashboardCatalog } from "../../src/dashboards/all";
import { postgresDatasourceUid } from "../../src/grafana/datasources";

/** One SQL query Grafana sends to the PostgreSQL data source: a panel's target or a rule's query. */
export interface SqlTarget {
  /** "dashboard ain-database, panel Sessions by state" or "rule DatabaseLongRunningQueries". */
  where: string;
  kind: "panel" | "rule";
  title: string;
  sql: string;
  /** The dashboard's variables (panels only). */
  variables: string[];
  /** The panel's own relative range ("30d"), if any. */
  timeFrom?: string;
}

interface PanelModel {
  title: string;
  timeFrom?: string;
  targets?: { rawSql?: string }[];
}

/** Every SQL query of the dashboards and the alert rules, exactly as rendered for Grafana. */
export function sqlTargets(settings: Settings): SqlTarget[] {
  const panels = dashboardCatalog(settings).flatMap((d) => {
    const model = d.model as unknown as { panels?: PanelModel[]; templating?: { list?: { name: string }[] } };
    const variables = (model.templating?.list ?? []).map((v) => v.name);
    return (model.panels ?? []).flatMap((p) =>
      (p.targets ?? [])
        .filter((t) => t.rawSql)
        .map((t): SqlTarget => ({ where: `dashboard ${d.uid}, panel ${p.title}`, kind: "panel", title: p.title, sql: t.rawSql as string, variables, timeFrom: p.timeFrom })),
    );
  });
  const rules = grafanaRuleGroups(settings).flatMap((g) =>
    g.rules.flatMap((r) =>
      r.datas
        .filter((d) => d.datasourceUid === postgresDatasourceUid(settings))
        .map((d): SqlTarget => ({ where: `rule ${r.name}`, kind: "rule", title: r.name, sql: (JSON.parse(d.model) as { rawSql: string }).rawSql, variables: [] })),
    ),
  );
  return [...panels, ...rules];
}
