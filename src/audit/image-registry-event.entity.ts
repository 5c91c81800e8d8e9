import { Column, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';
import { bigintNumber } from '../database/column-transformers';

export const EVENT_ACTIONS = ['created', 'updated', 'deleted', 'credentials_read'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** The changed fields' names, stored comma-separated (no name has a comma). */
const fieldNames: ValueTransformer = {
  to: (value?: readonly string[]) => value?.join(','),
  from: (value: string) => (value === '' ? [] : value.split(',')),
};

/** One change of a registry, or one read of its credentials; never a value of any field. */
@Entity('image_registry_events')
export class ImageRegistryEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  at!: number;

  @Column({ type: 'varchar', length: 20 })
  action!: EventAction;

  @Column({ name: 'registry_id', type: 'int' })
  registryId!: number;

  /** As it was right after the event; before it, for `deleted`. */
  @Column({ name: 'registry_name', type: 'varchar', length: 100 })
  registryName!: string;

  @Column({ name: 'registry_url', type: 'varchar', length: 512 })
  registryUrl!: string;

  /** The token's `sub`; null when it has none. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  actor!: string | null;

  @Column({ type: 'varchar', length: 255, transformer: fieldNames })
  changes!: string[];

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;
}
