/**
 * Shortens the hash of every token line, for diffs a human reads: enough to see which line
 * changed, not a hash anyone could attack offline. A value that is not a recognised hash (ES
 * skips those, they may be plaintext) is hidden entirely.
 */
const PBKDF2 = /^(\{PBKDF2(?:_STRETCH)?\}\d+\$)([^$]{0,6})/;
const BCRYPT = /^(\$2[aby]\$\d\d\$)(.{0,6})/;

export function shortenHash(hash: string): string {
  const match = PBKDF2.exec(hash) ?? BCRYPT.exec(hash);
  return match ? `${match[1]}${match[2]}…` : '…';
}

/** Comment and blank lines are returned as they are; `key:hash` lines get a short hash. */
export function shortenServiceTokensHashes(text: string): string {
  return text.split('\n').map((line) => {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || line.trim() === '' || colon < 0) return line;
    return `${line.slice(0, colon + 1)}${shortenHash(line.slice(colon + 1).trim())}`;
  }).join('\n');
}
