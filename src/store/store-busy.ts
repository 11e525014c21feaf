/** A store operation that could not get the store within its wait: nothing of it was written. */
export class StoreBusyError extends Error {
  constructor(what: string, waitedMs: number) {
    super(`store busy: ${what} waited ${waitedMs} ms for another writer and was not applied`);
    this.name = 'StoreBusyError';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
