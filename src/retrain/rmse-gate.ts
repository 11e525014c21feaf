import type { Manifest } from '../artifacts/types.ts';

/**
 * The retrain job's extra publication check (trainVersion's `accept` hook): a new version may not
 * predict worse than the one serving now by more than `maxIncrease` validation RMSE. Returns the
 * problems found; none means publish.
 *
 * The two RMSEs come from different hold-outs when the data changed, so they are comparable only
 * roughly; the margin absorbs that noise while still catching a model that trained badly.
 */
export function rmseGate(servingRmse: number | null, maxIncrease: number): (manifest: Manifest) => string[] {
  return (manifest) => {
    const rmse = manifest.dnmf.metrics.validationRmse;
    if (!Number.isFinite(rmse)) return [`validation RMSE is ${rmse}, not a number`];
    if (servingRmse === null || !Number.isFinite(servingRmse)) return [];
    const limit = servingRmse + maxIncrease;
    if (rmse <= limit) return [];
    return [
      `validation RMSE ${rmse.toFixed(4)} is worse than the serving version's ${servingRmse.toFixed(4)} ` +
        `by more than the allowed ${maxIncrease} (limit ${limit.toFixed(4)})`,
    ];
  };
}
