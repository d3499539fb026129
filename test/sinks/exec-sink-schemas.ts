import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ajv validator for schemas/exec-sink-<name>.schema.json (both loaded, as the response refers to the request's $defs). */
export async function execSinkSchema(name: 'request' | 'response') {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true });
  for (const file of ['exec-sink-request', 'exec-sink-response']) {
    ajv.addSchema(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', `${file}.schema.json`), 'utf8')));
  }
  return ajv.getSchema(`urn:escred:schema:exec-sink-${name}:v1`)!;
}
