import { randomBytes } from 'node:crypto';
import { LocalRegistry, readSavedImage, SavedImage } from '../../support/local-registry';
import { testDocker } from './docker-client';
import type { DockerScope } from './docker-scope';
import { ensureStandInImage } from './stand-in-image';

export interface ServedImages {
  readonly registry: LocalRegistry;
  /** `MOLECULE_IMAGE_REGISTRY` for an app pulling from it: `127.0.0.1:<port>/<random path>`. */
  readonly prefix: string;
  /** Publishes (again) `workspace-template-<runtime>:latest`; another revision, another digest. */
  publish(runtime: string, revision?: string): string;
  /** The reference an engine pulls for `runtime`. */
  imageFor(runtime: string): string;
  /** The pulled images' revision label (what `publish` wrote), or undefined when not pulled. */
  pulledRevision(runtime: string): Promise<string | undefined>;
}

/**
 * The stand-in agent image (exported with `docker save`) served by a Docker Registry v2
 * responder on 127.0.0.1, under a path of its own, so the engine really pulls it. Everything
 * it pulled is removed afterwards (by image id, only images pulled from that path) — after the
 * scope's containers, which may run them — as is the registry.
 */
export function useServedStandIn(scope: DockerScope): ServedImages {
  const path = `p9-${randomBytes(4).toString('hex')}`;
  let registry: LocalRegistry | undefined;
  let image: SavedImage | undefined;
  const must = () => {
    if (!registry || !image) throw new Error('registry not started (used outside a test?)');
    return { registry, image };
  };
  const served: ServedImages = {
    get registry() {
      return must().registry;
    },
    get prefix() {
      return `${must().registry.host}/${path}`;
    },
    publish(runtime, revision = '1') {
      const { registry: r, image: img } = must();
      return r.publish(`${path}/workspace-template-${runtime}`, 'latest', img, revision);
    },
    imageFor: (runtime) => `${served.prefix}/workspace-template-${runtime}:latest`,
    async pulledRevision(runtime) {
      try {
        const info = await testDocker().getImage(served.imageFor(runtime)).inspect();
        return info.Config?.Labels?.['molecule.test.revision'];
      } catch {
        return undefined;
      }
    },
  };
  beforeAll(async () => {
    const { refs } = await ensureStandInImage({ runtimes: ['langgraph'] });
    // What `docker save` exports, straight from the engine.
    image = await readSavedImage(await testDocker().getImage(refs[0]).get());
    registry = await LocalRegistry.start();
  }, 180_000);
  afterAll(async () => {
    // Containers of the file first: an image a running container uses cannot be removed.
    await scope.cleanup();
    // Every image pulled from this registry path: the current tags and the revisions they
    // replaced (left untagged, known only by their repository digest).
    if (registry) {
      const ours = `${registry.host}/${path}/`;
      const images = await testDocker().listImages({ all: true });
      for (const image of images) {
        const refs = [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])];
        if (!refs.some((ref) => ref.startsWith(ours))) continue;
        await testDocker()
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    await registry?.close();
  });
  return served;
}
