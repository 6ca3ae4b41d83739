import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';

export interface ExecResult {
  readonly exitCode: number;
  /** At most `maxOutput` bytes of standard output (the rest was dropped). */
  readonly stdout: Buffer;
  readonly truncated: boolean;
}

/** The shell's codes for "cannot execute" and "not found": the tool is not in the image. */
export const MISSING_TOOL_EXIT_CODES = new Set([126, 127]);

/**
 * Runs an argv (never shell text) in a running container and collects its standard output,
 * up to `maxOutput` bytes; standard error is drained and dropped. Resolves with the exit code
 * once the program ended.
 */
export async function execArgv(
  docker: Docker,
  container: Docker.Container,
  argv: readonly string[],
  options: { maxOutput: number; user?: string },
): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: [...argv],
    AttachStdout: true,
    AttachStderr: true,
    ...(options.user ? { User: options.user } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stderr.resume();
  docker.modem.demuxStream(stream, stdout, stderr);
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  stdout.on('data', (chunk: Buffer) => {
    if (truncated) return;
    const room = options.maxOutput - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size += room;
      truncated = true;
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let tries = 0; info.Running && tries < 50; tries++) info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(chunks), truncated };
}
