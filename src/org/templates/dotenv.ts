/**
 * `.env` files of org templates (spec 05 §6.11): one `KEY=VALUE` per line; blank and `#`
 * lines skipped; split at the first `=`; key and value trimmed; one layer of matching quotes
 * stripped; empty keys or values ignored.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    if (key !== '' && value !== '') vars[key] = value;
  }
  return vars;
}

const VAR_REF = /\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * `${VAR}` / `$VAR` expansion from `vars`, then `env`; unset is empty (Go's os.Expand). `$5`
 * and a lone `$` stay as they are.
 */
export function expandVars(
  text: string,
  vars: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return text.replace(VAR_REF, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return vars[name] ?? env[name] ?? '';
  });
}

/** The original held a variable reference and the expansion is empty or still holds one. */
export function hasUnresolvedVarRef(original: string, expanded: string): boolean {
  const refers = (text: string) => new RegExp(VAR_REF.source).test(text);
  return refers(original) && (expanded === '' || refers(expanded));
}
