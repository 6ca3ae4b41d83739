/**
 * Waits for `work` to settle (fulfilled or rejected) for at most `ms` of real time; resolves
 * whether it did. The work itself goes on either way. Shutdown bounds use real time, never the
 * application's `Clock`: a fake clock in a test must not hold a closing app forever.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([
      work.then(
        () => true as const,
        () => true as const,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
