export { TMDB_ATTRIBUTION } from './attribution.ts';
export { DEFAULT_IMAGE_BASE_URL } from './image-base.ts';
export type { PosterLogger } from './logger.ts';
export { PosterService, type GetPostersOptions, type PosterServiceOptions } from './poster-service.ts';
export { redactSecrets, redactUrl } from './redact.ts';
export { DEFAULT_TMDB_BASE_URL, type MovieExtras, type RegionProviders } from './tmdb-client.ts';
