/**
 * The DNMF as serving holds it: the forward pass over the serialised weights, raw id ↔ row lookups, and
 * the model's own regularisation (so a member folded in at request time is fitted like a trained user).
 */
import { DnmfScorer, type DenseLayer, type DnmfArrays, type DnmfShape } from './dnmf.ts';

/** A DNMF as a version stores it: its metadata and its named weight buffers. */
export interface SerializedModel {
  meta: object;
  buffers: Record<string, Float32Array>;
}

/** The penalties a user row pays in training (see DnmfOptions): what a fold-in must use too. */
export interface UserRegularisation {
  /** λ per GMF row, charged once (a Gaussian prior). */
  gmfPerRow: number;
  /** λ per GMF row per rating. */
  gmfPerRating: number;
  /** λ on the user bias, once per user. */
  userBias: number;
}

export interface ServingDnmf {
  scorer: DnmfScorer;
  /** Raw id → embedding row. */
  userRows: Map<number, number>;
  movieRows: Map<number, number>;
  /** Row → raw movie id. */
  movieIds: Int32Array;
  regularisation: UserRegularisation;
  /**
   * First-layer user half for the mean trained MLP user embedding: a folded-in member's MLP side (see
   * src/serve/fold-in.ts for why it is not fitted).
   */
  meanUserFirst: Float32Array;
  /** Per movie row, the MLP path for meanUserFirst: a folded-in member's (pick-independent) MLP term. */
  meanUserMlpPath: Float32Array;
}

interface Meta {
  format: string;
  formatVersion: number;
  options: Record<string, unknown>;
  shape: DnmfShape;
  globalMean: number;
  userIds: ArrayLike<number>;
  movieIds: ArrayLike<number>;
}

/** The tag a serialised DNMF carries: written by training (train/dnmf/model.ts), checked by every reader. */
export const DNMF_FORMAT = 'flickpick-dnmf';
export const DNMF_FORMAT_VERSION = 1;

/**
 * A serialised DNMF's named buffers, checked once for both readers (training's DnmfModel.deserialize and
 * servingDnmf): the format tag, then each buffer as it is taken, present and of the length the shape says.
 */
export function dnmfBufferReader(
  meta: { format: string; formatVersion: number },
  buffers: Record<string, Float32Array>,
): {
  take(name: string, length: number): Float32Array;
  layer(prefix: string, inputs: number, outputs: number): DenseLayer;
} {
  if (meta.format !== DNMF_FORMAT || meta.formatVersion !== DNMF_FORMAT_VERSION) {
    throw new Error(
      `not a ${DNMF_FORMAT} v${DNMF_FORMAT_VERSION} model: ${meta.format} v${meta.formatVersion}`,
    );
  }
  const take = (name: string, length: number): Float32Array => {
    const buffer = buffers[name];
    if (!buffer) throw new Error(`DNMF buffer ${name} is missing`);
    if (buffer.length !== length)
      throw new Error(`DNMF buffer ${name} has ${buffer.length} values, not ${length}`);
    return buffer;
  };
  const layer = (prefix: string, inputs: number, outputs: number): DenseLayer => ({
    kernel: take(`${prefix}.kernel`, inputs * outputs),
    bias: take(`${prefix}.bias`, outputs),
    inputs,
    outputs,
  });
  return { take, layer };
}

/** Reads DnmfModel.serialize()'s output (the files a version holds) into a ServingDnmf. */
export interface ServingDnmfOptions {
  /**
   * Keep the trained users' embeddings (default true; the training side's checks read them). A serving
   * bot folds members in, so it drops them (200,948 users × 73 floats ≈ 59 MB on ml-32m) after
   * taking their mean MLP embedding, which folded-in members use.
   */
  trainedUsers?: boolean;
}

/** The trained users' GMF table: the bulk of the user side, which a serving bot need not read at all. */
export const TRAINED_USER_GMF = 'userGmf';

export function servingDnmf(serialized: SerializedModel, options: ServingDnmfOptions = {}): ServingDnmf {
  const meta = serialized.meta as Meta;
  const { shape } = meta;
  const buffers = serialized.buffers;
  const { take, layer } = dnmfBufferReader(meta, buffers);
  const mlp: DenseLayer[] = [];
  let inputs = 2 * shape.mlpDim;
  shape.mlpLayers.forEach((outputs, i) => {
    mlp.push(layer(`mlp.${i}`, inputs, outputs));
    inputs = outputs;
  });
  const arrays: DnmfArrays = {
    shape,
    globalMean: meta.globalMean,
    // Without trained users the loader may leave their GMF table unread (withoutTrainedUsers ignores it).
    userGmf:
      options.trainedUsers === false && !buffers[TRAINED_USER_GMF]
        ? new Float32Array(0)
        : take(TRAINED_USER_GMF, shape.users * shape.gmfDim),
    movieGmf: take('movieGmf', shape.movies * shape.gmfDim),
    userMlp: take('userMlp', shape.users * shape.mlpDim),
    movieMlp: take('movieMlp', shape.movies * shape.mlpDim),
    userBias: take('userBias', shape.users),
    movieBias: take('movieBias', shape.movies),
    mlp,
    output: layer('output', shape.gmfDim + inputs, 1),
  };
  if (meta.userIds.length !== shape.users || meta.movieIds.length !== shape.movies) {
    throw new Error('DNMF id lists do not match the table shapes');
  }
  const regularisation = regularisationOf(meta.options);
  if (options.trainedUsers === false) return withoutTrainedUsers(arrays, meta.movieIds, regularisation);
  return fromArrays(arrays, meta.userIds, meta.movieIds, regularisation);
}

/**
 * The model without its user tables: the mean MLP user embedding is taken first, and the movie side and
 * dense layers are copied out of the weights file's buffer (they are views of it), so that buffer, user
 * tables included, can be freed.
 */
function withoutTrainedUsers(
  arrays: DnmfArrays,
  movieIds: ArrayLike<number>,
  regularisation: UserRegularisation,
): ServingDnmf {
  const { users, mlpDim } = arrays.shape;
  const mean = new Float64Array(mlpDim);
  for (let u = 0; u < users; u++) for (let i = 0; i < mlpDim; i++) mean[i] += arrays.userMlp[u * mlpDim + i];
  const meanUserMlp = Float32Array.from(mean, (x) => (users > 0 ? x / users : 0));
  const own = (layer: DenseLayer): DenseLayer => ({
    ...layer,
    kernel: layer.kernel.slice(),
    bias: layer.bias.slice(),
  });
  const slim: DnmfArrays = {
    ...arrays,
    shape: { ...arrays.shape, users: 0 },
    userGmf: new Float32Array(0),
    userMlp: new Float32Array(0),
    userBias: new Float32Array(0),
    movieGmf: arrays.movieGmf.slice(),
    movieMlp: arrays.movieMlp.slice(),
    movieBias: arrays.movieBias.slice(),
    mlp: arrays.mlp.map(own),
    output: own(arrays.output),
  };
  return fromArrays(slim, [], movieIds, regularisation, meanUserMlp);
}

/** A ServingDnmf from weights in memory (training's own model, or a hand-made one in tests). */
export function fromArrays(
  arrays: DnmfArrays,
  userIds: ArrayLike<number>,
  movieIds: ArrayLike<number>,
  regularisation: UserRegularisation,
  /** The trained users' mean MLP embedding, when `arrays` no longer holds the users (withoutTrainedUsers). */
  meanUserMlp?: Float32Array,
): ServingDnmf {
  const scorer = new DnmfScorer(arrays);
  const meanUserFirst = scorer.firstLayerOf(meanUserMlp ?? scorer.meanUserMlp(arrays.userMlp));
  const meanUserMlpPath = new Float32Array(scorer.movies);
  for (let m = 0; m < scorer.movies; m++) meanUserMlpPath[m] = scorer.mlpPath(meanUserFirst, m);
  return {
    scorer,
    userRows: new Map(Array.from(userIds, (id, row) => [id, row])),
    movieRows: new Map(Array.from(movieIds, (id, row) => [id, row])),
    movieIds: Int32Array.from(movieIds),
    regularisation,
    meanUserFirst,
    meanUserMlpPath,
  };
}

function regularisationOf(options: Record<string, unknown>): UserRegularisation {
  const number = (name: string): number => {
    const value = options[name];
    if (typeof value !== 'number' || !(value >= 0))
      throw new Error(`DNMF option ${name} is missing or invalid`);
    return value;
  };
  return {
    gmfPerRow: number('l2EmbeddingPerRow'),
    gmfPerRating: number('l2EmbeddingPerRating'),
    userBias: number('l2UserBias'),
  };
}
