import { ApiError } from '../common/http/api-error';
import { checkDownloadPath } from './download-path';

function refusal(path: string): string | undefined {
  try {
    checkDownloadPath(path);
    return undefined;
  } catch (err) {
    return (err as ApiError).body.error;
  }
}

describe('checkDownloadPath (spec 03 §6.5)', () => {
  it.each([
    ['', 'path query required'],
    ['workspace/x', 'path must be absolute'],
    ['/etc/passwd', 'path must be under /configs, /workspace, /home, or /plugins'],
    ['/workspacex/a', 'path must be under /configs, /workspace, /home, or /plugins'],
    ['/workspace/../etc/passwd', 'invalid path'],
    ['/workspace/a/', 'invalid path'],
    ['/workspace//a', 'invalid path'],
    ['/workspace/./a', 'invalid path'],
    ['/workspace/a..b', 'invalid path'],
    ['/home/a\0b', 'invalid path'],
  ])('%j → %j', (path, error) => {
    expect(refusal(path)).toBe(error);
  });

  it.each(['/configs', '/workspace/a.txt', '/home/u/.bashrc', '/plugins/p/x', '/configs/a b.md'])(
    'accepts %j',
    (path) => {
      expect(refusal(path)).toBeUndefined();
    },
  );
});
