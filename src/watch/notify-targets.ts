/**
 * `--notify [slack=|json=]URL` or `--notify [slack=|json=]env:NAME`. A webhook URL is a secret
 * (Slack's embeds the credential in its path), so it can come from the environment (a Kubernetes
 * Secret) instead of the command line, and it is never logged: only its origin is.
 */
export type NotifyFormat = 'slack' | 'json';

export interface NotifyTargetSpec {
  format?: NotifyFormat;
  /** the URL as written, or the environment variable that holds it */
  source: { url: string } | { env: string };
}

export interface NotifyTarget {
  format: NotifyFormat;
  url: URL;
  /** what logs may show: scheme, host and port, never the path or query that carry the webhook's key */
  label: string;
}

const FORMAT_PREFIX = /^(slack|json)=(.*)$/s;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseNotifyFormat(value: string): NotifyFormat {
  if (value !== 'slack' && value !== 'json') throw new Error(`--notify-format must be slack or json, got '${value}'`);
  return value;
}

/** Syntax only (for the option parser): URLs given inline are checked now, env names when the daemon starts. */
export function parseNotifySpec(value: string): NotifyTargetSpec {
  const prefixed = FORMAT_PREFIX.exec(value);
  const rest = prefixed ? (prefixed[2] ?? '') : value;
  const format = prefixed ? (prefixed[1] as NotifyFormat) : undefined;
  if (rest.startsWith('env:')) {
    const env = rest.slice(4);
    if (!ENV_NAME.test(env)) throw new Error(`--notify env:NAME needs an environment variable name, got 'env:${env}'`);
    return { ...(format ? { format } : {}), source: { env } };
  }
  toUrl(rest, '--notify');
  return { ...(format ? { format } : {}), source: { url: rest } };
}

/** Resolves env: sources; fails naming the variable (never its value) when it is unset or not a URL. */
export function resolveNotifyTargets(specs: readonly NotifyTargetSpec[], defaultFormat: NotifyFormat, env: NodeJS.ProcessEnv): NotifyTarget[] {
  return specs.map((spec) => {
    let url: URL;
    if ('env' in spec.source) {
      const value = env[spec.source.env];
      if (!value) throw new Error(`--notify env:${spec.source.env}: the environment variable is not set`);
      url = toUrl(value, `--notify env:${spec.source.env}`);
    } else {
      url = toUrl(spec.source.url, '--notify');
    }
    return { format: spec.format ?? defaultFormat, url, label: `${url.protocol}//${url.host}` };
  });
}

function toUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // the text may be a webhook URL with its key: say what is wrong without echoing it
    throw new Error(`${what} must be an http:// or https:// URL (or env:NAME)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${what} must be an http:// or https:// URL, got a ${url.protocol} URL`);
  // fetch refuses such a URL with a bare TypeError, on every try of every notification: say it once, at start,
  // without the user name or password
  if (url.username !== '' || url.password !== '') {
    throw new Error(`${what} must not hold a user name or password (user:pass@${url.host}): escred does not send credentials that way; ` +
      'use a webhook URL that carries its key in the path or query, and give it as env:NAME to keep it off the command line');
  }
  return url;
}
