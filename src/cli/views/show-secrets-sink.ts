import type { SecretSink, SinkSecret } from '../../sinks/secret-sink.js';

/**
 * `apply --show-secrets`: prints each new value once it is durable in the real sink. The only
 * path by which escred ever prints a secret, and only on explicit request.
 */
export function showSecretsSink(inner: SecretSink, print: (line: string) => void): SecretSink {
  return {
    describe: () => inner.describe(),
    check: () => inner.check(),
    forget: (key) => inner.forget(key),
    listKeys: () => inner.listKeys(),
    read: (key) => inner.read(key),
    async store(secret: SinkSecret) {
      await inner.store(secret);
      print(`secret ${secret.key.cluster} ${secret.key.principal} ${secret.key.token}: ${secret.value}`);
    },
  };
}
