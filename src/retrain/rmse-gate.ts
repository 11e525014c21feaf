/**
 * The retrain job's extra publication check (trainVersion's `accept` hook): a new version may not
 * predict worse than the one serving now by more than `maxIncrease` RMSE.
 *
 * Both models are scored on the same ratings: the fixed MovieLens hold-out (src/train/holdout.ts),
 * which neither trained on, so the comparison is fair whatever changed in the data. A serving
 * version from before the hold-out existed (no `holdout` in its manifest, or another rule) trained
 * on those ratings, so scoring it there would flatter it; then the gate falls back to comparing the
 * two versions' own validation RMSEs, which come from different slices and are only roughly
 * comparable (the margin absorbs that).
 */
import { loadTasteModel } from '../artifacts/taste-model.ts';
import type { Manifest } from '../artifacts/types.ts';
import type { RatingTable } from '../data/types.ts';
import { DnmfModel, type SerializedDnmf } from '../train/dnmf/index.ts';
import { scorePredictor } from '../train/evaluate.ts';
import { HOLDOUT_RULE } from '../train/holdout.ts';

/** What the gate compared: on the hold-out, or (legacy serving version) on validation slices. */
export interface GateScores {
  basis: 'holdout' | 'validation';
  servingRmse: number | null;
  candidateRmse: number;
}

export interface ServingModelRef {
  dir: string;
  manifest: Manifest;
}

export interface RmseGate {
  accept: (manifest: Manifest, evidence: { holdout: RatingTable }) => Promise<string[]>;
  /** Set once accept has run. */
  scores?: GateScores;
}

async function servingHoldoutRmse(serving: ServingModelRef, holdout: RatingTable): Promise<number> {
  // The serving version's stars path, read by the same loader as serving (whatever layout it was written in).
  const { dnmf } = await loadTasteModel(serving.dir, serving.manifest.files);
  const model = DnmfModel.deserialize(dnmf as SerializedDnmf);
  return scorePredictor(model, holdout).rmse;
}

export function rmseGate(serving: ServingModelRef | null, maxIncrease: number): RmseGate {
  const gate: RmseGate = {
    accept: async (manifest, { holdout }) => {
      const sameHoldout =
        serving?.manifest.holdout?.rule === HOLDOUT_RULE &&
        manifest.holdout?.rule === HOLDOUT_RULE &&
        holdout.ratings.length > 0;
      const scores: GateScores = sameHoldout
        ? {
            basis: 'holdout',
            servingRmse: await servingHoldoutRmse(serving, holdout),
            candidateRmse: manifest.dnmf.metrics.holdoutRmse ?? NaN,
          }
        : {
            basis: 'validation',
            servingRmse: serving?.manifest.dnmf.metrics.validationRmse ?? null,
            candidateRmse: manifest.dnmf.metrics.validationRmse,
          };
      gate.scores = scores;
      return compare(scores, maxIncrease);
    },
  };
  return gate;
}

/** The problems found; none means publish. */
export function compare({ basis, servingRmse, candidateRmse }: GateScores, maxIncrease: number): string[] {
  const what = basis === 'holdout' ? 'hold-out RMSE' : 'validation RMSE';
  if (!Number.isFinite(candidateRmse)) return [`${what} is ${candidateRmse}, not a number`];
  if (servingRmse === null || !Number.isFinite(servingRmse)) return [];
  const limit = servingRmse + maxIncrease;
  if (candidateRmse <= limit) return [];
  return [
    `${what} ${candidateRmse.toFixed(4)} is worse than the serving version's ${servingRmse.toFixed(4)} ` +
      `by more than the allowed ${maxIncrease} (limit ${limit.toFixed(4)})`,
  ];
}
