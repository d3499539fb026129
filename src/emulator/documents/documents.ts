/** Everything start-emulator wires for the document APIs: the store in the data folder, its routes, the request log. */
import { join } from 'node:path';
import type { Route } from '../router.js';
import { documentRoutes } from './document-routes.js';
import { DocumentStore } from './document-store.js';
import { RequestLog } from './request-log.js';

export type { RecordedRequest } from './request-log.js';

export interface Documents {
  store: DocumentStore;
  routes: Route[];
  requestLog: RequestLog;
}

export async function openDocuments(dataDir: string): Promise<Documents> {
  const store = await DocumentStore.open(join(dataDir, 'documents.json'));
  return { store, routes: documentRoutes(store), requestLog: new RequestLog() };
}
