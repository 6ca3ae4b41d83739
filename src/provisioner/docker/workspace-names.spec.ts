import {
  configVolumeName,
  containerName,
  idPrefixOf,
  internalUrl,
  platformLabelFilters,
  platformLabels,
  sessionVolumeName,
  workspaceVolumeName,
} from './workspace-names';

describe('workspace names', () => {
  const id = 'abc123def456-7890-aaaa-bbbb-ccccdddd0000';

  it('names the container ws- + the first 12 characters of the id', () => {
    expect(containerName(id)).toBe('ws-abc123def456');
    expect(containerName('longer-than-twelve-characters')).toBe('ws-longer-than-');
    expect(containerName('short')).toBe('ws-short');
  });

  it('names the volumes after the container; /workspace after the whole id', () => {
    expect(configVolumeName(id)).toBe('ws-abc123def456-configs');
    expect(sessionVolumeName(id)).toBe('ws-abc123def456-claude-sessions');
    expect(sessionVolumeName(id)).toBe(sessionVolumeName(id));
    expect(sessionVolumeName(id)).not.toBe(configVolumeName(id));
    expect(workspaceVolumeName(id)).toBe(`ws-${id}-workspace`);
    expect(internalUrl(id)).toBe('http://ws-abc123def456:8000');
  });

  it('labels every object as managed, and with the scope when there is one', () => {
    expect(platformLabels('')).toEqual({ 'molecule.platform.managed': 'true' });
    expect(platformLabels('run-1')).toEqual({
      'molecule.platform.managed': 'true',
      'molecule.platform.scope': 'run-1',
    });
    expect(platformLabelFilters('run-1')).toEqual([
      'molecule.platform.managed=true',
      'molecule.platform.scope=run-1',
    ]);
  });

  it.each([
    [['/ws-abc123def456'], 'abc123def456'],
    [['/other', '/ws-abc'], 'abc'],
    [['/my-ws-thing'], undefined], // the engine's name filter matches substrings
    [['/ws-'], undefined],
    [[], undefined],
    [undefined, undefined],
  ])('the id prefix of a container named %p is %p', (names, prefix) => {
    expect(idPrefixOf(names)).toBe(prefix);
  });
});
