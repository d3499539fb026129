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

/** Somebody has the value: the sink holds it (or cannot tell) and no interrupted apply lost it. */
export function isTokenSecured(options: SecuredTokensOptions, key: string): boolean {
  if (options.unsecuredTokens?.has(key)) return false;
  return !options.sinkSecrets || options.sinkSecrets.has(key);
}
