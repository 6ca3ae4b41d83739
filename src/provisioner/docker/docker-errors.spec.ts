import {
  daemonMessage,
  isContainerNotFound,
  isEngineNotFound,
  isImageNotFound,
  isRemovalInProgress,
} from './docker-errors';

/** How dockerode reports an engine answer: its own prefix, the daemon's text in `json`. */
const engineError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), {
    statusCode,
    json: { message },
  });

describe('engine error predicates', () => {
  it('read the daemon’s own text when there is one', () => {
    expect(daemonMessage(engineError(404, 'No such container: ws-x'))).toBe(
      'No such container: ws-x',
    );
    expect(daemonMessage(new Error('connect ENOENT /var/run/docker.sock'))).toBe(
      'connect ENOENT /var/run/docker.sock',
    );
    expect(daemonMessage(undefined)).toBe('');
    expect(isEngineNotFound(engineError(404, 'x'))).toBe(true);
    expect(isEngineNotFound(engineError(500, 'x'))).toBe(false);
  });

  it.each([
    ['No such container: ws-abc123def456', true],
    ['Error: No such container: abc', true],
    ['container not found', true],
    ['context deadline exceeded', false],
    ['EOF', false],
    ['connect ECONNREFUSED', false],
    ['read unix @->/var/run/docker.sock: i/o timeout', false],
    ['', false],
  ])('not found: %p → %p', (message, expected) => {
    expect(isContainerNotFound(new Error(message))).toBe(expected);
  });

  it('nothing is "not found" when there is no error', () => {
    expect(isContainerNotFound(undefined)).toBe(false);
    expect(isRemovalInProgress(null)).toBe(false);
    expect(isImageNotFound(undefined)).toBe(false);
  });

  it.each([
    ['removal of container ws-eeb99b5d-607 is already in progress', true],
    ['Error response from daemon: removal of container abc is already in progress', true],
    ['image pull is already in progress', false],
    ['No such container: ws-abc', false],
    ['context deadline exceeded', false],
    ['', false],
  ])('removal in progress: %p → %p', (message, expected) => {
    expect(isRemovalInProgress(engineError(409, message))).toBe(expected);
  });

  it.each([
    ['No such image: ghcr.io/x:latest', true],
    ['no such image', true],
    ['NO SUCH IMAGE', true],
    ['pull access denied: image not found', true],
    ['manifest for image x not found', true],
    ['container not found', false],
    ['connection refused', false],
    ['permission denied', false],
  ])('image not found: %p → %p', (message, expected) => {
    expect(isImageNotFound(new Error(message))).toBe(expected);
  });
});
