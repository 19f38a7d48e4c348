/** Every ASL file: valid by asl-validator, runnable by the local runtime, and wired to functions in lib/model.ts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { taskStates, unsupportedFeatures } from '../../lib/local/stepfunctions.ts';
import { workflows } from '../../lib/model.ts';

const dir = join(import.meta.dirname, '..', '..', 'statemachines');
const files = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));

describe.each(files)('%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const spec = Object.values(workflows).find((w) => w.definition === `statemachines/${file}`);
  // Substitutions are filled the way CloudFormation fills them, with a well-formed ARN.
  const filled = text.replace(
    /\$\{(\w+)\}/g,
    (_m, name) => `arn:aws:lambda:ap-southeast-3:123456789012:function:${name}`,
  );
  const definition = JSON.parse(filled);

  it('is used by a workflow in lib/model.ts', () => {
    expect(spec).toBeDefined();
  });

  it('passes asl-validator', () => {
    const { isValid, errors } = aslValidator(definition);
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('uses nothing the local runtime cannot run (JSONata, Assign, service integrations)', () => {
    expect(unsupportedFeatures(definition)).toEqual([]);
  });

  it('has a function in lib/model.ts for every substitution, and no unused one', () => {
    const used = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(Object.keys(spec?.tasks ?? {})));
  });

  it('retries or catches every Task state', () => {
    for (const [name] of taskStates(definition.States)) {
      // Nested states too: Map iterators and Parallel branches.
      const find = (states: Record<string, any>): any =>
        Object.entries(states).reduce<any>(
          (found, [n, s]) =>
            found ??
            (n === name
              ? s
              : s.Iterator
                ? find(s.Iterator.States)
                : (s.Branches ?? []).reduce((f: any, b: any) => f ?? find(b.States), undefined)),
          undefined,
        );
      const state = find(definition.States);
      expect(state.Retry ?? state.Catch, name).toBeDefined();
    }
  });
});

describe('unsupportedFeatures', () => {
  it('finds JSONata, Assign and the service integrations it does not supply (it supplies lambda:invoke)', () => {
    expect(
      unsupportedFeatures({
        QueryLanguage: 'JSONata',
        States: {
          A: { Type: 'Pass', Assign: {} },
          B: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem' },
          C: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' },
        },
      }).sort(),
    ).toEqual(['Assign', 'JSONata', 'service integration arn:aws:states:::dynamodb:putItem']);
  });

  it('finds Choice rules the local interpreter gets wrong (IsNull or IsPresent false)', () => {
    const choice = (rule: Record<string, unknown>) => ({
      States: { M: { Type: 'Choice', Choices: [{ Variable: '$.cursor', ...rule, Next: 'M' }] } },
    });
    expect(unsupportedFeatures(choice({ IsNull: false }))).toEqual(['IsNull: false']);
    expect(unsupportedFeatures(choice({ IsPresent: false }))).toEqual(['IsPresent: false']);
    expect(unsupportedFeatures(choice({ IsNull: true }))).toEqual([]);
  });
});
