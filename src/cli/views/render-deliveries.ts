import type { ClusterDelivery } from '../../reconcile/deliver-pass.js';

/** Each service_tokens file with its diff (hashes shortened), as plan shows it and apply reports it. */
export function renderDeliveries(deliveries: readonly ClusterDelivery[], options: { isDryRun: boolean }): string {
  const lines: string[] = [];
  for (const { cluster, delivery } of deliveries) {
    for (const file of delivery.files) {
      const verb = options.isDryRun ? 'would write' : 'wrote';
      if (file.isChanged) lines.push(`~ ${cluster}: ${verb} ${file.path}`, indent(file.diff));
      else lines.push(`  ${cluster}: ${file.path} unchanged`);
      for (const fix of file.fixes) lines.push(`  ${cluster}: ${file.path}: ${options.isDryRun ? 'would fix' : 'fixed'} ${fix}`);
    }
    for (const removed of delivery.removed) lines.push(`- ${cluster}: ${options.isDryRun ? 'would remove' : 'removed'} ${removed.path}`);
    if (delivery.newKeys.length > 0) {
      lines.push(`  ${cluster}: new file token secret${delivery.newKeys.length === 1 ? '' : 's'} ${options.isDryRun ? 'to store' : 'stored'} in the sink: ${delivery.newKeys.join(', ')}`);
    }
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');
}
