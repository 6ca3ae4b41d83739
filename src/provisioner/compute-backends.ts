import { CPProvisioner, Provisioner } from './provisioner.port';

/**
 * The compute backends this instance has (`selectComputeBackends`): `MOLECULE_ORG_ID` set →
 * control plane; otherwise Docker (whose engine may come up later: `docker.ping()` says
 * whether it answers now); none when the chosen adapter cannot be built, and provisioning
 * fails with a clear status instead of pretending.
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
