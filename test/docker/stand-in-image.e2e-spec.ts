import { describeDocker, ensureStandInImage, testDocker } from './support';

describeDocker('the stand-in agent image', () => {
  it('is built once and reused while its content is unchanged', async () => {
    const first = await ensureStandInImage({ runtimes: ['langgraph', 'claude-code'] });
    expect(first.registry).toBe('molecule-test');
    expect(first.refs).toEqual([
      'molecule-test/workspace-template-langgraph:latest',
      'molecule-test/workspace-template-claude-code:latest',
    ]);
    const ids = await Promise.all(
      first.refs.map(async (ref) => (await testDocker().getImage(ref).inspect()).Id),
    );
    expect(ids[0]).toBe(ids[1]);
    const again = await ensureStandInImage({ runtimes: ['langgraph'] });
    expect((await testDocker().getImage(again.refs[0]).inspect()).Id).toBe(ids[0]);
  }, 120_000);
});
