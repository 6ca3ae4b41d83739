export default async function globalTeardown(): Promise<void> {
  await globalThis.__MOLECULE_TEST_PG__?.stop();
}
