import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseWatchDuration, registerWatchCommand } from '../../src/cli/commands/watch-command.js';
import { parseListen } from '../../src/watch/health-server.js';
import { createWatchLogger } from '../../src/watch/watch-logger.js';

describe('watch options', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    [':9464', { host: '127.0.0.1', port: 9464 }],
    ['9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
  ])('--listen %s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });

  it.each(['', 'localhost', '127.0.0.1:', '127.0.0.1:70000', '::1:9464', '127.0.0.1:-1'])('--listen %j is refused', (text) => {
    expect(() => parseListen(text)).toThrow(/--listen must be host:port/);
  });

  it.each([['300ms', 300], ['0ms', 0], ['45s', 45_000], ['5m', 300_000], ['1h30m', 5_400_000], ['0s', 0], ['0', 0]])('duration %s', (text, ms) => {
    expect(parseWatchDuration(text, '--resync')).toBe(ms);
  });

  it.each(['', '10', '1.5s', '-1s', 'soon'])('duration %j is refused', (text) => {
    expect(() => parseWatchDuration(text, '--resync')).toThrow(/--resync must be a duration/);
  });

  it('the command parses its flags into the options runWatchCommand takes, with the documented defaults', () => {
    const program = new Command().exitOverride();
    registerWatchCommand(program);
    const watch = program.commands.find((c) => c.name() === 'watch')!;
    watch.action(() => undefined);
    program.parse(['node', 'escred', 'watch', 'a.yaml', 'dir', '--apply', '--resync', '10s', '--listen', '127.0.0.1:0'], { from: 'node' });
    expect(watch.args).toEqual(['a.yaml', 'dir']);
    expect(watch.opts()).toEqual({
      apply: true, listen: '127.0.0.1:0', resync: 10_000, debounce: 300, shutdownTimeout: 30_000, concurrency: 4, notify: [], notifyFormat: 'json',
    });
  });
});

describe('createWatchLogger', () => {
  it('writes one JSON object per line, time/level/event first, without undefined fields', () => {
    const lines: string[] = [];
    const log = createWatchLogger({ write: (l) => lines.push(l), clock: () => new Date('2026-01-02T03:04:05.000Z') });
    log('info', 'change', { cluster: 'prod', account: 'elastic/fleet-server', token: 'gitops-a', detail: 'create: created', extra: undefined });
    log('warn', 'x', { event: 'not overridden', level: 'nope' } as never);
    expect(lines).toEqual([
      '{"time":"2026-01-02T03:04:05.000Z","level":"info","event":"change","cluster":"prod","account":"elastic/fleet-server","token":"gitops-a","detail":"create: created"}\n',
      '{"time":"2026-01-02T03:04:05.000Z","level":"warn","event":"x"}\n',
    ]);
  });
});
