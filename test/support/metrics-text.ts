/**
 * The value of one series in Prometheus text output — `name` exactly, with exactly `labels` —
 * or 0 when the series is absent (a counter that has not moved yet).
 */
export function seriesValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]\w*=")/)
      .filter((pair) => pair !== '')
      .sort()
      .join(',');
    if (have === wanted) return Number(match[3]);
  }
  return 0;
}
