import { parseArgs } from 'node:util';
import { sign } from 'jsonwebtoken';
import { loadAppConfig } from '../config/app-config';

const USAGE =
  'Usage: npm run token -- [--scope "registries:read registries:write"] [--subject NAME] [--expires-in 1h]';

/** Prints a bearer token signed with the configured JWT secret (HS256), for development and tests. */
function main(): void {
  const { values } = parseArgs({
    options: {
      scope: { type: 'string', default: 'registries:read registries:write' },
      subject: { type: 'string', default: 'developer' },
      'expires-in': { type: 'string', default: '1h' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.error(USAGE);
    return;
  }
  const config = loadAppConfig(process.env);
  const { secret, issuer, audience } = config.jwt;
  if (secret === undefined) {
    throw new Error('No JWT_SECRET is configured: tokens come from your identity provider');
  }
  const token = sign({ scope: values.scope }, secret, {
    algorithm: 'HS256',
    subject: values.subject,
    expiresIn: values['expires-in'] as `${number}${'s' | 'm' | 'h' | 'd'}`,
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
  });
  console.log(token);
  console.error(
    `Scopes: ${values.scope}; expires in ${values['expires-in']}. Use it as: Authorization: Bearer <token>`,
  );
}

try {
  main();
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(1);
}
