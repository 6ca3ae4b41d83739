/**
 * `describe` for a suite that needs something of the machine (a Docker engine, a browser).
 * Without it the suite is never skipped: it has one test, which fails and says what is missing
 * — a run that could not test something does not pass.
 */
export function describeRequiring(name: string, missing: string | undefined, fn: () => void): void {
  if (missing === undefined) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    it('has what it needs to run', () => {
      throw new Error(`suite "${name}" cannot run: ${missing}`);
    });
  });
}
