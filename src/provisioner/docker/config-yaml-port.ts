import { parseDocument } from 'yaml';

/**
 * `config.yaml` with `a2a.port` set (everything else, comments included, kept as written).
 * On the host network each agent must listen on its own port, and the runtime reads it from
 * here. `undefined` when the file is not YAML the port can be written into.
 */
export function withA2aPort(configYaml: string, port: number): string | undefined {
  const doc = parseDocument(configYaml);
  if (doc.errors.length > 0) return undefined;
  try {
    doc.setIn(['a2a', 'port'], port);
  } catch {
    return undefined; // `a2a` is a scalar or a sequence
  }
  return doc.toString();
}
