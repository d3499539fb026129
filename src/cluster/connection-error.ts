import { EscredError, errorMessage } from '../errors.js';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

export interface ConnectionErrorFields {
  url: string;
  cause: unknown;
  causeCode?: string;
  isRetryable: boolean;
  mayHaveBeenSent: boolean;
}

/**
 * The network or TLS layer failed: nothing was answered. `cause` is the undici / Node error and
 * `causeCode` its code (UND_ERR_SOCKET, ECONNREFUSED, ESCRED_TLS_FINGERPRINT_MISMATCH, ...).
 */
export class ConnectionError extends EscredError {
  readonly url: string;
  readonly causeCode: string | undefined;
  /** the request may have reached the server (the failure came after connecting) */
  readonly mayHaveBeenSent: boolean;

  constructor(code: ErrorCode, message: string, fields: ConnectionErrorFields) {
    super(code, message, { cause: fields.cause, isRetryable: fields.isRetryable });
    this.url = fields.url;
    this.causeCode = fields.causeCode;
    this.mayHaveBeenSent = fields.mayHaveBeenSent;
  }
}

/** Failures before the request left this process: safe to send it elsewhere, even a POST. */
const BEFORE_SENDING_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export interface TransportFailure {
  causeCode: string | undefined;
  /** the request never left (refused, DNS, connect timeout, TLS): sending it again cannot duplicate it */
  isBeforeSending: boolean;
  /** the server's certificate was refused: a configuration problem, not worth retrying */
  isTls: boolean;
  isTimeout: boolean;
}

/** What kind of transport failure an undici / Node error is. */
export function classifyTransportError(error: unknown): TransportFailure {
  const causeCode = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  const code = causeCode ?? '';
  const isTls = code === ERROR_CODES.tlsFingerprintMismatch || /CERT|SSL|TLS|SIGNATURE|ISSUER|EPROTO/.test(code);
  return {
    causeCode,
    isBeforeSending: isTls || BEFORE_SENDING_CODES.has(code),
    isTls,
    isTimeout: TIMEOUT_CODES.has(code),
  };
}

/** The error a failed send becomes; `call` is e.g. "GET /_security/service". Never includes headers. */
export function toConnectionError(error: unknown, fields: { clusterName: string; call: string; url: string }): ConnectionError {
  const failure = classifyTransportError(error);
  const where = `cluster ${fields.clusterName}: ${fields.call} to ${fields.url}`;
  if (failure.isTls) {
    return new ConnectionError(ERROR_CODES.tlsFailed,
      `${where}: the server's TLS certificate was refused: ${errorMessage(error)}` +
        ' (check tls.caFile / tls.caFingerprint in the manifest)',
      { url: fields.url, cause: error, causeCode: failure.causeCode, isRetryable: false, mayHaveBeenSent: false });
  }
  const what = failure.isTimeout ? 'timed out' : 'failed';
  return new ConnectionError(ERROR_CODES.connectionFailed,
    `${where} ${what}: ${errorMessage(error)}${failure.causeCode ? ` (${failure.causeCode})` : ''}`,
    { url: fields.url, cause: error, causeCode: failure.causeCode, isRetryable: true, mayHaveBeenSent: !failure.isBeforeSending });
}

/** A create whose request was sent but not answered: the token may or may not exist now. */
export function createOutcomeUnknown(cause: ConnectionError, tokenKey: string): ConnectionError {
  return new ConnectionError(ERROR_CODES.createOutcomeUnknown,
    `${cause.message}; the create of ${tokenKey} may or may not have happened (not retried)`,
    { url: cause.url, cause: cause.cause, causeCode: cause.causeCode, isRetryable: false, mayHaveBeenSent: true });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
