/**
 * Role descriptors of the built-in service accounts, as version data (spec section 5). Rendered
 * in RoleDescriptor.toXContent order: cluster, indices, applications, run_as, metadata,
 * transient_metadata.
 */
import { parseVersion } from '../es/built-in-accounts.js';

export interface IndicesPrivileges {
  names: string[];
  privileges: string[];
  allow_restricted_indices: boolean;
}

export interface RoleDescriptor {
  cluster: string[];
  indices: IndicesPrivileges[];
  applications: Array<{ application: string; privileges: string[]; resources: string[] }>;
  run_as: string[];
  metadata: Record<string, unknown>;
  transient_metadata: { enabled: boolean };
}

const WRITE = ['write', 'create_index', 'auto_configure'];
const FLEET_ALL = ['read', 'write', 'monitor', 'create_index', 'auto_configure', 'maintenance'];
const CONNECTORS = [...FLEET_ALL, 'view_index_metadata'];
const FLEET_SETUP = [{ application: 'kibana-*', privileges: ['reserved_fleet-setup'], resources: ['*'] }];

function group(names: string[], privileges: string[], isRestricted = false): IndicesPrivileges {
  return { names, privileges, allow_restricted_indices: isRestricted };
}

function descriptor(cluster: string[], indices: IndicesPrivileges[], applications: RoleDescriptor['applications'] = []): RoleDescriptor {
  return { cluster, indices, applications, run_as: [], metadata: {}, transient_metadata: { enabled: true } };
}

function fleetServer(major: number, minor: number): RoleDescriptor {
  if (major === 7 && minor < 16) {
    // 7.13 "early code" descriptor; that 7.14/7.15 still have it is [inferred] (maintenance came in 7.16.3).
    return descriptor(
      ['monitor', 'manage_own_api_key'],
      [
        group(['logs-*', 'metrics-*', 'traces-*', 'synthetics-*', '.logs-endpoint.diagnostic.collection-*'], WRITE),
        group(['.fleet-*'], ['read', 'write', 'monitor', 'create_index', 'auto_configure']),
      ],
    );
  }
  if (major < 9) {
    // 8.x mid (@f36ac43b); used for 7.16-8.19 as [inferred] intermediate versions changed incrementally.
    return descriptor(
      ['monitor', 'manage_own_api_key'],
      [
        group(['logs-*', 'metrics-*', 'traces-*', 'synthetics-*', '.logs-endpoint.diagnostic.collection-*', '.logs-endpoint.action.responses-*'], WRITE),
        group(['traces-apm.sampled-*'], ['read', 'monitor', 'maintenance']),
        group(['.fleet-*'], FLEET_ALL, true),
      ],
      FLEET_SETUP,
    );
  }
  return descriptor(
    ['monitor', 'manage_own_api_key', 'read_fleet_secrets', 'cluster:admin/xpack/connector/*'],
    [
      group(['logs-*', 'metrics-*', 'traces-*', '.logs-endpoint.diagnostic.collection-*', '.logs-endpoint.action.responses-*', '.logs-endpoint.heartbeat-*'], WRITE),
      group(['profiling-*'], ['read', 'write']),
      group(['traces-apm.sampled-*'], ['read', 'monitor', 'maintenance']),
      group(['.fleet-secrets*'], ['read'], true),
      group(
        ['.fleet-actions*', '.fleet-agents*', '.fleet-artifacts*', '.fleet-enrollment-api-keys*', '.fleet-policies*', '.fleet-policies-leader*', '.fleet-servers*', '.fleet-fileds*'],
        FLEET_ALL,
        true,
      ),
      group(['synthetics-*'], ['read', 'write', 'create_index', 'auto_configure']),
      group(['.elastic-connectors*'], CONNECTORS),
      group(['content-*', '.search-acl-filter-*'], CONNECTORS),
      group(['agentless-*'], CONNECTORS),
    ],
    FLEET_SETUP,
  );
}

/**
 * kibana_system of the version: large and version-specific in ES. This is a reduced stand-in with
 * the cluster privileges that matter for the service-account APIs ([unsure]: exact content).
 */
function kibana(): RoleDescriptor {
  return descriptor(
    ['monitor', 'manage_index_templates', 'cluster:admin/xpack/monitoring/bulk', 'manage_saml', 'manage_token', 'manage_oidc', 'manage_pipeline', 'manage_ilm', 'manage_own_api_key', 'grant_api_key'],
    [
      group(['.kibana*', '.reporting-*'], ['all'], true),
      group(['.monitoring-*'], ['read', 'read_cross_cluster']),
      group(['.management-beats'], ['create_index', 'read', 'write']),
      group(['.fleet-*'], ['all'], true),
    ],
  );
}

const ENT_SEARCH_INDICES = [
  'search-*', '.ent-search-*', '.monitoring-ent-search-*', 'metricbeat-ent-search-*', 'enterprise-search-*',
  'logs-app_search.analytics-default', 'logs-enterprise_search.api-default', 'logs-enterprise_search.audit-default',
  'logs-app_search.search_relevance_suggestions-default', 'logs-crawler-default', 'logs-workplace_search.analytics-default',
  'logs-workplace_search.content_events-default',
];

export function roleDescriptorFor(principal: string, version: string): RoleDescriptor | undefined {
  const [major, minor] = parseVersion(version);
  switch (principal) {
    case 'elastic/fleet-server':
      return fleetServer(major, minor);
    case 'elastic/kibana':
      return kibana();
    case 'elastic/enterprise-search-server':
      return descriptor(['manage', 'manage_security'], [group(ENT_SEARCH_INDICES, ['manage', 'read', 'write'])]);
    case 'elastic/fleet-server-remote':
      return descriptor(['monitor', 'manage_own_api_key'], [group(['logs-*', 'metrics-*', 'traces-*'], WRITE)]);
    case 'elastic/auto-ops':
      return descriptor(['monitor', 'read_ilm', 'read_slm'], [group(['*'], ['monitor', 'view_index_metadata'], true)]);
    default:
      return undefined;
  }
}
