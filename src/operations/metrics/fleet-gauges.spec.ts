import { mock } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { quietLogs } from '../../../test/support/unit';
import { MetricsRegistry } from '../../common/metrics/metrics-registry';
import { FLEET_COUNTS_TIMEOUT_MS, FLEET_COUNTS_TTL_MS, FleetGauges } from './fleet-gauges';
import { FleetCounts, FleetRepository } from './fleet.repository';

const counts = (online: number, queued: number): FleetCounts => ({
  workspaces: new Map([['online', online]]),
  queue: new Map([['queued', queued]]),
});

describe('FleetGauges', () => {
  quietLogs();

  function setup() {
    const metrics = new MetricsRegistry();
    const fleet = mock<FleetRepository>();
    const clock = new FakeClock();
    new FleetGauges(metrics, fleet, clock).onModuleInit();
    const scrape = () => metrics.registry.metrics();
    return { fleet, clock, scrape };
  }

  it('counts once per scrape for both gauges, every status and queue state present', async () => {
    const { fleet, scrape } = setup();
    fleet.counts.mockResolvedValue(counts(3, 2));
    const text = await scrape();
    expect(fleet.counts).toHaveBeenCalledTimes(1);
    expect(text).toContain('molecule_workspaces{status="online"} 3');
    expect(text).toContain('molecule_workspaces{status="paused"} 0');
    expect(text).toContain('molecule_a2a_queue_depth{status="queued"} 2');
    expect(text).toContain('molecule_a2a_queue_depth{status="dispatched"} 0');
  });

  it('reuses counts fresher than the TTL: a polling client costs no statement', async () => {
    const { fleet, clock, scrape } = setup();
    fleet.counts.mockResolvedValueOnce(counts(3, 2)).mockResolvedValueOnce(counts(4, 0));
    await scrape();
    clock.advance(FLEET_COUNTS_TTL_MS - 1);
    expect(await scrape()).toContain('molecule_workspaces{status="online"} 3');
    expect(fleet.counts).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await scrape()).toContain('molecule_workspaces{status="online"} 4');
    expect(fleet.counts).toHaveBeenCalledTimes(2);
  });

  it('keeps the last values when a count fails, and the scrape still answers', async () => {
    const { fleet, clock, scrape } = setup();
    fleet.counts.mockResolvedValueOnce(counts(3, 2)).mockRejectedValueOnce(new Error('db down'));
    await scrape();
    clock.advance(FLEET_COUNTS_TTL_MS);
    const text = await scrape();
    expect(fleet.counts).toHaveBeenCalledTimes(2);
    expect(text).toContain('molecule_workspaces{status="online"} 3');
  });

  it('gives up on a count that does not answer in time', async () => {
    const { fleet, clock, scrape } = setup();
    fleet.counts.mockResolvedValueOnce(counts(1, 0)).mockReturnValueOnce(new Promise(() => {}));
    await scrape();
    clock.advance(FLEET_COUNTS_TTL_MS);
    let text: string | undefined;
    void scrape().then((t) => (text = t));
    // The scrape reaches the gauge after the other metrics: advance once it is waiting.
    for (let turn = 0; turn < 100 && text === undefined; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(FLEET_COUNTS_TIMEOUT_MS);
    }
    expect(text).toContain('molecule_workspaces{status="online"} 1');
  });
});
