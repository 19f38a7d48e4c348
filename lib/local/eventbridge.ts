/**
 * Local EventBridge: a PutEvents endpoint with the rules of lib/model.ts, patterns matched
 * for real, targets started as they are in AWS (a workflow execution named after the event).
 */
import { randomUUID } from 'node:crypto';
import { eventRules } from '../model.ts';
import { matchesPattern } from './event-pattern.ts';
import { jsonProtocolServer } from './json-protocol.ts';
import type { LocalStepFunctions } from './stepfunctions.ts';

export function createLocalEventBridge(options: {
  region: string;
  stepFunctions: LocalStepFunctions;
  log: (line: string) => void;
}) {
  const { region, stepFunctions, log } = options;
  let delivered = 0;

  const operations = jsonProtocolServer('AWSEvents', 'application/x-amz-json-1.1', {
    PutEvents: (input) => {
      const entries = (input.Entries as Record<string, string>[]) ?? [];
      const results = entries.map((entry) => {
        const event = {
          version: '0',
          id: randomUUID(),
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: '000000000000',
          time: entry.Time ?? new Date().toISOString(),
          region,
          resources: entry.Resources ?? [],
          detail: JSON.parse(entry.Detail ?? '{}'),
        };
        for (const rule of eventRules) {
          if (!matchesPattern(event, rule.pattern)) continue;
          delivered += 1;
          const arn = stepFunctions.arns[rule.target.workflow];
          stepFunctions.start(arn, event.id, JSON.stringify(event));
          log(`event ${event.detail?.type ?? event['detail-type']} -> rule ${rule.id} -> ${rule.target.workflow}`);
        }
        return { EventId: event.id };
      });
      return { FailedEntryCount: 0, Entries: results };
    },
  });

  return { operations, delivered: () => delivered };
}
