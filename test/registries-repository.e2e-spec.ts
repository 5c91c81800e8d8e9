import { DataSource } from 'typeorm';
import {
  ImageRegistriesRepository,
  type LockedRegistry,
} from '../src/registries/image-registries.repository';
import { ImageRegistry } from '../src/registries/image-registry.entity';
import { describeEachDatabase } from './support/test-app';

/**
 * The repository's own SQL reads (list, get, default, credentials, the locked read of a write)
 * take their columns and row mapping from the entity: they must read every row exactly as
 * TypeORM itself reads it, on both databases, whatever the values.
 */
describeEachDatabase('the registry repository reads rows as TypeORM does', (suite) => {
  let repository: ImageRegistriesRepository;
  let typeorm: DataSource;
  const ids: number[] = [];

  const variants: Omit<ImageRegistry, 'id'>[] = [
    {
      name: 'plain',
      nameKey: 'plain',
      url: 'https://plain.example.com',
      username: null,
      password: null,
      isDefault: false,
      description: '',
      insecure: false,
      caCertificate: null,
      createdAt: 1_705_305_600,
      updatedAt: 1_705_305_600,
      version: 1,
    },
    {
      name: 'Everything-Set',
      nameKey: 'everything-set',
      url: 'http://127.0.0.1:5000/some/Path',
      username: 'robot$import',
      password: 'p@ss+/word=',
      isDefault: true,
      description: 'ünïcödé and "quotes"',
      insecure: true,
      caCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      // Past 2^31 and past 2038: BIGINT, kept exact.
      createdAt: 4_102_444_800,
      updatedAt: 4_102_444_801,
      version: 2_147_483_647,
    },
  ];

  beforeAll(async () => {
    repository = suite().app.app.get(ImageRegistriesRepository);
    typeorm = suite().app.app.get(DataSource);
    for (const variant of variants) ids.push((await repository.insert(variant, () => [])).id);
  });

  const byTypeorm = (id: number, withPassword = false): Promise<ImageRegistry | null> =>
    typeorm
      .getRepository(ImageRegistry)
      .createQueryBuilder('registry')
      .addSelect(withPassword ? ['registry.password'] : [])
      .where('registry.id = :id', { id })
      .getOne();

  it('get by id, the default and a page equal TypeORM’s reads', async () => {
    for (const id of ids) expect(await repository.findById(id)).toEqual(await byTypeorm(id));
    expect(await repository.findDefault()).toEqual(await byTypeorm(ids[1]));
    const [page, total] = await repository.findPage(0, 10);
    expect(total).toBe(2);
    expect(page).toEqual([await byTypeorm(ids[0]), await byTypeorm(ids[1])]);
  });

  it('a page is the rows at its offset in id order, and past the end it is empty with the total', async () => {
    expect(await repository.findPage(1, 10)).toEqual([[await byTypeorm(ids[1])], 2]);
    expect(await repository.findPage(0, 1)).toEqual([[await byTypeorm(ids[0])], 2]);
    expect(await repository.findPage(2, 10)).toEqual([[], 2]);
    expect(await repository.findPage(1_000, 10)).toEqual([[], 2]);
  });

  it('reads carry no password and no name key', async () => {
    for (const id of ids) {
      const registry = (await repository.findById(id))!;
      expect(registry).not.toHaveProperty('password');
      expect(registry).not.toHaveProperty('nameKey');
    }
  });

  it('the credentials read decrypts the password as TypeORM does', async () => {
    for (const id of ids) {
      expect(await repository.findWithCredentials(id)).toEqual(await byTypeorm(id, true));
    }
    expect((await repository.findWithCredentials(ids[1]))?.password).toBe('p@ss+/word=');
  });

  it('look-ups made together (repeated and unknown ids among them) each get their own row', async () => {
    const asked = [ids[1], 0, ids[0], ids[1], 2_147_483_647, ids[0], ...ids, ...ids, ...ids];
    const [found, withCredentials] = await Promise.all([
      Promise.all(asked.map((id) => repository.findById(id))),
      Promise.all(asked.map((id) => repository.findWithCredentials(id))),
    ]);
    const expected = await Promise.all(asked.map(async (id) => (await byTypeorm(id)) ?? undefined));
    expect(found).toEqual(expected);
    expect(new Set(found.filter((registry) => registry !== undefined)).size).toBe(10);
    expect(withCredentials.map((registry) => registry?.password)).toEqual(
      asked.map((id) => (id === ids[1] ? 'p@ss+/word=' : id === ids[0] ? null : undefined)),
    );
  });

  it('the locked read of an update sees the row as TypeORM does, and whether it has a password', async () => {
    const seen: LockedRegistry[] = [];
    for (const id of ids) {
      await repository.update(
        id,
        (current) => {
          seen.push(current);
          return { updatedAt: current.updatedAt };
        },
        () => [],
      );
    }
    expect(seen).toEqual([
      { ...(await byTypeorm(ids[0])), hasPassword: false },
      { ...(await byTypeorm(ids[1])), hasPassword: true },
    ]);
    for (const current of seen) expect(current).not.toHaveProperty('password');
  });

  it('an update writes every kind of column as TypeORM reads it back, the password encrypted', async () => {
    const changes = {
      name: 'Renamed',
      nameKey: 'renamed',
      username: 'someone',
      password: 'n3w+/p@ss=',
      isDefault: false,
      description: 'written by hand',
      insecure: false,
      caCertificate: null,
      updatedAt: 4_102_444_900,
      version: 7,
    };
    await repository.update(
      ids[1],
      () => changes,
      () => [],
    );
    const { nameKey: _nameKey, ...expected } = changes;
    expect(await byTypeorm(ids[1], true)).toMatchObject(expected);
    const [stored] = await typeorm.query<{ password: string; name_key: string }[]>(
      'SELECT password, name_key FROM image_registries WHERE id = ?',
      [ids[1]],
    );
    expect(stored.name_key).toBe('renamed');
    expect(stored.password).toMatch(/^v1:/);
    expect(stored.password).not.toContain('n3w');
  });
});
