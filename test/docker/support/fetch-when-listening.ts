/** A fetch to an agent that was just started: retried while it does not listen yet (10 s). */
export async function fetchWhenListening(url: string, init?: RequestInit): Promise<Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
