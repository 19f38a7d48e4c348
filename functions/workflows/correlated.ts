/**
 * A workflow task that carries on the correlation id its execution was started with
 * (#store/workflows puts the starting request's id into the input): its log lines and the
 * events it writes name the request that began the execution.
 */
import { withCorrelation } from '#core/correlation';
import { logger } from '#http/logger';

export function correlated<I extends object, O>(task: (input: I) => Promise<O>) {
  return (input: I & { correlationId?: string }): Promise<O> => {
    // A warm instance must not keep the previous execution's id.
    logger.removeKeys(['correlationId']);
    if (input.correlationId) logger.appendKeys({ correlationId: input.correlationId });
    return withCorrelation(input.correlationId, () => task(input));
  };
}
