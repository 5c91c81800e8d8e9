import { Column, Entity, Index, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';
import { encryptedColumn } from '../crypto/encrypted-column.transformer';
import { bigintNumber } from '../database/column-transformers';

/** Stored as 1 or NULL so that a unique key allows one default at most. */
const defaultFlag: ValueTransformer = {
  to: (value?: boolean) => (value === undefined ? undefined : value ? true : null),
  from: (value: unknown) => value === true || value === 1 || value === '1',
};

@Entity('image_registries')
@Index('UQ_image_registries_name_key', ['nameKey'], { unique: true })
@Index('UQ_image_registries_url', ['url'], { unique: true })
@Index('UQ_image_registries_default', ['isDefault'], { unique: true })
export class ImageRegistry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The name as uniqueness sees it: lower-cased, so that "Docker-Hub" and "docker-hub" collide. */
  @Column({ name: 'name_key', type: 'varchar', length: 200, select: false })
  nameKey?: string;

  @Column({ type: 'varchar', length: 512 })
  url!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  username!: string | null;

  /** Encrypted at rest; loaded only where the plaintext is needed. */
  @Column({ type: 'text', nullable: true, select: false, transformer: encryptedColumn })
  password?: string | null;

  @Column({ name: 'is_default', type: 'boolean', nullable: true, transformer: defaultFlag })
  isDefault!: boolean;

  // No column declares a default: the migrations own the schema, and a declared default would
  // make TypeORM read every inserted row back for it.
  @Column({ type: 'varchar', length: 500 })
  description!: string;

  @Column({ type: 'boolean' })
  insecure!: boolean;

  /** PEM certificates of a private CA to trust for this registry; not secret. */
  @Column({ name: 'ca_certificate', type: 'text', nullable: true })
  caCertificate!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;

  /** 1 when created, plus 1 on every update and when it loses the default: the ETag. */
  @Column({ type: 'int' })
  version!: number;
}
