import type { Command } from 'commander';

const HELP_AFTER = `
Each adapter answers one request of escred's exec-sink protocol (version 1,
docs/exec-sink-protocol.md): a JSON request on stdin, a JSON answer on stdout; exit 0 answered,
1 the backing CLI failed (stderr says why, values masked), 2 not a protocol 1 request. Point a
manifest at it, e.g.
  secrets:
    exec: [escred, sink, vault-kv2, --mount, secret, --prefix, escred]
    exec: [escred, sink, kubernetes, --namespace, search]
Values go to the backing CLI on stdin, never in its argv.`;

const VAULT_HELP = `
One KV v2 secret per token: <prefix>/<cluster>/<namespace>/<service>/<token> in the mount, the
bearer in its "value" field. Calls: vault kv put -mount=M PATH value=- (value on stdin),
vault kv get -mount=M -field=value PATH, vault kv metadata delete -mount=M PATH (every version),
vault kv list -format=json -mount=M FOLDER/. The vault CLI's environment (VAULT_ADDR,
VAULT_TOKEN, VAULT_NAMESPACE, ...) is passed through. Policy: docs/exec-sink-protocol.md.`;

const KUBERNETES_HELP = `
One Secret per token in the namespace, named escred-<cluster>-<namespace>-<service>-<token>-<hash>,
labelled app.kubernetes.io/managed-by=escred and escred.dev/key=<hash>, the bearer in data.token.
Calls: kubectl apply --server-side --field-manager=escred -f - (the Secret on stdin),
kubectl get secret NAME --ignore-not-found -o json, kubectl get secrets -l
app.kubernetes.io/managed-by=escred -o json, kubectl delete secret -l <both labels>
--ignore-not-found: only Secrets escred labelled are ever deleted. RBAC: docs/exec-sink-protocol.md.`;

export function registerSinkCommand(program: Command): void {
  const sink = program
    .command('sink')
    .description('secret-sink adapters for exec: [escred, sink, ...]: Vault KV v2 and Kubernetes Secrets')
    .addHelpText('after', HELP_AFTER);
  sink
    .command('vault-kv2')
    .description('store token values in HashiCorp Vault KV v2 through the vault CLI')
    .requiredOption('--mount <path>', 'where the KV v2 engine is mounted, e.g. secret')
    .requiredOption('--prefix <path>', 'the folder escred owns in the mount, e.g. escred')
    .addHelpText('after', VAULT_HELP)
    .action(async (options: { mount: string; prefix: string }) => {
      const { vaultKv2Adapter } = await import('../../sinks/vault-kv2-adapter.js');
      await serve(() => vaultKv2Adapter(options));
    });
  sink
    .command('kubernetes')
    .description('store token values as Kubernetes Secrets through kubectl')
    .requiredOption('--namespace <name>', 'the namespace of the Secrets')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .addHelpText('after', KUBERNETES_HELP)
    .action(async (options: { namespace: string; context?: string }) => {
      const { kubernetesAdapter } = await import('../../sinks/kubernetes-adapter.js');
      await serve(() => kubernetesAdapter(options));
    });
}

async function serve(makeAdapter: () => import('../../sinks/sink-adapter.js').SinkAdapter): Promise<void> {
  const { serveSinkRequest } = await import('../../sinks/serve-sink-request.js');
  let adapter;
  try {
    adapter = makeAdapter();
  } catch (error) {
    process.stderr.write(`escred sink: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const served = await serveSinkRequest(adapter, Buffer.concat(chunks).toString('utf8'));
  process.stdout.write(served.stdout);
  process.stderr.write(served.stderr);
  process.exitCode = served.exitCode;
}
