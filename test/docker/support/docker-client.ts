import Docker from 'dockerode';

let client: Docker | undefined;

/** The engine the tests drive directly (the same environment the server's client reads). */
export function testDocker(): Docker {
  client ??= new Docker();
  return client;
}
