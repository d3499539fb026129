/**
 * examples/grafana/escred-dashboard.json uses only what a running daemon exports: every metric and
 * label in its queries is checked against a real /metrics scrape of `escred watch` (after an apply,
 * so every series exists), plus the labels Prometheus adds itself (instance, job).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWatchE2e, type WatchE2e } from '../watch/watch-harness.js';

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'grafana', 'escred-dashboard.json'), 'utf8'));
const SCRAPE_LABELS = ['instance', 'job'];
const PROMQL_WORDS = new Set(['by', 'without', 'sum', 'max', 'min', 'rate', 'increase', 'histogram_quantile', 'time', 'label_values']);

/** metric -> its label names, from the text exposition format (histograms contribute _bucket, _sum, _count) */
function parseScrape(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s/.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]!) ?? new Set<string>();
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(label[1]!);
    series.set(match[1]!, labels);
  }
  return series;
}

const queries = (): string[] => [
  ...dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr as string)),
  ...dashboard.templating.list.filter((v: any) => v.type === 'query').map((v: any) => v.query.query as string),
];
const metricsIn = (expr: string) => [...expr.matchAll(/\b(escred_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
/** label names in matchers {a="x", b=~"y"} and in by (...) clauses */
const labelsIn = (expr: string) => [
  ...[...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/([a-zA-Z_]+)\s*=~?/g)].map((l) => l[1]!)),
  ...[...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim())),
  ...[...expr.matchAll(/label_values\([^,]+,\s*([a-zA-Z_]+)\)/g)].map((m) => m[1]!),
].filter((l) => !PROMQL_WORDS.has(l));

describe('examples/grafana/escred-dashboard.json', () => {
  let e2e: WatchE2e;
  let scraped: Map<string, Set<string>>;
  beforeAll(async () => {
    e2e = await startWatchE2e();
    // a rotating token too, so that the lifecycle series (rotation due, created) exist in the scrape
    e2e.writeManifest({ 'elastic/fleet-server': { prune: 'owned', owns: 'gitops-*', tokens: [{ name: 'gitops-a' }, { name: 'ci', rotate: { every: '30d', overlap: '1d' } }] } });
    const watch = await e2e.watch({ isApplying: true });
    await watch.waitForPass(() => true);
    scraped = parseScrape(await (await fetch(`${watch.url}/metrics`)).text());
  });
  afterAll(async () => {
    await e2e?.closeAll();
  });

  it('the scrape has the daemon\'s metrics (the check below has something to compare with)', () => {
    expect([...scraped.keys()].filter((m) => m.startsWith('escred_')).sort()).toEqual(expect.arrayContaining([
      'escred_changes_applied_total', 'escred_drift', 'escred_last_success_timestamp_seconds', 'escred_pass_duration_seconds_bucket', 'escred_passes_total',
    ]));
  });

  it('every metric in every query is one the daemon exports', () => {
    const used = [...new Set(queries().flatMap(metricsIn))].sort();
    expect(used.length).toBeGreaterThanOrEqual(5);
    expect(used.filter((m) => !scraped.has(m))).toEqual([]);
  });

  it('every label in every query is one that metric has (or one Prometheus adds when it scrapes)', () => {
    const problems = queries().flatMap((expr) => {
      const metrics = metricsIn(expr);
      return labelsIn(expr).filter((label) => !SCRAPE_LABELS.includes(label) && !metrics.some((m) => scraped.get(m)?.has(label)))
        .map((label) => `${label} in ${expr}`);
    });
    expect(problems).toEqual([]);
  });

  it('has the lifecycle panels (issue 23), each on series a live /metrics has', () => {
    const panels = new Map(dashboard.panels.map((p: any) => [p.title, p.targets.map((t: any) => t.expr as string)]));
    for (const [title, metric] of [['Rotations due in the next 7 days', 'escred_token_rotation_due_timestamp_seconds'], ['Overdue rotations', 'escred_tokens_overdue']] as const) {
      const exprs = panels.get(title) as string[] | undefined;
      expect(exprs, title).toBeDefined();
      expect(exprs!.flatMap(metricsIn)).toContain(metric);
      expect(scraped.has(metric), metric).toBe(true);
    }
  });

  it('the check can fail: a made-up metric or label is caught', () => {
    expect(metricsIn('sum(escred_tokens_total)').filter((m) => !scraped.has(m))).toEqual(['escred_tokens_total']);
    expect(labelsIn('sum by (token) (escred_drift)').filter((l) => !scraped.get('escred_drift')?.has(l))).toEqual(['token']);
  });

  it('is a dashboard Grafana can import: unique panel ids, a grid position each, every query on the datasource variable', () => {
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos).toEqual({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      for (const target of panel.targets) expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(dashboard).toMatchObject({ uid: 'escred-daemon', schemaVersion: expect.any(Number), templating: { list: expect.any(Array) } });
  });
});
