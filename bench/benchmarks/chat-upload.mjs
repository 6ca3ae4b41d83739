import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { httpPool } from '../load.mjs';
import { alternate, measure } from '../measure.mjs';
import { compare, median } from '../stats.mjs';

const MIB = 1024 * 1024;
const BOUNDARY = 'molecule-bench-upload';

/**
 * 5. Chat upload: a large multipart upload (e.g. 50 MB in two 25 MB files, what the canvas
 * sends for two big attachments) posted straight to a workspace's ingest endpoint, against
 * the same body through `POST /workspaces/:id/chat/uploads`, which streams it on. The app's
 * memory is sampled while it forwards: a platform that held the body would grow by at least
 * the body size (goal: RSS growth ≤ 30 MB for 50 MB).
 */
export async function chatUploadBench({ scope, app, ingest, uploadWorkspace, settings }) {
  const { fileBytes, files, rounds } = settings;
  const body = multipart(files, fileBytes);
  const targets = {
    direct: {
      pool: httpPool(scope, ingest.directOrigin, 1),
      path: '/internal/chat/uploads/ingest',
      bearer: uploadWorkspace.secret,
    },
    platform: {
      pool: httpPool(scope, app.baseUrl, 1),
      path: `/workspaces/${uploadWorkspace.id}/chat/uploads`,
      bearer: uploadWorkspace.token,
    },
  };
  await upload(targets.direct, body);
  await upload(targets.platform, body);

  const runs = { direct: [], platform: [] };
  await alternate(rounds, {
    direct: async () => runs.direct.push(await upload(targets.direct, body)),
    platform: async () => {
      const { result, byApp } = await measure([app], () => upload(targets.platform, body), {
        sampleEveryMs: 5,
      });
      runs.platform.push({ ...result, probe: byApp[app.name].probe });
    },
  });

  const direct = summary(runs.direct);
  const platform = summary(runs.platform);
  const growth = (key) =>
    Math.max(...runs.platform.map(({ probe }) => (probe.peak[key] - probe.before[key]) / MIB));
  return {
    bodyMiB: body.length / MIB,
    direct,
    platform,
    platformOverDirect: compare(platform, direct, {
      totalMs: (a) => a.totalMs,
      throughput: (a) => a.mibPerSec,
    }),
    peakGrowthMiB: {
      rss: growth('rss'),
      arrayBuffers: growth('arrayBuffers'),
      heapUsed: growth('heapUsed'),
    },
    appCpuMsPerUpload: median(runs.platform.map(({ probe }) => probe.cpuUs / 1000)),
  };
}

/** A multipart body of `files` parts of `fileBytes` each, produced as it is sent. */
function multipart(files, fileBytes) {
  const heads = Array.from({ length: files }, (_, i) =>
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="attachment-${i}.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
  );
  const tail = Buffer.from(`--${BOUNDARY}--\r\n`);
  const length = heads.reduce((sum, h) => sum + h.length + fileBytes + 2, 0) + tail.length;
  const block = Buffer.alloc(MIB, 0x5a);
  function* chunks() {
    for (const head of heads) {
      yield head;
      for (let left = fileBytes; left > 0; left -= block.length)
        yield left >= block.length ? block : block.subarray(0, left);
      yield Buffer.from('\r\n');
    }
    yield tail;
  }
  return { length, chunks, contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

async function upload({ pool, path, bearer }, body) {
  const started = performance.now();
  const res = await pool.request({
    method: 'POST',
    path,
    body: Readable.from(body.chunks()),
    headers: {
      'content-type': body.contentType,
      'content-length': String(body.length),
      authorization: `Bearer ${bearer}`,
    },
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`upload via ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
  const reply = JSON.parse(text);
  if (reply.received !== body.length)
    throw new Error(
      `upload via ${path}: the workspace saw ${reply.received} of ${body.length} bytes`,
    );
  return { totalMs: performance.now() - started, bytes: body.length };
}

function summary(runs) {
  return {
    runs: runs.length,
    totalMs: median(runs.map((r) => r.totalMs)),
    mibPerSec: median(runs.map((r) => r.bytes / MIB / (r.totalMs / 1000))),
  };
}
