/**
 * The taste model's MF path as the shared inference layer holds it: the watch model's movie vectors and
 * what folding a member in needs. Training writes these, the artifact loader reads them, serving and the
 * evaluation score with them (src/model/ imports no layer above data, so every one of them may import it).
 */

/** Unit-length movie vectors of the watch model (train/watch-model.ts): a dot product is a cosine. */
export interface WatchVectors {
  dim: number;
  /** Ascending. */
  movieIds: Int32Array;
  /** Row i is movieIds[i]'s vector. */
  vectors: Float32Array;
  /**
   * movieIds[i]'s exposure price (train/watch-prices.ts): subtracted from a gem's summed cosine so that no
   * movie fills most answers. Absent in versions from before it, which are not served (artifacts/verify.ts).
   */
  prices?: Float32Array;
  /**
   * What folding a member in needs (model/taste-fold-in.ts): absent in versions from before it, which are
   * not served (artifacts/verify.ts).
   */
  foldIn?: WatchFoldIn;
}

/**
 * The MF path's exact fold-in (implicit's recalculate_user): a member who rated movies u gets
 * x = (YᵀY + α Σ_{i∈u} y_i y_iᵀ + λI)⁻¹ (1 + α) Σ_{i∈u} y_i, with y_i = vectors[i] · norms[i].
 */
export interface WatchFoldIn {
  /** ‖y_i‖ of each movie's fitted factor, aligned with movieIds. */
  norms: Float32Array;
  /** YᵀY over every fitted factor, d × d row-major. */
  gramian: Float64Array;
  lambda: number;
  alpha: number;
}
