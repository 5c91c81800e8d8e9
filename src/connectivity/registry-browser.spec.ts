import { NotImplementedException } from '@nestjs/common';
import type { ImageRegistriesRepository } from '../registries/image-registries.repository';
import type { ImageRegistry } from '../registries/image-registry.entity';
import { RegistryBrowser } from './registry-browser';
import type { RegistryAnswer, RegistryCall, RegistryClient } from './registry-client';

const HUB = { id: 1, url: 'https://registry-1.docker.io', username: null } as ImageRegistry;

function browserWith(answer: Partial<RegistryAnswer>): {
  browser: RegistryBrowser;
  calls: RegistryCall[];
} {
  const calls: RegistryCall[] = [];
  const client = {
    call: (_target: unknown, call: RegistryCall) => {
      calls.push(call);
      return Promise.resolve({ status: 200, headers: {}, body: Buffer.from('{}'), ...answer });
    },
  } as unknown as RegistryClient;
  const registries = {
    findWithCredentials: () => Promise.resolve(HUB),
  } as unknown as ImageRegistriesRepository;
  return { browser: new RegistryBrowser(registries, client), calls };
}

describe('RegistryBrowser on Docker Hub', () => {
  it('asks for the tags of library/<name> for a one-part repository, with its pull scope', async () => {
    const { browser, calls } = browserWith({
      body: Buffer.from('{"name":"library/nginx","tags":["1.27"]}'),
    });
    await expect(browser.tags(1, 'nginx', 10)).resolves.toEqual({
      repository: 'library/nginx',
      tags: ['1.27'],
      next: null,
    });
    expect(calls).toEqual([
      {
        operation: 'tags',
        method: 'GET',
        path: 'library/nginx/tags/list?n=10',
        scope: 'repository:library/nginx:pull',
      },
    ]);
  });

  it('keeps a repository with a namespace as it is', async () => {
    const { browser, calls } = browserWith({ body: Buffer.from('{"tags":null}') });
    await expect(browser.tags(1, 'bitnami/redis', 10, 'v1')).resolves.toEqual({
      repository: 'bitnami/redis',
      tags: [],
      next: null,
    });
    expect(calls[0].path).toBe('bitnami/redis/tags/list?n=10&last=v1');
  });

  it('answers 501 for the catalog without asking: Docker Hub has none', async () => {
    const { browser, calls } = browserWith({});
    await expect(browser.repositories(1, 10)).rejects.toBeInstanceOf(NotImplementedException);
    expect(calls).toEqual([]);
  });
});
