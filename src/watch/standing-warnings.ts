import type { Diagnostic } from '../manifest/diagnostic.js';

/**
 * A manifest warning (http://, tls.insecure: true, ...) stands as long as the manifest says so, and
 * the daemon rereads the manifest on every pass: logging it each time buried the rest of the log
 * (issue 20). A warning is logged when it appears; it is logged again only after a pass without it.
 * Only the last pass's warnings are kept, so a daemon that runs for months keeps a bounded set.
 */
export class StandingWarnings {
  private standing = new Set<string>();

  /** the diagnostics of this pass that the last pass did not have */
  fresh(diagnostics: readonly Diagnostic[]): Diagnostic[] {
    const keyOf = (d: Diagnostic) => `${d.code} ${d.file}:${d.line}:${d.col} ${d.message}`;
    const fresh = diagnostics.filter((d) => !this.standing.has(keyOf(d)));
    this.standing = new Set(diagnostics.map(keyOf));
    return fresh;
  }
}
