import { EXEC_SINK_PROTOCOL_VERSION, ExecSinkProtocolError, parseExecSinkRequest, type ExecSinkResponse } from './exec-sink-protocol.js';
import { redactSecret } from './redact-secret.js';
import type { SinkAdapter } from './sink-adapter.js';

export interface ServedRequest {
  /** 0 answered; 1 the backing store failed; 2 the request is not protocol 1 */
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

/** Answers one exec-sink request with an adapter: the whole of `escred sink <name>` but its I/O. */
export async function serveSinkRequest(adapter: SinkAdapter, input: string): Promise<ServedRequest> {
  let request;
  try {
    request = parseExecSinkRequest(input);
  } catch (error) {
    if (!(error instanceof ExecSinkProtocolError)) throw error;
    return { exitCode: 2, stdout: '', stderr: `escred sink: ${error.message} (see docs/exec-sink-protocol.md)\n` };
  }
  const ok: ExecSinkResponse = { protocolVersion: EXEC_SINK_PROTOCOL_VERSION, status: 'ok' };
  try {
    let response: ExecSinkResponse = ok;
    switch (request.action) {
      case 'check': await adapter.check(); break;
      case 'store': await adapter.store(request, request.kind, request.value); break;
      case 'delete': await adapter.delete(request); break;
      case 'list': response = { ...ok, keys: await adapter.list() }; break;
      case 'read': response = { ...ok, value: await adapter.read(request) }; break;
    }
    return { exitCode: 0, stdout: `${JSON.stringify(response)}\n`, stderr: '' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const masked = request.action === 'store' ? redactSecret(message, request.value) : message;
    return { exitCode: 1, stdout: '', stderr: `escred sink: ${request.action} failed: ${masked}\n` };
  }
}
