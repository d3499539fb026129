import { join } from 'node:path';
import type { Command } from 'commander';
import { parsePositiveInteger, writeErr, writeOut } from '../terminal.js';

export interface EmulatorCommandOptions {
  dataDir: string;
  port: number;
  host: string;
  http?: boolean;
  nodes: number;
  nodeNames?: string[];
  esVersion: string;
  clusterName: string;
  latencyMs?: number;
  failingNode: string[];
  superuserPassword?: string;
  user: string[];
  reloadMs: number;
  refreshInterval: number;
}

const HELP_AFTER = `
The emulator is a stand-in for an Elasticsearch cluster of N nodes behind one HTTP(S) endpoint,
faithful (status codes, error bodies, 403 wording per version) to these APIs:
  service accounts   GET /_security/service[/{ns}[/{svc}]], GET .../credential,
                     POST|PUT|DELETE .../credential/token[/{name}], POST .../_clear_cache
  users              PUT|POST|GET|DELETE /_security/user[/{username}] (Basic auth of those users)
  roles              PUT|POST|GET|DELETE /_security/role[/{name}] (cluster, indices, applications)
  privileges         GET|POST /_security/user/_has_privileges
  cluster            GET|HEAD /, GET /_cluster/health (wait_for_status, wait_for_nodes, timeout, level, ...),
                     GET /_cat/nodes, GET /_capabilities (8.14+, from the emulator's own routes)
  other              GET /_security/_authenticate, POST|PUT /_security/api_key
Version profiles (--es-version): 7.13+; 7.13-7.15 check TLS, 7.15+ report file tokens of every node,
8.0+ say "service account [..]" in denials, 8.5+ have read_security. 9.6.0 and later add user-managed
service accounts: PUT|DELETE /_security/service/{ns}/{svc} (manage_security), GET ...?type=built_in,user_managed,
GET|POST /_security/_query/service, their tokens through the token routes, enabled, roles resolved
through the native roles, and the capability user_managed_service_accounts; earlier profiles have
no such handler.
Refresh as Elasticsearch's security index (--refresh-interval, default 1s): a token or account write
with refresh=wait_for (the default) answers after the next periodic refresh, refresh=true forces one,
refresh=false answers at once and the listings (GET .../credential, GET /_security/service?type=user_managed,
the leftover-token check) miss the write until the next refresh; authentication sees it at once.
Index tokens persist in <data-dir>/index-tokens.json (hashes only); users, roles and user-managed
accounts in native-users.json (salted password hashes), native-roles.json, user-managed-accounts.json.
Each node reads its own <data-dir>/nodes/<node>/service_tokens file and reloads it when it changes.
With TLS (default) the CA is written to <data-dir>/ca.pem and its SHA-256 fingerprint printed, for
caFingerprint pinning. The superuser's password is kept in <data-dir>/cluster.json and, alone, in
<data-dir>/elastic-password (for password: { file: ... }); a restart on the same data dir reuses both.

Roles for --user name:password:role[,role]: superuser; the emulator's fixed roles service_account_manager
(manage_service_account), security_reader (read_security), security_manager (manage_security),
monitoring (monitor), manage_only (manage); or any role created with PUT /_security/role.

Control endpoint (unauthenticated, loopback only, not counted, never faulted):
  PUT    /_emulator/faults     body: FaultSpec JSON, replaces the current faults
  DELETE /_emulator/faults     clears all faults
  GET    /_emulator/counters   requests per route template, e.g. "GET /_security/service/{namespace}/{service}/credential", and "total"
  DELETE /_emulator/counters   resets the counters

FaultSpec: {"latencyMs": 200, "failingNodes": ["node-2"], "rules": [FaultRule, ...]}
  latencyMs      delays every response
  failingNodes   these nodes do not answer: they appear in _nodes.failures of the credentials and
                 _clear_cache responses and their file tokens are not reported
  isCacheClearFailing  true: every index-token delete (found or not, once the security index
                 exists) answers 500 "clearing the cache for service token [...] failed";
                 a token that existed IS deleted
FaultRule: {"method": "POST", "path": "/credential/token", "action": "status", "status": 429, "retryAfterSeconds": 1, "times": 2}
  method/path    optional filters (path: substring of the URL path); the first matching rule fires
  action         status         answer with an ES-style error; 429 and 503 carry Retry-After
                 reset          destroy the connection before the request is handled
                 lose-response  handle the request fully (a create IS committed), then drop the
                                connection without answering
                 misname-token  handle a create fully, but answer with another token name
                                ("tokenName", default <name>-other), as a proxy mixing up answers
  times          fire this many times, then stop (default: always)

Example:
  escred emulator --data-dir ./.escred/emulator --port 9200 --nodes 3
  escred emulator --es-version 9.6.0 --node-names yamlRestTest-0,yamlRestTest-1,yamlRestTest-2
  curl -X PUT http://127.0.0.1:9200/_emulator/faults -d '{"rules":[{"action":"status","status":503,"times":1}]}'`;

function parseNodeNames(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new Error(`--node-names must be a comma-separated list of names, got '${value}'`);
  return names;
}

/** `--refresh-interval`: an Elasticsearch time value as index.refresh_interval takes it (1s, 200ms). */
function parseRefreshInterval(value: string): number {
  const match = /^(\d+)(ms|s)$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
  if (!Number.isSafeInteger(ms) || ms < 1) throw new Error(`--refresh-interval must be a positive time such as 1s or 200ms, got '${value}'`);
  return ms;
}

function parseUser(value: string, previous: string[]): string[] {
  if (!/^[^:]+:[^:]+:.+$/.test(value)) throw new Error(`--user must be name:password:role[,role], got '${value.split(':')[0] ?? ''}:…'`);
  return [...previous, value];
}

export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run a local emulated Elasticsearch cluster (service-account APIs, fault injection) for demos and tests')
    .option('--data-dir <dir>', 'where tokens, node files and the CA live', './.escred/emulator')
    .option('--port <n>', 'port to listen on; 0 picks a free one', (v) => parsePositiveInteger(v, '--port'), 0)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--http', 'plain HTTP instead of HTTPS')
    .option('--nodes <n>', 'number of nodes (node-0, node-1, ...)', (v) => parsePositiveInteger(v, '--nodes'), 3)
    .option('--node-names <names>', 'comma-separated node names instead of node-0,...; e.g. yamlRestTest-0,yamlRestTest-1', parseNodeNames)
    .option('--es-version <version>', 'Elasticsearch version to emulate (7.13+, e.g. 7.17.0, 8.19.0; 9.6.0+ has user-managed service accounts)', '9.4.0')
    .option('--cluster-name <name>', 'cluster name', 'escred-emulator')
    .option('--latency-ms <ms>', 'delay every response', (v) => parsePositiveInteger(v, '--latency-ms'))
    .option('--failing-node <name>', 'a node that fails to answer (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--superuser-password <password>', 'password of the `elastic` superuser (default: random, kept in the data dir)')
    .option('--user <name:password:roles>', 'an extra user (repeatable)', parseUser, [])
    .option('--reload-ms <ms>', 'how often nodes check their service_tokens file', (v) => parsePositiveInteger(v, '--reload-ms'), 1000)
    .option('--refresh-interval <time>', "the security index's refresh interval (1s as in Elasticsearch): refresh=wait_for writes wait for the next refresh, refresh=false ones stay out of listings until it", parseRefreshInterval, 1000)
    .addHelpText('after', HELP_AFTER)
    .action(async (options: EmulatorCommandOptions, command: Command) => {
      // --nodes has a default: only an explicit --nodes must agree with --node-names.
      const isNodesExplicit = command.getOptionValueSource('nodes') === 'cli';
      const { startEmulator } = await import('../../emulator/start-emulator.js');
      const { SUPERUSER_PASSWORD_FILE } = await import('../../emulator/cluster-state.js');
      // name = up to the first ':', roles = after the last ':', password = everything in between.
      const users = options.user.map((spec) => {
        const first = spec.indexOf(':');
        const last = spec.lastIndexOf(':');
        const roles = spec.slice(last + 1).split(',').filter((role) => role !== '');
        return { username: spec.slice(0, first), password: spec.slice(first + 1, last), roles };
      });
      const emulator = await startEmulator({
        dataDir: options.dataDir,
        port: options.port,
        host: options.host,
        isTls: !options.http,
        ...(options.nodeNames ? { nodeNames: options.nodeNames } : {}),
        ...(!options.nodeNames || isNodesExplicit ? { nodeCount: options.nodes } : {}),
        esVersion: options.esVersion,
        clusterName: options.clusterName,
        users,
        serviceTokensReloadMs: options.reloadMs,
        refreshIntervalMs: options.refreshInterval,
        ...(options.superuserPassword ? { superuserPassword: options.superuserPassword } : {}),
        faults: { ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}), failingNodes: options.failingNode },
      });
      const lines = [
        `Elasticsearch ${emulator.version} emulator listening on ${emulator.url}`,
        `  cluster:        ${emulator.clusterName} (${emulator.clusterUuid})`,
        ...(emulator.caFile ? [`  CA file:        ${emulator.caFile}`, `  CA fingerprint: ${emulator.caFingerprint ?? ''}`] : []),
        `  superuser:      ${emulator.superuser.username} / ${emulator.superuser.password} (also in ${join(options.dataDir, SUPERUSER_PASSWORD_FILE)})`,
        `  nodes:          ${emulator.nodes.map((node) => `${node.name} (${node.id})`).join(', ')}`,
        `  service_tokens: ${emulator.serviceTokensPath('<node>')}`,
        'Press Ctrl+C to stop.',
      ];
      writeOut(lines.join('\n'));
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          writeErr(`${signal}: stopping the emulator`);
          emulator.stop().then(resolve, resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
