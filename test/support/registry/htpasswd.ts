import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Writes an htpasswd file with one bcrypt entry; distribution 2.8 accepts no other hash. */
export async function createHtpasswdFile(
  path: string,
  username: string,
  password: string,
): Promise<void> {
  await promisify(execFile)('htpasswd', ['-B', '-b', '-c', path, username, password]);
}
