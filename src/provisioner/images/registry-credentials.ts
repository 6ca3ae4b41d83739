/**
 * Registry credentials from `GHCR_USER` / `GHCR_TOKEN`, used only when both are set
 * (trimmed); otherwise images are pulled and looked up anonymously (public images only).
 */
export class RegistryCredentials {
  private constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  static from(user: string, token: string): RegistryCredentials | null {
    const username = user.trim();
    const password = token.trim();
    return username !== '' && password !== '' ? new RegistryCredentials(username, password) : null;
  }

  /**
   * The engine's `X-Registry-Auth` value: URL-safe base64, with padding, of
   * `{"username","password","serveraddress"}` (what the daemon decodes).
   */
  engineAuth(serverAddress: string): string {
    const json = JSON.stringify({
      username: this.username,
      password: this.password,
      serveraddress: serverAddress,
    });
    return Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }

  /** `Authorization` for the registry's token endpoint. */
  basicAuthorization(): string {
    return `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
  }
}
