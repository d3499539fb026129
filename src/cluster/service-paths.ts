/** REST paths of service accounts and their tokens, each part URL-encoded. */
export function accountPath(principal: string): string {
  const [namespace = '', service = ''] = principal.split('/');
  return `/_security/service/${encodeURIComponent(namespace)}/${encodeURIComponent(service)}`;
}

export function tokenPath(principal: string, name: string): string {
  return `${accountPath(principal)}/credential/token/${encodeURIComponent(name)}`;
}
