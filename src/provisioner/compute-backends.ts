import { CPProvisioner, Provisioner } from './provisioner.port';

/**
 * The compute backends this instance has. Production wiring picks from config:
 * `MOLECULE_ORG_ID` set → control plane; otherwise Docker when reachable; otherwise none,
 * and provisioning fails with a clear status instead of pretending.
 */
export class ComputeBackends {
  constructor(
    readonly docker: Provisioner | null,
    readonly controlPlane: CPProvisioner | null,
  ) {}

  get any(): boolean {
    return this.docker !== null || this.controlPlane !== null;
  }
}
