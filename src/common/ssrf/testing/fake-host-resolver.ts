import { HostResolver } from '../host-resolver';

/** A scripted `HostResolver`: names it was not told about fail like NXDOMAIN. */
export class FakeHostResolver extends HostResolver {
  /** Every hostname asked for, in order. */
  readonly calls: string[] = [];
  private readonly answers = new Map<string, readonly string[] | Error>();

  constructor(answers: Readonly<Record<string, readonly string[] | Error>> = {}) {
    super();
    for (const [hostname, answer] of Object.entries(answers)) this.answers.set(hostname, answer);
  }

  /** Scripts (or re-scripts) the answer for one hostname. */
  set(hostname: string, answer: readonly string[] | Error): this {
    this.answers.set(hostname, answer);
    return this;
  }

  async resolve(hostname: string): Promise<string[]> {
    this.calls.push(hostname);
    const answer = this.answers.get(hostname) ?? notFound(hostname);
    if (answer instanceof Error) throw answer;
    return [...answer];
  }
}

function notFound(hostname: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
}
