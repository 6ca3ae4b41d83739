/**
 * A template directory id from a display name (spec 07 §8): spaces and `-` become `-`, ASCII
 * letters are lower-cased, digits and `_` are kept, everything else is dropped; empty →
 * `unnamed`. `My Agent` → `my-agent`, `Agent v2.0` → `agent-v20`, `../hack` → `hack`.
 */
export function normalizeTemplateName(name: string): string {
  let id = '';
  for (const ch of name) {
    if (ch === ' ' || ch === '-') id += '-';
    else if (/^[A-Za-z0-9_]$/.test(ch)) id += ch.toLowerCase();
  }
  id = id.replaceAll('..', '');
  return id === '' ? 'unnamed' : id;
}
