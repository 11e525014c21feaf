/**
 * A stand-in training process for tests: writes the TrainRequest it received next to the models
 * folder (request.json), so a test can check what crossed the process boundary, then fails.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

process.once('message', (request: { modelsDir: string }) => {
  writeFileSync(path.join(path.dirname(request.modelsDir), 'request.json'), JSON.stringify(request));
  process.send!({ type: 'error', message: 'recording worker: request saved' }, undefined, undefined, () =>
    process.exit(1),
  );
});
