import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadEnv } from '../../src/config/env';
import { PROJECT_ROOT } from '../../src/temporal/tools';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/*
 * Checks docker-compose.yml, the Dockerfile and .dockerignore without a Docker engine: what `docker compose up`
 * would trip over (missing files, unknown scripts, port clashes) and what would be unsafe (unpinned images,
 * keys in the image, configuration the workers would refuse).
 */

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  ports?: (string | number | { published?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  profiles?: string[];
  healthcheck?: { test?: unknown };
}

const root = PROJECT_ROOT;
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const packageScripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** Paths that exist only at runtime: created by `chainkeeper keys init` / the embedded default, and git-ignored. */
const RUNTIME_PATHS = ['data'];
/** Profiles a service may be in; everything else starts with a plain `docker compose up`. */
const KNOWN_PROFILES = new Set(['simulator', 'tools']);

/** Our own services: the ones built from this repository. */
const chainkeeperServices = services.filter(([, service]) => service.build !== undefined);

function commandWords(service: Service): string[] {
  const command = service.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/);
}

/** The script of `npm run <script>` in a service's command, if that is what it runs. */
function npmScript(service: Service): string | undefined {
  const words = commandWords(service);
  const at = words.findIndex((word, i) => word === 'npm' && words[i + 1] === 'run');
  return at === -1 ? undefined : words[at + 2];
}

/**
 * Compose interpolation as `docker compose` would do it with a filled-in .env: `${VAR:-default}` gives the
 * default, `${VAR:?message}` and `${VAR}` a stand-in value.
 */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_match, name: string, op?: string, arg?: string) =>
    op !== undefined && op.endsWith('-') ? (arg ?? '') : `from-env-${name.toLowerCase()}`,
  );
}

/** A service's environment as the container sees it; keys without a value are left out, as compose does when unset. */
function containerEnv(service: Service): Record<string, string> {
  const env: Record<string, string> = {};
  const entries = Array.isArray(service.environment)
    ? service.environment.map((entry) => entry.split(/=(.*)/s) as [string, string?])
    : Object.entries(service.environment ?? {});
  for (const [name, value] of entries) {
    if (value === null || value === undefined) continue;
    env[name] = interpolate(String(value));
  }
  return env;
}

/** Every environment name any form mentions (including pass-through ones without a value). */
function envNames(service: Service): string[] {
  return Array.isArray(service.environment)
    ? service.environment.map((entry) => entry.split('=')[0]!)
    : Object.keys(service.environment ?? {});
}

/** Variables an npm script's entry file reads from process.env itself (e.g. the simulator's SIMULATOR_PORT). */
function variablesReadBy(script: string | undefined): Set<string> {
  const entry = script === undefined ? undefined : /tsx\s+(\S+\.ts)/.exec(packageScripts[script] ?? '')?.[1];
  if (entry === undefined || !existsSync(join(root, entry))) return new Set();
  const source = readFileSync(join(root, entry), 'utf8');
  return new Set([...source.matchAll(/process\.env(?:\.|\[')([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
}

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** Bind mounts (host paths) of a service; named volumes are left out. */
function bindMounts(service: Service): Mount[] {
  const mounts: Mount[] = [];
  for (const volume of service.volumes ?? []) {
    if (typeof volume === 'string') {
      const [source = '', target = '', mode = ''] = volume.split(':');
      if (source.startsWith('.') || source.startsWith('/')) {
        mounts.push({ source, target, readOnly: mode.split(',').includes('ro') });
      }
    } else if (volume.type === 'bind' && volume.source !== undefined) {
      mounts.push({ source: volume.source, target: volume.target ?? '', readOnly: volume.read_only === true });
    }
  }
  return mounts;
}

function isRuntimePath(source: string): boolean {
  const path = relative(root, resolve(root, source));
  return RUNTIME_PATHS.some((runtime) => path === runtime || path.startsWith(`${runtime}/`));
}

/** Host side of a published port: [interface or undefined, port]. */
function publishedPort(port: string | number | { published?: string | number }): [string | undefined, string] {
  const text = typeof port === 'object' ? String(port.published) : String(port);
  const parts = text.split(':');
  return parts.length === 1 ? [undefined, text] : [parts.length === 3 ? parts[0] : undefined, parts.at(-2)!];
}

function dependencies(service: Service): [string, string | undefined][] {
  const dependsOn = service.depends_on ?? [];
  return Array.isArray(dependsOn)
    ? dependsOn.map((name) => [name, undefined])
    : Object.entries(dependsOn).map(([name, spec]) => [name, spec.condition]);
}

describe('docker-compose.yml', () => {
  it('has the production services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'codec-server', 'worker-1', 'worker-2']),
    );
    expect(compose.services.postgresql?.image).toBe('postgres:16');
    expect(compose.services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(compose.services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
  });

  it('pins every image to a tag other than latest', () => {
    const unpinned = services
      .filter(([, service]) => service.image !== undefined)
      .filter(([, service]) => {
        const image = service.image!;
        const tag = /:([^/:@]+)$/.exec(image)?.[1];
        return !image.includes('@sha256:') && (tag === undefined || tag === 'latest');
      })
      .map(([name, service]) => `${name}: ${service.image}`);
    expect(unpinned).toEqual([]);
    expect(services.every(([, service]) => service.image !== undefined || service.build !== undefined)).toBe(true);
  });

  it('publishes every host port once, on loopback', () => {
    const published = services.flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => {
        const [host, published] = publishedPort(port);
        return { name, host, port: published };
      }),
    );
    const ports = published.map((p) => p.port);
    expect(ports.filter((port, i) => ports.indexOf(port) !== i)).toEqual([]);
    expect(published.filter((p) => p.host !== '127.0.0.1').map((p) => `${p.name}:${p.port}`)).toEqual([]);
  });

  it('builds from a context and Dockerfile that exist', () => {
    for (const [name, service] of chainkeeperServices) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build!;
      const context = resolve(root, build.context ?? '.');
      expect(existsSync(context) && statSync(context).isDirectory(), `${name}: build context ${context}`).toBe(true);
      const dockerfile = resolve(context, build.dockerfile ?? 'Dockerfile');
      expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
    }
  });

  it('mounts host files and directories that are in the repository, or runtime ones under data/ read-only', () => {
    const ignored = (path: string): boolean => {
      try {
        execFileSync('git', ['check-ignore', '-q', path], { cwd: root, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    for (const [name, service] of services) {
      for (const mount of bindMounts(service)) {
        const where = `${name}: ${mount.source}`;
        expect(mount.source.startsWith('./'), `${where} must be relative to the repository`).toBe(true);
        if (isRuntimePath(mount.source)) {
          // Created on the host by `chainkeeper keys init`, never committed: it holds private keys.
          expect(ignored(normalize(mount.source)), `${where} must be git-ignored`).toBe(true);
          expect(mount.readOnly, `${where} must be mounted read-only`).toBe(true);
        } else {
          expect(existsSync(resolve(root, mount.source)), `${where} must exist in the repository`).toBe(true);
        }
      }
    }
  });

  it('runs only npm scripts that package.json defines', () => {
    const missing = services
      .map(([name, service]) => [name, npmScript(service)] as const)
      .filter(([, script]) => script !== undefined && packageScripts[script] === undefined)
      .map(([name, script]) => `${name}: npm run ${script}`);
    expect(missing).toEqual([]);
  });

  it('gives chainkeeper services only variables chainkeeper reads, with values its configuration accepts', () => {
    const unknown: string[] = [];
    for (const [name, service] of chainkeeperServices) {
      const known = new Set<string>([...ENV_VARIABLES, ...variablesReadBy(npmScript(service))]);
      unknown.push(
        ...envNames(service)
          .filter((variable) => !known.has(variable))
          .map((v) => `${name}: ${v}`),
      );
      try {
        loadEnv(containerEnv(service));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        unknown.push(...error.problems.map((problem) => `${name}: ${problem}`));
      }
    }
    expect(unknown).toEqual([]);
  });

  it('points both workers at the shared PostgreSQL store and read-only keys', () => {
    for (const name of ['worker-1', 'worker-2']) {
      const worker = compose.services[name]!;
      expect(npmScript(worker)).toBe('worker');
      const env = containerEnv(worker);
      expect(env.CHAINKEEPER_STORE_URL).toMatch(/^postgres:\/\/chainkeeper:[^@]+@postgresql:5432\/chainkeeper$/);
      const keys = bindMounts(worker).find((mount) => mount.source === './data/keys');
      expect(keys).toMatchObject({ readOnly: true, target: env.CHAINKEEPER_KEYS_DIR });
    }
  });

  it('creates the databases the store URL and Temporal use, from an init script PostgreSQL runs', () => {
    const init = bindMounts(compose.services.postgresql!).find((m) =>
      m.target.startsWith('/docker-entrypoint-initdb.d/'),
    );
    expect(init).toBeDefined();
    const script = readFileSync(resolve(root, init!.source), 'utf8');
    const temporalEnv = containerEnv(compose.services.temporal!);
    const storeDb = new URL(containerEnv(compose.services['worker-1']!).CHAINKEEPER_STORE_URL!).pathname.slice(1);
    for (const database of [storeDb, temporalEnv.DBNAME ?? 'temporal', temporalEnv.VISIBILITY_DBNAME ?? '']) {
      expect(script).toMatch(new RegExp(`CREATE DATABASE ${database} OWNER`));
    }
    expect(temporalEnv.DB).toBe('postgres12');
    expect(temporalEnv.SKIP_DB_CREATE).toBe('true');
  });

  it('registers every search attribute the workflows set before the workers start', () => {
    const setup = compose.services['temporal-search-attributes']!;
    const script = readFileSync(resolve(root, bindMounts(setup)[0]!.source), 'utf8');
    const typeNames: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime' };
    for (const key of SEARCH_ATTRIBUTES) {
      expect(script).toMatch(new RegExp(`^register ${key.name} ${typeNames[key.type]}$`, 'm'));
    }
    for (const name of ['worker-1', 'worker-2']) {
      expect(dependencies(compose.services[name]!)).toContainEqual([
        'temporal-search-attributes',
        'service_completed_successfully',
      ]);
    }
  });

  it('points the Web UI at the codec server', () => {
    const ui = containerEnv(compose.services['temporal-ui']!);
    const codec = compose.services['codec-server']!;
    expect(npmScript(codec)).toBe('codec-server');
    const published = (codec.ports ?? []).map((port) => publishedPort(port)[1]);
    expect(published).toContain(new URL(ui.TEMPORAL_CODEC_ENDPOINT!).port);
  });

  it('depends only on services that exist, with a healthcheck wherever health is awaited', () => {
    const problems: string[] = [];
    for (const [name, service] of services) {
      for (const [dependency, condition] of dependencies(service)) {
        const target = compose.services[dependency];
        if (target === undefined) problems.push(`${name} depends on unknown ${dependency}`);
        else if (condition === 'service_healthy' && target.healthcheck === undefined) {
          problems.push(`${name} waits for ${dependency} to be healthy, which has no healthcheck`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps optional services in known profiles and never makes a default service wait for one', () => {
    const problems: string[] = [];
    for (const [name, service] of services) {
      for (const profile of service.profiles ?? []) {
        if (!KNOWN_PROFILES.has(profile)) problems.push(`${name}: unknown profile ${profile}`);
      }
      if (service.profiles?.length) continue;
      for (const [dependency] of dependencies(service)) {
        if (compose.services[dependency]?.profiles?.length) problems.push(`${name} needs optional ${dependency}`);
      }
    }
    expect(problems).toEqual([]);
    const simulator = compose.services.simulator!;
    expect(simulator.profiles).toEqual(['simulator']);
    expect(npmScript(simulator)).toBe('simulator');
  });

  it('declares every named volume it uses', () => {
    const named = services.flatMap(([, service]) =>
      (service.volumes ?? [])
        .map((volume) => (typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '')))
        .filter((source) => /^[a-z0-9][a-z0-9_.-]*$/i.test(source)),
    );
    for (const volume of named) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('builds on node:20-bookworm-slim with Debian Chromium and python3-venv, running the worker', () => {
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]);
    expect(bases.length).toBeGreaterThan(0);
    expect(bases.every((base) => base === 'node:20-bookworm-slim')).toBe(true);
    expect(dockerfile).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*\bpython3-venv\b/);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run tools$/m);
    expect(dockerfile).toMatch(/^CMD \["npm", "run", "worker"\]$/m);
  });

  it('fetches nothing from outside the package registries', () => {
    expect(dockerfile).not.toMatch(/\b(curl|wget|git clone)\b|^ADD\s+https?:/m);
  });

  it('keeps keys, stores and local configuration out of the image', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['data', '.env', 'node_modules', '.tools']));
  });
});
