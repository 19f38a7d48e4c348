/** Schedule generation throughput: 10,000 schedules of 360 monthly installments per method. */
import { rational } from '../functions/core/loans/rational.ts';
import { generateSchedule, type Method } from '../functions/core/loans/schedule.ts';

export function benchSchedules(count = 10_000, installments = 360) {
  console.log(
    `\nSchedule generation: ${count.toLocaleString()} schedules × ${installments} monthly installments (node ${process.version})`,
  );
  const methods: Method[] = ['declining_equal_installment', 'declining_equal_principal', 'flat'];
  for (const method of methods) {
    const started = performance.now();
    let checksum = 0n;
    for (let i = 0; i < count; i++) {
      const s = generateSchedule({
        currency: 'IDR',
        principal: 100_000_000n + BigInt(i),
        method,
        annualRate: rational(BigInt(1000 + (i % 500)), 10_000n),
        term: { count: installments, frequency: 'monthly' },
        dayCount: i % 2 ? '30/360' : 'actual/365',
        disbursementDate: '2026-01-15',
      });
      checksum += s.totals.interest;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${method.padEnd(28)} ${seconds.toFixed(1).padStart(6)} s  ${(count / seconds).toFixed(0).padStart(6)} schedules/s  ${((count * installments) / seconds / 1000).toFixed(0).padStart(5)}k installments/s  (checksum ${checksum})`,
    );
  }
}
