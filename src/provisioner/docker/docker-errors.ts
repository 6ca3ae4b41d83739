/**
 * The engine's errors are told apart by their text, as the Docker CLI itself does (spec 04
 * §2.9). dockerode puts the daemon's own message in `json.message` and prefixes `message`
 * with its own words; the predicates read the daemon's text when there is one.
 */
export function daemonMessage(err: unknown): string {
  if (err === null || err === undefined) return '';
  const json = (err as { json?: { message?: unknown } }).json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
}

/** The HTTP status the engine answered with, when the error came from an answer. */
export function engineStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** `No such container` or `not found` (case-sensitive). */
export function isContainerNotFound(err: unknown): boolean {
  const message = daemonMessage(err);
  return message.includes('No such container') || message.includes('not found');
}

/** The daemon's race acknowledgement: the container is being removed already. */
export function isRemovalInProgress(err: unknown): boolean {
  const message = daemonMessage(err);
  return message.includes('removal of container') && message.includes('already in progress');
}

/** `no such image`, or both `not found` and `image` (any case). */
export function isImageNotFound(err: unknown): boolean {
  const message = daemonMessage(err).toLowerCase();
  return (
    message.includes('no such image') ||
    (message.includes('not found') && message.includes('image'))
  );
}

/** A 404 from the engine, whatever object it was about. */
export function isEngineNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}
