/**
 * examples/github/escred.yml: valid for GitHub (checked with @action-validator/core, which runs
 * GitHub's workflow schema offline), and doing what its comments promise: plan on pull requests
 * into one comment, apply the reviewed plan on merge, one apply at a time, secrets from secrets.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCliLine, unknownFlags } from './cli-lines.js';

const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core') as { validateWorkflow(src: string): { errors: unknown[] } };
const FILE = join(import.meta.dirname, '..', '..', 'examples', 'github', 'escred.yml');
const text = readFileSync(FILE, 'utf8');
const workflow = parse(text);
const steps = (job: string): any[] => workflow.jobs[job].steps;
const runs = (job: string): string[] => steps(job).flatMap((s) => (s.run ? [s.run as string] : []));

describe('examples/github/escred.yml', () => {
  it('is a valid workflow', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it.each([
    ['a job without runs-on', (s: string) => s.replace(/( {2}apply:\n(?:.*\n)*?) {4}runs-on: ubuntu-latest\n/, '$1')],
    ['a misspelled concurrency key', (s: string) => s.replace('cancel-in-progress: false', 'cancel-in-progres: false')],
    ['a permission level that does not exist', (s: string) => s.replace('pull-requests: write', 'pull-requests: admin')],
    ['an event that does not exist', (s: string) => s.replace('  pull_request:\n', '  pull_requests:\n')],
  ])('the validator would catch %s', (_what, mutate) => {
    const mutated = mutate(text);
    expect(mutated).not.toBe(text);
    expect(validateWorkflow(mutated).errors).not.toEqual([]);
  });

  it('plans on pull requests into main and applies on pushes to main', () => {
    expect(workflow.on.pull_request.branches).toEqual(['main']);
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(workflow.jobs.plan.if).toBe("github.event_name == 'pull_request'");
    expect(workflow.jobs.apply.if).toBe("github.event_name == 'push'");
  });

  it('the plan job saves the plan, uploads it under the head commit, and the apply job downloads that name and applies it exactly', () => {
    const plan = runs('plan').find((r) => r.includes('escred plan'))!;
    expect(plan).toContain('--output markdown --out escred.plan --detailed-exitcode > plan.md');
    const upload = steps('plan').find((s) => String(s.uses).startsWith('actions/upload-artifact'));
    expect(upload.with).toMatchObject({ name: 'escred-plan-${{ github.event.pull_request.head.sha }}', path: 'escred.plan' });
    const download = runs('apply').find((r) => r.includes('gh run download'))!;
    expect(download).toContain('--name "escred-plan-$head"');
    expect(download).toContain('repos/$GITHUB_REPOSITORY/pulls/$pr" --jq .head.sha');
    expect(runs('apply').at(-1)).toBe('escred apply escred.plan'); // a saved plan: applied exactly, refused if stale
    expect(runs('apply').join('\n')).not.toMatch(/escred plan|--auto-approve/); // never a fresh, unreviewed plan
  });

  it('one apply at a time, never cancelled; a newer commit cancels an older plan', () => {
    expect(workflow.jobs.apply.concurrency).toEqual({ group: 'escred-apply', 'cancel-in-progress': false });
    expect(workflow.jobs.plan.concurrency['cancel-in-progress']).toBe(true);
  });

  it('least privilege, and credentials only from repository secrets', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(workflow.jobs.apply.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'read' });
    for (const step of [...steps('plan'), ...steps('apply')].filter((s) => s.run?.includes('escred '))) {
      for (const [name, value] of Object.entries(step.env ?? {})) {
        expect(value, name).toBe(`\${{ secrets.${name} }}`);
      }
    }
    expect(text).not.toContain('pull_request_target'); // would hand secrets to code from forks
  });

  it('every run block is valid bash', () => {
    for (const run of [...runs('plan'), ...runs('apply')]) execFileSync('bash', ['-n', '-c', run]);
  });

  it('every escred command line uses only flags the real CLI has', () => {
    const lines = [...runs('plan'), ...runs('apply')].flatMap((r) => r.split('\n')).filter((l) => /^\s*escred /.test(l)).map(parseCliLine);
    expect(lines.map((l) => l.command)).toEqual(['plan', 'apply']);
    for (const line of lines) expect({ line: line.text, unknown: unknownFlags(line) }).toEqual({ line: line.text, unknown: [] });
    expect(unknownFlags(parseCliLine('escred plan x --outptu markdown --out p'))).toEqual(['--outptu']); // the check can fail
  });
});

describe('the plan comment script', () => {
  const script = steps('plan').find((s) => String(s.uses).startsWith('actions/github-script')).with.script as string;

  /** runs the step's script as actions/github-script does (an async function of github, context, require) against a stand-in API */
  async function runScript(files: Record<string, string>, comments: Array<{ id: number; body: string; user: { type: string } }>, exitCode = '2') {
    const calls: string[] = [];
    const github = {
      paginate: async () => comments,
      rest: { issues: {
        listComments: () => undefined,
        updateComment: async (args: { comment_id: number; body: string }) => void calls.push(`update ${args.comment_id}`, args.body),
        createComment: async (args: { body: string }) => void calls.push('create', args.body),
      } },
    };
    const context = { serverUrl: 'https://github.com', repo: { owner: 'o', repo: 'r' }, runId: 7, payload: { pull_request: { number: 3 } } };
    const fakeRequire = (name: string) => (name === 'node:fs' ? { readFileSync: (file: string) => files[file] ?? '' } : require(name));
    const env = { ...process.env };
    Object.assign(process.env, { HEAD_SHA: 'abcdef0123456789', EXIT_CODE: exitCode });
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
      await new AsyncFunction('github', 'context', 'require', script)(github, context, fakeRequire);
    } finally {
      process.env = env;
    }
    return calls;
  }

  it('creates one comment with the marker, then updates that same comment on the next push', async () => {
    const first = await runScript({ 'plan.md': '### escred plan: 1 to create\n' }, []);
    expect(first[0]).toBe('create');
    expect(first[1]).toMatch(/^<!-- escred-plan -->\n### escred plan: 1 to create\n/);
    expect(first[1]).toContain('Merging applies exactly this plan ([artifact](https://github.com/o/r/actions/runs/7) `escred-plan-abcdef0123456789`)');
    const again = await runScript({ 'plan.md': '### escred plan: no changes\n' }, [
      { id: 1, body: '<!-- escred-plan -->\nold', user: { type: 'User' } }, // someone quoting the marker is not ours
      { id: 2, body: '<!-- escred-plan -->\nold', user: { type: 'Bot' } },
    ], '0');
    expect(again.slice(0, 1)).toEqual(['update 2']);
  });

  it('when escred printed nothing (a bad manifest), the comment shows its stderr and says no plan was saved', async () => {
    const calls = await runScript({ 'plan.md': '', 'plan.err': 'escred.yaml:3:5: unknown field' }, [], '1');
    expect(calls[1]).toContain('### :x: escred plan could not run\n\n```\nescred.yaml:3:5: unknown field\n```');
    expect(calls[1]).toContain('No plan was saved');
  });
});
