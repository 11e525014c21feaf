/** DNMF (deep neural matrix factorisation): GMF + MLP paths over user/movie embeddings, trained with tfjs. */
export type { DnmfEpoch, DnmfOptions, DnmfProgress, DnmfReport } from './types.ts';
export { DEFAULT_DNMF_OPTIONS, resolveDnmfOptions } from './options.ts';
export { DnmfModel, type DnmfMeta, type SerializedDnmf } from './model.ts';
export { trainDnmf } from './train.ts';
