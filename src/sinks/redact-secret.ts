/**
 * A sink's stderr is quoted in errors, and a careless CLI may print part of what it was given: a
 * slice of the value, the secret inside the bearer, or the base64 it stored (a Kubernetes Secret's
 * data is base64). Masking only the exact value missed all three (issue 20). So every run of
 * MIN_PIECE or more characters that is part of the value, of its secret part or of their base64
 * forms is masked. Shorter runs are left: at 7 characters and fewer, ordinary words and paths would
 * match by chance and the message become unreadable, while such a piece leaves at least 15 of a
 * secret's 22 characters unknown.
 */
const MIN_PIECE = 8;
const MASK = '[redacted]';

/** A service-token bearer (src/file-tokens/bearer.ts): base64 of these 4 bytes, `ns/svc/name:` and the secret. */
const BEARER_PREFIX = Buffer.from([0, 1, 0, 1]);

export function redactSecret(text: string, value: string | undefined): string {
  if (!value) return text;
  const exact = text.split(value).join(MASK);
  const pieces = piecesOf(value);
  const hidden = new Uint8Array(exact.length);
  let isAnyHidden = false;
  for (let at = 0; at + MIN_PIECE <= exact.length; at += 1) {
    if (!pieces.has(exact.slice(at, at + MIN_PIECE))) continue;
    hidden.fill(1, at, at + MIN_PIECE);
    isAnyHidden = true;
  }
  if (!isAnyHidden) return exact;
  let out = '';
  for (let at = 0; at < exact.length; at += 1) {
    if (!hidden[at]) out += exact[at];
    else if (at === 0 || !hidden[at - 1]) out += MASK;
  }
  return out;
}

/** Every MIN_PIECE-character run of the sensitive forms: any longer run of them is made of these. */
function piecesOf(value: string): Set<string> {
  const secret = bearerSecret(value);
  const forms = [value, ...(secret === undefined ? [] : [secret])].flatMap((form) => [form, ...base64Forms(form)]);
  const pieces = new Set<string>();
  for (const form of forms) for (let at = 0; at + MIN_PIECE <= form.length; at += 1) pieces.add(form.slice(at, at + MIN_PIECE));
  return pieces;
}

function bearerSecret(value: string): string | undefined {
  const bytes = Buffer.from(value, 'base64');
  if (!bytes.subarray(0, BEARER_PREFIX.length).equals(BEARER_PREFIX)) return undefined;
  const content = bytes.subarray(BEARER_PREFIX.length).toString('utf8');
  const colon = content.indexOf(':');
  return colon < 0 ? undefined : content.slice(colon + 1);
}

/**
 * Base64 and base64url of `form` as it appears inside a longer encoded text: its characters depend
 * on where it starts modulo 3 bytes, so all three alignments, without the edge groups that mix in
 * the neighbouring bytes.
 */
function base64Forms(form: string): string[] {
  const bytes = Buffer.from(form, 'utf8');
  return [0, 1, 2].flatMap((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = encoded.slice(shift === 0 ? 0 : 4, Math.floor((shift + bytes.length) / 3) * 4);
    return [core, core.replace(/\+/g, '-').replace(/\//g, '_')];
  });
}
