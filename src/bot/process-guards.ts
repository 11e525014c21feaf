/**
 * Process-level behaviour for every bot process (single, sharding manager, shard): an unhandled
 * rejection or uncaught exception is logged and ends the process with code 1, so its supervisor
 * (systemd, the container runtime, the ShardingManager) restarts a clean one instead of it limping
 * on in an unknown state; SIGTERM/SIGINT run a graceful stop once, and a second signal forces it.
 */
import type { Logger } from 'pino';

/** How long a fatal log line gets to reach its destination before the process exits anyway. */
const FATAL_FLUSH_MS = 1_000;

function exitAfterFlush(logger: Logger, code: number): void {
  process.exitCode = code;
  const exit = () => process.exit(code);
  setTimeout(exit, FATAL_FLUSH_MS).unref();
  try {
    logger.flush(exit);
  } catch {
    exit();
  }
}

export function installCrashHandlers(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.fatal(
      { err: reason },
      'unhandled promise rejection: exiting so the supervisor restarts the process',
    );
    exitAfterFlush(logger, 1);
  });
  process.on('uncaughtException', (error, origin) => {
    logger.fatal(
      { err: error, origin },
      'uncaught exception: exiting so the supervisor restarts the process',
    );
    exitAfterFlush(logger, 1);
  });
}

/**
 * Runs `stop` on the first SIGTERM/SIGINT, then exits 0 (or 1 if it failed); a second signal exits
 * at once, unless `secondSignalForces` is false: a shard gets Ctrl-C's SIGINT with its whole process
 * group and then the manager's SIGTERM, and should still drain (the manager kills it after 15 s).
 */
export function onShutdownSignal(
  logger: Logger,
  stop: (signal: string) => Promise<void>,
  { secondSignalForces = true }: { secondSignalForces?: boolean } = {},
): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping && !secondSignalForces) return;
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop(signal).then(
      () => exitAfterFlush(logger, 0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitAfterFlush(logger, 1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
