import type Docker from 'dockerode';
import { engineStatus, isEngineNotFound } from './docker-errors';
import { platformLabels } from './workspace-names';

/**
 * The bridge network workspaces join, created when missing (the reference required it to
 * exist). Checked once per process; a failure is retried by the next provision.
 */
export class BridgeNetwork {
  private ready?: Promise<void>;

  constructor(
    private readonly docker: Docker,
    private readonly name: string,
    private readonly scope: string,
  ) {}

  ensure(): Promise<void> {
    this.ready ??= this.createIfMissing().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async createIfMissing(): Promise<void> {
    try {
      await this.docker.getNetwork(this.name).inspect();
      return;
    } catch (err) {
      if (!isEngineNotFound(err)) throw err;
    }
    try {
      await this.docker.createNetwork({
        Name: this.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: platformLabels(this.scope),
      });
    } catch (err) {
      if (engineStatus(err) !== 409) throw err; // another replica created it meanwhile
    }
  }
}
