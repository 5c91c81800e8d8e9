import { API } from './load';
import type { ServerProcess } from './servers';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}

interface Answer {
  status: number;
  body: string;
  totalCount: string | null;
}

export interface CheckTokens {
  readWrite: string;
  credentials: string;
  audit: string;
}

async function call(
  server: ServerProcess,
  path: string,
  token: string | undefined,
  method = 'GET',
  body?: object,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    body: await response.text(),
    totalCount: response.headers.get('x-total-count'),
  };
}

function same(name: string, a: Answer, b: Answer): CheckResult {
  const ok = a.status === b.status && a.body === b.body && a.totalCount === b.totalCount;
  const show = (x: Answer): string =>
    `${x.status} [X-Total-Count ${x.totalCount}] ${x.body.slice(0, 300)}`;
  return { name, ok, detail: ok ? undefined : `service:  ${show(a)}\nbaseline: ${show(b)}` };
}

/**
 * Before any load: the baseline answers the measured requests with the same status and the same
 * JSON bytes as the service, and what one writes the other reads back identically — including a
 * password the baseline encrypted, which the service must decrypt.
 */
export async function checkSameAnswers(
  service: ServerProcess,
  baseline: ServerProcess,
  tokens: CheckTokens,
  seededRows: number,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const both = async (name: string, path: string, token: string | undefined): Promise<void> => {
    results.push(same(name, await call(service, path, token), await call(baseline, path, token)));
  };
  await both('list page 1', `${API}?pageNum=1&pageSize=10`, tokens.readWrite);
  await both('list page 2 of 7', `${API}?pageNum=2&pageSize=7`, tokens.readWrite);
  await both('get by id (with password)', `${API}/1`, tokens.readWrite);
  await both('get by id (without password)', `${API}/2`, tokens.readWrite);
  await both('get a missing id', `${API}/2147483647`, tokens.readWrite);
  await both('no token', `${API}/1`, undefined);
  await both('wrong scope', `${API}/1`, tokens.credentials);

  const tag = Date.now().toString(36);
  const auditTrails: string[] = [];
  for (const [writer, reader] of [
    [service, baseline],
    [baseline, service],
  ]) {
    const request = {
      name: `Check-${writer.name}-${tag}`,
      url: `HTTPS://Check-${writer.name}-${tag}.Example:443/v2/`,
      username: 'checker',
      password: `secret of ${writer.name}`,
      description: 'written by the benchmark check',
    };
    const created = await call(writer, API, tokens.readWrite, 'POST', request);
    const id = created.status === 201 ? (JSON.parse(created.body) as { id: number }).id : 0;
    results.push(
      same(`create by ${writer.name}, read by ${reader.name}`, created, {
        ...(await call(reader, `${API}/${id}`, tokens.readWrite)),
        status: 201,
      }),
    );
    const updated = await call(writer, `${API}/${id}`, tokens.readWrite, 'PUT', {
      description: `updated by ${writer.name}`,
    });
    results.push(
      same(
        `update by ${writer.name}, read by ${reader.name}`,
        updated,
        await call(reader, `${API}/${id}`, tokens.readWrite),
      ),
    );
    const stored = await call(service, `${API}/${id}/credentials`, tokens.credentials);
    const password =
      stored.status === 200
        ? (JSON.parse(stored.body) as { password: string }).password
        : undefined;
    results.push({
      name: `password encrypted by ${writer.name} decrypts in the service`,
      ok: password === request.password,
      detail: password === request.password ? undefined : `${stored.status} ${stored.body}`,
    });
    const events = await call(service, `${API}/events?registryId=${id}`, tokens.audit);
    auditTrails.push(
      JSON.stringify(
        events.status === 200
          ? (
              JSON.parse(events.body) as { action: string; changes: string[]; actor: unknown }[]
            ).map(({ action, changes, actor }) => ({ action, changes, actor }))
          : events.status,
      ),
    );
  }
  results.push({
    name: 'the baseline records the same audit events as the service',
    ok: auditTrails[0] === auditTrails[1] && auditTrails[0].includes('"created"'),
    detail: auditTrails[0] === auditTrails[1] ? undefined : auditTrails.join(' vs '),
  });
  const expected = String(seededRows + 2);
  for (const server of [service, baseline]) {
    const { totalCount } = await call(server, `${API}?pageNum=1&pageSize=1`, tokens.readWrite);
    results.push({
      name: `X-Total-Count from ${server.name} counts both servers' inserts`,
      ok: totalCount === expected,
      detail: totalCount === expected ? undefined : `${totalCount}, expected ${expected}`,
    });
  }
  return results;
}
