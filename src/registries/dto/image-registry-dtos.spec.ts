import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateImageRegistryDto } from './create-image-registry.dto';
import { ListImageRegistriesQueryDto } from './list-image-registries-query.dto';
import { UpdateImageRegistryDto } from './update-image-registry.dto';

type Dto = CreateImageRegistryDto | UpdateImageRegistryDto | ListImageRegistriesQueryDto;

async function problems(type: new () => Dto, plain: object): Promise<string[]> {
  const errors = await validate(plainToInstance(type, plain), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}

const valid = { name: 'harbor', url: 'harbor.example.com' };

describe('CreateImageRegistryDto', () => {
  it('accepts a minimal and a complete registry', async () => {
    expect(await problems(CreateImageRegistryDto, valid)).toEqual([]);
    expect(
      await problems(CreateImageRegistryDto, {
        ...valid,
        username: 'u',
        password: 'p'.repeat(8192),
        default: true,
        description: 'd'.repeat(500),
        insecure: true,
      }),
    ).toEqual([]);
  });

  it('trims the name', () => {
    expect(plainToInstance(CreateImageRegistryDto, { ...valid, name: '  hub  ' }).name).toBe('hub');
  });

  it.each([
    [{ url: 'x.io' }, 'name'],
    [{ ...valid, name: '   ' }, 'name must not be empty'],
    [{ ...valid, name: 'n'.repeat(101) }, 'name must be at most 100 characters'],
    [{ ...valid, name: 5 }, 'name must be a string'],
    [{ name: 'x' }, 'url'],
    [{ ...valid, url: 'ftp://x.io' }, 'url must use http or https'],
    [{ ...valid, url: 'https://u:p@x.io' }, 'url must not contain user info'],
    [{ ...valid, username: '' }, 'username must not be empty'],
    [{ ...valid, username: 'u'.repeat(256) }, 'username must be at most 255 characters'],
    [{ ...valid, username: 'u', password: '' }, 'password must not be empty'],
    [{ ...valid, username: 'u', password: 'p'.repeat(8193) }, 'password must be at most 8192'],
    [{ ...valid, default: 'true' }, 'default must be a boolean'],
    [{ ...valid, default: null }, 'default must be a boolean'],
    [{ ...valid, insecure: 1 }, 'insecure must be a boolean'],
    [{ ...valid, description: 'd'.repeat(501) }, 'description must be at most 500'],
    [{ ...valid, id: 3 }, 'property id should not exist'],
    [{ ...valid, created_at: 3 }, 'property created_at should not exist'],
    [{ ...valid, colour: 'red' }, 'property colour should not exist'],
  ])('rejects %j naming the problem', async (plain, expected) => {
    const found = await problems(CreateImageRegistryDto, plain);
    expect(found.some((problem) => problem.includes(expected))).toBe(true);
  });

  it('counts characters, not UTF-16 units', async () => {
    expect(await problems(CreateImageRegistryDto, { ...valid, name: '🐳'.repeat(100) })).toEqual(
      [],
    );
  });

  it('never quotes the password in a message', async () => {
    const found = await problems(CreateImageRegistryDto, {
      ...valid,
      username: 'u',
      password: `SECRET${'p'.repeat(8192)}`,
    });
    expect(found.join(' ')).not.toContain('SECRET');
  });
});

describe('UpdateImageRegistryDto', () => {
  it('accepts an empty body and nulls for username and password', async () => {
    expect(await problems(UpdateImageRegistryDto, {})).toEqual([]);
    expect(await problems(UpdateImageRegistryDto, { username: null, password: null })).toEqual([]);
  });

  it.each(['name', 'url', 'default', 'description', 'insecure'])(
    'rejects null for %s',
    async (field) => {
      expect(await problems(UpdateImageRegistryDto, { [field]: null })).not.toEqual([]);
    },
  );
});

describe('ListImageRegistriesQueryDto', () => {
  it('defaults to page 1 of 10', () => {
    expect(plainToInstance(ListImageRegistriesQueryDto, {})).toEqual({ pageNum: 1, pageSize: 10 });
  });

  it.each([
    [{ pageNum: '0' }],
    [{ pageNum: '-1' }],
    [{ pageNum: '1.5' }],
    [{ pageNum: 'abc' }],
    [{ pageNum: '' }],
    [{ pageNum: ['1', '2'] }],
    [{ pageSize: '101' }],
    [{ pageSize: '0' }],
    [{ pageSize: '1e1' }],
  ])('rejects %j', async (query) => {
    expect(await problems(ListImageRegistriesQueryDto, query)).not.toEqual([]);
  });

  it('accepts the bounds', async () => {
    expect(await problems(ListImageRegistriesQueryDto, { pageNum: '1', pageSize: '100' })).toEqual(
      [],
    );
  });
});
