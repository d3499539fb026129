/** What the planner knows about who holds token values. */
export interface SecuredTokensOptions {
  /** tokens an interrupted apply created whose value never reached the sink (from the apply journal) */
  unsecuredTokens?: ReadonlySet<string>;
  /** tokens whose value the sink holds; null when the sink cannot tell */
  sinkSecrets?: ReadonlySet<string> | null;
}

/** `cluster/principal/token`: the sink's and the journal's key */
export function securedKey(cluster: string, principal: string, token: string): string {
  return `${cluster}/${principal}/${token}`;
}

/**
 * The pending intents whose value never reached the sink (issue 21). An intent is written before
 * the create and cleared after the store, so a run killed between the two leaves an intent for a
 * value the sink does hold: when the sink lists the key, the store happened (a replace forgets the
 * old value right after its delete, so a listed key is never the value just revoked). A sink that
 * cannot list (null) cannot tell: every intent stays unsecured.
 */
export function unsecuredIntents(pending: ReadonlySet<string>, sinkSecrets: ReadonlySet<string> | null): Set<string> {
  return new Set([...pending].filter((key) => !sinkSecrets?.has(key)));
}

/** Somebody has the value: the sink holds it (or cannot tell) and no interrupted apply lost it. */
export function isTokenSecured(options: SecuredTokensOptions, key: string): boolean {
  if (options.unsecuredTokens?.has(key)) return false;
  return !options.sinkSecrets || options.sinkSecrets.has(key);
}
