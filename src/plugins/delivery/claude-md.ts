/**
 * Removes the blocks a plugin appended to `CLAUDE.md`: each starts at a line beginning with
 * `# Plugin: <name> /` and runs until the next line beginning with `# Plugin: ` (another
 * plugin's block) or the end. Everything else is kept byte for byte.
 */
export function stripPluginBlocks(text: string, pluginName: string): string {
  const marker = `# Plugin: ${pluginName} /`;
  const kept: string[] = [];
  let skipping = false;
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith(marker)) skipping = true;
    else if (line.startsWith('# Plugin: ')) skipping = false;
    if (!skipping) kept.push(line);
  }
  return kept.join('');
}
