import { z } from 'zod';

/**
 * Derives the applications a template exposes (the API's `AppSpec`) from the
 * image configuration.
 *
 * 1. If the image carries the label `ai.airuntime.apps` with a valid JSON array
 *    of `{name, port, protocol, isUI}`, that list is used as declared.
 * 2. Otherwise (label absent or invalid) the list is derived from the image's
 *    `ExposedPorts`, naming well-known ports:
 *
 *    | port | name          | protocol | isUI | usually                         |
 *    |------|---------------|----------|------|---------------------------------|
 *    |   22 | ssh           | TCP      | no   | sshd                            |
 *    |   80 | http          | HTTP     | yes  | a web front end                 |
 *    | 3000 | web           | HTTP     | yes  | Grafana, Open WebUI, Node apps  |
 *    | 5000 | http-5000     | HTTP     | no   | Flask / MLflow APIs             |
 *    | 6006 | tensorboard   | HTTP     | yes  | TensorBoard                     |
 *    | 7860 | gradio        | HTTP     | yes  | Gradio demos                    |
 *    | 8000 | api           | HTTP     | no   | FastAPI, vLLM / TGI model APIs  |
 *    | 8080 | http-8080     | HTTP     | yes  | code-server, misc. web UIs      |
 *    | 8265 | ray-dashboard | HTTP     | yes  | Ray dashboard                   |
 *    | 8501 | streamlit     | HTTP     | yes  | Streamlit apps                  |
 *    | 8888 | jupyter       | HTTP     | yes  | JupyterLab / Notebook           |
 *
 *    Other TCP ports become `port-<n>` (TCP, not a UI); UDP ports become
 *    `port-<n>-udp` (UDP, not a UI). Well-known names apply to TCP only.
 *
 * The result is sorted by port (TCP before UDP on the same port), without
 * duplicates, and capped at MAX_APPS entries.
 */

/** The spec's `AppSpec`: the one definition of its shape (the API document is generated from it). */
export const AppSpecSchema = z
  .object({
    name: z.string().meta({ description: 'The name of the application.' }),
    port: z.int32().meta({ format: 'int32', description: 'The port number for the application.' }),
    protocol: z.enum(['HTTP', 'TCP', 'UDP', 'WebSocket']).meta({ description: 'The network protocol used by the application.' }),
    isUI: z.boolean().meta({ description: 'Whether this application provides a user interface.' }),
  })
  .meta({ id: 'AppSpec', description: 'Defines an application available in the template.' });

export type AppSpec = z.infer<typeof AppSpecSchema>;
export type AppProtocol = AppSpec['protocol'];

/** Image label through which an image declares its apps explicitly. */
export const APPS_LABEL = 'ai.airuntime.apps';
/** Most apps we report; an image exposing a port range would otherwise produce thousands. */
export const MAX_APPS = 64;

const APP_PROTOCOLS: ReadonlySet<string> = new Set<AppProtocol>(AppSpecSchema.shape.protocol.options);
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
const MAX_LABEL_LENGTH = 16 * 1024;

const WELL_KNOWN_TCP_PORTS: ReadonlyMap<number, Omit<AppSpec, 'port'>> = new Map([
  [22, { name: 'ssh', protocol: 'TCP', isUI: false }],
  [80, { name: 'http', protocol: 'HTTP', isUI: true }],
  [3000, { name: 'web', protocol: 'HTTP', isUI: true }],
  [5000, { name: 'http-5000', protocol: 'HTTP', isUI: false }],
  [6006, { name: 'tensorboard', protocol: 'HTTP', isUI: true }],
  [7860, { name: 'gradio', protocol: 'HTTP', isUI: true }],
  [8000, { name: 'api', protocol: 'HTTP', isUI: false }],
  [8080, { name: 'http-8080', protocol: 'HTTP', isUI: true }],
  [8265, { name: 'ray-dashboard', protocol: 'HTTP', isUI: true }],
  [8501, { name: 'streamlit', protocol: 'HTTP', isUI: true }],
  [8888, { name: 'jupyter', protocol: 'HTTP', isUI: true }],
]);

export interface AppSource {
  /** Image labels (`config.Labels`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Keys of `config.ExposedPorts`: `8888/tcp`, `53/udp`, or a bare `80` (TCP). */
  readonly exposedPorts?: readonly string[];
}

export function deriveApps(source: AppSource): AppSpec[] {
  const declared = parseAppsLabel(source.labels?.[APPS_LABEL]);
  const apps = declared ?? (source.exposedPorts ?? []).map(appForExposedPort).filter((a) => a !== undefined);
  return normalize(apps);
}

/** The label's apps, or undefined when the label is absent or invalid. */
export function parseAppsLabel(label: string | undefined): AppSpec[] | undefined {
  if (label === undefined || label.length > MAX_LABEL_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(label);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const apps: AppSpec[] = [];
  for (const entry of value) {
    const app = toAppSpec(entry);
    if (!app) return undefined;
    apps.push(app);
  }
  return apps;
}

function toAppSpec(entry: unknown): AppSpec | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { name, port, protocol, isUI } = entry as Record<string, unknown>;
  if (typeof name !== 'string' || !APP_NAME.test(name)) return undefined;
  if (!isPort(port)) return undefined;
  if (typeof protocol !== 'string' || !APP_PROTOCOLS.has(protocol)) return undefined;
  if (typeof isUI !== 'boolean') return undefined;
  return { name, port, protocol: protocol as AppProtocol, isUI };
}

function appForExposedPort(key: string): AppSpec | undefined {
  const match = /^([0-9]{1,5})(?:\/(tcp|udp))?$/i.exec(key.trim());
  if (!match) return undefined; // sctp, ranges, junk: not something we can route
  const port = Number(match[1]);
  if (!isPort(port)) return undefined;
  if (match[2]?.toLowerCase() === 'udp') {
    return { name: `port-${port}-udp`, port, protocol: 'UDP', isUI: false };
  }
  const known = WELL_KNOWN_TCP_PORTS.get(port);
  return known ? { ...known, port } : { name: `port-${port}`, port, protocol: 'TCP', isUI: false };
}

/** Sorted by port, TCP-based before UDP; one app per (port, transport); capped. */
function normalize(apps: readonly AppSpec[]): AppSpec[] {
  const seen = new Set<string>();
  const unique = apps.filter((app) => {
    const key = `${app.port}/${app.protocol === 'UDP' ? 'udp' : 'tcp'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => a.port - b.port || Number(a.protocol === 'UDP') - Number(b.protocol === 'UDP'));
  return unique.slice(0, MAX_APPS);
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}
