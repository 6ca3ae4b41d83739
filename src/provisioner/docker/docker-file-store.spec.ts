import { parseFindOutput } from './docker-file-store';

describe('parseFindOutput', () => {
  it('reads NUL-terminated type/size/path records; directories have size 0', () => {
    const out = Buffer.from('d\t4096\tskills\0f\t9\tskills/a b\tc.md\0d\t12\tlink-to-dir\0');
    expect(parseFindOutput(out)).toEqual([
      { path: 'skills', size: 0, dir: true },
      { path: 'skills/a b\tc.md', size: 9, dir: false },
      { path: 'link-to-dir', size: 0, dir: true },
    ]);
  });

  it('drops a record cut off by the output cap, and names with newlines stay whole', () => {
    const out = Buffer.from('f\t1\tline\nbreak.txt\0f\t2\tcut-of');
    expect(parseFindOutput(out)).toEqual([{ path: 'line\nbreak.txt', size: 1, dir: false }]);
    expect(parseFindOutput(Buffer.alloc(0))).toEqual([]);
  });
});
