import { isDockerHubUrl } from '../registries/registry-url';
import type { DockerAuthDto, DockerConfigDto } from './dto/credentials.dto';

/** Docker Hub's key in a Docker config.json, as `docker login` writes it. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** A registry that can be logged in to: its normalised URL and both credentials. */
export interface Login {
  id: number;
  url: string;
  username: string;
  password: string;
}

/** The server of a registry as `docker login` names it: host[:port], or Docker Hub's key. */
export function serverOf(url: string): string {
  return isDockerHubUrl(url) ? DOCKER_HUB_SERVER : new URL(url).host;
}

/** An entry of `auths`: `auth` is standard base64 (with padding) of `username:password`. */
export function dockerAuth(username: string, password: string): DockerAuthDto {
  return {
    username,
    password,
    auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
  };
}

/**
 * One Docker config.json for several registries (CONTRACT §12), `logins` ordered by id. A server
 * that one registry has is its key; when several share it, each with a path is keyed
 * `host[:port]/path` (the copy tools match the longest prefix) and the bare key goes to the one
 * without; a key that still collides stays with the lower id.
 */
export function dockerConfigOf(logins: readonly Login[]): DockerConfigDto {
  const servers = logins.map(({ url }) => serverOf(url));
  const sharing = new Map<string, number>();
  for (const server of servers) sharing.set(server, (sharing.get(server) ?? 0) + 1);
  const auths: Record<string, DockerAuthDto> = {};
  logins.forEach((login, index) => {
    const server = servers[index];
    const shared = sharing.get(server)! > 1 && server !== DOCKER_HUB_SERVER;
    auths[shared ? keyWithPath(login.url) : server] ??= dockerAuth(login.username, login.password);
  });
  return { auths };
}

function keyWithPath(url: string): string {
  const { host, pathname } = new URL(url);
  const path = pathname.replace(/\/+$/, '');
  return path === '' ? host : `${host}${path}`;
}
