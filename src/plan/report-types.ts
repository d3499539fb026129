/**
 * `escred report` (issue 23 §3): the inventory an auditor asks for, as plain versioned data
 * (schemas/report-output.schema.json); build-report.ts makes it, src/cli/views/render-report.ts shows it.
 * Names, times and sink keys only: never a value.
 */
export const REPORT_FORMAT_VERSION = 1;

export type TokenStatus =
  /** a declared plain token */
  | 'declared'
  /** the generation of a rotating token in use: the newest whose value the sink holds */
  | 'current-generation'
  /** an older generation of a rotating token, to be deleted after the overlap */
  | 'retiring-generation'
  /** not declared, matched by `owns`: escred may prune it */
  | 'owned-undeclared'
  /** not declared, matched by `protect`: never deleted */
  | 'protected'
  /** not declared and no `owns` matches it: nobody's, left alone */
  | 'unowned';

export type AgeSource = 'generation-name' | 'escred-record' | 'unknown';

export interface ReportToken {
  cluster: string;
  account: string;
  token: string;
  kind: 'index' | 'file';
  status: TokenStatus;
  /** the declared token it belongs to (a generation's base name), when declared */
  declaredAs?: string;
  rotation: { every: string; overlap: string } | null;
  /** ISO 8601, where escred can know it */
  createdAt: string | null;
  ageSeconds: number | null;
  ageSource: AgeSource;
  /** when the current generation is due to be replaced (ISO 8601); null when it does not rotate */
  nextRotationDue: string | null;
  isOverdue: boolean;
  /** whether escred's secret sink holds the token's value (null: the sink cannot tell), and under which key */
  sink: { holdsValue: boolean | null; key: string | null };
  /** the policy rules this token breaks */
  violations: string[];
}

export interface ReportAccount {
  cluster: string;
  account: string;
  /** where the manifest declares it (file:line) */
  declaredAt: string;
  userManaged?: { roles: string[]; isEnabled: boolean | null };
}

export interface ReportCluster {
  cluster: string;
  clusterUuid: string;
  /** the cluster could not be observed: its tokens are not listed */
  error?: { code: string; message: string };
}

export interface Report {
  formatVersion: typeof REPORT_FORMAT_VERSION;
  generatedAt: string;
  clusters: ReportCluster[];
  accounts: ReportAccount[];
  tokens: ReportToken[];
  summary: { tokens: number; overdue: number; violations: number; unknownAge: number };
}
