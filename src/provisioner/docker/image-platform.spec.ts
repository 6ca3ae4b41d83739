import { imagePlatform, parseOciPlatform } from './image-platform';

describe('image platform', () => {
  const appleSilicon = { platform: 'darwin', arch: 'arm64' };
  const linux = { platform: 'linux', arch: 'x64' };

  it('uses an explicit MOLECULE_IMAGE_PLATFORM verbatim', () => {
    expect(imagePlatform('linux/arm64', appleSilicon)).toBe('linux/arm64');
    expect(imagePlatform('linux/amd64', linux)).toBe('linux/amd64');
  });

  it('a present but empty value forces nothing, even on Apple Silicon', () => {
    expect(imagePlatform('', appleSilicon)).toBe('');
  });

  it('unset: linux/amd64 on Apple Silicon, the daemon default elsewhere', () => {
    expect(imagePlatform(undefined, appleSilicon)).toBe('linux/amd64');
    expect(imagePlatform(undefined, linux)).toBe('');
    expect(imagePlatform(undefined, { platform: 'darwin', arch: 'x64' })).toBe('');
  });

  it.each([
    ['', undefined],
    ['linux', undefined],
    ['linux/', undefined],
    ['/amd64', undefined],
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64', { os: 'linux', architecture: 'arm64' }],
    ['linux/amd64/v8', { os: 'linux', architecture: 'amd64/v8' }],
  ])('parses %p as %p', (text, platform) => {
    expect(parseOciPlatform(text)).toEqual(platform);
  });
});
