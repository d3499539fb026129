/** An in-memory SecretSink that records every call in order, for ordering assertions. */
import type { SecretSink, SinkSecret } from '../../src/sinks/secret-sink.js';
import type { TokenKey } from '../../src/plan/plan-types.js';

export class MemorySink implements SecretSink {
  readonly values = new Map<string, string>();
  readonly events: string[] = [];

  /** called inside store(), before the value counts as stored (e.g. to look at files at that moment) */
  constructor(
    private readonly onStore: (secret: SinkSecret) => Promise<void> | void = () => undefined,
    /** false: behaves like the exec sink, which cannot read values back (listKeys and read give null) */
    private readonly isReadable = true,
  ) {}

  describe(): string {
    return 'memory';
  }

  async check(): Promise<void> {}

  async store(secret: SinkSecret): Promise<void> {
    await this.onStore(secret);
    this.events.push(`store ${keyOf(secret.key)} ${secret.kind}`);
    this.values.set(keyOf(secret.key), secret.value);
  }

  async forget(key: TokenKey): Promise<void> {
    this.values.delete(keyOf(key));
  }

  async listKeys(): Promise<Set<string> | null> {
    return this.isReadable ? new Set(this.values.keys()) : null;
  }

  async read(key: TokenKey): Promise<string | null> {
    this.events.push(`read ${keyOf(key)}`);
    return this.isReadable ? (this.values.get(keyOf(key)) ?? null) : null;
  }
}

export function keyOf(key: TokenKey): string {
  return `${key.cluster}/${key.principal}/${key.token}`;
}
