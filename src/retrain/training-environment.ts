/**
 * The environment the training process gets: an allow-list, never the bot's whole environment.
 * Training needs no Discord token, TMDB key or store URL (everything it uses comes in its
 * TrainRequest), and a child that never holds a secret cannot leak one, into a crash dump, a core
 * file, a log line or a dependency that reads process.env.
 */

/** Exact names passed on when set. */
const ALLOWED = new Set([
  // Finding programs and libraries, temp files, locale and time zone.
  'PATH',
  'HOME',
  'USERPROFILE',
  'TMPDIR',
  'TEMP',
  'TMP',
  'TZ',
  'LANG',
  'LANGUAGE',
  // Node itself (heap flags, CA bundles for nothing but still honoured, module paths).
  'NODE_OPTIONS',
  'NODE_ENV',
  'NODE_PATH',
  'UV_THREADPOOL_SIZE',
  // FlickPick's own non-secret settings the training code may read.
  'LOG_LEVEL',
  'MOVIELENS_DIR',
  'MOVIELENS_DATASET',
  'MOVIELENS_SPLIT_DIR',
  'MODELS_DIR',
  'DATA_DIR',
  // Windows needs these to start any process at all.
  'SYSTEMROOT',
  'SystemRoot',
  'WINDIR',
  'COMSPEC',
]);

/** Prefixes passed on: locale categories, TensorFlow's native settings (threads, log level), tsx's. */
const ALLOWED_PREFIXES = ['LC_', 'TF_', 'TSX_'];

export function trainingEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const allowed: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (ALLOWED.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix)))
      allowed[name] = value;
  }
  return allowed;
}
