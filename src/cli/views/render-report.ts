/** `escred report` outputs: a human table, CSV (RFC 4180) and a Markdown table; JSON is the Report itself. */
import { formatDuration } from '../../plan/duration.js';
import type { Report, ReportToken } from '../../plan/report-types.js';

const COLUMNS = ['cluster', 'account', 'token', 'kind', 'status', 'rotation', 'created', 'age', 'next rotation', 'overdue', 'sink key', 'violations'] as const;

function cells(token: ReportToken): string[] {
  return [
    token.cluster, token.account, token.token, token.kind, token.status,
    token.rotation ? `every ${token.rotation.every}, overlap ${token.rotation.overlap}` : '-',
    token.createdAt ?? 'unknown',
    token.ageSeconds === null ? 'unknown' : formatDuration(token.ageSeconds * 1000),
    token.nextRotationDue ?? '-',
    token.isOverdue ? 'yes' : 'no',
    token.sink.holdsValue === null ? '(sink cannot tell)' : token.sink.key ?? '(not in sink)',
    token.violations.join('; ') || '-',
  ];
}

function summaryLine(report: Report): string {
  const { tokens, overdue, violations, unknownAge } = report.summary;
  return `${tokens} tokens, ${overdue} overdue, ${violations} policy violations, ${unknownAge} of unknown age.`;
}

function unobserved(report: Report): string[] {
  return report.clusters.filter((c) => c.error).map((c) => `Cluster ${c.cluster} could not be observed: ${c.error!.message}`);
}

function userManaged(report: Report): string[] {
  return report.accounts.filter((a) => a.userManaged).map((a) => `${a.cluster} ${a.account}: user-managed, roles [${a.userManaged!.roles.join(', ')}], ` +
    `${a.userManaged!.isEnabled === null ? 'not in the cluster yet' : a.userManaged!.isEnabled ? 'enabled' : 'disabled'}, declared at ${a.declaredAt}`);
}

export function renderReportTable(report: Report): string {
  const rows = [COLUMNS.map((c) => c.toUpperCase()), ...report.tokens.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return [...lines, '', ...userManaged(report), ...unobserved(report), summaryLine(report)].join('\n');
}

export function renderReportCsv(report: Report): string {
  const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return [COLUMNS.join(','), ...report.tokens.map((t) => cells(t).map(quote).join(','))].join('\r\n') + '\r\n';
}

export function renderReportMarkdown(report: Report): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const head = `| ${COLUMNS.join(' | ')} |\n|${COLUMNS.map(() => ' --- ').join('|')}|`;
  const body = report.tokens.map((t) => `| ${cells(t).map(escape).join(' | ')} |`);
  const notes = [...userManaged(report), ...unobserved(report)].map((line) => `- ${line}`);
  return ['## escred report', '', head, ...body, '', ...notes, ...(notes.length ? [''] : []), summaryLine(report)].join('\n');
}
