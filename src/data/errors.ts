/** Errors about the dataset on disk, always naming the file (and the line when there is one). */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'DatasetError';
  }
}

/** The dataset directory or one of its files does not exist. */
export class DatasetMissingError extends DatasetError {
  constructor(file: string, hint: string) {
    super(`not found. ${hint}`, file);
    this.name = 'DatasetMissingError';
  }
}
