import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withCorrelation } from '#core/correlation';

let countMetric: typeof import('#http/metrics').countMetric;

beforeAll(async () => {
  // Powertools reads these when the module creates its Metrics instance.
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'Lendstack/test';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  ({ countMetric } = await import('#http/metrics'));
});

afterEach(() => vi.restoreAllMocks());

/** The EMF lines written while `fn` runs. */
function emitted(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  fn();
  write.mockRestore();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l));
}

describe('countMetric', () => {
  it('publishes the count at once in the stage namespace, split by its dimension and as a total', () => {
    const [line, total, ...more] = emitted(() => countMetric('WebhookDeliveries', 'DEAD'));
    expect(more).toEqual([]);
    expect(total?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [['service']] }] });
    expect(total).toMatchObject({ service: 'lendstack', WebhookDeliveries: 1 });
    expect(line).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Lendstack/test',
            Dimensions: [['service', 'result']],
            Metrics: [{ Name: 'WebhookDeliveries', Unit: 'Count' }],
          },
        ],
      },
      service: 'lendstack',
      result: 'DEAD',
      WebhookDeliveries: 1,
    });
  });

  it('carries the correlation id as metadata (greppable, not a dimension)', () => {
    const [line] = emitted(() => withCorrelation('req-42', () => countMetric('PaymentExceptions', 'UNMATCHED', 2)));
    expect(line).toMatchObject({ correlationId: 'req-42', reason: 'UNMATCHED', PaymentExceptions: 2 });
    expect(JSON.stringify(line?._aws)).not.toContain('correlationId');
  });
});
