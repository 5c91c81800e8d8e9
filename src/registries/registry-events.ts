import type { NewAuditEvent } from '../audit/audit-events.repository';
import type { EventAction } from '../audit/image-registry-event.entity';
import type { Caller } from '../auth/caller';
import type {
  ImageRegistryChanges,
  LockedRegistry,
  NewImageRegistry,
} from './image-registries.repository';
import type { ImageRegistry } from './image-registry.entity';

/** The fields an event names, in the order it names them (CONTRACT §10), with their stored form. */
const FIELDS = [
  ['name', 'name'],
  ['url', 'url'],
  ['username', 'username'],
  ['password', 'password'],
  ['default', 'isDefault'],
  ['description', 'description'],
  ['insecure', 'insecure'],
  ['ca_certificate', 'caCertificate'],
] as const satisfies readonly (readonly [string, keyof ImageRegistry])[];

const DEFAULTS: Partial<Record<keyof ImageRegistry, unknown>> = {
  username: null,
  password: null,
  isDefault: false,
  description: '',
  insecure: false,
  caCertificate: null,
};

/** A created registry names the fields given a value other than their default (name and url always). */
export function createdChanges(registry: NewImageRegistry): string[] {
  return FIELDS.filter(([, key]) => !(key in DEFAULTS) || registry[key] !== DEFAULTS[key]).map(
    ([field]) => field,
  );
}

/**
 * An update names the fields whose stored value it changed: a field sent with its current value
 * is no change; a password sent is always one (it is not compared), and so is clearing one that
 * was stored.
 */
export function updatedChanges(before: LockedRegistry, changes: ImageRegistryChanges): string[] {
  return FIELDS.filter(([, key]) => {
    if (key === 'password') {
      return changes.password !== undefined && (changes.password !== null || before.hasPassword);
    }
    return changes[key] !== undefined && changes[key] !== before[key];
  }).map(([field]) => field);
}

export function registryEvent(
  action: EventAction,
  registry: Pick<ImageRegistry, 'id' | 'name' | 'url'>,
  caller: Caller,
  at: number,
  changes: string[] = [],
): NewAuditEvent {
  return {
    at,
    action,
    registryId: registry.id,
    registryName: registry.name,
    registryUrl: registry.url,
    actor: caller.actor,
    changes,
    requestId: caller.requestId,
  };
}

/** The registry that lost the default to another one: its own `updated` event. */
export function lostDefaultEvents(
  lostDefault: readonly ImageRegistry[],
  caller: Caller,
  at: number,
): NewAuditEvent[] {
  return lostDefault.map((registry) => registryEvent('updated', registry, caller, at, ['default']));
}
