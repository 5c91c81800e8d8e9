import { getMetadataStorage } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadAppConfig } from '../src/config/app-config';
import { EnvironmentVariables } from '../src/config/environment';

const DIRECTORY = join(__dirname, '..', 'deploy', 'kubernetes');
const OPENAPI = JSON.parse(
  readFileSync(join(__dirname, '..', 'openapi', 'openapi.json'), 'utf8'),
) as {
  paths: Record<string, unknown>;
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds: number;
  failureThreshold: number;
}
interface Container {
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe?: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
}
interface Deployment {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: Record<string, unknown>;
        containers: Container[];
      };
    };
  };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

const FILES = readdirSync(DIRECTORY).filter(
  (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
);
const manifests: Manifest[] = FILES.map(
  (file) => parse(readFileSync(join(DIRECTORY, file), 'utf8')) as Manifest,
);
const byKind = <T>(kind: string): T => manifests.find((manifest) => manifest.kind === kind) as T;

/** The Kubernetes model that validates each kind, against the API's own schemas. */
async function modelOf(manifest: Manifest): Promise<new (data: object) => { validate(): void }> {
  switch (`${manifest.apiVersion} ${manifest.kind}`) {
    case 'apps/v1 Deployment':
      return (await import('kubernetes-models/apps/v1')).Deployment;
    case 'v1 Service':
      return (await import('kubernetes-models/v1')).Service;
    case 'policy/v1 PodDisruptionBudget':
      return (await import('kubernetes-models/policy/v1')).PodDisruptionBudget;
    default:
      throw new Error(`no model for ${manifest.apiVersion} ${manifest.kind}`);
  }
}

/** Values of the right shape for what the pod takes from its Secret. */
const SECRET_STAND_INS: Record<string, string> = {
  'database-url': 'mysql://user:pass@mariadb:3306/image_registry',
  'jwt-secret': randomBytes(48).toString('base64'),
  'encryption-key': randomBytes(32).toString('base64'),
  'encryption-previous-keys': randomBytes(32).toString('base64'),
};

describe('deploy/kubernetes', () => {
  const deployment = byKind<Deployment>('Deployment');
  const pod = deployment.spec.template;
  const [container] = pod.spec.containers;
  const env = (name: string) => container.env.find((entry) => entry.name === name);

  it('lists every manifest in its kustomization', () => {
    const kustomization = parse(readFileSync(join(DIRECTORY, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect([...kustomization.resources].sort()).toEqual([...FILES].sort());
    expect(manifests.map(({ kind }) => kind).sort()).toEqual([
      'Deployment',
      'PodDisruptionBudget',
      'Service',
    ]);
  });

  it.each(FILES.map((file, index) => [file, manifests[index]] as const))(
    '%s is valid against the Kubernetes schemas',
    async (_file, manifest) => {
      const Model = await modelOf(manifest);
      expect(() => new Model(manifest).validate()).not.toThrow();
    },
  );

  it('is checked by validators that do refuse a wrong manifest', async () => {
    const Model = await modelOf(byKind<Manifest>('Deployment'));
    const wrong = structuredClone(deployment) as unknown as Manifest & Deployment;
    (wrong.spec as { replicas: unknown }).replicas = 'two';
    expect(() => new Model(wrong).validate()).toThrow(/replicas must be integer/);
  });

  it('gives the container an environment the service starts with in production', () => {
    const known = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map(({ propertyName }) => propertyName),
    );
    expect(container.env.map(({ name }) => name).filter((name) => !known.has(name))).toEqual([]);
    const environment = Object.fromEntries(
      container.env.map(({ name, value, valueFrom }) => [
        name,
        value ?? SECRET_STAND_INS[valueFrom!.secretKeyRef!.key],
      ]),
    );
    const config = loadAppConfig(environment);
    expect(config.production).toBe(true);
    expect(config.database).toEqual({ type: 'mysql', url: expect.any(String), poolSize: 10 });
    expect(config.metricsEnabled).toBe(true);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: config.port, protocol: 'TCP' },
    ]);
  });

  it('takes every secret from a Secret, never as a value', () => {
    for (const name of [
      'DATABASE_URL',
      'JWT_SECRET',
      'ENCRYPTION_KEY',
      'ENCRYPTION_PREVIOUS_KEYS',
    ]) {
      expect(env(name)).toEqual({
        name,
        valueFrom: { secretKeyRef: expect.objectContaining({ name: 'image-registry-service' }) },
      });
    }
    const literal = container.env
      .filter(({ value }) => value !== undefined)
      .map(({ name }) => name);
    expect(literal.sort()).toEqual(
      ['LOG_LEVEL', 'NODE_ENV', 'PORT', 'SHUTDOWN_DELAY_MS', 'SHUTDOWN_TIMEOUT_MS'].sort(),
    );
  });

  it('probes the health endpoints the service serves, on its port', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    for (const path of ['/health', '/health/ready', '/metrics'])
      expect(OPENAPI.paths).toHaveProperty([path]);
  });

  it('waits for the load balancer, then gives the drain its whole timeout', () => {
    const delayMs = Number(env('SHUTDOWN_DELAY_MS')?.value);
    const timeoutMs = Number(env('SHUTDOWN_TIMEOUT_MS')?.value);
    const { periodSeconds, failureThreshold } = container.readinessProbe;
    expect(delayMs).toBeGreaterThanOrEqual(periodSeconds * failureThreshold * 1000);
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(delayMs + timeoutMs);
  });

  it("runs as the image's non-root user on a read-only root filesystem, with resources", () => {
    expect(readFileSync(join(__dirname, '..', 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
    // The node user of the official Node images.
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits).toEqual({ memory: expect.any(String) });
  });

  it('runs two replicas behind the Service, one kept through disruptions, scraped by Prometheus', () => {
    expect(deployment.spec.replicas).toBe(2);
    const labels = pod.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    const service = byKind<{ spec: { selector: object; ports: { targetPort: string }[] } }>(
      'Service',
    );
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.ports.map(({ targetPort }) => targetPort)).toEqual(['http']);
    const budget = byKind<{ spec: { minAvailable: number; selector: { matchLabels: object } } }>(
      'PodDisruptionBudget',
    );
    expect(budget.spec.selector.matchLabels).toEqual(labels);
    expect(budget.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    expect(pod.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(container.ports[0].containerPort),
      'prometheus.io/path': '/metrics',
    });
  });
});
