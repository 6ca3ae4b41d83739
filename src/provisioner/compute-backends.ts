import type { ImageEngine } from './images/image-engine.port';
import { CPProvisioner, Provisioner } from './provisioner.port';

/**
 * The compute backends this instance has (`selectComputeBackends`): `MOLECULE_ORG_ID` set →
 * control plane; otherwise Docker (whose engine may come up later: `docker.ping()` says
 * whether it answers now); none when the chosen adapter cannot be built, and provisioning
 * fails with a clear status instead of pretending. With Docker comes the engine's image side
 * (`images`), which the image refresh pulls and recreates through.
 */
export class ComputeBackends {
  constructor(
    readonly docker: Provisioner | null,
    readonly controlPlane: CPProvisioner | null,
    readonly images: ImageEngine | null = null,
  ) {}

  get any(): boolean {
    return this.docker !== null || this.controlPlane !== null;
  }
}
